using System.Text.Json;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Moocs;

public sealed record RubricCriterion(string Criterion, string? Description, int Points);

public static class SubmissionTypes
{
    public const string Text = "text";
    public const string File = "file";
    public const string Either = "either";
    public static readonly IReadOnlyList<string> All = [Text, File, Either];
}

public static class ReviewModes
{
    public const string Teacher = "teacher";
    public const string Peer = "peer";
    public static readonly IReadOnlyList<string> All = [Teacher, Peer];
}

/// <summary>
/// When an assignment's peer review ends. A reviewer has <see cref="ReviewHours"/> to finish a review before it
/// is taken back and handed to someone else; after <see cref="ReviewsDueAt"/> peers stop and the staff grade
/// what still lacks reviews; after <see cref="FinalAt"/> no review is accepted and no grade moves.
/// Extra reviews (beyond the number needed) count in the grade only when <see cref="ExtraReviewsCount"/> says so.
/// </summary>
public sealed record ReviewSchedule(int ReviewHours = ReviewSchedule.DefaultHours, DateTimeOffset? ReviewsDueAt = null,
    DateTimeOffset? FinalAt = null, bool ExtraReviewsCount = false)
{
    public const int DefaultHours = 48;
}

public sealed record AssignmentRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public string Instructions { get; init; } = "";
    public string Submission { get; init; } = "";
    public string Review { get; init; } = "";
    public int PeerReviews { get; init; }
    public string Rubric { get; init; } = "[]";
    public DateTimeOffset CreatedAt { get; init; }
    public int ReviewHours { get; init; } = ReviewSchedule.DefaultHours;
    public DateTimeOffset? ReviewsDueAt { get; init; }
    public DateTimeOffset? FinalAt { get; init; }
    public bool ExtraReviewsCount { get; init; }

    public ReviewSchedule Schedule => new(ReviewHours, ReviewsDueAt, FinalAt, ExtraReviewsCount);

    /// <summary>Peers may no longer review (the staff grade what is left).</summary>
    public bool ReviewsClosed(DateTimeOffset now) => ReviewsDueAt is { } due && now >= due;

    /// <summary>Grades are final: no review of any kind is accepted.</summary>
    public bool IsFinal(DateTimeOffset now) => FinalAt is { } final && now >= final;

    public IReadOnlyList<RubricCriterion> Criteria() =>
        JsonSerializer.Deserialize<List<RubricCriterion>>(Rubric, JsonSerializerOptions.Web) ?? [];

    public int MaxPoints() => Criteria().Sum(c => c.Points);
}

public sealed record SubmissionRow
{
    public Guid Id { get; init; }
    public Guid AssignmentId { get; init; }
    public Guid UserId { get; init; }
    public string AuthorName { get; init; } = "";
    public string? Text { get; init; }
    public string? FileKey { get; init; }
    public string? FileName { get; init; }
    public string? FileType { get; init; }
    public long? FileSize { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public decimal? Score { get; init; }
    public DateTimeOffset? GradedAt { get; init; }
    public int ReviewCount { get; init; }
    public int LiveReviews { get; init; }
}

public sealed record ReviewRow
{
    public Guid SubmissionId { get; init; }
    public Guid ReviewerId { get; init; }
    public string Role { get; init; } = "";
    public string Scores { get; init; } = "[]";
    public decimal Total { get; init; }
    public string? Comment { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The allocation the review was done on (<see cref="AllocationKinds"/>), null for a teacher's or an older review.</summary>
    public string? Allocation { get; init; }
}

public sealed record LearnerScore(decimal? Score, decimal MaxPoints);

/// <summary>Assignments (an item kind of courses), learners' submissions and their reviews against a rubric.</summary>
public sealed class AssignmentRepository(Db db, TimeProvider clock)
{
    public const string ItemKind = "assignment";

