
namespace Lms.Grains.Assessment;

[GenerateSerializer, Immutable]
public sealed record AttemptState(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid QuizId,
    [property: Id(2)] Guid UserId,
    [property: Id(3)] int Number,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset? DeadlineAt,
    [property: Id(7)] DateTimeOffset? SubmittedAt,
    [property: Id(8)] string? SubmittedBy,
    [property: Id(9)] double? Score,
    [property: Id(10)] double MaxScore,
    [property: Id(11)] bool NeedsGrading,
    [property: Id(12)] IReadOnlyList<SlotPlan> Slots,
    [property: Id(13)] Dictionary<int, string> Responses,
    [property: Id(14)] IReadOnlyList<int> Flagged,
    [property: Id(15)] DateTimeOffset ServerNow,
    [property: Id(16)] int AnswersStored,
    [property: Id(17)] string? OverallFeedback)
{
    public bool InProgress => Status == AttemptStatuses.InProgress;
}

[GenerateSerializer, Immutable]
public sealed record AnswerInput(
    [property: Id(0)] Guid AnswerId,
    [property: Id(1)] int Slot,
    [property: Id(2)] string Response,
    [property: Id(3)] DateTimeOffset? ClientTime);

/// <summary>
/// What the client says about a batch of answers: its device, its own clock when it sent the batch (for the
/// offset estimate), and whether the answers come from its offline queue and how long the oldest was held there.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AnswerBatch(
    [property: Id(0)] string? DeviceId,
    [property: Id(1)] DateTimeOffset? ClientNow = null,
    [property: Id(2)] bool Queued = false,
    [property: Id(3)] long? HeldMs = null);

[GenerateSerializer, Immutable]
public sealed record RefusedAnswer([property: Id(0)] Guid AnswerId, [property: Id(1)] string Code, [property: Id(2)] string Message);

[GenerateSerializer, Immutable]
public sealed record AnswerOutcome(
    [property: Id(0)] IReadOnlyList<Guid> Accepted,
    [property: Id(1)] IReadOnlyList<RefusedAnswer> Refused,
    [property: Id(2)] AttemptState State);

[GenerateSerializer, Immutable]
public sealed record ClientEvent([property: Id(0)] string Kind, [property: Id(1)] DateTimeOffset? At, [property: Id(2)] string? Detail);

public static class RefusalCodes
{
    public const string Closed = "attempt-closed";
    public const string Late = "late";
    public const string AfterDeadline = "after-deadline";
    public const string UnknownSlot = "unknown-slot";
    public const string Invalid = "invalid-response";
    /// <summary>An answer id already stored with another question or response: the client sends the change with a new id.</summary>
    public const string IdReused = "answer-id-reused";
}

public static class EventKinds
{
    public const string Started = "started";
    public const string Opened = "opened";
    public const string SecondDevice = "second-device";
    public const string Submitted = "submitted";
    public const string AutoSubmitted = "auto-submitted";
    public const string LateRefused = "late-answers-refused";
    public const string OfflineSynced = "offline-answers-synced";
    public const string Regraded = "regraded";

    /// <summary>What the attempt page may report about itself.</summary>
    public static readonly IReadOnlySet<string> FromClient = new HashSet<string>
    {
        "tab-hidden", "tab-visible", "fullscreen-exit", "fullscreen-enter", "paste", "copy", "offline", "online", "window-blur",
    };
}

/// <summary>One attempt at one quiz: timer, answers, flags, submission and grading. Keyed by the attempt id.</summary>
public interface IQuizAttemptGrain : IGrainWithGuidKey
{
    /// <summary>
    /// The attempt as it stands; notes a device that was not the last one to act on it, and the device's
    /// clock (<paramref name="clientNow"/>) for its offset.
    /// </summary>
    Task<AttemptState> Open(string? deviceId, DateTimeOffset? clientNow = null);

    /// <summary>
    /// Stores answers (given online or offline) before acknowledging them. An answer id already stored is
    /// accepted again without being stored twice if its question and response are the same, and refused
    /// (<see cref="RefusalCodes.IdReused"/>) if not. Timing rule: an answer's time is its client time moved
    /// onto the server's clock by the device's offset, bounded to [attempt start, receipt]; it counts if that
    /// time is not after the deadline and it arrives no later than the deadline plus the grace. Which answer
    /// of a question is current follows <see cref="AnswerOrder"/>.
    /// </summary>
    Task<AnswerOutcome> Answer(AnswerBatch batch, IReadOnlyList<AnswerInput> answers);

    Task<AttemptState> Flag(string? deviceId, int slot, bool flagged);

    Task<AttemptState> Submit(string by);

    /// <summary>Submits if the deadline plus grace has passed (the start-up and periodic sweep calls this).</summary>
    Task<AttemptState> SubmitIfOverdue();

    /// <summary>Records integrity signals from the page; false (nothing recorded) once the attempt is no longer in progress.</summary>
    Task<bool> Report(string? deviceId, IReadOnlyList<ClientEvent> events);

    /// <summary>Moves every slot to its question's current version and grades again (after a question was corrected).</summary>
    Task<AttemptState> Regrade(Guid? questionId);

    /// <summary>Grades a submitted attempt again with the same question versions (after the answer order was corrected).</summary>
    Task<AttemptState> RegradeAnswers();

    Task<AttemptState> GradeManually(int slot, double score, string? comment, Guid graderId);
}
