using MimeKit;

namespace Lms.Server.Communication.Mail;

public sealed record OutboxMessage(string Id, string Status, DateTimeOffset Date, string To, string Subject, string Text, string? Kind);

/// <summary>
/// Every message is first written here as an .eml file (pending/), so nothing is lost when the
/// mail server is down or the process restarts; <see cref="SmtpDelivery"/> moves what it sent to
/// sent/. With no SMTP server configured the messages simply stay in pending/.
/// </summary>
public sealed class MailOutbox
{
    public const string Pending = "pending";
    public const string Sending = "sending";
    public const string Sent = "sent";

    private readonly SemaphoreSlim _signal = new(0);

    public MailOutbox(string folder)
    {
        Folder = folder;
        foreach (var sub in new[] { Pending, Sending, Sent }) Directory.CreateDirectory(Path.Combine(folder, sub));
    }

    public string Folder { get; }

    public async Task EnqueueAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var temporary = Path.Combine(Folder, Pending, id + ".tmp");
        await using (var file = File.Create(temporary))
            await message.WriteToAsync(file, cancellationToken);
        // Renamed once complete: the sender never picks up half a message.
        File.Move(temporary, Path.Combine(Folder, Pending, id + ".eml"));
        _signal.Release();
    }

    /// <summary>Waits until a message is queued or the time is up.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>
    /// Puts back messages a sender claimed and never finished (the process stopped mid-send) once
    /// they are older than <paramref name="after"/>, so that a live sender on another server keeps its own.
    /// </summary>
    public void RequeueAbandoned(TimeSpan after)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Folder, Sending), "*.eml"))
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < after) continue;
            try { File.Move(file, Path.Combine(Folder, Pending, Path.GetFileName(file))); }
            catch (IOException) { } // another server put it back first
        }
    }

    public IEnumerable<string> PendingFiles() =>
        Directory.EnumerateFiles(Path.Combine(Folder, Pending), "*.eml").Order();

    /// <summary>The newest messages first, pending and sent.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> ListAsync(int take, CancellationToken cancellationToken = default)
    {
        var files = new[] { Pending, Sending, Sent }
            .SelectMany(status => Directory.EnumerateFiles(Path.Combine(Folder, status), "*.eml").Select(f => (status, f)))
            .OrderByDescending(x => Path.GetFileName(x.f)) // version 7 ids sort by time
            .Take(take);
        var list = new List<OutboxMessage>();
        foreach (var (status, path) in files)
        {
            try
            {
                var message = await MimeMessage.LoadAsync(path, cancellationToken);
                list.Add(new OutboxMessage(Path.GetFileNameWithoutExtension(path), status, message.Date,
                    message.To.ToString(), message.Subject ?? "", message.TextBody ?? "", message.Headers["X-Lms-Kind"]));
            }
            catch (IOException)
            {
                // Moved by the sender while we listed: it shows next time.
            }
        }
        return list;
    }
}