    private const string Columns =
        "id, course_id, instructions, submission, review, peer_reviews, rubric, created_at, review_hours, reviews_due_at, final_at, extra_reviews_count";

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO mooc_assignments (id, course_id, instructions, submission, review, peer_reviews, rubric, created_at, " +
        "review_hours, reviews_due_at, final_at, extra_reviews_count) " +
        "VALUES (@Id, @CourseId, @Instructions, @Submission, @Review, @PeerReviews, @Rubric, @CreatedAt, " +
        "@ReviewHours, @ReviewsDueAt, @FinalAt, @ExtraReviewsCount)");

    public async Task<AssignmentRow> CreateAsync(Guid courseId, string instructions, string submission, string review,
        int peerReviews, IReadOnlyList<RubricCriterion> rubric, ReviewSchedule? schedule = null)
    {
        schedule ??= new ReviewSchedule();
        var row = new AssignmentRow
        {
            Id = Guid.CreateVersion7(), CourseId = courseId, Instructions = instructions, Submission = submission, Review = review,
            PeerReviews = peerReviews, Rubric = JsonSerializer.Serialize(rubric, JsonSerializerOptions.Web), CreatedAt = clock.GetUtcNow(),
            ReviewHours = schedule.ReviewHours, ReviewsDueAt = schedule.ReviewsDueAt, FinalAt = schedule.FinalAt,
            ExtraReviewsCount = schedule.ExtraReviewsCount,
        };
        await db.ExecuteAsync(InsertSql, row);
        return row;
    }

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM mooc_assignments WHERE id = @id");

    public async Task<AssignmentRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<AssignmentRow>(GetSql, new { id });
    }

    private static readonly Sql SetScheduleSql = Sql.Portable(
        "UPDATE mooc_assignments SET review_hours = @ReviewHours, reviews_due_at = @ReviewsDueAt, final_at = @FinalAt, " +
        "extra_reviews_count = @ExtraReviewsCount WHERE id = @id");

