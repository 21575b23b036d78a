using Dapper;
using Lms.Grains.Courses;
using Lms.Grains.Data;

namespace Lms.Grains.Moocs;

public sealed record RunExtensionRow
{
    public Guid RunId { get; init; }
    public Guid UserId { get; init; }
    public string LearnerName { get; init; } = "";
    public DateTimeOffset Until { get; init; }
    public string Reason { get; init; } = "";
    public Guid GrantedBy { get; init; }
    public string GrantedByName { get; init; } = "";
    public DateTimeOffset GrantedAt { get; init; }
}

/// <summary>Extensions the staff granted one learner past their run's end.</summary>
public sealed class RunExtensionRepository(Db db, TimeProvider clock)
{
    private const string Select =
        "SELECT x.run_id, x.user_id, u.display_name AS learner_name, x.until, x.reason, x.granted_by, g.display_name AS granted_by_name, " +
        "x.granted_at FROM run_extensions x JOIN users u ON u.id = x.user_id JOIN users g ON g.id = x.granted_by ";

    private static readonly Sql GetSql = Sql.Portable(Select + "WHERE x.run_id = @runId AND x.user_id = @userId");

    public async Task<RunExtensionRow?> GetAsync(Guid runId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<RunExtensionRow>(GetSql, new { runId, userId });
    }

    private static readonly Sql ListSql = Sql.Portable(Select + "WHERE x.run_id = @runId ORDER BY u.display_name, x.user_id");

    public async Task<IReadOnlyList<RunExtensionRow>> ListAsync(Guid runId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<RunExtensionRow>(db.Text(ListSql), new { runId })).AsList();
    }

    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE run_extensions SET until = @until, reason = @reason, granted_by = @grantedBy, granted_at = @now WHERE run_id = @runId AND user_id = @userId");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO run_extensions (run_id, user_id, until, reason, granted_by, granted_at) VALUES (@runId, @userId, @until, @reason, @grantedBy, @now)");

    /// <summary>Grants (or changes) a learner's extension; who granted it and when is recorded.</summary>
    public async Task SaveAsync(Guid runId, Guid userId, DateTimeOffset until, string reason, Guid grantedBy)
    {
        var args = new { runId, userId, until, reason, grantedBy, now = clock.GetUtcNow() };
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(db.Text(UpdateSql), args, transaction) == 0)
                await connection.ExecuteAsync(db.Text(InsertSql), args, transaction);
            return 0;
        });
    }

    private static readonly Sql DeleteSql = Sql.Portable("DELETE FROM run_extensions WHERE run_id = @runId AND user_id = @userId");

    /// <summary>Withdraws a learner's extension; false when they had none.</summary>
    public async Task<bool> DeleteAsync(Guid runId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(DeleteSql), new { runId, userId }) > 0;
    }
}

/// <summary>
/// Whether a learner may still do work: before their run's end and before the item's own due date, or,
/// past either, before the end of the extension the staff granted them (one extension covers every kind of work).
/// </summary>
public sealed class RunWindow(MoocRepository moocs, RunExtensionRepository extensions, CourseRepository courses) : IWorkWindow
{
    public async Task<WorkClosed?> ClosedAsync(Guid courseId, Guid userId, Guid? itemId, Guid? refId, DateTimeOffset now)
    {
        var run = await moocs.RunByCourseAsync(courseId);
        WorkClosed? closed = run?.EndsAt is { } end && now >= end ? new WorkClosed(WorkClosed.RunClosed, end) : null;
        if (closed is null && (itemId is not null || refId is not null))
        {
            var (_, items) = await courses.OutlineAsync(courseId);
            var item = items.FirstOrDefault(i => itemId is { } id ? i.Id == id : i.RefId == refId);
            if (item?.DueAt is { } due && now >= due) closed = new WorkClosed(WorkClosed.ItemClosed, due);
        }
        if (closed is null || run is null) return closed;
        var extension = await extensions.GetAsync(run.Id, userId);
        if (extension is null) return closed;
        return now < extension.Until ? null : closed with { Since = extension.Until > closed.Since ? extension.Until : closed.Since };
    }
}
