using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;

namespace Lms.Grains.Classroom;

/// <summary>
/// One session's live quiz. It keeps the current run's launched questions and answers in memory
/// (loaded from the database on activation: the database is the record, the grain the rules), grades
/// each answer with the bank's <see cref="Grader"/> against the question version that was launched,
/// and publishes through the session's <see cref="IClassroomGrain"/> so that every quiz event is
/// numbered and replayed with the room's.
///
/// Reentrant, so that a class answering at once shares database commits (<see cref="GroupCommitWriter"/>):
/// every answer is checked and applied to memory before the grain's first await, and acknowledged only
/// once its row is committed (a failed write is taken back out of memory). Teachers' commands and the
/// timer take one lock between them; closing a question refuses new answers at once, then waits for
/// the answers already taken to be written, then writes the close, and only then tells the room.
/// </summary>
[Reentrant]
public sealed class LiveQuizGrain(
    LiveQuizRepository repository,
    QuestionRepository questions,
    LiveSessionRepository sessions,
    CourseRepository courses,
    GroupCommitWriter writer,
    IOptions<LiveQuizOptions> options,
    TimeProvider clock,
    ILogger<LiveQuizGrain> log) : Grain, ILiveQuizGrain
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };
    private const int RecentCommandLimit = 20_000;
    private static readonly TimeSpan PresenceFresh = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StatusPoll = TimeSpan.FromSeconds(2);

    private sealed class Launch
    {
        public required LiveQuizLaunchRow Row;
        public required QuestionContent Content;
        public required IReadOnlyList<string>? OptionOrder;
        public DateTimeOffset? ClosedAt;
        public DateTimeOffset? RevealedAt;
        /// <summary>Its points count in what students are told of their total (revealed, or a leaderboard shown since it closed).</summary>
        public bool Published;
        public readonly Dictionary<Guid, LiveQuizAnswerRow> Answers = new();
        public readonly List<Task> Pending = [];
        public Guid Id => Row.Id;
        public bool Open => ClosedAt is null;
        public DateTimeOffset? Deadline => Row.TimeLimitSeconds is { } s ? Row.LaunchedAt.AddSeconds(s) : null;
    }

    private Guid _sessionId;
    private Guid? _runId;
    private readonly List<Launch> _launches = [];
    private string _stage = LiveQuizStages.Idle;
    private long _lastSeq;
    private readonly SemaphoreSlim _teacherLock = new(1, 1);
    private readonly Dictionary<string, Task<CommandResult>> _commands = new();
    private readonly Queue<string> _commandOrder = new();
    private Dictionary<Guid, Presence> _presence = new();
    private RoomStatus? _status;
    private DateTimeOffset _presenceAsOf = DateTimeOffset.MinValue;
    private Task? _refreshing;
    private bool _tallyDirty;
    private int _scoresVersion;
    private readonly Dictionary<bool, (int Version, List<LiveQuizStanding> List)> _standings = new();
    private Guid? _institutionId;

    private Launch? Current => _launches.Count > 0 ? _launches[^1] : null;
    private IClassroomGrain Room => GrainFactory.GetGrain<IClassroomGrain>(_sessionId);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sessionId = this.GetPrimaryKey();
        var status = await Room.GetStatus();
        _status = status;
        // A new activation (after a silo failure) reflects everything the room has numbered so far: the
        // state it gives carries the room's number, so a client does not take it for an older one.
        _lastSeq = status.Seq;
        if (status.RunId is { } runId) await LoadRunAsync(runId);
        this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = options.Value.TallyInterval, Period = options.Value.TallyInterval, Interleave = true,
        });
    }

    /// <summary>The run's questions and answers from the database (after a restart, or when the session is held again).</summary>
    private async Task LoadRunAsync(Guid runId)
    {
        var (launches, answers) = await repository.RunAsync(runId);
        var loaded = new List<Launch>();
        foreach (var row in launches)
        {
            var content = await questions.ContentAsync(row.QuestionId, row.Version);
            var launch = new Launch
            {
                Row = row, Content = content, OptionOrder = LiveQuizViews.OptionOrder(content, row.Id),
                ClosedAt = row.ClosedAt, RevealedAt = row.RevealedAt, Published = row.ClosedAt is not null,
            };
            foreach (var answer in answers.Where(a => a.LaunchId == row.Id)) launch.Answers[answer.UserId] = answer;
            loaded.Add(launch);
        }
        // Swapped in at once: answers interleaving with the load never see half a run.
        _launches.Clear();
        _launches.AddRange(loaded);
        _runId = runId;
        _stage = Current switch
        {
            null => LiveQuizStages.Idle,
            { Open: true } => LiveQuizStages.Question,
            { RevealedAt: not null } => LiveQuizStages.Results,
            _ => LiveQuizStages.Closed,
        };
        _scoresVersion++;
    }

    // ------------------------------------------------------------------ commands

    public async Task<CommandResult> Execute(Caller caller, LiveQuizCommand command)
    {
        if (string.IsNullOrWhiteSpace(command.CommandId) || command.CommandId.Length > 100)
            return CommandResult.Fail(ClassroomErrors.Invalid);
        var key = caller.UserId.ToString("N") + ":" + command.CommandId;
        if (_commands.TryGetValue(key, out var earlier)) return await earlier;
        var task = RunAsync(caller, command);
        _commands[key] = task;
        _commandOrder.Enqueue(key);
        while (_commandOrder.Count > RecentCommandLimit) _commands.Remove(_commandOrder.Dequeue());
        var result = await task;
        // A command that could not be stored is not remembered: the client sends it again with the same id.
        if (result.Error == LiveQuizErrors.Unavailable) _commands.Remove(key);
        return result;
    }

    private async Task<CommandResult> RunAsync(Caller caller, LiveQuizCommand command)
    {
        var received = clock.GetUtcNow();
        try
        {
            var person = await InRoomAsync(caller, received);
            if (person is null) return CommandResult.Fail(ClassroomErrors.NotJoined);
            var teacher = person.Role == ClassroomRoles.Teacher;
            // The hub refuses students these already; the room's own record of the caller's role decides here.
            if (command is ITeacherCommand && !teacher) return CommandResult.Fail(ClassroomErrors.Forbidden);
            if (command is AnswerQuizQuestion answer)
                return teacher ? CommandResult.Fail(ClassroomErrors.Forbidden) : await AnswerAsync(person, answer, received);
            await _teacherLock.WaitAsync();
            try
            {
                return command switch
                {
                    LaunchQuizQuestion c => await LaunchAsync(person, c),
                    CloseQuizQuestion => Current is { Open: true } open ? await CloseAsync(open, clock.GetUtcNow()) : Ok(),
                    RevealQuizResults => await RevealAsync(),
                    ShowQuizLeaderboard => await LeaderboardAsync(),
                    ClearQuiz => await ClearAsync(),
                    _ => CommandResult.Fail(ClassroomErrors.Invalid),
                };
            }
            finally
            {
                _teacherLock.Release();
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Live quiz command {Command} failed in session {Session}", command.GetType().Name, _sessionId);
            return CommandResult.Fail(LiveQuizErrors.Unavailable);
        }
    }

    private CommandResult Ok(long seq = 0, string? value = null) => new(true, null, seq == 0 ? _lastSeq : seq, value);

    private async Task<CommandResult> LaunchAsync(Presence teacher, LaunchQuizQuestion c)
    {
        var status = await EnsureFreshAsync(clock.GetUtcNow());
        if (status.Status != RoomStatuses.Live || status.RunId is null) return CommandResult.Fail(ClassroomErrors.NotLive);
        if (c.TimeLimitSeconds is { } limit && (limit < 5 || limit > 600)) return CommandResult.Fail(ClassroomErrors.Invalid);
        var question = await questions.GetAsync(c.QuestionId);
        if (question is null) return CommandResult.Fail(ClassroomErrors.NotFound);
        // The course's institution's questions, and those other institutions share (as a quiz may use).
        if (question.InstitutionId != await InstitutionAsync() && !question.Shared) return CommandResult.Fail(ClassroomErrors.NotFound);
        if (question.Type == QuestionTypes.Essay) return CommandResult.Fail(LiveQuizErrors.NotGradable);
        var content = await questions.ContentAsync(question.Id, question.CurrentVersion);

        if (Current is { Open: true } open)
        {
            var closed = await CloseAsync(open, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        var row = new LiveQuizLaunchRow
        {
            Id = Guid.CreateVersion7(), RunId = _runId!.Value, Position = _launches.Count + 1, QuestionId = question.Id,
            Version = question.CurrentVersion, TimeLimitSeconds = c.TimeLimitSeconds, SpeedBonus = c.SpeedBonus && c.TimeLimitSeconds is not null,
            LaunchedBy = teacher.UserId, LaunchedAt = clock.GetUtcNow(), Title = question.Title,
        };
        await repository.InsertLaunchAsync(row);
        var launch = new Launch { Row = row, Content = content, OptionOrder = LiveQuizViews.OptionOrder(content, row.Id) };
        _launches.Add(launch);
        _stage = LiveQuizStages.Question;
        _tallyDirty = false;
        var seq = await PublishAsync("quiz.launched", LaunchView(launch), Audiences.All);
        return Ok(seq, row.Id.ToString());
    }

    private async Task<CommandResult> AnswerAsync(Presence student, AnswerQuizQuestion a, DateTimeOffset received)
    {
        var launch = _launches.FirstOrDefault(l => l.Id == a.LaunchId);
        if (launch is null) return CommandResult.Fail(LiveQuizErrors.NoQuestion);
        if (launch.Answers.TryGetValue(student.UserId, out var existing) && existing.AnswerId == a.CommandId)
            return Ok(value: existing.TimeMs.ToString(System.Globalization.CultureInfo.InvariantCulture)); // the same answer again (after a restart)
        // Late: closed by the teacher or the timer, or past the limit and its grace (the timer may not have run yet).
        if (!launch.Open || (launch.Deadline is { } deadline && received > deadline + options.Value.Grace))
            return CommandResult.Fail(LiveQuizErrors.Closed);
        if (!TryRead(a.Response, out var response)) return CommandResult.Fail(ClassroomErrors.Invalid);
        var fraction = Grader.Grade(launch.Content, response).Fraction ?? 0;
        var elapsed = (long)(received - launch.Row.LaunchedAt).TotalMilliseconds;
        if (launch.Row.TimeLimitSeconds is { } limit) elapsed = Math.Min(elapsed, limit * 1000L);
        var timeMs = (int)Math.Clamp(elapsed, 0, int.MaxValue);
        var row = new LiveQuizAnswerRow
        {
            LaunchId = launch.Id, UserId = student.UserId, DisplayName = student.DisplayName, AnswerId = a.CommandId, Response = a.Response,
            AnsweredAt = received, TimeMs = timeMs, Fraction = Math.Round(fraction, 6),
            Points = LiveQuizScoring.Points(fraction, timeMs, launch.Row.TimeLimitSeconds, launch.Row.SpeedBonus),
        };
        // Applied now (before any await), so that a close that comes next waits for this write.
        launch.Answers[student.UserId] = row;
        _tallyDirty = true;
        _scoresVersion++;
        var persist = PersistAsync(launch, row, existing);
        launch.Pending.Add(persist);
        var stored = await persist;
        launch.Pending.RemoveAll(t => t.IsCompleted);
        return stored ? Ok(value: timeMs.ToString(System.Globalization.CultureInfo.InvariantCulture)) : CommandResult.Fail(LiveQuizErrors.Unavailable);
    }

    /// <summary>Writes an answer (group commit); on failure takes it back out of memory, unless a newer one replaced it meanwhile.</summary>
    private async Task<bool> PersistAsync(Launch launch, LiveQuizAnswerRow row, LiveQuizAnswerRow? previous)
    {
        try
        {
            await writer.WriteAsync((connection, transaction) => repository.SaveAnswerAsync(connection, transaction, row));
            return true;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not store a live quiz answer in session {Session}", _sessionId);
            if (launch.Answers.TryGetValue(row.UserId, out var current) && ReferenceEquals(current, row))
            {
                if (previous is null) launch.Answers.Remove(row.UserId);
                else launch.Answers[row.UserId] = previous;
                _scoresVersion++;
                _tallyDirty = true;
            }
            return false;
        }
    }

    private static bool TryRead(string json, out QuestionResponse response)
    {
        response = new QuestionResponse();
        if (string.IsNullOrWhiteSpace(json) || json.Length > 20_000) return false;
        try
        {
            using (var document = JsonDocument.Parse(json))
                if (document.RootElement.ValueKind != JsonValueKind.Object) return false;
            response = AssessmentJson.Read<QuestionResponse>(json);
            return true;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Refuses answers from now on, waits for those already taken to be written, writes the close, then
    /// tells the room. If the close cannot be written the question stays open (and the teacher is told).
    /// </summary>
    private async Task<CommandResult> CloseAsync(Launch launch, DateTimeOffset closedAt)
    {
        if (!launch.Open) return Ok();
        launch.ClosedAt = closedAt;
        await Task.WhenAll(launch.Pending.ToList());
        launch.Pending.RemoveAll(t => t.IsCompleted);
        try
        {
            await repository.CloseAsync(launch.Id, closedAt);
        }
        catch (Exception e)
        {
            launch.ClosedAt = null;
            log.LogWarning(e, "Could not close live quiz question {Launch}", launch.Id);
            return CommandResult.Fail(LiveQuizErrors.Unavailable);
        }
        _stage = LiveQuizStages.Closed;
        _scoresVersion++;
        var seq = await PublishAsync("quiz.closed", new { launchId = launch.Id, closedAt, answered = launch.Answers.Count }, Audiences.All);
        return Ok(seq);
    }

    private async Task<CommandResult> RevealAsync()
    {
        if (Current is not { } launch) return CommandResult.Fail(LiveQuizErrors.NoQuestion);
        if (launch.Open)
        {
            var closed = await CloseAsync(launch, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        if (launch.RevealedAt is null)
        {
            var now = clock.GetUtcNow();
            await repository.RevealAsync(launch.Id, now);
            launch.RevealedAt = now;
        }
        launch.Published = true;
        _stage = LiveQuizStages.Results;
        _scoresVersion++;
        return Ok(await PublishAsync("quiz.results", ResultsView(launch), Audiences.All));
    }

    private async Task<CommandResult> LeaderboardAsync()
    {
        if (Current is not { } last) return CommandResult.Fail(LiveQuizErrors.NoQuestion);
        if (last.Open)
        {
            var closed = await CloseAsync(last, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        foreach (var launch in _launches) launch.Published = true;
        _stage = LiveQuizStages.Leaderboard;
        _scoresVersion++;
        return Ok(await PublishAsync("quiz.leaderboard", LeaderboardView(), Audiences.All));
    }

    private async Task<CommandResult> ClearAsync()
    {
        if (Current is { Open: true } open)
        {
            var closed = await CloseAsync(open, clock.GetUtcNow());
            if (!closed.Ok) return closed;
        }
        _stage = LiveQuizStages.Idle;
        return Ok(await PublishAsync("quiz.cleared", new { }, Audiences.All));
    }

    // ------------------------------------------------------------------ the state a client asks for after (re)joining

    public async Task<string> GetState(Caller caller)
    {
        var person = await InRoomAsync(caller, clock.GetUtcNow());
        if (person is null) return JsonSerializer.Serialize(new { seq = _lastSeq, stage = LiveQuizStages.Idle, joined = false }, Json);
        var teacher = person.Role == ClassroomRoles.Teacher;
        var current = Current;
        object? question = null;
        if (current is not null && _stage != LiveQuizStages.Idle)
        {
            question = new
            {
                launch = LaunchView(current),
                closed = !current.Open,
                closedAt = current.ClosedAt,
                answered = teacher || !current.Open ? current.Answers.Count : (int?)null,
                // Teachers watch how the class is answering while the question is open.
                distribution = teacher ? ResultsView(current).Distribution : null,
                results = current.RevealedAt is not null ? ResultsView(current) : null,
            };
        }
        object? mine = null, me = null;
        if (!teacher)
        {
            if (current is not null && current.Answers.TryGetValue(person.UserId, out var answer))
            {
                var shown = current.RevealedAt is not null || (current.Published && !current.Open);
                mine = new
                {
                    launchId = current.Id, response = JsonDocument.Parse(answer.Response).RootElement, answeredAt = answer.AnsweredAt,
                    timeMs = answer.TimeMs,
                    fraction = shown ? answer.Fraction : (double?)null,
                    points = shown ? answer.Points : (int?)null,
                    correct = shown ? LiveQuizScoring.Correct(answer.Fraction) : (bool?)null,
                };
            }
            var standing = Standings(publishedOnly: true).FirstOrDefault(s => s.UserId == person.UserId);
            me = new
            {
                points = standing?.Points ?? 0, correct = standing?.Correct ?? 0, answered = standing?.Answered ?? 0, rank = standing?.Rank,
                players = Standings(publishedOnly: true).Count,
            };
        }
        return JsonSerializer.Serialize(new
        {
            seq = _lastSeq, joined = true, serverNow = clock.GetUtcNow(), stage = _stage, runId = _runId, questions = _launches.Count,
            question, mine, me,
            leaderboard = _stage == LiveQuizStages.Leaderboard ? LeaderboardView() : null,
            inRoom = teacher ? StudentsInRoom() : (int?)null,
        }, Json);
    }

    // ------------------------------------------------------------------ the room: who is in it, and whether it is live

    /// <summary>
    /// The caller as the room knows them on this connection, or null if they are not in the room. The
    /// room is asked again when what the grain knows is older than the call and does not show the
    /// caller there (someone who just joined or reconnected), or is more than a few seconds old.
    /// </summary>
    private async Task<Presence?> InRoomAsync(Caller caller, DateTimeOffset received)
    {
        if (Match(caller) is { } hit && received - _presenceAsOf < PresenceFresh) return hit;
        await EnsureFreshAsync(received);
        return Match(caller);
    }

    private Presence? Match(Caller caller) =>
        _presence.TryGetValue(caller.UserId, out var p) && p.ConnectionIds.Contains(caller.ConnectionId) ? p : null;

    /// <summary>Makes sure who is in the room and whether it is live were read at or after <paramref name="asOf"/> (one read at a time, shared by every caller waiting for it).</summary>
    private async Task<RoomStatus> EnsureFreshAsync(DateTimeOffset asOf)
    {
        while (_presenceAsOf < asOf)
        {
            if (_refreshing is { IsCompleted: false } running)
            {
                await running;
                continue;
            }
            var refresh = RefreshCoreAsync();
            _refreshing = refresh;
            await refresh;
        }
        return _status!;
    }

    private async Task RefreshCoreAsync()
    {
        var asOf = clock.GetUtcNow();
        var status = await Room.GetStatus();
        var presence = await Room.GetPresence();
        _presence = presence.ToDictionary(p => p.UserId);
        _presenceAsOf = asOf;
        _status = status;
        if (status.RunId is { } runId && runId != _runId)
        {
            // The session is being held again: a new run, a new quiz. A question left open in the last run closes with it.
            if (Current is { Open: true } stale && stale.Row.RunId != runId)
            {
                stale.ClosedAt = asOf;
                await Task.WhenAll(stale.Pending.ToList());
                await repository.CloseAsync(stale.Id, asOf);
            }
            await LoadRunAsync(runId);
        }
    }

    private int StudentsInRoom() => _presence.Values.Count(p => p.Role != ClassroomRoles.Teacher);

    private async Task<Guid> InstitutionAsync()
    {
        if (_institutionId is { } known) return known;
        var session = await sessions.GetAsync(_sessionId) ?? throw new InvalidOperationException("No such live session.");
        var course = await courses.GetAsync(session.CourseId) ?? throw new InvalidOperationException("The session's course is gone.");
        _institutionId = course.InstitutionId;
        return course.InstitutionId;
    }

    private async Task<long> PublishAsync(string type, object data, params string[] audiences)
    {
        var seq = await Room.Publish(type, JsonSerializer.Serialize(data, Json), audiences);
        _lastSeq = Math.Max(_lastSeq, seq);
        return seq;
    }

    // ------------------------------------------------------------------ the timer: time limits, the end of the session, the teachers' tally

    private async Task Tick(CancellationToken cancellationToken)
    {
        if (!_teacherLock.Wait(0)) return; // a teacher's command is running; the next tick looks again
        try
        {
            if (Current is not { Open: true } launch) return;
            this.DelayDeactivation(TimeSpan.FromMinutes(5));
            var now = clock.GetUtcNow();
            if (launch.Deadline is { } deadline && now > deadline + options.Value.Grace)
            {
                await CloseAsync(launch, now);
                return;
            }
            if (now - _presenceAsOf >= StatusPoll)
            {
                var status = await EnsureFreshAsync(now);
                // The session ended (or was held again) with the question open: it closes with it.
                if ((status.Status != RoomStatuses.Live || status.RunId != launch.Row.RunId) && launch.Open)
                {
                    await CloseAsync(launch, now);
                    return;
                }
            }
            if (_tallyDirty && launch.Open)
            {
                _tallyDirty = false;
                await PublishAsync("quiz.tally", new
                {
                    launchId = launch.Id, answered = launch.Answers.Count, inRoom = StudentsInRoom(), distribution = ResultsView(launch).Distribution,
                }, Audiences.Teachers);
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Live quiz timer failed in session {Session}", _sessionId);
        }
        finally
        {
            _teacherLock.Release();
        }
    }

    // ------------------------------------------------------------------ views

    private static object LaunchView(Launch launch)
    {
        var row = launch.Row;
        return new
        {
            launchId = row.Id, position = row.Position, timeLimitSeconds = row.TimeLimitSeconds, speedBonus = row.SpeedBonus,
            launchedAt = row.LaunchedAt, deadlineAt = launch.Deadline, maxPoints = LiveQuizScoring.MaxPoints,
            question = LiveQuizViews.StudentView(row.Position, launch.Content, launch.OptionOrder),
        };
    }

    private static LiveQuizResults ResultsView(Launch launch) => LiveQuizViews.Results(launch.Row, launch.Content, launch.OptionOrder, launch.Answers.Values);

    private object LeaderboardView()
    {
        var list = Standings(publishedOnly: false);
        return new
        {
            afterPosition = _launches.LastOrDefault(l => !l.Open)?.Row.Position ?? 0,
            questions = _launches.Count(l => !l.Open),
            players = list.Count,
            top = list.Take(10).Select(s => new { rank = s.Rank, userId = s.UserId, name = s.DisplayName, points = s.Points, correct = s.Correct, answered = s.Answered }).ToList(),
        };
    }

    /// <summary>Everyone's points over the closed questions (or only the published ones): what the leaderboard and each student's rank say.</summary>
    private List<LiveQuizStanding> Standings(bool publishedOnly)
    {
        if (_standings.TryGetValue(publishedOnly, out var cached) && cached.Version == _scoresVersion) return cached.List;
        var list = LiveQuizViews.Standings(_launches.Where(l => !l.Open && (!publishedOnly || l.Published)).SelectMany(l => l.Answers.Values));
        _standings[publishedOnly] = (_scoresVersion, list);
        return list;
    }
}
