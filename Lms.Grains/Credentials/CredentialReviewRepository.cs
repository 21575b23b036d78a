using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Credentials;

/// <summary>What the staff decided about a credential whose grade changed after it was issued.</summary>
public static class ReviewDecisions
{
    /// <summary>The credential stays as issued; the reason is recorded.</summary>
    public const string Keep = "keep";

    /// <summary>A new credential with the current grade replaces the old one (superseded in the status list).</summary>
    public const string Reissue = "reissue";

    /// <summary>The credential is revoked.</summary>
    public const string Revoke = "revoke";

    /// <summary>Closed without staff: the learner's record came back to what was issued.</summary>
    public const string InLine = "in-line";

    public static readonly IReadOnlyList<string> Staff = [Keep, Reissue, Revoke];
}

/// <summary>Why a review was opened.</summary>
public static class ReviewCauses
{
    public const string NoLongerPasses = "not-passing";
    public const string GradeFell = "grade-fell";
    public const string GradeRose = "grade-rose";

    public static string Of(decimal issued, decimal current, bool passes) =>
        !passes ? NoLongerPasses : current < issued ? GradeFell : GradeRose;
}

public sealed record CredentialReviewRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public Guid UserId { get; init; }
    public string LearnerName { get; init; } = "";
    public decimal IssuedGrade { get; init; }
    public decimal CurrentGrade { get; init; }
    public bool Passes { get; init; }
    public string Cause { get; init; } = "";
    public DateTimeOffset OpenedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public string? Decision { get; init; }
    public string? Reason { get; init; }
    public Guid? DecidedBy { get; init; }
    public string? DecidedByName { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
}

public sealed record Recipient
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
}

/// <summary>Credentials to review: opened when a learner's record moves away from what was issued, closed by a staff decision.</summary>
public sealed class CredentialReviewRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "r.id, r.course_id, r.user_id, u.display_name AS learner_name, r.issued_grade, r.current_grade, r.passes, r.cause, r.opened_at, " +
        "r.updated_at, r.decision, r.reason, r.decided_by, du.display_name AS decided_by_name, r.decided_at";

    private const string From =
        "FROM credential_reviews r JOIN users u ON u.id = r.user_id LEFT JOIN users du ON du.id = r.decided_by ";

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} {From}WHERE r.id = @id");

    public async Task<CredentialReviewRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<CredentialReviewRow>(GetSql, new { id });
    }

    private static readonly Sql LatestSql = Sql.PerDialect(d => d.First(
        $"SELECT {Columns} {From}WHERE r.course_id = @courseId AND r.user_id = @userId ORDER BY r.opened_at DESC, r.id DESC"));

    /// <summary>The learner's latest review in the course, open or decided.</summary>
    public async Task<CredentialReviewRow?> LatestAsync(Guid courseId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<CredentialReviewRow>(LatestSql, new { courseId, userId });
    }

    private static readonly Sql ByCourseSql = Sql.PerDialect(d =>
        $"SELECT {Columns} {From}WHERE r.course_id = @courseId AND (@all = 1 OR r.decided_at IS NULL) " +
        $"ORDER BY CASE WHEN r.decided_at IS NULL THEN 0 ELSE 1 END, r.updated_at DESC, r.id {d.Page()}");
    private static readonly Sql ByCourseCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM credential_reviews r WHERE r.course_id = @courseId AND (@all = 1 OR r.decided_at IS NULL)");

    /// <summary>A course's credentials to review (open ones; with <paramref name="all"/>, the decided ones after them).</summary>
    public async Task<Page<CredentialReviewRow>> ByCourseAsync(Guid courseId, bool all, PageRequest page) =>
        await db.PageAsync<CredentialReviewRow>(ByCourseCountSql, ByCourseSql, new { courseId, all = all ? 1 : 0 }, page);

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO credential_reviews (id, course_id, user_id, issued_grade, current_grade, passes, cause, opened_at, updated_at) " +
        "VALUES (@id, @courseId, @userId, @issued, @current, @passes, @cause, @now, @now)");

    public async Task<Guid> OpenAsync(Guid courseId, Guid userId, decimal issued, decimal current, bool passes)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(InsertSql), new
        {
            id, courseId, userId, issued, current, passes, cause = ReviewCauses.Of(issued, current, passes), now = clock.GetUtcNow(),
        });
        return id;
    }

    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE credential_reviews SET current_grade = @current, passes = @passes, cause = @cause, updated_at = @now " +
        "WHERE id = @id AND decided_at IS NULL");

    /// <summary>An open review follows the learner's record until the staff decide.</summary>
    public async Task UpdateAsync(Guid id, decimal issued, decimal current, bool passes)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(UpdateSql), new
        {
            id, current, passes, cause = ReviewCauses.Of(issued, current, passes), now = clock.GetUtcNow(),
        });
    }

    private static readonly Sql DecideSql = Sql.Portable(
        "UPDATE credential_reviews SET decision = @decision, reason = @reason, decided_by = @decidedBy, decided_at = @now " +
        "WHERE id = @id AND decided_at IS NULL");

    /// <summary>Closes an open review; false when it was already decided.</summary>
    public async Task<bool> DecideAsync(Guid id, string decision, string? reason, Guid? decidedBy)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(DecideSql), new { id, decision, reason, decidedBy, now = clock.GetUtcNow() }) > 0;
    }

    private static readonly Sql OverrideSql = Sql.Portable(
        "UPDATE credential_reviews SET decision = @decision, reason = @reason, decided_by = @decidedBy, decided_at = @now " +
        "WHERE id = @id AND (decision = @inLine OR (decision = @decision AND decided_by = @decidedBy))");

    /// <summary>
    /// Records the staff's decision on a review that acting on it already closed on its own (re-issuing brings
    /// the record in line; revoking everything closes it), so the decision and its reason are what is kept.
    /// </summary>
    public async Task OverrideAutomaticAsync(Guid id, string decision, string? reason, Guid decidedBy)
    {
        await db.ExecuteAsync(OverrideSql, new { id, decision, reason, decidedBy, inLine = ReviewDecisions.InLine, now = clock.GetUtcNow() });
    }

    private static readonly Sql StaffSql = Sql.Portable(
        "SELECT u.id, u.email, u.display_name FROM course_staff s JOIN users u ON u.id = s.user_id " +
        "WHERE s.course_id = @courseId AND u.email IS NOT NULL ORDER BY u.display_name");

    /// <summary>The course's teachers who can be mailed.</summary>
    public async Task<IReadOnlyList<Recipient>> CourseStaffAsync(Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<Recipient>(db.Text(StaffSql), new { courseId })).AsList();
    }

    private static readonly Sql AdminsSql = Sql.Portable(
        "SELECT u.id, u.email, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id " +
        "WHERE m.institution_id = @institutionId AND m.role = 'admin' AND u.email IS NOT NULL ORDER BY u.display_name");

    /// <summary>An institution's admins who can be mailed.</summary>
    public async Task<IReadOnlyList<Recipient>> InstitutionAdminsAsync(Guid institutionId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<Recipient>(db.Text(AdminsSql), new { institutionId })).AsList();
    }
}
