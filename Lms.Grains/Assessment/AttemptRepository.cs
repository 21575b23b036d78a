using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Assessment;

public sealed record AttemptListRow
{
    public Guid Id { get; init; }
    public Guid QuizId { get; init; }
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public int Number { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? DeadlineAt { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public string? SubmittedBy { get; init; }
    public double? Score { get; init; }
    public double MaxScore { get; init; }
    public bool NeedsGrading { get; init; }
    public int Events { get; init; }
}

/// <summary>An open attempt and its deadline (Dapper maps by property name, as the other rows here).</summary>
public sealed record DueAttempt
{
    public Guid Id { get; init; }
    public DateTimeOffset DeadlineAt { get; init; }
}

public sealed record QueueRow
{
    public Guid AttemptId { get; init; }
    public Guid QuizId { get; init; }
    public string QuizTitle { get; init; } = "";
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public int Slot { get; init; }
    public Guid QuestionId { get; init; }
    public int Version { get; init; }
    public double Points { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
}

public sealed record SlotGrade(int Slot, double? Score, bool Manual);

/// <summary>Attempts, their slots, every answer and the integrity timeline: the store behind <see cref="QuizAttemptGrain"/>.</summary>
public sealed class AttemptRepository(Db db, GroupCommitWriter writer)
{
    private static readonly Sql InsertAttemptSql = Sql.Portable(
        "INSERT INTO quiz_attempts (id, quiz_id, user_id, number, seed, status, started_at, deadline_at, submitted_at, submitted_by, score, max_score, needs_grading, overall_feedback) " +
        "VALUES (@Id, @QuizId, @UserId, @Number, @Seed, @Status, @StartedAt, @DeadlineAt, @SubmittedAt, @SubmittedBy, @Score, @MaxScore, @NeedsGrading, @OverallFeedback)");
    private static readonly Sql InsertSlotSql = Sql.Portable(
        "INSERT INTO attempt_slots (attempt_id, slot, section, question_id, version, points, option_order, flagged, score, manual, comment, graded_by, graded_at) " +
        "VALUES (@AttemptId, @Slot, @Section, @QuestionId, @Version, @Points, @OptionOrder, @Flagged, @Score, @Manual, @Comment, @GradedBy, @GradedAt)");

    /// <summary>Stores a new attempt with its drawn slots (and its first events); completes once committed.</summary>
    public async Task InsertAttemptAsync(AttemptRow attempt, IReadOnlyList<SlotRow> slots, IReadOnlyList<EventRow>? events = null)
    {
        // Statements, not a callback: the starts of a whole class go to the database in one round trip.
        List<WriteStatement> statements = [new(InsertAttemptSql, attempt)];
        statements.AddRange(slots.Select(slot => new WriteStatement(InsertSlotSql, slot)));
        statements.AddRange((events ?? []).Select(e => new WriteStatement(InsertEventSql, e)));
        await writer.WriteAsync(statements);
        FreshAttempts.Put(attempt, slots);
    }

    private const string AttemptColumns =
        "id, quiz_id, user_id, number, seed, status, started_at, deadline_at, submitted_at, submitted_by, score, max_score, needs_grading, overall_feedback";

    private static readonly Sql GetSql = Sql.Portable($"SELECT {AttemptColumns} FROM quiz_attempts WHERE id = @id");

    public async Task<AttemptRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<AttemptRow>(GetSql, new { id });

    private static readonly Sql ForLearnerSql = Sql.Portable(
        $"SELECT {AttemptColumns} FROM quiz_attempts WHERE quiz_id = @quizId AND user_id = @userId ORDER BY number");

    public async Task<IReadOnlyList<AttemptRow>> ForLearnerAsync(Guid quizId, Guid userId) =>
        await db.QueryAsync<AttemptRow>(ForLearnerSql, new { quizId, userId });

    private static readonly Sql SlotsSql = Sql.Portable(
        "SELECT attempt_id, slot, section, question_id, version, points, option_order, flagged, score, manual, comment, graded_by, graded_at " +
        "FROM attempt_slots WHERE attempt_id = @attemptId ORDER BY slot");

    public async Task<IReadOnlyList<SlotRow>> SlotsAsync(Guid attemptId) =>
        await db.QueryAsync<SlotRow>(SlotsSql, new { attemptId });

    private static readonly Sql AnswersSql = Sql.Portable(
        "SELECT attempt_id, answer_id, slot, response, client_time, effective_at, received_at, device_id, seq, queued FROM attempt_answers WHERE attempt_id = @attemptId");

    public async Task<IReadOnlyList<AnswerRow>> AnswersAsync(Guid attemptId) =>
        await db.QueryAsync<AnswerRow>(AnswersSql, new { attemptId });

    private static readonly Sql InsertAnswerSql = Sql.PerDialect(d => d.InsertIgnore("attempt_answers",
        ["attempt_id", "answer_id", "slot", "response", "client_time", "effective_at", "received_at", "device_id", "seq", "queued"],
        ["@AttemptId", "@AnswerId", "@Slot", "@Response", "@ClientTime", "@EffectiveAt", "@ReceivedAt", "@DeviceId", "@Seq", "@Queued"],
        ["attempt_id", "answer_id"]));

    /// <summary>Appends answers (a repeated answer id is kept once); completes once committed.</summary>
    public Task InsertAnswersAsync(IReadOnlyList<AnswerRow> answers) =>
        writer.WriteAsync(answers.Select(a => new WriteStatement(InsertAnswerSql, a)).ToList());

    private static readonly Sql FlagSql = Sql.Portable(
        "UPDATE attempt_slots SET flagged = @flagged WHERE attempt_id = @attemptId AND slot = @slot");

    public Task SetFlagAsync(Guid attemptId, int slot, bool flagged) =>
        writer.WriteAsync([new WriteStatement(FlagSql, new { attemptId, slot, flagged })]);

    private static readonly Sql InsertEventSql = Sql.Portable(
        "INSERT INTO attempt_events (id, attempt_id, at, kind, device_id, detail) VALUES (@Id, @AttemptId, @At, @Kind, @DeviceId, @Detail)");

    public Task InsertEventsAsync(IReadOnlyList<EventRow> events) =>
        writer.WriteAsync(events.Select(e => new WriteStatement(InsertEventSql, e)).ToList());

    private static readonly Sql EventsSql = Sql.Portable(
        "SELECT id, attempt_id, at, kind, device_id, detail FROM attempt_events WHERE attempt_id = @attemptId ORDER BY at, id");

    public async Task<IReadOnlyList<EventRow>> EventsAsync(Guid attemptId) =>
        await db.QueryAsync<EventRow>(EventsSql, new { attemptId });

    private static readonly Sql SaveAttemptGradeSql = Sql.Portable(
        "UPDATE quiz_attempts SET status = @Status, submitted_at = @SubmittedAt, submitted_by = @SubmittedBy, score = @Score, " +
        "needs_grading = @NeedsGrading, overall_feedback = @OverallFeedback WHERE id = @Id");
    private static readonly Sql SaveSlotGradeSql = Sql.Portable(
        "UPDATE attempt_slots SET score = @score, version = @version WHERE attempt_id = @attemptId AND slot = @slot AND manual = @no");

    /// <summary>Saves a submission or a regrade: the attempt's totals and every automatically graded slot, in one transaction.</summary>
    public Task SaveGradingAsync(AttemptRow attempt, IReadOnlyList<(int Slot, int Version, double? Score)> slots) =>
        writer.WriteAsync(slots.Select(s => new WriteStatement(SaveSlotGradeSql, new { attemptId = attempt.Id, slot = s.Slot, version = s.Version, score = s.Score, no = false }))
            .Append(new WriteStatement(SaveAttemptGradeSql, attempt)).ToList());

    private static readonly Sql ManualGradeSql = Sql.Portable(
        "UPDATE attempt_slots SET score = @score, manual = @yes, comment = @comment, graded_by = @gradedBy, graded_at = @gradedAt " +
        "WHERE attempt_id = @attemptId AND slot = @slot");

    public Task SaveManualGradeAsync(Guid attemptId, int slot, double score, string? comment, Guid gradedBy, DateTimeOffset gradedAt, AttemptRow totals) =>
        writer.WriteAsync([
            new WriteStatement(ManualGradeSql, new { attemptId, slot, score, yes = true, comment, gradedBy, gradedAt }),
            new WriteStatement(SaveAttemptGradeSql, totals),
        ]);

    private static readonly Sql DueBeforeSql = Sql.Portable(
        "SELECT id, deadline_at FROM quiz_attempts WHERE status = @status AND deadline_at IS NOT NULL AND deadline_at < @cutoff");

    /// <summary>Attempts still open whose deadline comes before <paramref name="cutoff"/>, with the deadline.</summary>
    public async Task<IReadOnlyList<DueAttempt>> DueBeforeAsync(DateTimeOffset cutoff) =>
        await db.QueryAsync<DueAttempt>(DueBeforeSql, new { status = AttemptStatuses.InProgress, cutoff });

    private static readonly Sql OverdueSql = Sql.Portable(
        "SELECT id FROM quiz_attempts WHERE status = @status AND deadline_at IS NOT NULL AND deadline_at < @cutoff");

    /// <summary>Attempts still open whose deadline (plus grace) has passed: a restart lost their timers.</summary>
    public async Task<IReadOnlyList<Guid>> OverdueAsync(DateTimeOffset cutoff) =>
        await db.QueryAsync<Guid>(OverdueSql, new { status = AttemptStatuses.InProgress, cutoff });

    private static readonly Sql ForQuizSql = Sql.Portable(
        "SELECT a.id, a.quiz_id, a.user_id, u.display_name, a.number, a.status, a.started_at, a.deadline_at, a.submitted_at, a.submitted_by, " +
        "a.score, a.max_score, a.needs_grading, (SELECT COUNT(*) FROM attempt_events e WHERE e.attempt_id = a.id AND e.kind <> 'started' AND e.kind <> 'submitted') AS events " +
        "FROM quiz_attempts a JOIN users u ON u.id = a.user_id WHERE a.quiz_id = @quizId ORDER BY u.search_name, a.user_id, a.number");

    public async Task<IReadOnlyList<AttemptListRow>> ForQuizAsync(Guid quizId) =>
        await db.QueryAsync<AttemptListRow>(ForQuizSql, new { quizId });

    private static readonly Sql ForCourseSql = Sql.Portable(
        "SELECT a.id, a.quiz_id, a.user_id, u.display_name, a.number, a.status, a.started_at, a.deadline_at, a.submitted_at, a.submitted_by, " +
        "a.score, a.max_score, a.needs_grading, 0 AS events " +
        "FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN users u ON u.id = a.user_id WHERE q.course_id = @courseId");

    public async Task<IReadOnlyList<AttemptListRow>> ForCourseAsync(Guid courseId) =>
        await db.QueryAsync<AttemptListRow>(ForCourseSql, new { courseId });

    private static readonly Sql QueueSql = Sql.Portable(
        "SELECT a.id AS attempt_id, a.quiz_id, q.title AS quiz_title, a.user_id, u.display_name, s.slot, s.question_id, s.version, s.points, a.submitted_at " +
        "FROM attempt_slots s JOIN quiz_attempts a ON a.id = s.attempt_id JOIN quizzes q ON q.id = a.quiz_id JOIN users u ON u.id = a.user_id " +
        "WHERE q.course_id = @courseId AND a.status = @status AND s.score IS NULL AND s.manual = @no ORDER BY a.submitted_at, a.id, s.slot");

    /// <summary>Slots of submitted attempts that wait for a person (essays), oldest first.</summary>
    public async Task<IReadOnlyList<QueueRow>> GradingQueueAsync(Guid courseId) =>
        await db.QueryAsync<QueueRow>(QueueSql, new { courseId, status = AttemptStatuses.Submitted, no = false });

    private static readonly Sql QuizSlotsSql = Sql.Portable(
        "SELECT s.attempt_id, s.slot, s.section, s.question_id, s.version, s.points, s.option_order, s.flagged, s.score, s.manual, s.comment, s.graded_by, s.graded_at " +
        "FROM attempt_slots s JOIN quiz_attempts a ON a.id = s.attempt_id WHERE a.quiz_id = @quizId AND a.status = @status");
    private static readonly Sql QuizAnswersSql = Sql.Portable(
        "SELECT x.attempt_id, x.answer_id, x.slot, x.response, x.client_time, x.effective_at, x.received_at, x.device_id, x.seq, x.queued " +
        "FROM attempt_answers x JOIN quiz_attempts a ON a.id = x.attempt_id WHERE a.quiz_id = @quizId AND a.status = @status");

    /// <summary>Every slot and answer of a quiz's submitted attempts (statistics).</summary>
    public async Task<(IReadOnlyList<SlotRow> Slots, IReadOnlyList<AnswerRow> Answers)> SubmittedDetailAsync(Guid quizId)
    {
        var args = new { quizId, status = AttemptStatuses.Submitted };
        await using var connection = await db.OpenAsync();
        var slots = (await connection.QueryAsync<SlotRow>(db.Text(QuizSlotsSql), args)).AsList();
        var answers = (await connection.QueryAsync<AnswerRow>(db.Text(QuizAnswersSql), args)).AsList();
        return (slots, answers);
    }

    private static readonly Sql WithEventSql = Sql.Portable(
        "SELECT DISTINCT e.attempt_id FROM attempt_events e JOIN quiz_attempts a ON a.id = e.attempt_id " +
        "WHERE a.quiz_id = @quizId AND e.kind = @kind AND e.detail = @detail");

    /// <summary>The quiz's attempts whose timeline has an event of this kind and detail.</summary>
    public async Task<IReadOnlyList<Guid>> WithEventAsync(Guid quizId, string kind, string detail) =>
        await db.QueryAsync<Guid>(WithEventSql, new { quizId, kind, detail });

    private static readonly Sql QuizzesWithSubmittedSql = Sql.Portable(
        "SELECT DISTINCT quiz_id FROM quiz_attempts WHERE status = @status");

    /// <summary>Every quiz that has a submitted attempt (the answer-order audit of a whole database).</summary>
    public async Task<IReadOnlyList<Guid>> QuizzesWithSubmittedAttemptsAsync() =>
        await db.QueryAsync<Guid>(QuizzesWithSubmittedSql, new { status = AttemptStatuses.Submitted });

    private static readonly Sql UsingQuestionSql = Sql.Portable(
        "SELECT DISTINCT s.attempt_id FROM attempt_slots s JOIN quiz_attempts a ON a.id = s.attempt_id WHERE a.quiz_id = @quizId AND s.question_id = @questionId");

    public async Task<IReadOnlyList<Guid>> AttemptsUsingAsync(Guid quizId, Guid questionId) =>
        await db.QueryAsync<Guid>(UsingQuestionSql, new { quizId, questionId });

}

/// <summary>
/// An attempt just written by this process, handed to its grain's first activation so that the grain
/// does not read back what was just stored (thousands start together). Another silo, or a later
/// activation, reads the database as usual.
/// </summary>
public static class FreshAttempts
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, (DateTimeOffset At, AttemptRow Attempt, IReadOnlyList<SlotRow> Slots)> Items = new();

    public static void Put(AttemptRow attempt, IReadOnlyList<SlotRow> slots)
    {
        if (Items.Count > 50_000)
            foreach (var old in Items.Where(i => DateTimeOffset.UtcNow - i.Value.At > TimeSpan.FromMinutes(1)).Select(i => i.Key).ToList())
                Items.TryRemove(old, out _);
        Items[attempt.Id] = (DateTimeOffset.UtcNow, attempt, slots);
    }

    public static bool Take(Guid id, out AttemptRow attempt, out IReadOnlyList<SlotRow> slots)
    {
        if (Items.TryRemove(id, out var item))
        {
            (attempt, slots) = (item.Attempt, item.Slots);
            return true;
        }
        (attempt, slots) = (null!, []);
        return false;
    }
}
