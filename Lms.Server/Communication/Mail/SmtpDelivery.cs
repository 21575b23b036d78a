using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Lms.Server.Communication.Mail;

/// <summary>
/// Sends the outbox's pending messages through the configured SMTP server, oldest first. A
/// message is claimed by moving its file (atomic), so two servers sharing the data folder never
/// send it twice; on failure it goes back and is retried with growing pauses.
/// </summary>
public sealed class SmtpDelivery(MailOutbox outbox, IOptions<MailOptions> options, ILogger<SmtpDelivery> log) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var smtp = options.Value.Smtp;
        if (!smtp.Configured)
        {
            log.LogInformation("No Mail:Smtp:Host: outgoing mail stays in {Folder}", outbox.Folder);
            return;
        }
        outbox.RequeueAbandoned(TimeSpan.FromMinutes(10));
        var pause = TimeSpan.FromSeconds(2);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SendPendingAsync(smtp, stoppingToken);
                pause = TimeSpan.FromSeconds(2);
                await outbox.WaitAsync(Idle, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is IOException or SmtpCommandException or SmtpProtocolException
                                              or AuthenticationException or System.Net.Sockets.SocketException or SslHandshakeException)
            {
                log.LogWarning(error, "Sending mail through {Host}:{Port} failed; trying again in {Pause}", smtp.Host, smtp.Port, pause);
                await Task.Delay(pause, stoppingToken);
                pause = pause * 2 > MaxPause ? MaxPause : pause * 2;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Anything else (a file the outbox could not move, a client state MailKit refuses) must not end delivery for good.
                log.LogError(error, "Mail delivery failed unexpectedly; trying again in {Pause}", pause);
                await Task.Delay(pause, stoppingToken);
                pause = pause * 2 > MaxPause ? MaxPause : pause * 2;
            }
        }
    }

    private async Task SendPendingAsync(SmtpOptions smtp, CancellationToken cancellationToken)
    {
        SmtpClient? client = null;
        try
        {
            foreach (var pending in outbox.PendingFiles())
            {
                var sending = Path.Combine(outbox.Folder, MailOutbox.Sending, Path.GetFileName(pending));
                try { File.Move(pending, sending); }
                catch (IOException) { continue; } // another server took it
                try
                {
                    var message = await MimeMessage.LoadAsync(sending, cancellationToken);
                    client ??= await ConnectAsync(smtp, cancellationToken);
                    await client.SendAsync(message, cancellationToken);
                    File.Move(sending, Path.Combine(outbox.Folder, MailOutbox.Sent, Path.GetFileName(pending)));
                }
                catch
                {
                    File.Move(sending, pending);
                    throw;
                }
            }
        }
        finally
        {
            if (client is not null)
            {
                if (client.IsConnected) await client.DisconnectAsync(quit: true, CancellationToken.None);
                client.Dispose();
            }
        }
    }

    private static async Task<SmtpClient> ConnectAsync(SmtpOptions smtp, CancellationToken cancellationToken)
    {
        var client = new SmtpClient();
        var security = smtp.Security.ToLowerInvariant() switch
        {
            "none" => SecureSocketOptions.None,
            "starttls" => SecureSocketOptions.StartTls,
            "ssl" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        await client.ConnectAsync(smtp.Host!, smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User))
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        return client;
    }
}
