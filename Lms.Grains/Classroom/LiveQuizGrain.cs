using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
///
/// The partial files: <c>.Questions</c> (the commands and the answers), <c>.State</c> (what a client sees:
/// QuizState and the events' views), <c>.Room</c> (who is in the room, asked of the room grain, and the timer).
/// </summary>
[Reentrant]
public sealed partial class LiveQuizGrain(
    LiveQuizRepository repository,
    QuestionRepository questions,
    LiveSessionRepository sessions,
    CourseRepository courses,
    GroupCommitWriter writer,
    IOptions<LiveQuizOptions> options,
    TimeProvider clock,
    ILogger<LiveQuizGrain> log) : Grain, ILiveQuizGrain
{
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

    /// <summary>Publishes through the session's room, so that quiz events are numbered and replayed with the room's.</summary>
    private async Task<long> PublishAsync<T>(ClassroomEventType<T> type, T data, params string[] audiences)
    {
        var seq = await Room.Publish(type.Name, JsonSerializer.Serialize(data, ClassroomJson.Options), audiences);
        _lastSeq = Math.Max(_lastSeq, seq);
        return seq;
    }
}
