
namespace Lms.Grains.Classroom;

/// <summary>
/// Something a person asks of a session's live quiz. <see cref="CommandId"/> is chosen by the client
/// (one per intent, reused on retry): a command sent twice is applied once. Teachers' commands carry
/// <see cref="ITeacherCommand"/>, as the room's own do.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record LiveQuizCommand([property: Id(0)] string CommandId);

/// <summary>
/// Puts a bank question to everyone in the room (closing the one before, if open). With
/// <see cref="TimeLimitSeconds"/> the server closes it when the time is up; <see cref="SpeedBonus"/>
/// (timed questions only) makes a quicker right answer worth more.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LaunchQuizQuestion(
    string CommandId, [property: Id(0)] Guid QuestionId, [property: Id(1)] int? TimeLimitSeconds, [property: Id(2)] bool SpeedBonus)
    : LiveQuizCommand(CommandId), ITeacherCommand;

/// <summary>Closes the open question: no answer is taken after it.</summary>
[GenerateSerializer, Immutable]
public sealed record CloseQuizQuestion(string CommandId) : LiveQuizCommand(CommandId), ITeacherCommand;

/// <summary>Shows everyone the right answer and how the class answered (closing the question first if it is open).</summary>
[GenerateSerializer, Immutable]
public sealed record RevealQuizResults(string CommandId) : LiveQuizCommand(CommandId), ITeacherCommand;

/// <summary>Shows everyone the leaderboard so far.</summary>
[GenerateSerializer, Immutable]
public sealed record ShowQuizLeaderboard(string CommandId) : LiveQuizCommand(CommandId), ITeacherCommand;

/// <summary>Takes the quiz off everyone's screen (the records stay).</summary>
[GenerateSerializer, Immutable]
public sealed record ClearQuiz(string CommandId) : LiveQuizCommand(CommandId), ITeacherCommand;

/// <summary>
/// A student's answer to a launched question: <see cref="Response"/> is a question response as JSON
/// (the same shape as a quiz attempt's). A second answer before the question closes replaces the first.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AnswerQuizQuestion(string CommandId, [property: Id(0)] Guid LaunchId, [property: Id(1)] string Response)
    : LiveQuizCommand(CommandId);

/// <summary>The stable codes a live quiz command fails with (besides the room's own: forbidden, not-joined, not-live, invalid, not-found).</summary>
public static class LiveQuizErrors
{
    /// <summary>The question was closed (by the teacher or its time limit) before the answer arrived.</summary>
    public const string Closed = "quiz-closed";
    /// <summary>No question is (or was) launched with that id in this run.</summary>
    public const string NoQuestion = "no-question";
    /// <summary>An essay cannot be graded live.</summary>
    public const string NotGradable = "not-gradable";
    /// <summary>The answer could not be stored; send it again (same command id).</summary>
    public const string Unavailable = "unavailable";
}

/// <summary>What each stage of a live quiz shows: nothing, a question, the question closed, its results, the leaderboard.</summary>
public static class LiveQuizStages
{
    public const string Idle = "idle";
    public const string Question = "question";
    public const string Closed = "closed";
    public const string Results = "results";
    public const string Leaderboard = "leaderboard";
}

/// <summary>
/// A session's live quiz (keyed by the session id): the questions launched in the current run, each
/// student's answer, grading and points, the leaderboard. Answers are written to the database before
/// they are acknowledged; every event goes out through the session's <see cref="IClassroomGrain.Publish"/>,
/// so it is numbered and replayed like the room's own. Who may act is the room's: the caller must be in
/// the room on that connection, and teachers' commands need the teacher's role there.
/// </summary>
public interface ILiveQuizGrain : IGrainWithGuidKey
{
    /// <summary>Runs one command once: a repeated command id from the same person returns the first result.</summary>
    Task<CommandResult> Execute(Caller caller, LiveQuizCommand command);

    /// <summary>The quiz as the caller may see it now (JSON), with the sequence number of the last quiz event it reflects.</summary>
    Task<string> GetState(Caller caller);
}

public sealed class LiveQuizOptions
{
    public const string Section = "LiveQuiz";

    /// <summary>How long after a timed question's limit an answer that was on its way is still taken (it scores as given at the limit).</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the teachers' answered-count goes out while a question is open (it is not sent per answer).</summary>
    public TimeSpan TallyInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Points, Kahoot-style: a question is worth <see cref="MaxPoints"/> times the grade (0–1, partial credit
/// included). With a time limit and the speed bonus, an answer given after t of the limit T keeps
/// 1 − t/(2T) of that: full points at once, half at the limit. Without a time limit (or with the bonus
/// off), speed does not count.
/// </summary>
public static class LiveQuizScoring
{
    public const int MaxPoints = 1000;

    public static int Points(double fraction, int timeMs, int? timeLimitSeconds, bool speedBonus)
    {
        var points = MaxPoints * Math.Clamp(fraction, 0, 1);
        if (speedBonus && timeLimitSeconds is > 0 and var limit)
            points *= 1 - 0.5 * Math.Clamp(timeMs / (limit * 1000.0), 0, 1);
        return (int)Math.Round(points, MidpointRounding.AwayFromZero);
    }

    public static bool Correct(double fraction) => fraction >= 0.999;
}
