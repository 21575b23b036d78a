using Lms.Grains.Data;

namespace Lms.Grains.Courses;

public sealed record SeenRow
{
    public Guid ItemId { get; init; }
    public DateTimeOffset SeenAt { get; init; }
}

/// <summary>Which items of a course a learner has seen: the store behind <see cref="LearnerCourseGrain"/>.</summary>
public sealed class ProgressRepository(Db db)
{
    private static readonly Sql SeenSql = Sql.Portable(
        "SELECT item_id, seen_at FROM item_progress WHERE course_id = @courseId AND user_id = @userId");

    public async Task<IReadOnlyList<SeenRow>> SeenAsync(Guid courseId, Guid userId) =>
        await db.QueryAsync<SeenRow>(SeenSql, new { courseId, userId });

    private static readonly Sql ItemIdsSql = Sql.Portable("SELECT id FROM course_items WHERE course_id = @courseId");

    public async Task<IReadOnlyList<Guid>> ItemIdsAsync(Guid courseId) =>
        await db.QueryAsync<Guid>(ItemIdsSql, new { courseId });

    private static readonly Sql MarkSeenSql = Sql.PerDialect(d => d.InsertIgnore(
        "item_progress", ["user_id", "item_id", "course_id", "seen_at"],
        ["@userId", "@itemId", "@courseId", "@seenAt"], ["user_id", "item_id"]));

    public async Task MarkSeenAsync(Guid courseId, Guid userId, Guid itemId, DateTimeOffset seenAt) =>
        await db.ExecuteAsync(MarkSeenSql, new { userId, itemId, courseId, seenAt });
}
