using System.Text.Json.Serialization;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>How a person wants to hear of the contact book: by e-mail, by push, a weekly digest, and when not at all.</summary>
public sealed record ContactPreferences
{
    public bool ByEmail { get; init; } = true;
    public bool ByPush { get; init; } = true;
    public bool WeeklyDigest { get; init; }
    /// <summary>Minutes after midnight, Vietnam time; both null: no quiet hours.</summary>
    public int? QuietFrom { get; init; }
    public int? QuietTo { get; init; }
    /// <summary>The language of what is mailed or pushed to them (vi or en).</summary>
    public string Language { get; init; } = "vi";

    [JsonIgnore]
    public ContactQuietHours? QuietHours => QuietFrom is { } from && QuietTo is { } to ? new ContactQuietHours(from, to) : null;
}

public static class ContactNotificationKinds
{
    public const string Message = "message";
    public const string Announcement = "announcement";
}

/// <summary>A notification whose time has come: to whom, of what.</summary>
public sealed record DueNotification
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string Kind { get; init; } = "";
    public Guid SubjectId { get; init; }
    public DateTimeOffset DueAt { get; init; }
}

/// <summary>
/// Each person's notification choices, and the notifications waiting to go out: written when a message or an
/// announcement is sent, due at once or at the end of the reader's quiet hours, and claimed by one sender once.
/// </summary>
public sealed class ContactNotificationRepository(Db db, TimeProvider clock)
{
    private static readonly Sql PreferencesSql = Sql.Portable(
        "SELECT by_email, by_push, weekly_digest, quiet_from, quiet_to, language FROM contact_preferences WHERE user_id = @userId");

    public async Task<ContactPreferences> PreferencesAsync(Guid userId) =>
        await db.SingleOrDefaultAsync<ContactPreferences>(PreferencesSql, new { userId }) ?? new ContactPreferences();

    private static readonly Sql SaveInsertSql = Sql.PerDialect(d => d.InsertIgnore("contact_preferences",
        ["user_id", "by_email", "by_push", "weekly_digest", "quiet_from", "quiet_to", "language"],
        ["@userId", "@ByEmail", "@ByPush", "@WeeklyDigest", "@QuietFrom", "@QuietTo", "@Language"], ["user_id"]));
    private static readonly Sql SaveUpdateSql = Sql.Portable(
        "UPDATE contact_preferences SET by_email = @ByEmail, by_push = @ByPush, weekly_digest = @WeeklyDigest, quiet_from = @QuietFrom, " +
        "quiet_to = @QuietTo, language = @Language WHERE user_id = @userId");

    public async Task SaveAsync(Guid userId, ContactPreferences preferences)
    {
        var args = new
        {
            userId, preferences.ByEmail, preferences.ByPush, preferences.WeeklyDigest, preferences.QuietFrom, preferences.QuietTo,
            preferences.Language,
        };
        if (await db.ExecuteAsync(SaveInsertSql, args) == 0) await db.ExecuteAsync(SaveUpdateSql, args);
    }

    private static readonly Sql QueueSql = Sql.PerDialect(d => d.InsertIgnore("contact_notifications",
        ["id", "user_id", "kind", "subject_id", "created_at", "due_at"],
        ["@id", "@userId", "@kind", "@subjectId", "@now", "@dueAt"], ["user_id", "subject_id"]));

    /// <summary>
    /// Queues a notification of <paramref name="subjectId"/> for each person, due now or, for someone in their quiet
    /// hours, when those end. Returns when each is due.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> QueueAsync(IReadOnlyCollection<Guid> userIds, string kind, Guid subjectId)
    {
        var now = clock.GetUtcNow();
        var due = new Dictionary<Guid, DateTimeOffset>();
        foreach (var userId in userIds)
        {
            var dueAt = (await PreferencesAsync(userId)).QuietHours?.NextAllowed(now) ?? now;
            await db.ExecuteAsync(QueueSql, new { id = Guid.CreateVersion7(), userId, kind, subjectId, now, dueAt });
            due[userId] = dueAt;
        }
        return due;
    }

    private static readonly Sql DueSql = Sql.PerDialect(d =>
        "SELECT id, user_id, kind, subject_id, due_at FROM contact_notifications WHERE sent_at IS NULL AND due_at <= @asOf " +
        "ORDER BY due_at " + d.Page());

    /// <summary>Unsent notifications due by <paramref name="asOf"/>, the oldest first.</summary>
    public Task<IReadOnlyList<DueNotification>> DueAsync(DateTimeOffset asOf, int take) =>
        db.QueryAsync<DueNotification>(DueSql, new { asOf, skip = 0, take });

    private static readonly Sql PendingSql = Sql.Portable(
        "SELECT id, user_id, kind, subject_id, due_at FROM contact_notifications WHERE user_id = @userId AND sent_at IS NULL ORDER BY due_at");

    /// <summary>A person's notifications still waiting (in their quiet hours, say).</summary>
    public Task<IReadOnlyList<DueNotification>> PendingAsync(Guid userId) => db.QueryAsync<DueNotification>(PendingSql, new { userId });

    private static readonly Sql ClaimSql = Sql.Portable("UPDATE contact_notifications SET sent_at = @now WHERE id = @id AND sent_at IS NULL");

    /// <summary>Takes a notification to send; false when another sender (another node) took it first.</summary>
    public async Task<bool> ClaimAsync(Guid id) => await db.ExecuteAsync(ClaimSql, new { id, now = clock.GetUtcNow() }) == 1;
}
