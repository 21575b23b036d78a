using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

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
    /// <summary>The attempt as it stands; notes a device that was not the last one to act on it.</summary>
    Task<AttemptState> Open(string? deviceId);

    /// <summary>
    /// Stores answers (given online or offline) before acknowledging them. An answer id already stored is
    /// accepted again without being stored twice. Timing rule: an answer's time is its client time,
    /// bounded to [attempt start, receipt]; it counts if that time is not after the deadline and it
    /// arrives no later than the deadline plus the grace.
    /// </summary>
    Task<AnswerOutcome> Answer(string? deviceId, IReadOnlyList<AnswerInput> answers);

    Task<AttemptState> Flag(string? deviceId, int slot, bool flagged);

    Task<AttemptState> Submit(string by);

    /// <summary>Submits if the deadline plus grace has passed (the start-up and periodic sweep calls this).</summary>
    Task<AttemptState> SubmitIfOverdue();

    Task Report(string? deviceId, IReadOnlyList<ClientEvent> events);

    /// <summary>Moves every slot to its question's current version and grades again (after a question was corrected).</summary>
    Task<AttemptState> Regrade(Guid? questionId);

    Task<AttemptState> GradeManually(int slot, double score, string? comment, Guid graderId);
}

public sealed class QuizAttemptGrain(
    AttemptRepository attempts, QuestionRepository questions, QuizRepository quizzes,
    IOptions<AssessmentOptions> options, TimeProvider clock, ILogger<QuizAttemptGrain> log) : Grain, IQuizAttemptGrain
{
    private AttemptRow _attempt = null!;
    private List<SlotRow> _slots = [];
    private readonly HashSet<Guid> _answerIds = [];
    private Dictionary<int, AnswerRow> _current = [];
    private string? _lastDevice;
    private DateTimeOffset _lastDeviceAt;
    private readonly HashSet<string> _devices = [];
    private IGrainTimer? _deadlineTimer;

    private TimeSpan Grace => options.Value.DeadlineGrace;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (FreshAttempts.Take(this.GetPrimaryKey(), out var fresh, out var freshSlots))
        {
            // Just stored by this process: nothing answered yet.
            _attempt = fresh;
            _slots = freshSlots.ToList();
            ScheduleDeadline();
            return;
        }
        _attempt = await attempts.GetAsync(this.GetPrimaryKey()) ?? throw new InvalidOperationException("No such attempt.");
        _slots = (await attempts.SlotsAsync(_attempt.Id)).ToList();
        var answers = await attempts.AnswersAsync(_attempt.Id);
        foreach (var a in answers)
        {
            _answerIds.Add(a.AnswerId);
            if (a.DeviceId is { } d) _devices.Add(d);
        }
        _current = AttemptRepository.Current(answers);
        ScheduleDeadline();
    }

    private void ScheduleDeadline()
    {
        if (_attempt.Status != AttemptStatuses.InProgress || _attempt.DeadlineAt is not { } deadline || _deadlineTimer is not null) return;
        var due = deadline + Grace - clock.GetUtcNow();
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        _deadlineTimer = this.RegisterGrainTimer(async _ =>
        {
            try
            {
                if (_attempt.Status == AttemptStatuses.InProgress) await SubmitCore(SubmittedBy.Deadline);
            }
            catch (Exception e)
            {
                // The sweep tries again; nothing acknowledged is lost.
                log.LogWarning(e, "Submitting attempt {Attempt} at its deadline failed", _attempt.Id);
            }
        }, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, KeepAlive = true });
    }

    public async Task<AttemptState> Open(string? deviceId)
    {
        await OverdueCheck();
        await NoteDevice(deviceId, EventKinds.Opened);
        return State();
    }

    private async Task NoteDevice(string? deviceId, string? openKind)
    {
        if (string.IsNullOrEmpty(deviceId)) return;
        var now = clock.GetUtcNow();
        var events = new List<EventRow>();
        var isNew = _devices.Add(deviceId);
        if (_lastDevice is not null && _lastDevice != deviceId && now - _lastDeviceAt < options.Value.SecondDeviceWindow
            && _attempt.Status == AttemptStatuses.InProgress)
            events.Add(Event(EventKinds.SecondDevice, deviceId, $"another device acted {(int)(now - _lastDeviceAt).TotalSeconds}s after {Short(_lastDevice)}"));
        else if (isNew && openKind is not null && _devices.Count > 1)
            events.Add(Event(openKind, deviceId, "resumed on another device"));
        _lastDevice = deviceId;
        _lastDeviceAt = now;
        await attempts.InsertEventsAsync(events);
    }

    private static string Short(string device) => device.Length > 8 ? device[..8] : device;

    private EventRow Event(string kind, string? deviceId, string? detail, DateTimeOffset? at = null) => new()
    {
        Id = Guid.CreateVersion7(), AttemptId = _attempt.Id, At = at ?? clock.GetUtcNow(), Kind = kind, DeviceId = deviceId,
        Detail = detail is { Length: > 1000 } ? detail[..1000] : detail,
    };

    public async Task<AnswerOutcome> Answer(string? deviceId, IReadOnlyList<AnswerInput> answers)
    {
        var received = clock.GetUtcNow();
        await OverdueCheck();
        await NoteDevice(deviceId, null);
        var accepted = new List<Guid>();
        var refused = new List<RefusedAnswer>();
        var rows = new List<AnswerRow>();
        var deadline = _attempt.DeadlineAt;
        var offlineCount = 0;
        foreach (var a in answers)
        {
            if (_answerIds.Contains(a.AnswerId) || rows.Any(r => r.AnswerId == a.AnswerId))
            {
                accepted.Add(a.AnswerId);
                continue;
            }
            if (_attempt.Status != AttemptStatuses.InProgress)
            {
                var late = deadline is { } d0 && received > d0 + Grace;
                refused.Add(late
                    ? new RefusedAnswer(a.AnswerId, RefusalCodes.Late, $"The answer arrived after the deadline ({deadline:u}) and its {Grace.TotalSeconds:0}s grace; the attempt was submitted.")
                    : new RefusedAnswer(a.AnswerId, RefusalCodes.Closed, "The attempt has been submitted; answers can no longer change."));
                continue;
            }
            if (_slots.All(s => s.Slot != a.Slot))
            {
                refused.Add(new RefusedAnswer(a.AnswerId, RefusalCodes.UnknownSlot, $"The attempt has no question {a.Slot}."));
                continue;
            }
            // The client's time, but never before the attempt started and never later than we received it.
            var effective = a.ClientTime ?? received;
            if (effective < _attempt.StartedAt) effective = _attempt.StartedAt;
            if (effective > received) effective = received;
            if (deadline is { } dl && effective > dl)
            {
                refused.Add(new RefusedAnswer(a.AnswerId, RefusalCodes.AfterDeadline, $"The answer was given after the deadline ({dl:u})."));
                continue;
            }
            if (!ValidResponse(a.Response))
            {
                refused.Add(new RefusedAnswer(a.AnswerId, RefusalCodes.Invalid, "The response is not valid JSON for a question."));
                continue;
            }
            if (received - effective > TimeSpan.FromSeconds(30)) offlineCount++;
            rows.Add(new AnswerRow
            {
                AttemptId = _attempt.Id, AnswerId = a.AnswerId, Slot = a.Slot, Response = a.Response, ClientTime = a.ClientTime,
                EffectiveAt = effective, ReceivedAt = received, DeviceId = deviceId,
            });
        }
        // Written through before anything is acknowledged.
        await attempts.InsertAnswersAsync(rows);
        foreach (var row in rows)
        {
            _answerIds.Add(row.AnswerId);
            accepted.Add(row.AnswerId);
            if (!_current.TryGetValue(row.Slot, out var existing) || row.EffectiveAt >= existing.EffectiveAt)
                _current[row.Slot] = row;
        }
        var events = new List<EventRow>();
        if (offlineCount > 0) events.Add(Event(EventKinds.OfflineSynced, deviceId, $"{offlineCount} answer(s) given offline were synced"));
        var lateCount = refused.Count(r => r.Code is RefusalCodes.Late or RefusalCodes.AfterDeadline);
        if (lateCount > 0) events.Add(Event(EventKinds.LateRefused, deviceId, $"{lateCount} answer(s) refused as late"));
        await attempts.InsertEventsAsync(events);
        return new AnswerOutcome(accepted, refused, State());
    }

    private static bool ValidResponse(string json)
    {
        if (json.Length > 100_000) return false;
        try
        {
            AssessmentJson.Read<QuestionResponse>(json);
            return true;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    public async Task<AttemptState> Flag(string? deviceId, int slot, bool flagged)
    {
        await OverdueCheck();
        await NoteDevice(deviceId, null);
        var index = _slots.FindIndex(s => s.Slot == slot);
        if (index < 0 || _attempt.Status != AttemptStatuses.InProgress) return State();
        await attempts.SetFlagAsync(_attempt.Id, slot, flagged);
        _slots[index] = _slots[index] with { Flagged = flagged };
        return State();
    }

    public async Task<AttemptState> Submit(string by)
    {
        await OverdueCheck();
        if (_attempt.Status == AttemptStatuses.InProgress) await SubmitCore(by);
        return State();
    }

    public async Task<AttemptState> SubmitIfOverdue()
    {
        await OverdueCheck();
        return State();
    }

    private async Task OverdueCheck()
    {
        if (_attempt.Status == AttemptStatuses.InProgress && _attempt.DeadlineAt is { } d && clock.GetUtcNow() > d + Grace)
            await SubmitCore(SubmittedBy.Deadline);
    }

    private async Task SubmitCore(string by)
    {
        var now = clock.GetUtcNow();
        var submittedAt = by == SubmittedBy.Deadline && _attempt.DeadlineAt is { } d && d < now ? d : now;
        var graded = await GradeAll(move: null);
        var attempt = graded.Attempt with { Status = AttemptStatuses.Submitted, SubmittedAt = submittedAt, SubmittedBy = by };
        await attempts.SaveGradingAsync(attempt, graded.Slots);
        _attempt = attempt;
        await attempts.InsertEventsAsync([Event(by == SubmittedBy.Deadline ? EventKinds.AutoSubmitted : EventKinds.Submitted, null,
            by == SubmittedBy.Deadline ? "submitted by the server at the deadline" : $"submitted by the {by}")]);
        _deadlineTimer?.Dispose();
        _deadlineTimer = null;
        await UpdateStandingAsync();
    }

    /// <summary>A graded attempt may complete the quiz item, and so the course: the learner's standing is looked at again.</summary>
    private async Task UpdateStandingAsync()
    {
        try
        {
            var quiz = await quizzes.GetAsync(_attempt.QuizId);
            if (quiz is not null)
                await GrainFactory.GetGrain<Courses.ILearnerCourseGrain>(Courses.LearnerCourseKey.For(quiz.CourseId, _attempt.UserId)).GetStanding();
        }
        catch (Exception e)
        {
            // The grade is saved; the standing is computed again the next time anyone asks.
            log.LogWarning(e, "Updating the course standing after attempt {Attempt} failed", _attempt.Id);
        }
    }

    private async Task<(AttemptRow Attempt, List<(int Slot, int Version, double? Score)> Slots)> GradeAll(Guid? move)
    {
        var slotGrades = new List<(int, int, double?)>();
        double score = 0;
        var pending = false;
        for (var i = 0; i < _slots.Count; i++)
        {
            var slot = _slots[i];
            if (move is { } q && (q == Guid.Empty || q == slot.QuestionId) && await questions.CurrentVersionAsync(slot.QuestionId) is { } latest)
                slot = _slots[i] = slot with { Version = latest };
            if (slot.Manual && slot.Score is { } manual)
            {
                score += manual;
                continue;
            }
            var content = await questions.ContentAsync(slot.QuestionId, slot.Version);
            QuestionResponse? response = null;
            if (_current.TryGetValue(slot.Slot, out var row))
            {
                try { response = AssessmentJson.Read<QuestionResponse>(row.Response); }
                catch (System.Text.Json.JsonException) { }
            }
            var result = Grader.Grade(content, response);
            double? slotScore = result.Fraction is { } f ? Math.Round(f * slot.Points, 4) : null;
            // An essay left empty needs nobody's judgement: it scores nothing.
            if (slotScore is null && string.IsNullOrWhiteSpace(response?.Text)) slotScore = 0;
            if (slotScore is null) pending = true;
            else score += slotScore.Value;
            _slots[i] = slot with { Score = slotScore };
            slotGrades.Add((slot.Slot, slot.Version, slotScore));
        }
        var max = _slots.Sum(s => s.Points);
        var quiz = await quizzes.GetAsync(_attempt.QuizId);
        var percent = max > 0 ? 100 * score / max : 0;
        var band = quiz?.Settings.OverallFeedback?.OrderByDescending(b => b.MinPercent).FirstOrDefault(b => percent >= b.MinPercent);
        return (_attempt with { Score = Math.Round(score, 4), MaxScore = max, NeedsGrading = pending, OverallFeedback = band?.Text }, slotGrades);
    }

    public async Task Report(string? deviceId, IReadOnlyList<ClientEvent> events)
    {
        var now = clock.GetUtcNow();
        await NoteDevice(deviceId, null);
        var rows = events.Where(e => EventKinds.FromClient.Contains(e.Kind)).Take(100)
            .Select(e => Event(e.Kind, deviceId, e.Detail,
                e.At is { } at && at <= now && at >= _attempt.StartedAt ? at : now)).ToList();
        await attempts.InsertEventsAsync(rows);
    }

    public async Task<AttemptState> Regrade(Guid? questionId)
    {
        if (_attempt.Status != AttemptStatuses.Submitted) return State();
        var graded = await GradeAll(move: questionId ?? Guid.Empty);
        _attempt = graded.Attempt;
        await attempts.SaveGradingAsync(_attempt, graded.Slots);
        await attempts.InsertEventsAsync([Event(EventKinds.Regraded, null, questionId is null ? "all questions" : $"question {questionId}")]);
        await UpdateStandingAsync();
        return State();
    }

    public async Task<AttemptState> GradeManually(int slot, double score, string? comment, Guid graderId)
    {
        var index = _slots.FindIndex(s => s.Slot == slot);
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(slot), "The attempt has no such question.");
        if (_attempt.Status != AttemptStatuses.Submitted) throw new InvalidOperationException("Only a submitted attempt is graded.");
        if (score < 0 || score > _slots[index].Points) throw new ArgumentOutOfRangeException(nameof(score), $"The score must be between 0 and {_slots[index].Points}.");
        _slots[index] = _slots[index] with { Score = score, Manual = true, Comment = comment, GradedBy = graderId, GradedAt = clock.GetUtcNow() };
        var total = _slots.Sum(s => s.Score ?? 0);
        var pending = _slots.Any(s => s.Score is null);
        var quiz = await quizzes.GetAsync(_attempt.QuizId);
        var max = _slots.Sum(s => s.Points);
        var percent = max > 0 ? 100 * total / max : 0;
        var band = quiz?.Settings.OverallFeedback?.OrderByDescending(b => b.MinPercent).FirstOrDefault(b => percent >= b.MinPercent);
        _attempt = _attempt with { Score = Math.Round(total, 4), NeedsGrading = pending, OverallFeedback = band?.Text };
        await attempts.SaveManualGradeAsync(_attempt.Id, slot, score, comment, graderId, _slots[index].GradedAt!.Value, _attempt);
        await UpdateStandingAsync();
        return State();
    }

    private AttemptState State() => new(
        _attempt.Id, _attempt.QuizId, _attempt.UserId, _attempt.Number, _attempt.Status, _attempt.StartedAt, _attempt.DeadlineAt,
        _attempt.SubmittedAt, _attempt.SubmittedBy, _attempt.Score, _attempt.MaxScore, _attempt.NeedsGrading,
        _slots.Select(s => new SlotPlan(s.Slot, s.Section, s.QuestionId, s.Version, s.Points,
            s.OptionOrder is null ? null : AssessmentJson.Read<List<string>>(s.OptionOrder))).ToList(),
        _current.ToDictionary(kv => kv.Key, kv => kv.Value.Response),
        _slots.Where(s => s.Flagged).Select(s => s.Slot).ToList(),
        clock.GetUtcNow(), _answerIds.Count, _attempt.OverallFeedback);
}
