using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (Debian's python3-aiosmtpd) on a free loopback port, keeping every message it
/// receives in a Maildir that the test reads.
/// </summary>
public sealed class SmtpServer : IAsyncLifetime
{
    private Process? _process;
    private string _maildir = "";

    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _maildir = Path.Combine(Path.GetTempPath(), "lms-smtp-" + Guid.NewGuid().ToString("N")[..8]);
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        // Debian's python, not a pyenv one that lacks the package.
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python,
            ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", _maildir])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath(),
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start python3 -m aiosmtpd.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (attempt < 400 && !_process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                throw new InvalidOperationException(
                    "aiosmtpd did not start: run ./build.sh test (it installs python3-aiosmtpd).");
            }
        }
    }

    /// <summary>Every message received so far.</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var folder = Path.Combine(_maildir, "new");
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder).Order().Select(f => MimeMessage.Load(f)).ToList();
    }

    /// <summary>The first message to <paramref name="to"/> of this kind, waiting a bounded time for delivery.</summary>
    public async Task<MimeMessage> WaitForAsync(string to, string kind)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var found = Messages().FirstOrDefault(m =>
                m.To.Mailboxes.Any(a => a.Address.Equals(to, StringComparison.OrdinalIgnoreCase)) && m.Headers["X-Lms-Kind"] == kind);
            if (found is not null) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No {kind} message to {to} reached the SMTP server; it has {Messages().Count} message(s).");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        try { Directory.Delete(_maildir, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>The real server sending its mail through <see cref="SmtpServer"/>.</summary>
public sealed class SmtpLmsServer : SqliteLmsServer
{
    public SmtpServer Smtp { get; } = new();

    protected override IEnumerable<string> ExtraArguments =>
        ["--Mail:Smtp:Host=127.0.0.1", $"--Mail:Smtp:Port={Smtp.Port}", "--Mail:Smtp:Security=none"];

    public override async ValueTask InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
