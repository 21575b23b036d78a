using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Classroom;

/// <summary>A question launched in a run of a live session.</summary>
public sealed record LiveQuizLaunchRow
{
    public Guid Id { get; init; }
    public Guid RunId { get; init; }
    public int Position { get; init; }
    public Guid QuestionId { get; init; }
    public int Version { get; init; }
    public int? TimeLimitSeconds { get; init; }
    public bool SpeedBonus { get; init; }
    public Guid LaunchedBy { get; init; }
    public DateTimeOffset LaunchedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? RevealedAt { get; init; }
    /// <summary>The bank question's title now (read with the row, for records).</summary>
    public string Title { get; init; } = "";
}

/// <summary>A student's (current) answer to a launched question, with its grade, points and time.</summary>
public sealed record LiveQuizAnswerRow
{
    public Guid LaunchId { get; init; }
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public string AnswerId { get; init; } = "";
    public string Response { get; init; } = "{}";
    public DateTimeOffset AnsweredAt { get; init; }
    public int TimeMs { get; init; }
    public double Fraction { get; init; }
    public int Points { get; init; }
}

/// <summary>The live quiz's records: questions launched per run, and each student's answer.</summary>
public sealed class LiveQuizRepository(Db db)
{
    private static readonly Sql InsertLaunchSql = Sql.Portable(
        "INSERT INTO live_quiz_questions (id, run_id, position, question_id, version, time_limit_seconds, speed_bonus, launched_by, launched_at, closed_at, revealed_at) " +
        "VALUES (@Id, @RunId, @Position, @QuestionId, @Version, @TimeLimitSeconds, @SpeedBonus, @LaunchedBy, @LaunchedAt, NULL, NULL)");

    public async Task InsertLaunchAsync(LiveQuizLaunchRow launch) =>
        await db.ExecuteAsync(InsertLaunchSql, launch);

    private static readonly Sql CloseSql = Sql.Portable(
        "UPDATE live_quiz_questions SET closed_at = @closedAt WHERE id = @id AND closed_at IS NULL");

    public async Task CloseAsync(Guid launchId, DateTimeOffset closedAt) =>
        await db.ExecuteAsync(CloseSql, new { id = launchId, closedAt });

    private static readonly Sql RevealSql = Sql.Portable(
        "UPDATE live_quiz_questions SET revealed_at = @revealedAt WHERE id = @id AND revealed_at IS NULL");

    public async Task RevealAsync(Guid launchId, DateTimeOffset revealedAt) =>
        await db.ExecuteAsync(RevealSql, new { id = launchId, revealedAt });

    // A changed answer replaces the student's row, unless a newer one is already there (two changes
    // committed out of order by parallel writers keep the newer).
    private static readonly Sql DeleteOlderAnswerSql = Sql.Portable(
        "DELETE FROM live_quiz_answers WHERE launch_id = @LaunchId AND user_id = @UserId AND answered_at <= @AnsweredAt");
    private static readonly Sql InsertAnswerSql = Sql.PerDialect(d => d.InsertIgnore(
        "live_quiz_answers", ["launch_id", "user_id", "answer_id", "response", "answered_at", "time_ms", "fraction", "points"],
        ["@LaunchId", "@UserId", "@AnswerId", "@Response", "@AnsweredAt", "@TimeMs", "@Fraction", "@Points"], ["launch_id", "user_id"]));

    /// <summary>Stores a student's answer in the caller's transaction (a group commit).</summary>
    public async Task SaveAnswerAsync(DbConnection connection, DbTransaction transaction, LiveQuizAnswerRow answer)
    {
        await connection.ExecuteAsync(db.Text(DeleteOlderAnswerSql), answer, transaction);
        await connection.ExecuteAsync(db.Text(InsertAnswerSql), answer, transaction);
    }

    private static readonly Sql LaunchesSql = Sql.Portable(
        "SELECT l.id, l.run_id, l.position, l.question_id, l.version, l.time_limit_seconds, l.speed_bonus, l.launched_by, l.launched_at, " +
        "l.closed_at, l.revealed_at, q.title FROM live_quiz_questions l JOIN questions q ON q.id = l.question_id " +
        "WHERE l.run_id = @runId ORDER BY l.position");
    private static readonly Sql AnswersSql = Sql.Portable(
        "SELECT a.launch_id, a.user_id, u.display_name, a.answer_id, a.response, a.answered_at, a.time_ms, a.fraction, a.points " +
        "FROM live_quiz_answers a JOIN live_quiz_questions l ON l.id = a.launch_id JOIN users u ON u.id = a.user_id " +
        "WHERE l.run_id = @runId ORDER BY l.position, a.answered_at, a.user_id");

    /// <summary>Every question launched in a run, in order, and every answer to them.</summary>
    public async Task<(IReadOnlyList<LiveQuizLaunchRow> Launches, IReadOnlyList<LiveQuizAnswerRow> Answers)> RunAsync(Guid runId)
    {
        await using var connection = await db.OpenAsync();
        var launches = (await connection.QueryAsync<LiveQuizLaunchRow>(db.Text(LaunchesSql), new { runId })).AsList();
        var answers = (await connection.QueryAsync<LiveQuizAnswerRow>(db.Text(AnswersSql), new { runId })).AsList();
        return (launches, answers);
    }
}
