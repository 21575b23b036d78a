using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lms.Grains.Classroom;

/// <summary>
/// One live session's room. It owns who is in the room and with which role, the waiting room and
/// the lock, raised hands, the poll, breakout groups, the floor, the media mode and chat; it decides
/// every rule and writes the records (attendance, polls, chat) when the session ends.
/// <para>
/// The grain is the room's only owner (one activation, one turn at a time); its parts are plain classes
/// it owns: <see cref="ClassroomEventLog"/> numbers, replays and addresses the events,
/// <see cref="ClassroomSnapshotWriter"/> writes chat and snapshots in the background, and
/// <see cref="RecentCommands"/> answers a repeated command with its first result. The rules are split by
/// concern over the partial files: <c>.Joining</c> (joining, leaving, the waiting room, removal),
/// <c>.Run</c> (start, end, settings), <c>.Floor</c> (hands, floor, media), <c>.Chat</c> (chat, reactions),
/// <c>.Polls</c>, <c>.Breakouts</c>, <c>.Tabs</c> (which teacher tab acts) and <c>.Views</c> (what each person sees).
/// </para>
/// </summary>
public sealed partial class ClassroomGrain(
    LiveSessionRepository repository,
    IClassroomPublisher publisher,
    IClassroomMedia media,
    IOptions<ClassroomOptions> options,
    TimeProvider clock,
    ILogger<ClassroomGrain> log) : Grain, IClassroomGrain
{
    private static readonly HashSet<string> SignalKinds = ["hello", "offer", "answer", "ice", "bye"];

    private readonly ClassroomOptions _options = options.Value;
    private readonly RecentCommands _commands = new();
    /// <summary>Which person each connection in the room belongs to (not in the snapshot: every client joins again).</summary>
    private readonly Dictionary<string, Guid> _connections = new();
    private Guid _sessionId;
    private RoomState _s = new();
    private ClassroomEventLog _events = null!;
    private ClassroomSnapshotWriter _snapshots = null!;
    private int _lastCount = -1;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sessionId = this.GetPrimaryKey();
        var saved = await repository.LoadStateAsync(_sessionId);
        if (saved is not null) _s = JsonSerializer.Deserialize<RoomState>(saved.State, ClassroomJson.Options) ?? new RoomState();
        _events = new ClassroomEventLog(_sessionId, _s, publisher, _options, clock);
        _snapshots = new ClassroomSnapshotWriter(_sessionId, _s, _commands, _events, repository, clock, log);
        if (saved is not null)
        {
            await RecoverChatAsync();
            Resume();
        }
        // Which node hosts a room is what an operator (and the failover test) looks for when a node dies.
        log.LogInformation("Classroom {Session} is hosted here (resumed: {Resumed}, seq {Seq})", _sessionId, saved is not null, _s.Seq);
        this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(_options.SnapshotInterval, _options.SnapshotInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await _snapshots.FinishAsync();
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not save classroom {Session} on deactivation", _sessionId);
        }
    }

    /// <summary>
    /// A new activation from a snapshot: events after the snapshot were lost with the old activation,
    /// so their numbers are skipped (a client that saw them gets a snapshot), connections are forgotten
    /// (each client joins again), and everyone still connected is asked to do so now.
    /// </summary>
    private void Resume()
    {
        foreach (var (command, result) in _s.RecentCommands) _commands.Remember(command, result);
        _events.SkipLostNumbers();
        _snapshots.MarkChanged();
        var now = clock.GetUtcNow();
        foreach (var p in _s.People.Values)
        {
            p.Connections.Clear();
            if (p.OnlineSince is not null) p.AwaySince ??= now;
            else p.WaitingSince = null;
        }
        Emit(ClassroomEvents.RoomResync, new NoData(), Audiences.All);
        foreach (var p in _s.People.Values.Where(p => !p.Admitted))
            Emit(ClassroomEvents.RoomResync, new NoData(), Audiences.User(p.UserId));
    }

    // ------------------------------------------------------------------ commands

    public async Task<CommandResult> Execute(Caller caller, ClassroomCommand command)
    {
        var key = RecentCommands.Key(caller, command.CommandId);
        if (string.IsNullOrWhiteSpace(command.CommandId) || command.CommandId.Length > 100)
            return CommandResult.Fail(ClassroomErrors.Invalid);
        if (_commands.TryGet(key, out var earlier)) return earlier;
        if (!_connections.TryGetValue(caller.ConnectionId, out var userId) || userId != caller.UserId
            || !_s.People.TryGetValue(userId, out var p))
            return CommandResult.Fail(ClassroomErrors.NotJoined);

        CommandResult result;
        if (command is ITeacherCommand && !p.IsTeacher) result = CommandResult.Fail(ClassroomErrors.Forbidden);
        else if (!p.Admitted) return CommandResult.Fail(ClassroomErrors.NotJoined);
        else result = await Dispatch(p, command);
        _commands.Remember(key, result);
        // Chat and reactions are written on their own (chat rows) or not kept (reactions): they alone do not call
        // for a new snapshot of the room. Everything else that changes the room does.
        if (command is not (SendChat or Lms.Grains.Classroom.React)) _snapshots.MarkChanged();
        return result;
    }

    private Task<CommandResult> Dispatch(ParticipantState p, ClassroomCommand command) => command switch
    {
        StartSession => StartAsync(p),
        EndSession => EndAsync(),
        // The room's settings may be made before it starts.
        SetLock c => Task.FromResult(Settings(() => _s.Locked = c.Locked)),
        SetWaitingRoom c => Task.FromResult(Settings(() => _s.WaitingRoom = c.Enabled)),
        SetChat c => Task.FromResult(Settings(() => _s.StudentChat = c.StudentsMayChat)),
        SetMediaMode c => Task.FromResult(c.Mode is "video" or "audio" or "off"
            ? Settings(() => _s.MediaMode = c.Mode) : CommandResult.Fail(ClassroomErrors.Invalid)),
        _ when _s.Status != RoomStatuses.Live => Task.FromResult(CommandResult.Fail(ClassroomErrors.NotLive)),
        SendChat c => ChatAsync(p, c.Text),
        RaiseHand => Task.FromResult(Hand(p, raise: true)),
        LowerHand => Task.FromResult(Hand(p, raise: false)),
        React c => Task.FromResult(React(p, c.Emoji)),
        AnswerPoll c => Task.FromResult(Answer(p, c.PollId, c.Choices)),
        SetMyMedia c => Task.FromResult(MyMedia(p, c.Mode)),
        Admit c => AdmitAsync(c.UserId),
        Mute c => MuteAsync(c.UserId),
        RemoveParticipant c => RemoveAsync(c.UserId),
        GiveFloor c => GiveFloorAsync(c.UserId, c.AllowVideo),
        TakeFloor => Task.FromResult(TakeFloorCore()),
        ClearHand c => Task.FromResult(_s.People.TryGetValue(c.UserId, out var who) ? Hand(who, raise: false, by: "teacher")
            : CommandResult.Fail(ClassroomErrors.NotFound)),
        DeleteChat c => Task.FromResult(DeleteChat(p, c.MessageId)),
        OpenPoll c => OpenPollAsync(c),
        ClosePoll c => ClosePollAsync(c.ShowResults),
        StartBreakouts c => StartBreakoutsAsync(c),
        BroadcastToBreakouts c => Task.FromResult(BroadcastToBreakouts(p, c.Text)),
        EndBreakouts => EndBreakoutsAsync(),
        AskCameras or StopCameras or SetMyCamera => CameraCommand(p, command),
        _ => Task.FromResult(CommandResult.Fail(ClassroomErrors.Invalid)),
    };

    private CommandResult Ok(long seq = 0, string? value = null) => new(true, null, seq == 0 ? _s.Seq : seq, value);

    private long Emit<T>(ClassroomEventType<T> type, T data, params string[] audiences) => _events.Emit(type, data, audiences);

    // ------------------------------------------------------------------ signalling and extension points

    public Task<CommandResult> Signal(Caller caller, Guid to, string kind, string payload)
    {
        if (!_connections.TryGetValue(caller.ConnectionId, out var from) || from != caller.UserId
            || !_s.People.TryGetValue(from, out var sender) || !sender.Admitted)
            return Task.FromResult(CommandResult.Fail(ClassroomErrors.NotJoined));
        if (!SignalKinds.Contains(kind) || (payload?.Length ?? 0) > 64_000) return Task.FromResult(CommandResult.Fail(ClassroomErrors.Invalid));
        if (!_s.People.TryGetValue(to, out var target) || !target.Admitted || !target.Connected)
            return Task.FromResult(CommandResult.Fail(ClassroomErrors.NotFound));
        // Media flows between a teacher and each student; students never signal one another.
        if (!sender.IsTeacher && !target.IsTeacher) return Task.FromResult(CommandResult.Fail(ClassroomErrors.Forbidden));
        publisher.Signal(_sessionId, to, new SignalMessage(_sessionId.ToString(), from.ToString(), sender.Name, kind, payload ?? ""));
        return Task.FromResult(Ok());
    }

    public Task<long> Publish(string type, string jsonData, IReadOnlyList<string> audiences)
    {
        using (JsonDocument.Parse(jsonData)) { } // only well-formed JSON goes out
        return Task.FromResult(_events.EmitRaw(type, jsonData, audiences.ToArray()));
    }

    public Task<IReadOnlyList<Presence>> GetPresence() => Task.FromResult<IReadOnlyList<Presence>>(
        _s.People.Values.Where(p => p.InRoom)
            .Select(p => new Presence(p.UserId, p.Name, p.Role, p.Connected, p.Connections.ToList())).ToList());

    public Task<RoomStatus> GetStatus() => Task.FromResult(new RoomStatus(_s.Status, _s.RunId, _s.StartedAt, _s.Seq, InRoomCount(),
        _s.Floor?.UserId, _s.Floor?.AllowVideo ?? false));

    public Task<bool> WasRemoved(Guid userId) => Task.FromResult(_s.Removed.Contains(userId));

    // ------------------------------------------------------------------ the timer: departures, breakouts, counts, snapshot

    private async Task Tick(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_s.Status == RoomStatuses.Live)
        {
            this.DelayDeactivation(TimeSpan.FromMinutes(5));
            foreach (var p in _s.People.Values.Where(p => p.AwaySince is { } away && now - away >= _options.Grace).ToList())
                Depart(p, p.AwaySince!.Value);
            if (_s.Breakout is { } breakout && now >= breakout.EndsAt) await EndBreakoutsAsync();
            SendSummedReactions();
            var count = InRoomCount();
            if (count != _lastCount)
            {
                _lastCount = count;
                Emit(ClassroomEvents.RoomCount, new RoomCount(count), Audiences.All);
            }
        }
        _snapshots.WriteInBackground();
    }

    /// <summary>
    /// Puts a connection into (and out of) audiences, bounded by the publisher's delivery timeout so the room is never
    /// held by a stuck delivery. False when the change did not happen in time; the caller decides what that means.
    /// </summary>
    private async Task<bool> ChangeAudiencesAsync(string connectionId, IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove)
    {
        try
        {
            await publisher.SetAudiencesAsync(_sessionId, connectionId, add, remove).WaitAsync(_options.DeliveryTimeout);
            return true;
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Classroom {Session}: a connection's audiences could not be changed in time", _sessionId);
            return false;
        }
    }

    private int InRoomCount() => _s.People.Values.Count(p => p.InRoom);

    private bool SmallRoom => InRoomCount() <= _options.SmallRoom;

    /// <summary>In a small room everyone sees everyone come and go; in a big one only teachers do.</summary>
    private string[] PresenceAudience() => SmallRoom ? [Audiences.All] : [Audiences.Teachers];
}
