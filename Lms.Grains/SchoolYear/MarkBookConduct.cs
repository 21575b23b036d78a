using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>A student's conduct rating in one term (tot, kha, dat, chua-dat).</summary>
public sealed record ConductRow
{
    public Guid TermId { get; init; }
    public Guid StudentId { get; init; }
    public string Rating { get; init; } = "";
}

/// <summary>
/// Conduct (rèn luyện) ratings per term, kept by the homeroom teacher; saving the same rating again changes nothing,
/// and the year's is read from the two terms' by <see cref="Circular22.ConductYear"/>.
/// </summary>
public sealed class MarkBookConduct(Db db, TimeProvider clock)
{
    private static readonly Sql ClassSql = Sql.Portable("SELECT term_id, student_id, rating FROM conduct_ratings WHERE class_id = @classId");

    public Task<IReadOnlyList<ConductRow>> ClassAsync(Guid classId) => db.QueryAsync<ConductRow>(ClassSql, new { classId });

    private static readonly Sql DeleteSql = Sql.Portable(
        "DELETE FROM conduct_ratings WHERE term_id = @termId AND class_id = @classId AND student_id = @studentId");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO conduct_ratings (term_id, class_id, student_id, rating, set_by, set_at) VALUES (@termId, @classId, @studentId, @rating, @by, @now)");

    /// <summary>Sets (or, with null, clears) a student's conduct rating for a term: the one row is replaced in one transaction.</summary>
    public async Task SetAsync(Guid termId, Guid classId, Guid studentId, string? rating, Guid by)
    {
        try
        {
            await SetOnceAsync(termId, classId, studentId, rating, by);
        }
        catch (System.Data.Common.DbException)
        {
            // Two saves of one rating at once: the primary key let one in; this one now replaces it.
            await SetOnceAsync(termId, classId, studentId, rating, by);
        }
    }

    private Task<int> SetOnceAsync(Guid termId, Guid classId, Guid studentId, string? rating, Guid by) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteSql), new { termId, classId, studentId }, transaction);
            return rating is null ? 0
                : await connection.ExecuteAsync(db.Text(InsertSql), new { termId, classId, studentId, rating, by, now = clock.GetUtcNow() }, transaction);
        });

    /// <summary>The year's conduct once both terms are rated (article 8 clause 2), else null.</summary>
    public static string? Year(string? term1, string? term2) =>
        C22Ratings.Parse(term1) is { } one && C22Ratings.Parse(term2) is { } two ? C22Ratings.Code(Circular22.ConductYear(one, two)) : null;
}
