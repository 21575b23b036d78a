using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Moocs;

/// <summary>Whether an allocation is one of the reviews a submission needs, or one a willing reviewer asked for on top.</summary>
public static class AllocationKinds
{
    public const string Required = "required";
    public const string Extra = "extra";
}

public static class AllocationStates
{
    public const string Open = "open";
    public const string Done = "done";
    public const string Expired = "expired";
}

public enum ReviewOutcome
{
    Added,
    AlreadyReviewed,

    /// <summary>The submission was never handed to this reviewer.</summary>
    NotAllocated,

    /// <summary>The reviewer's time ran out and the review was taken back (and handed to someone else).</summary>
    TakenBack,
}

/// <summary>A submission handed to a reviewer, and until when they have.</summary>
public sealed record ReviewAllocation(SubmissionRow Submission, string Kind, DateTimeOffset DueAt);

/// <summary>
/// Hands submissions to peer reviewers so that each reaches exactly the number of reviews its assignment needs:
/// never to its author, never twice to one reviewer, fairly spread (nobody holds more than
/// ceil(needed × submissions / reviewers) + 1 required reviews), and a review not done in time is taken back
/// so that it can go to someone else. The per-submission count is raised only by a conditional update, so two
/// reviewers asking at once never push a submission past the number needed.
/// </summary>
public sealed class PeerReviewAllocator(Db db, TimeProvider clock)
{
    private const string AllocationColumns = "a.kind AS allocation_kind, a.due_at AS allocation_due_at";

    private sealed record HeldRow
    {
        public Guid Id { get; init; }
        public string AllocationKind { get; init; } = "";
        public DateTimeOffset AllocationDueAt { get; init; }
    }

    private sealed record ExpiringRow
    {
        public Guid SubmissionId { get; init; }
        public Guid ReviewerId { get; init; }
        public string Kind { get; init; } = "";
    }

    private static readonly Sql ExpiringSql = Sql.Portable(
        "SELECT submission_id, reviewer_id, kind FROM mooc_review_allocations " +
        "WHERE assignment_id = @assignmentId AND state = 'open' AND due_at <= @now");
    private static readonly Sql ExpireSql = Sql.Portable(
        "UPDATE mooc_review_allocations SET state = 'expired' WHERE submission_id = @SubmissionId AND reviewer_id = @ReviewerId AND state = 'open'");
    private static readonly Sql ReleaseSql = Sql.Portable(
        "UPDATE mooc_submissions SET live_reviews = live_reviews - 1 WHERE id = @SubmissionId AND live_reviews > 0");

    private static readonly Sql HeldSql = Sql.PerDialect(d => d.First(
        "SELECT a.submission_id AS id, " + AllocationColumns + " FROM mooc_review_allocations a " +
        "WHERE a.assignment_id = @assignmentId AND a.reviewer_id = @reviewerId AND a.state = 'open' ORDER BY a.assigned_at"));

    private static readonly Sql CountsSql = Sql.Portable(
        "SELECT (SELECT COUNT(*) FROM mooc_submissions WHERE assignment_id = @assignmentId) AS submissions, " +
        "(SELECT COUNT(DISTINCT user_id) FROM mooc_submissions WHERE assignment_id = @assignmentId) AS reviewers, " +
        "(SELECT COUNT(*) FROM mooc_review_allocations WHERE assignment_id = @assignmentId AND reviewer_id = @reviewerId " +
        "AND kind = 'required' AND state <> 'expired') AS held");

    private sealed record Counts
    {
        public long Submissions { get; init; }
        public long Reviewers { get; init; }
        public long Held { get; init; }
    }

    // Not their own, never handed to them before (nor reviewed by them before allocations existed).
    private const string Eligible =
        "s.assignment_id = @assignmentId AND s.user_id <> @reviewerId " +
        "AND NOT EXISTS (SELECT 1 FROM mooc_review_allocations a WHERE a.submission_id = s.id AND a.reviewer_id = @reviewerId) " +
        "AND NOT EXISTS (SELECT 1 FROM mooc_reviews r WHERE r.submission_id = s.id AND r.reviewer_id = @reviewerId)";