    public async Task SetScheduleAsync(Guid id, ReviewSchedule schedule)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(SetScheduleSql),
            new { id, schedule.ReviewHours, schedule.ReviewsDueAt, schedule.FinalAt, schedule.ExtraReviewsCount });
    }

    internal const string SubmissionColumns =
        "s.id, s.assignment_id, s.user_id, u.display_name AS author_name, s.text, s.file_key, s.file_name, s.file_type, s.file_size, " +
        "s.submitted_at, s.score, s.graded_at, s.review_count, s.live_reviews";

    private static readonly Sql MySubmissionSql = Sql.Portable(
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id " +
        "WHERE s.assignment_id = @assignmentId AND s.user_id = @userId");

    public async Task<SubmissionRow?> SubmissionAsync(Guid assignmentId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<SubmissionRow>(MySubmissionSql, new { assignmentId, userId });
    }

    private static readonly Sql SubmissionByIdSql = Sql.Portable(
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id WHERE s.id = @id");

    public async Task<SubmissionRow?> SubmissionByIdAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<SubmissionRow>(SubmissionByIdSql, new { id });
    }

    private static readonly Sql UpdateSubmissionSql = Sql.Portable(
        "UPDATE mooc_submissions SET text = @text, file_key = @fileKey, file_name = @fileName, file_type = @fileType, " +
        "file_size = @fileSize, submitted_at = @now WHERE assignment_id = @assignmentId AND user_id = @userId AND graded_at IS NULL AND review_count = 0");
    private static readonly Sql InsertSubmissionSql = Sql.Portable(
        "INSERT INTO mooc_submissions (id, assignment_id, user_id, text, file_key, file_name, file_type, file_size, submitted_at, review_count) " +
        "VALUES (@id, @assignmentId, @userId, @text, @fileKey, @fileName, @fileType, @fileSize, @now, 0)");

    /// <summary>
    /// Saves a learner's submission; a new one replaces the last until someone has reviewed it.
    /// Returns false when it can no longer change.
    /// </summary>
    public async Task<bool> SubmitAsync(Guid assignmentId, Guid userId, string? text,
        string? fileKey, string? fileName, string? fileType, long? fileSize)
    {
        var args = new { id = Guid.CreateVersion7(), assignmentId, userId, text, fileKey, fileName, fileType, fileSize, now = clock.GetUtcNow() };
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var existing = await connection.QuerySingleOrDefaultAsync<SubmissionRow>(db.Text(MySubmissionSql), new { assignmentId, userId }, transaction);
            if (existing is null)
            {
                await connection.ExecuteAsync(db.Text(InsertSubmissionSql), args, transaction);
                return true;
            }
            return await connection.ExecuteAsync(db.Text(UpdateSubmissionSql), args, transaction) > 0;
        });
    }

    private static readonly Sql SubmissionsSql = Sql.PerDialect(d =>
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id " +
        $"WHERE s.assignment_id = @assignmentId ORDER BY CASE WHEN s.graded_at IS NULL THEN 0 ELSE 1 END, s.submitted_at, s.id {d.Page()}");
    private static readonly Sql SubmissionsCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM mooc_submissions WHERE assignment_id = @assignmentId");

    /// <summary>Every submission, those still to grade first (for the course's teachers).</summary>
    public async Task<Page<SubmissionRow>> SubmissionsAsync(Guid assignmentId, PageRequest page) =>
        await db.PageAsync<SubmissionRow>(SubmissionsCountSql, SubmissionsSql, new { assignmentId }, page);

    private sealed record LearnerScoreRow
    {
        public Guid AssignmentId { get; init; }
        public decimal? Score { get; init; }
        public string Rubric { get; init; } = "[]";
    }

    private static readonly Sql LearnerSubmissionsSql = Sql.Portable(
        "SELECT s.assignment_id, s.score, a.rubric FROM mooc_submissions s JOIN mooc_assignments a ON a.id = s.assignment_id " +
        "WHERE a.course_id = @courseId AND s.user_id = @userId");

    /// <summary>A learner's submissions in a course, by assignment, with their score out of the rubric's points.</summary>
    public async Task<IReadOnlyDictionary<Guid, LearnerScore>> LearnerSubmissionsAsync(Guid courseId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<LearnerScoreRow>(db.Text(LearnerSubmissionsSql), new { courseId, userId });
        return rows.ToDictionary(r => r.AssignmentId, r => new LearnerScore(r.Score,
            (JsonSerializer.Deserialize<List<RubricCriterion>>(r.Rubric, JsonSerializerOptions.Web) ?? []).Sum(c => c.Points)));
    }

    private static readonly Sql ReviewedByCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM mooc_reviews r JOIN mooc_submissions s ON s.id = r.submission_id " +
        "WHERE s.assignment_id = @assignmentId AND r.reviewer_id = @reviewerId");

    public async Task<int> ReviewsDoneByAsync(Guid assignmentId, Guid reviewerId)
    {
        await using var connection = await db.OpenAsync();
        return (int)await connection.ExecuteScalarAsync<long>(db.Text(ReviewedByCountSql), new { assignmentId, reviewerId });
    }

    private static readonly Sql InsertReviewSql = Sql.PerDialect(d => d.InsertIgnore(
        "mooc_reviews", ["submission_id", "reviewer_id", "role", "scores", "total", "comment", "created_at"],
        ["@submissionId", "@reviewerId", "@role", "@scores", "@total", "@comment", "@now"], ["submission_id", "reviewer_id"]));
    private static readonly Sql ReviewsOfSql = Sql.Portable(
        "SELECT r.submission_id, r.reviewer_id, r.role, r.scores, r.total, r.comment, r.created_at, a.kind AS allocation FROM mooc_reviews r " +
        "LEFT JOIN mooc_review_allocations a ON a.submission_id = r.submission_id AND a.reviewer_id = r.reviewer_id " +
        "WHERE r.submission_id = @submissionId ORDER BY r.created_at, r.reviewer_id");
    private static readonly Sql SetScoreSql = Sql.Portable(
        "UPDATE mooc_submissions SET score = @score, graded_at = @gradedAt, review_count = @count WHERE id = @submissionId");

    /// <summary>
    /// Adds a review and grades the submission (see <see cref="GradeOf"/>). A peer's review is accepted only on
    /// their open allocation that is still within its time (<see cref="PeerReviewAllocator"/>).
    /// </summary>
    public async Task<ReviewOutcome> AddReviewAsync(Guid submissionId, Guid reviewerId, string role, IReadOnlyList<int> scores,
        string? comment, AssignmentRow assignment)
    {
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (role == ReviewModes.Peer)
            {
                var taken = await PeerReviewAllocator.CompleteAsync(db, connection, transaction, submissionId, reviewerId, now);
                if (taken != ReviewOutcome.Added) return taken;
            }
            var added = await connection.ExecuteAsync(db.Text(InsertReviewSql), new
            {
                submissionId, reviewerId, role, scores = JsonSerializer.Serialize(scores), total = (decimal)scores.Sum(), comment, now,
            }, transaction) > 0;
            if (!added) return ReviewOutcome.AlreadyReviewed;
            var reviews = (await connection.QueryAsync<ReviewRow>(db.Text(ReviewsOfSql), new { submissionId }, transaction)).AsList();
            var score = GradeOf(reviews, assignment.PeerReviews, assignment.ExtraReviewsCount);
            await connection.ExecuteAsync(db.Text(SetScoreSql), new
            {
                submissionId, score, gradedAt = score is null ? (DateTimeOffset?)null : now, count = reviews.Count,
            }, transaction);
            return ReviewOutcome.Added;
        });
    }

    /// <summary>
    /// The grade that counts: a teacher's review decides (the staff grade, also the fallback when peers did not
    /// finish); otherwise, once <paramref name="needed"/> required peer reviews are done, the mean of those first
    /// <paramref name="needed"/> (extra reviews join the mean only when the assignment's policy says so).
    /// </summary>
    public static decimal? GradeOf(IReadOnlyList<ReviewRow> reviews, int needed, bool extraReviewsCount)
    {
        if (reviews.LastOrDefault(r => r.Role == ReviewModes.Teacher) is { } teacher) return teacher.Total;
        needed = Math.Max(1, needed);
        var required = reviews.Where(r => r.Role == ReviewModes.Peer && r.Allocation != AllocationKinds.Extra).ToList();
        if (required.Count < needed) return null;
        var counted = extraReviewsCount
            ? reviews.Where(r => r.Role == ReviewModes.Peer).ToList()
            : required.Take(needed).ToList();
        return Math.Round(counted.Average(r => r.Total), 2);
    }

    private static readonly Sql ToGradeSql = Sql.Portable(
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id " +
        "WHERE s.assignment_id = @assignmentId AND s.score IS NULL ORDER BY s.submitted_at, s.id");

    /// <summary>Submissions still without a grade (after the review deadline: those the staff grade instead of peers).</summary>
    public async Task<IReadOnlyList<SubmissionRow>> UngradedAsync(Guid assignmentId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<SubmissionRow>(db.Text(ToGradeSql), new { assignmentId })).AsList();
    }

    public async Task<IReadOnlyList<ReviewRow>> ReviewsAsync(Guid submissionId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ReviewRow>(db.Text(ReviewsOfSql), new { submissionId })).AsList();
    }

    private static readonly Sql IsReviewerSql = Sql.Portable(
        "SELECT COUNT(*) FROM mooc_reviews WHERE submission_id = @submissionId AND reviewer_id = @reviewerId");

    public async Task<bool> HasReviewedAsync(Guid submissionId, Guid reviewerId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(IsReviewerSql), new { submissionId, reviewerId }) > 0;
    }

    /// <summary>A copy of an assignment for another course (a new run); submissions stay with the old one.</summary>
    public async Task<Guid?> CopyAsync(Guid assignmentId, Guid toCourseId)
    {
        var source = await GetAsync(assignmentId);
        if (source is null) return null;
        // The deadlines belong to the old run; the time a reviewer has and the policy on extra reviews carry over.
        var copy = await CreateAsync(toCourseId, source.Instructions, source.Submission, source.Review, source.PeerReviews, source.Criteria(),
            new ReviewSchedule(source.ReviewHours, ExtraReviewsCount: source.ExtraReviewsCount));
        return copy.Id;
    }
}
