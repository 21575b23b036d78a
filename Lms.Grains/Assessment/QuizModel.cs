
namespace Lms.Grains.Assessment;

public static class GradingMethods
{
    public const string Highest = "highest";
    public const string Last = "last";
    public const string Average = "average";
    public static readonly IReadOnlyList<string> All = [Highest, Last, Average];
}

/// <summary>When a student sees something on review: right after submitting, once the quiz closes, or never.</summary>
public static class ReviewWhen
{
    public const string Immediately = "immediately";
    public const string AfterClose = "after_close";
    public const string Never = "never";
    public static readonly IReadOnlyList<string> All = [Immediately, AfterClose, Never];
}

public sealed record QuizSettings
{
    public string? Description { get; init; }
    public DateTimeOffset? OpenAt { get; init; }
    public DateTimeOffset? CloseAt { get; init; }
    /// <summary>Null: no time limit.</summary>
    public int? TimeLimitSeconds { get; init; }
    /// <summary>0: unlimited.</summary>
    public int AttemptsAllowed { get; init; } = 1;
    public string GradingMethod { get; init; } = GradingMethods.Highest;
    public bool ShuffleQuestions { get; init; }
    public bool ShuffleOptions { get; init; } = true;
    /// <summary>Percent of the maximum needed to pass.</summary>
    public double PassMark { get; init; } = 50;
    public bool RequireFullScreen { get; init; }
    /// <summary>"one": one question per screen; "all": all on one page.</summary>
    public string Layout { get; init; } = "one";
    /// <summary>Score and per-question marks.</summary>
    public string ReviewScores { get; init; } = ReviewWhen.Immediately;
    /// <summary>The right answers and feedback.</summary>
    public string ReviewAnswers { get; init; } = ReviewWhen.AfterClose;
    /// <summary>Overall feedback by score band: the first band whose minimum percent the score reaches.</summary>
    public IReadOnlyList<FeedbackBand>? OverallFeedback { get; init; }
}

public sealed record FeedbackBand
{
    public double MinPercent { get; init; }
    public string Text { get; init; } = "";
}

public static class SlotKinds
{
    public const string Fixed = "fixed";
    public const string Random = "random";
}

public sealed record QuizSlotSpec
{
    public string Kind { get; init; } = SlotKinds.Fixed;
    public Guid? QuestionId { get; init; }
    public double Points { get; init; } = 1;
    // A random draw: this many questions from the bank matching all of the filters.
    public int Count { get; init; } = 1;
    public IReadOnlyList<string>? Tags { get; init; }
    public int? MinDifficulty { get; init; }
    public int? MaxDifficulty { get; init; }
    public string? Subject { get; init; }
    public string? Type { get; init; }
}

public sealed record QuizSection
{
    public string Title { get; init; } = "";
    public IReadOnlyList<QuizSlotSpec> Items { get; init; } = [];
}

public sealed record QuizDefinition
{
    public IReadOnlyList<QuizSection> Sections { get; init; } = [];
}

public sealed record QuizRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public string Title { get; init; } = "";
    public string Settings { get; init; } = "{}";
    public string Definition { get; init; } = "{}";
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed record Quiz(Guid Id, Guid CourseId, Guid InstitutionId, string Title, QuizSettings Settings, QuizDefinition Definition)
{
    public double MaxPoints(IReadOnlyList<SlotPlan> slots) => slots.Sum(s => s.Points);
}

/// <summary>One question of one attempt, as drawn when the attempt started.</summary>
[GenerateSerializer, Immutable]
public sealed record SlotPlan(
    [property: Id(0)] int Slot,
    [property: Id(1)] string? Section,
    [property: Id(2)] Guid QuestionId,
    [property: Id(3)] int Version,
    [property: Id(4)] double Points,
    [property: Id(5)] IReadOnlyList<string>? OptionOrder);

public static class AttemptStatuses
{
    public const string InProgress = "in_progress";
    public const string Submitted = "submitted";
}

public static class SubmittedBy
{
    public const string Student = "student";
    public const string Deadline = "deadline";
    public const string Teacher = "teacher";
}

public sealed record AttemptRow
{
    public Guid Id { get; init; }
    public Guid QuizId { get; init; }
    public Guid UserId { get; init; }
    public int Number { get; init; }
    public int Seed { get; init; }
    public string Status { get; init; } = "";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? DeadlineAt { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public string? SubmittedBy { get; init; }
    public double? Score { get; init; }
    public double MaxScore { get; init; }
    public bool NeedsGrading { get; init; }
    public string? OverallFeedback { get; init; }
}

public sealed record SlotRow
{
    public Guid AttemptId { get; init; }
    public int Slot { get; init; }
    public string? Section { get; init; }
    public Guid QuestionId { get; init; }
    public int Version { get; init; }
    public double Points { get; init; }
    public string? OptionOrder { get; init; }
    public bool Flagged { get; init; }
    public double? Score { get; init; }
    public bool Manual { get; init; }
    public string? Comment { get; init; }
    public Guid? GradedBy { get; init; }
    public DateTimeOffset? GradedAt { get; init; }
}

public sealed record AnswerRow
{
    public Guid AttemptId { get; init; }
    public Guid AnswerId { get; init; }
    public int Slot { get; init; }
    public string Response { get; init; } = "";
    public DateTimeOffset? ClientTime { get; init; }
    public DateTimeOffset EffectiveAt { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public string? DeviceId { get; init; }
    /// <summary>The attempt's receipt sequence (1, 2, 3…); null for answers stored before it existed.</summary>
    public long? Seq { get; init; }
    /// <summary>Sent from the client's offline queue (ranked by when it was given) rather than at once (ranked by receipt).</summary>
    public bool? Queued { get; init; }
}

public sealed record EventRow
{
    public Guid Id { get; init; }
    public Guid AttemptId { get; init; }
    public DateTimeOffset At { get; init; }
    public string Kind { get; init; } = "";
    public string? DeviceId { get; init; }
    public string? Detail { get; init; }
}

/// <summary>A learner's grade on a quiz, by the quiz's grading method over their submitted attempts.</summary>
public sealed record LearnerQuizGrade(
    Guid QuizId, Guid UserId, int Attempts, double? Score, double MaxScore, double? Percent, bool Passed, bool Pending);

public sealed class AssessmentOptions
{
    public const string Section = "Assessment";

    /// <summary>How long after the deadline an answer still counts if it was given before the deadline (network delay).</summary>
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the server looks for attempts past their deadline that no timer submitted (after a restart).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Another device acting on an attempt within this time of the last is reported as a second device.</summary>
    public TimeSpan SecondDeviceWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>What an imported QTI package may hold (Assessment:Qti:MaxEntries, MaxManifestBytes, MaxItemBytes).</summary>
    public QtiLimits Qti { get; set; } = new();
}
