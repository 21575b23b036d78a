using Lms.Grains.Data;

namespace Lms.Grains.Classroom;

/// <summary>A run that may still have an open broadcast: live, or ended recently. With what its recording needs (course, school, teacher).</summary>
public sealed record BroadcastRunRow
{
    public Guid RunId { get; init; }
    public Guid SessionId { get; init; }
    public Guid StartedBy { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public Guid CourseId { get; init; }
    public Guid InstitutionId { get; init; }
}

/// <summary>What broadcast mode asks of the store: how big the class is (above a size a lesson is broadcast), and which runs to look at for quiet broadcasts.</summary>
public sealed class BroadcastRepository(Db db)
{
    private static readonly Sql StudentsSql = Sql.Portable("SELECT COUNT(*) FROM enrolments WHERE course_id = @courseId");

    /// <summary>The students enrolled in the course the session belongs to.</summary>
    public async Task<int> StudentsAsync(Guid courseId, CancellationToken cancellationToken = default) =>
        Convert.ToInt32(await db.ScalarAsync<long>(StudentsSql, new { courseId }, cancellationToken));

    private static readonly Sql RecentRunsSql = Sql.Portable(
        "SELECT r.id AS run_id, r.session_id, r.started_by, r.ended_at, s.course_id, c.institution_id " +
        "FROM live_runs r JOIN live_sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id " +
        "WHERE r.ended_at IS NULL OR r.ended_at > @since");

    /// <summary>The runs still live, and those that ended after <paramref name="since"/>: the only ones whose broadcast may be open.</summary>
    public async Task<IReadOnlyList<BroadcastRunRow>> RecentRunsAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        await db.QueryAsync<BroadcastRunRow>(RecentRunsSql, new { since }, cancellationToken);
}
