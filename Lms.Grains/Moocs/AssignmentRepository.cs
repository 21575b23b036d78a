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
}

public sealed record LearnerScore(decimal? Score, decimal MaxPoints);

/// <summary>Assignments (an item kind of courses), learners' submissions and their reviews against a rubric.</summary>
public sealed class AssignmentRepository(Db db, TimeProvider clock)
{
    public const string ItemKind = "assignment";

    private const string Columns = "id, course_id, instructions, submission, review, peer_reviews, rubric, created_at";

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO mooc_assignments (id, course_id, instructions, submission, review, peer_reviews, rubric, created_at) " +
        "VALUES (@Id, @CourseId, @Instructions, @Submission, @Review, @PeerReviews, @Rubric, @CreatedAt)");

    public async Task<AssignmentRow> CreateAsync(Guid courseId, string instructions, string submission, string review,
        int peerReviews, IReadOnlyList<RubricCriterion> rubric)
    {
        var row = new AssignmentRow
        {
            Id = Guid.CreateVersion7(), CourseId = courseId, Instructions = instructions, Submission = submission, Review = review,
            PeerReviews = peerReviews, Rubric = JsonSerializer.Serialize(rubric, JsonSerializerOptions.Web), CreatedAt = clock.GetUtcNow(),
        };
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(InsertSql), row);
        return row;
    }

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM mooc_assignments WHERE id = @id");

    public async Task<AssignmentRow?> GetAsync(Guid id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<AssignmentRow>(db.Text(GetSql), new { id });
    }

    private const string SubmissionColumns =
        "s.id, s.assignment_id, s.user_id, u.display_name AS author_name, s.text, s.file_key, s.file_name, s.file_type, s.file_size, " +
        "s.submitted_at, s.score, s.graded_at, s.review_count";

    private static readonly Sql MySubmissionSql = Sql.Portable(
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id " +
        "WHERE s.assignment_id = @assignmentId AND s.user_id = @userId");

    public async Task<SubmissionRow?> SubmissionAsync(Guid assignmentId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<SubmissionRow>(db.Text(MySubmissionSql), new { assignmentId, userId });
    }

    private static readonly Sql SubmissionByIdSql = Sql.Portable(
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id WHERE s.id = @id");

    public async Task<SubmissionRow?> SubmissionByIdAsync(Guid id)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<SubmissionRow>(db.Text(SubmissionByIdSql), new { id });
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

    // The submission with the fewest reviews that is not the reviewer's own and not yet reviewed by them.
    private static readonly Sql NextForPeerSql = Sql.PerDialect(d => d.First(
        $"SELECT {SubmissionColumns} FROM mooc_submissions s JOIN users u ON u.id = s.user_id " +
        "WHERE s.assignment_id = @assignmentId AND s.user_id <> @reviewerId " +
        "AND NOT EXISTS (SELECT 1 FROM mooc_reviews r WHERE r.submission_id = s.id AND r.reviewer_id = @reviewerId) " +
        "ORDER BY s.review_count, s.submitted_at, s.id"));

    public async Task<SubmissionRow?> NextForPeerReviewAsync(Guid assignmentId, Guid reviewerId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<SubmissionRow>(db.Text(NextForPeerSql), new { assignmentId, reviewerId });
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
        "SELECT submission_id, reviewer_id, role, scores, total, comment, created_at FROM mooc_reviews " +
        "WHERE submission_id = @submissionId ORDER BY created_at, reviewer_id");
    private static readonly Sql SetScoreSql = Sql.Portable(
        "UPDATE mooc_submissions SET score = @score, graded_at = @gradedAt, review_count = @count WHERE id = @submissionId");

    /// <summary>
    /// Adds a review and grades the submission: a teacher's review decides; otherwise, once enough peers
    /// have reviewed, the mean of their totals. Returns false when this reviewer had already reviewed it.
    /// </summary>
    public async Task<bool> AddReviewAsync(Guid submissionId, Guid reviewerId, string role, IReadOnlyList<int> scores,
        string? comment, int peerReviewsNeeded)
    {
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var added = await connection.ExecuteAsync(db.Text(InsertReviewSql), new
            {
                submissionId, reviewerId, role, scores = JsonSerializer.Serialize(scores), total = (decimal)scores.Sum(), comment, now,
            }, transaction) > 0;
            if (!added) return false;
            var reviews = (await connection.QueryAsync<ReviewRow>(db.Text(ReviewsOfSql), new { submissionId }, transaction)).AsList();
            var teacher = reviews.LastOrDefault(r => r.Role == ReviewModes.Teacher);
            var peers = reviews.Where(r => r.Role == ReviewModes.Peer).ToList();
            decimal? score = teacher?.Total ?? (peers.Count >= Math.Max(1, peerReviewsNeeded) ? Math.Round(peers.Average(r => r.Total), 2) : null);
            await connection.ExecuteAsync(db.Text(SetScoreSql), new
            {
                submissionId, score, gradedAt = score is null ? (DateTimeOffset?)null : now, count = reviews.Count,
            }, transaction);
            return true;
        });
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
        var copy = await CreateAsync(toCourseId, source.Instructions, source.Submission, source.Review, source.PeerReviews, source.Criteria());
        return copy.Id;
    }
}
