using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>What a parent has not read in the contact book.</summary>
public sealed record UnreadCounts
{
    public long Messages { get; init; }
    public long Announcements { get; init; }
}

/// <summary>A mark book cell of a child entered or changed since the last digest.</summary>
public sealed record DigestMark
{
    public string SubjectName { get; init; } = "";
    public string ColumnKey { get; init; } = "";
    public int? ScoreTenths { get; init; }
    public string? Rating { get; init; }
}

/// <summary>The parents' weekly digest: who wants one, what they have not read, and which weeks were sent.</summary>
public sealed class DigestRepository(Db db, TimeProvider clock)
{
    private static readonly Sql WantingSql = Sql.Portable("SELECT user_id FROM contact_preferences WHERE weekly_digest = @yes ORDER BY user_id");

    public Task<IReadOnlyList<Guid>> ParentsWantingAsync() => db.QueryAsync<Guid>(WantingSql, new { yes = true });

    private static readonly Sql ClaimSql = Sql.PerDialect(d => d.InsertIgnore("contact_digests",
        ["parent_id", "week_start", "sent_at"], ["@parentId", "@weekStart", "@now"], ["parent_id", "week_start"]));

    /// <summary>Takes the parent's digest of the week to send; false when it was sent already (by this node or another).</summary>
    public async Task<bool> ClaimAsync(Guid parentId, string weekStart) =>
        await db.ExecuteAsync(ClaimSql, new { parentId, weekStart, now = clock.GetUtcNow() }) == 1;

    private static readonly Sql UnreadSql = Sql.Portable(
        "SELECT (SELECT COUNT(*) FROM contact_messages m JOIN contact_conversations c ON c.id = m.conversation_id " +
        "WHERE c.parent_id = @parentId AND m.sender_id <> @parentId AND m.read_at IS NULL) AS messages, " +
        "(SELECT COUNT(*) FROM contact_announcement_recipients r WHERE r.parent_id = @parentId AND r.read_at IS NULL) AS announcements");

    public async Task<UnreadCounts> UnreadAsync(Guid parentId) =>
        await db.SingleOrDefaultAsync<UnreadCounts>(UnreadSql, new { parentId }) ?? new UnreadCounts();

    private static readonly Sql LastSentSql = Sql.Portable(
        "SELECT MAX(sent_at) FROM contact_digests WHERE parent_id = @parentId AND week_start < @weekStart");

    /// <summary>When the parent's digest before the week's was sent; null before their first.</summary>
    public Task<DateTimeOffset?> LastSentAsync(Guid parentId, string weekStart) =>
        db.ScalarAsync<DateTimeOffset?>(LastSentSql, new { parentId, weekStart });

    private static readonly Sql NewMarksSql = Sql.Portable(
        "SELECT s.name AS subject_name, m.column_key, m.score_tenths, m.rating FROM mark_cells m JOIN subjects s ON s.id = m.subject_id " +
        "WHERE m.student_id = @studentId AND m.class_id = @classId AND m.updated_at > @since ORDER BY s.position, s.name, m.column_key");

    /// <summary>The child's marks entered or changed after <paramref name="since"/>.</summary>
    public Task<IReadOnlyList<DigestMark>> NewMarksAsync(Guid studentId, Guid classId, DateTimeOffset since) =>
        db.QueryAsync<DigestMark>(NewMarksSql, new { studentId, classId, since });
}
