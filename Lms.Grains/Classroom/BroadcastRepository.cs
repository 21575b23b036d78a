using Lms.Grains.Data;

namespace Lms.Grains.Classroom;

/// <summary>What broadcast mode asks of the store: how big the class is (above a size a lesson is broadcast).</summary>
public sealed class BroadcastRepository(Db db)
{
    private static readonly Sql StudentsSql = Sql.Portable("SELECT COUNT(*) FROM enrolments WHERE course_id = @courseId");

    /// <summary>The students enrolled in the course the session belongs to.</summary>
    public async Task<int> StudentsAsync(Guid courseId, CancellationToken cancellationToken = default) =>
        Convert.ToInt32(await db.ScalarAsync<long>(StudentsSql, new { courseId }, cancellationToken));
}
