using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Communication.Mail;

namespace Lms.Server.SchoolYear;

/// <summary>
/// What a person is told of: a new message in one of their threads, or an announcement to them; the values the
/// translated texts (Communication/Mail/Texts) word in the reader's language.
/// </summary>
public sealed record ContactNotice(string Kind, Guid SubjectId, string Path, IReadOnlyDictionary<string, string> Values)
{
    public string MailKind => Kind == ContactNotificationKinds.Message ? ContactMailChannel.MessageKind : ContactMailChannel.AnnouncementKind;
}

/// <summary>One way of telling a person (e-mail, Web Push); each person chooses which in their contact-book settings.</summary>
public interface IContactChannel
{
    Task SendAsync(UserRow recipient, ContactPreferences preferences, ContactNotice notice, CancellationToken cancellationToken);
}

/// <summary>The contact book's e-mail: through the platform's outbox and SMTP delivery, in the reader's language.</summary>
public sealed class ContactMailChannel(Mailer mailer) : IContactChannel
{
    public const string MessageKind = "contact-message";
    public const string AnnouncementKind = "contact-announcement";

    public async Task SendAsync(UserRow recipient, ContactPreferences preferences, ContactNotice notice, CancellationToken cancellationToken)
    {
        if (!preferences.ByEmail || recipient.Email is null) return;
        var values = new Dictionary<string, string>(notice.Values) { ["name"] = recipient.DisplayName, ["link"] = mailer.Link(notice.Path) };
        await mailer.SendAsync(recipient.Email, recipient.DisplayName, notice.MailKind, preferences.Language, values, cancellationToken);
    }
}

/// <summary>
/// Queues the notifications of what was sent (due at once, or when the reader's quiet hours end) and sends those that
/// are due through every channel. Each notification is claimed once in the database, so two nodes never send it twice.
/// </summary>
public sealed class ContactNotifier(
    ContactNotificationRepository notifications, ContactRepository contacts, ContactAnnouncementRepository announcements, UserRepository users,
    IEnumerable<IContactChannel> channels, TimeProvider clock, ILogger<ContactNotifier> log)
{
    private readonly SemaphoreSlim _queued = new(0);

    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> QueueAsync(IReadOnlyCollection<Guid> userIds, string kind, Guid subjectId)
    {
        var due = await notifications.QueueAsync(userIds, kind, subjectId);
        if (due.Values.Any(d => d <= clock.GetUtcNow())) _queued.Release();
        return due;
    }

    /// <summary>Waits until something is queued or the time is up (the sender's loop).</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _queued.WaitAsync(timeout, cancellationToken);

    /// <summary>Sends what is due by <paramref name="asOf"/>; returns how many this node sent.</summary>
    public async Task<int> SendDueAsync(DateTimeOffset asOf, CancellationToken cancellationToken = default)
    {
        var sent = 0;
        foreach (var due in await notifications.DueAsync(asOf, 200))
        {
            if (!await notifications.ClaimAsync(due.Id)) continue;
            try
            {
                if (await users.GetAsync(due.UserId) is not { } recipient) continue;
                var preferences = await notifications.PreferencesAsync(due.UserId);
                if (await NoticeAsync(due) is not { } notice) continue;
                foreach (var channel in channels) await channel.SendAsync(recipient, preferences, notice, cancellationToken);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Claimed and not sent: the message itself is stored and shows in the app; one lost alert is not retried forever.
                log.LogWarning(e, "A contact-book notification {Id} could not be sent.", due.Id);
            }
        }
        return sent;
    }

    private async Task<ContactNotice?> NoticeAsync(DueNotification due)
    {
        if (due.Kind == ContactNotificationKinds.Message)
        {
            if (await contacts.MessageAsync(due.SubjectId) is not { } message) return null;
            if (await contacts.ConversationAsync(message.ConversationId, due.UserId) is not { } conversation) return null;
            return new ContactNotice(due.Kind, message.Id, $"/contact-book/conversations/{conversation.Id}", new Dictionary<string, string>
            {
                ["sender"] = message.SenderName, ["student"] = conversation.StudentName, ["text"] = Excerpt(message.Body),
            });
        }
        if (await announcements.GetAsync(due.SubjectId, due.UserId) is not { } announcement) return null;
        return new ContactNotice(due.Kind, announcement.Id, $"/contact-book/announcements/{announcement.Id}", new Dictionary<string, string>
        {
            ["sender"] = announcement.AuthorName, ["title"] = announcement.Title, ["text"] = Excerpt(announcement.Body),
            ["audience"] = announcement.ClassName ?? "",
        });
    }

    /// <summary>The start of a text, for a push notification or a mail's preview; the whole of it is in the app.</summary>
    public static string Excerpt(string text) => text.Length <= 280 ? text : text[..279] + "…";
}

/// <summary>Sends the contact book's notifications as they fall due (at once, or at the end of quiet hours).</summary>
public sealed class ContactNotificationSender(ContactNotifier notifier, TimeProvider clock, ILogger<ContactNotificationSender> log) : BackgroundService
{
    /// <summary>How often the sender looks for notifications whose quiet hours have ended.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await notifier.SendDueAsync(clock.GetUtcNow(), stoppingToken);
                await notifier.WaitAsync(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Sending the contact book's notifications failed; trying again shortly.");
                await Task.Delay(Interval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