    private static readonly Sql NeedingSql = Sql.PerDialect(d => d.First(
        "SELECT s.id FROM mooc_submissions s WHERE " + Eligible + " AND s.live_reviews < @needed " +
        "ORDER BY s.live_reviews, s.submitted_at, s.id"));
    private static readonly Sql ExtraSql = Sql.PerDialect(d => d.First(
        "SELECT s.id FROM mooc_submissions s WHERE " + Eligible + " ORDER BY s.review_count, s.submitted_at, s.id"));
    private static readonly Sql TakeSql = Sql.Portable(
        "UPDATE mooc_submissions SET live_reviews = live_reviews + 1 WHERE id = @id AND live_reviews < @needed");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO mooc_review_allocations (submission_id, reviewer_id, assignment_id, kind, state, assigned_at, due_at) " +
        "VALUES (@id, @reviewerId, @assignmentId, @kind, 'open', @now, @due)");
    private static readonly Sql SubmissionSql = Sql.Portable(
        $"SELECT {AssignmentRepository.SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id WHERE s.id = @id");

    /// <summary>
    /// The submission this reviewer should review now: the one they already hold, else a new one that still needs
    /// reviews, else (when <paramref name="extra"/>) an optional extra one. Null when there is nothing to hand them.
    /// Reviews whose time ran out are taken back first.
    /// </summary>
    public async Task<ReviewAllocation?> NextAsync(AssignmentRow assignment, Guid reviewerId, bool extra)
    {
        var now = clock.GetUtcNow();
        var assignmentId = assignment.Id;
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            await ExpireAsync(connection, transaction, assignmentId, now);
            var held = await connection.QuerySingleOrDefaultAsync<HeldRow>(db.Text(HeldSql), new { assignmentId, reviewerId }, transaction);
            if (held is not null) return await AllocationAsync(connection, transaction, held.Id, held.AllocationKind, held.AllocationDueAt);

            var due = now.AddHours(assignment.ReviewHours);
            var needed = Math.Max(1, assignment.PeerReviews);
            var counts = await connection.QuerySingleAsync<Counts>(db.Text(CountsSql), new { assignmentId, reviewerId }, transaction);
            if (counts.Held < Bound(needed, counts.Submissions, counts.Reviewers))
            {
                // A few tries: another reviewer may take the last place on a candidate between the read and the update.
                for (var attempt = 0; attempt < 5; attempt++)
                {
                    var id = await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(NeedingSql), new { assignmentId, reviewerId, needed }, transaction);
                    if (id is null) break;
                    if (await connection.ExecuteAsync(db.Text(TakeSql), new { id, needed }, transaction) == 0) continue;
                    await connection.ExecuteAsync(db.Text(InsertSql),
                        new { id, reviewerId, assignmentId, kind = AllocationKinds.Required, now, due }, transaction);
                    return await AllocationAsync(connection, transaction, id.Value, AllocationKinds.Required, due);
                }
            }
            if (!extra) return null;
            var extraId = await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(ExtraSql), new { assignmentId, reviewerId }, transaction);
            if (extraId is null) return null;
            await connection.ExecuteAsync(db.Text(InsertSql),
                new { id = extraId, reviewerId, assignmentId, kind = AllocationKinds.Extra, now, due }, transaction);
            return await AllocationAsync(connection, transaction, extraId.Value, AllocationKinds.Extra, due);
        });
    }

    /// <summary>The most required reviews one reviewer may hold (open or done): ceil(needed × submissions / reviewers) + 1.</summary>
    public static int Bound(int needed, long submissions, long reviewers) =>
        reviewers == 0 ? needed + 1 : (int)Math.Ceiling((double)needed * submissions / reviewers) + 1;

    private async Task<ReviewAllocation> AllocationAsync(DbConnection connection, DbTransaction transaction, Guid id, string kind, DateTimeOffset due) =>
        new(await connection.QuerySingleAsync<SubmissionRow>(db.Text(SubmissionSql), new { id }, transaction), kind, due);

    private async Task ExpireAsync(DbConnection connection, DbTransaction transaction, Guid assignmentId, DateTimeOffset now)
    {
        foreach (var row in await connection.QueryAsync<ExpiringRow>(db.Text(ExpiringSql), new { assignmentId, now }, transaction))
            if (await connection.ExecuteAsync(db.Text(ExpireSql), row, transaction) > 0 && row.Kind == AllocationKinds.Required)
                await connection.ExecuteAsync(db.Text(ReleaseSql), row, transaction);
    }

    private static readonly Sql CompleteSql = Sql.Portable(
        "UPDATE mooc_review_allocations SET state = 'done' " +
        "WHERE submission_id = @submissionId AND reviewer_id = @reviewerId AND state = 'open' AND due_at > @now");
    private static readonly Sql StateSql = Sql.Portable(
        "SELECT state FROM mooc_review_allocations WHERE submission_id = @submissionId AND reviewer_id = @reviewerId");

    /// <summary>Marks the reviewer's allocation done, if it is still theirs (open and within its time).</summary>
    internal static async Task<ReviewOutcome> CompleteAsync(Db db, DbConnection connection, DbTransaction transaction,
        Guid submissionId, Guid reviewerId, DateTimeOffset now)
    {
        if (await connection.ExecuteAsync(db.Text(CompleteSql), new { submissionId, reviewerId, now }, transaction) > 0) return ReviewOutcome.Added;
        return await connection.ExecuteScalarAsync<string?>(db.Text(StateSql), new { submissionId, reviewerId }, transaction) switch
        {
            null => ReviewOutcome.NotAllocated,
            AllocationStates.Done => ReviewOutcome.AlreadyReviewed,
            _ => ReviewOutcome.TakenBack,
        };
    }
}
