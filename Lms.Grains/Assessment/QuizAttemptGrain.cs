using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;

namespace Lms.Grains.Assessment;

// An attempt lives on the node that took the student's first request for it (no extra hop for every answer). The
// default placement weighs the nodes' load instead, and may put it anywhere.
[PreferLocalPlacement]
public sealed class QuizAttemptGrain(
    AttemptRepository attempts, QuestionRepository questions, QuizRepository quizzes,
    IOptions<AssessmentOptions> options, TimeProvider clock, ILogger<QuizAttemptGrain> log) : Grain, IQuizAttemptGrain
{
    private AttemptRow _attempt = null!;
    private List<SlotRow> _slots = [];
    // Every stored answer id with its question and a digest of its response: a reused id is told apart from a retry.
    private readonly Dictionary<Guid, (int Slot, string Digest)> _answerIds = [];
    private Dictionary<int, AnswerRow> _current = [];
    private long _lastSeq;
    private DateTimeOffset _lastReceived;
    private readonly ClientClocks _clocks = new();
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
            log.LogInformation("Attempt {Attempt} is hosted here (new)", _attempt.Id);
            return;
        }
        _attempt = await attempts.GetAsync(this.GetPrimaryKey()) ?? throw new InvalidOperationException("No such attempt.");
        _slots = (await attempts.SlotsAsync(_attempt.Id)).ToList();
        var answers = await attempts.AnswersAsync(_attempt.Id);
        foreach (var a in answers)
        {
            _answerIds[a.AnswerId] = (a.Slot, Digest(a.Response));
            if (a.DeviceId is { } d) _devices.Add(d);
            _lastSeq = Math.Max(_lastSeq, a.Seq ?? 0);
            if (a.ReceivedAt > _lastReceived) _lastReceived = a.ReceivedAt;
        }
        _current = AnswerOrder.Current(answers);
        ScheduleDeadline();
        // Which node hosts an attempt is what an operator (and the failover test) looks for when a node dies.
        log.LogInformation("Attempt {Attempt} is hosted here ({Answers} answers stored)", _attempt.Id, answers.Count);
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

    public async Task<AttemptState> Open(string? deviceId, DateTimeOffset? clientNow = null)
    {
        if (clientNow is { } c) _clocks.Note(deviceId, c, clock.GetUtcNow());
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

    public async Task<AnswerOutcome> Answer(AnswerBatch batch, IReadOnlyList<AnswerInput> answers)
    {
        var deviceId = batch.DeviceId;
        // Receipt times of one attempt never go backwards (a server clock stepped back, another silo): online answers rank by them.
        var received = AnswerOrder.Truncate(clock.GetUtcNow());
        if (received < _lastReceived) received = _lastReceived;
        if (batch.ClientNow is { } clientNow) _clocks.Note(deviceId, clientNow, received);
        await OverdueCheck();
        await NoteDevice(deviceId, null);
        var accepted = new List<Guid>();
        var refused = new List<RefusedAnswer>();
        var rows = new List<AnswerRow>();
        var deadline = _attempt.DeadlineAt;
        DateTimeOffset? previousInQueue = null;
        foreach (var a in answers)
        {
            (int Slot, string Digest)? sameId = _answerIds.TryGetValue(a.AnswerId, out var stored) ? stored
                : rows.FirstOrDefault(r => r.AnswerId == a.AnswerId) is { } row ? (row.Slot, Digest(row.Response)) : null;
            if (sameId is { } known)
            {
                if (known.Slot == a.Slot && known.Digest == Digest(a.Response)) accepted.Add(a.AnswerId);
                else refused.Add(new RefusedAnswer(a.AnswerId, RefusalCodes.IdReused,
                    "An answer with this id was already stored with another question or response; send the change with a new id."));
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
            var given = GivenAt(a, batch, received, previousInQueue);
            if (deadline is { } dl && given > dl)
            {
                refused.Add(new RefusedAnswer(a.AnswerId, RefusalCodes.AfterDeadline, $"The answer was given after the deadline ({dl:u})."));
                continue;
            }
            if (!ValidResponse(a.Response))
            {
                refused.Add(new RefusedAnswer(a.AnswerId, RefusalCodes.Invalid, "The response is not valid JSON for a question."));
                continue;
            }
            if (batch.Queued) previousInQueue = given;
            rows.Add(new AnswerRow
            {
                AttemptId = _attempt.Id, AnswerId = a.AnswerId, Slot = a.Slot, Response = a.Response, ClientTime = a.ClientTime,
                EffectiveAt = given, ReceivedAt = received, DeviceId = deviceId, Seq = _lastSeq + rows.Count + 1, Queued = batch.Queued,
            });
        }
        // Written through before anything is acknowledged.
        await attempts.InsertAnswersAsync(rows);
        if (rows.Count > 0)
        {
            _lastSeq = rows[^1].Seq!.Value;
            _lastReceived = received;
        }
        foreach (var row in rows)
        {
            _answerIds[row.AnswerId] = (row.Slot, Digest(row.Response));
            accepted.Add(row.AnswerId);
            if (!_current.TryGetValue(row.Slot, out var existing) || AnswerOrder.IsLater(row, existing))
                _current[row.Slot] = row;
        }
        var events = new List<EventRow>();
        // Offline is what the device's own queue says (how long it held the answers), never a time compared across two clocks.
        if (batch.Queued && rows.Count > 0 && batch.HeldMs is { } held && held >= OfflineThreshold.TotalMilliseconds)
            events.Add(Event(EventKinds.OfflineSynced, deviceId, $"{rows.Count} answer(s) held offline on the device for {held / 1000}s were synced"));
        var lateCount = refused.Count(r => r.Code is RefusalCodes.Late or RefusalCodes.AfterDeadline);
        if (lateCount > 0) events.Add(Event(EventKinds.LateRefused, deviceId, $"{lateCount} answer(s) refused as late"));
        await attempts.InsertEventsAsync(events);
        return new AnswerOutcome(accepted, refused, State());
    }

    /// <summary>A queue that held answers this long is reported as the device having been offline.</summary>
    public static readonly TimeSpan OfflineThreshold = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When the student gave an answer, on the server's clock: the client's time less the device's offset. From
    /// the offline queue, never before the answer queued before it (the queue's order wins over the phone's
    /// clock); one with no time of its own takes the one before it, or the receipt less the time the queue was
    /// held. Always within [attempt start, receipt].
    /// </summary>
    private DateTimeOffset GivenAt(AnswerInput a, AnswerBatch batch, DateTimeOffset received, DateTimeOffset? previousInQueue)
    {
        DateTimeOffset? onServer = a.ClientTime is { } t ? _clocks.ToServer(batch.DeviceId, t) : null;
        DateTimeOffset given;
        if (batch.Queued)
        {
            given = onServer ?? previousInQueue ?? (batch.HeldMs is { } held and > 0 ? received - TimeSpan.FromMilliseconds(held) : received);
            if (previousInQueue is { } p && given < p) given = p;
        }
        else given = onServer ?? received;
        if (given < _attempt.StartedAt) given = _attempt.StartedAt;
        if (given > received) given = received;
        return AnswerOrder.Truncate(given);
    }

    private static string Digest(string response) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(AnswerOrder.Canonical(response))));

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
            var slotScore = Grader.SlotScore(content, _current.TryGetValue(slot.Slot, out var row) ? row.Response : null, slot.Points);
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

    public async Task<bool> Report(string? deviceId, IReadOnlyList<ClientEvent> events)
    {
        // A submitted attempt's record is closed: a page left open cannot add to it afterwards.
        if (_attempt.Status != AttemptStatuses.InProgress) return false;
        var now = clock.GetUtcNow();
        await NoteDevice(deviceId, null);
        var rows = events.Where(e => EventKinds.FromClient.Contains(e.Kind)).Take(100)
            .Select(e => Event(e.Kind, deviceId, e.Detail,
                e.At is { } at && at <= now && at >= _attempt.StartedAt ? at : now)).ToList();
        await attempts.InsertEventsAsync(rows);
        return true;
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

    public async Task<AttemptState> RegradeAnswers()
    {
        if (_attempt.Status != AttemptStatuses.Submitted) return State();
        var graded = await GradeAll(move: null);
        _attempt = graded.Attempt;
        await attempts.SaveGradingAsync(_attempt, graded.Slots);
        await attempts.InsertEventsAsync([Event(EventKinds.Regraded, null, AnswerOrderAudit.RegradedDetail)]);
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
