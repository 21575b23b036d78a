using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;

namespace Lms.Grains.Classroom;

/// <summary>
/// One live session's room. It owns who is in the room and with which role, the waiting room and
/// the lock, raised hands, the poll, breakout groups, the floor, the media mode and chat; it decides
/// every rule, numbers every event it publishes, keeps recent events for replay, snapshots itself
/// to the database, and writes the records (attendance, polls, chat) when the session ends.
/// </summary>
public sealed partial class ClassroomGrain(
    LiveSessionRepository repository,
    IClassroomPublisher publisher,
    IClassroomMedia media,
    IOptions<ClassroomOptions> options,
    TimeProvider clock,
    ILogger<ClassroomGrain> log) : Grain, IClassroomGrain
{
    // Vietnamese text travels as itself, not as \u escapes (a third of the bytes on a phone's link).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };
    private static readonly HashSet<string> Reactions = ["👍", "❤️", "😂", "😮", "👏", "🎉", "❓"];
    private static readonly HashSet<string> SignalKinds = ["hello", "offer", "answer", "ice", "bye"];
    private const int RecentCommandLimit = 20_000;
    private const int PersistedCommandLimit = 2_000;
    private const int ChatKept = 200;
    private const long ResumeGap = 1_000_000;

    private readonly ClassroomOptions _options = options.Value;
    private RoomState _s = new();
    private readonly Dictionary<string, Guid> _connections = new();
    private readonly Dictionary<string, CommandResult> _commands = new();
    private readonly Queue<string> _commandOrder = new();
    private readonly Dictionary<string, int> _pendingReactions = new();
    private Guid _sessionId;
    private bool _dirty;
    private Task _saving = Task.CompletedTask;
    private volatile bool _saveFailed;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(List<ChatRecord> Chat, List<ChatDeletion> Deletions)> _failedWrites = new();
    private const int PersistedEvents = 512;
    private int _lastCount = -1;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _sessionId = this.GetPrimaryKey();
        var saved = await repository.LoadStateAsync(_sessionId);
        if (saved is not null)
        {
            _s = JsonSerializer.Deserialize<RoomState>(saved.State, Json) ?? new RoomState();
            Resume();
        }
        this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions(_options.SnapshotInterval, _options.SnapshotInterval));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await FlushChatAsync();
            await _saving;
            if (_dirty || _saveFailed) await SaveAsync();
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
        foreach (var (command, result) in _s.RecentCommands) Remember(command, result);
        _s.GapFrom = _s.Seq;
        _s.GapTo = _s.Seq + ResumeGap;
        _s.Seq = _s.GapTo;
        _dirty = true;
        var now = clock.GetUtcNow();
        foreach (var p in _s.People.Values)
        {
            p.Connections.Clear();
            if (p.OnlineSince is not null) p.AwaySince ??= now;
            else p.WaitingSince = null;
        }
        Emit("room.resync", new { }, Audiences.All);
        foreach (var p in _s.People.Values.Where(p => !p.Admitted))
            Emit("room.resync", new { }, Audiences.User(p.UserId));
    }

    // ------------------------------------------------------------------ joining and leaving

    public async Task<JoinResult> Join(Caller caller, long? lastSeq)
    {
        var now = clock.GetUtcNow();
        var teacher = caller.IsTeacher;
        if (!teacher && _s.Removed.Contains(caller.UserId))
            return new JoinResult(JoinStatuses.Refused, ClassroomErrors.Removed, caller.Role, _s.Seq, null, []);

        var p = Person(caller);
        var admittedBefore = p.Admitted;
        string status;
        string? reason = null;
        if (teacher)
        {
            p.Admitted = true;
            status = JoinStatuses.Joined;
        }
        else if (p.LeftOver && lastSeq is not null)
        {
            // A page still open from a run that ended (a lab PC, a tablet) reconnecting: it is not in this run
            // until the person joins again (a fresh join).
            status = JoinStatuses.Waiting;
            reason = _s.Status == RoomStatuses.Live ? "next-run" : "ended";
        }
        else if (_s.Status != RoomStatuses.Live)
        {
            p.LeftOver = false;
            status = JoinStatuses.Waiting;
            reason = _s.Status == RoomStatuses.Ended ? "ended" : "not-started";
            p.WaitingSince ??= now;
        }
        else if (p.Admitted)
        {
            status = JoinStatuses.Joined;
        }
        else if (_s.Locked)
        {
            return new JoinResult(JoinStatuses.Refused, ClassroomErrors.Locked, caller.Role, _s.Seq, null, []);
        }
        else if (_s.WaitingRoom)
        {
            status = JoinStatuses.Waiting;
            reason = "waiting-room";
            if (p.WaitingSince is null)
            {
                p.WaitingSince = now;
                Emit("waiting.joined", new { userId = p.UserId, name = p.Name, at = now }, Audiences.Teachers);
            }
        }
        else
        {
            p.Admitted = true;
            status = JoinStatuses.Joined;
        }
        if (p.Admitted) p.LeftOver = false;

        if (!p.Connections.Contains(caller.ConnectionId)) p.Connections.Add(caller.ConnectionId);
        _connections[caller.ConnectionId] = p.UserId;
        if (!await ChangeAudiencesAsync(caller.ConnectionId, AudiencesOf(p), []))
        {
            // Not in its groups, the connection would hear nothing: the client is told to try again rather than left deaf.
            p.Connections.Remove(caller.ConnectionId);
            _connections.Remove(caller.ConnectionId);
            return new JoinResult(JoinStatuses.Refused, ClassroomErrors.Unavailable, caller.Role, _s.Seq, null, []);
        }
        if (p.Admitted && (_s.Status == RoomStatuses.Live || teacher)) Arrive(p, now, returning: admittedBefore);
        _dirty = true;

        if (status != JoinStatuses.Joined)
            return new JoinResult(status, reason, p.Role, _s.Seq, Snapshot(p), []);
        if (lastSeq is { } last && CanReplay(last))
            return new JoinResult(status, null, p.Role, _s.Seq, null, Replay(p, last));
        return new JoinResult(status, null, p.Role, _s.Seq, Snapshot(p), []);
    }

    public Task Leave(Caller caller) => LeaveCore(caller.ConnectionId, dropped: false);

    /// <summary>A connection dropped: its person gets the grace period to come back.</summary>
    public Task Dropped(string connectionId) => LeaveCore(connectionId, dropped: true);

    private async Task LeaveCore(string connectionId, bool dropped)
    {
        if (!_connections.Remove(connectionId, out var userId) || !_s.People.TryGetValue(userId, out var p)) return;
        p.Connections.Remove(connectionId);
        ReleaseTab(userId, connectionId);
        _dirty = true;
        if (!dropped) await ChangeAudiencesAsync(connectionId, [], AllAudiencesOf(p));
        if (p.Connected) return;
        var now = clock.GetUtcNow();
        if (p.WaitingSince is not null && !p.Admitted)
        {
            p.WaitingSince = null;
            if (_s.Status == RoomStatuses.Live && _s.WaitingRoom)
                Emit("waiting.left", new { userId = p.UserId }, Audiences.Teachers);
            return;
        }
        if (p.OnlineSince is null) return;
        if (dropped)
        {
            p.AwaySince = now;
            Emit("participant.away", new { userId = p.UserId }, Audiences.Teachers);
        }
        else Depart(p, now);
    }

    private void Arrive(ParticipantState p, DateTimeOffset now, bool returning)
    {
        p.WaitingSince = null;
        if (p.AwaySince is not null)
        {
            p.AwaySince = null;
            Emit("participant.back", new { userId = p.UserId }, Audiences.Teachers);
            return;
        }
        if (p.OnlineSince is not null) return;
        // A quick return after leaving continues the same stretch of attendance.
        var last = p.Intervals.Count > 0 ? p.Intervals[^1] : null;
        if (last is not null && now - last.LeftAt < _options.Grace)
        {
            p.Intervals.RemoveAt(p.Intervals.Count - 1);
            p.OnlineSince = last.JoinedAt;
        }
        else p.OnlineSince = now;
        Emit("participant.joined", ParticipantView(p), PresenceAudience());
        _ = returning;
    }

    private void Depart(ParticipantState p, DateTimeOffset at)
    {
        if (p.OnlineSince is { } since)
        {
            p.Intervals.Add(new AttendanceInterval(p.UserId, p.Role, since, at < since ? since : at));
            p.OnlineSince = null;
        }
        p.AwaySince = null;
        if (p.HandAt is not null)
        {
            p.HandAt = null;
            Emit("hand.lowered", new { userId = p.UserId, by = "left" }, HandAudience(p));
        }
        if (_s.Floor?.UserId == p.UserId) DropFloor();
        Emit("participant.left", new { userId = p.UserId }, PresenceAudience());
        _dirty = true;
    }

    private ParticipantState Person(Caller caller)
    {
        if (!_s.People.TryGetValue(caller.UserId, out var p))
        {
            p = new ParticipantState { UserId = caller.UserId };
            _s.People[caller.UserId] = p;
        }
        p.Name = caller.DisplayName;
        p.Role = caller.Role;
        return p;
    }

    // ------------------------------------------------------------------ commands

    public async Task<CommandResult> Execute(Caller caller, ClassroomCommand command)
    {
        var key = caller.UserId.ToString("N") + ":" + command.CommandId;
        if (string.IsNullOrWhiteSpace(command.CommandId) || command.CommandId.Length > 100)
            return CommandResult.Fail(ClassroomErrors.Invalid);
        if (_commands.TryGetValue(key, out var earlier)) return earlier;
        if (!_connections.TryGetValue(caller.ConnectionId, out var userId) || userId != caller.UserId
            || !_s.People.TryGetValue(userId, out var p))
            return CommandResult.Fail(ClassroomErrors.NotJoined);

        CommandResult result;
        if (command is ITeacherCommand && !p.IsTeacher) result = CommandResult.Fail(ClassroomErrors.Forbidden);
        else if (!p.Admitted) return CommandResult.Fail(ClassroomErrors.NotJoined);
        else result = await Dispatch(p, command);
        Remember(key, result);
        // Chat and reactions are written on their own (chat rows) or not kept (reactions): they alone do not call
        // for a new snapshot of the room. Everything else that changes the room does.
        if (command is not (SendChat or Lms.Grains.Classroom.React)) _dirty = true;
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
        SendChat c => Task.FromResult(Chat(p, c.Text)),
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
        _ => Task.FromResult(CommandResult.Fail(ClassroomErrors.Invalid)),
    };

    private CommandResult Ok(long seq = 0, string? value = null) => new(true, null, seq == 0 ? _s.Seq : seq, value);

    private async Task<CommandResult> StartAsync(ParticipantState teacher)
    {
        if (_s.Status == RoomStatuses.Live) return CommandResult.Fail(ClassroomErrors.AlreadyLive);
        var now = clock.GetUtcNow();
        var runId = await repository.StartRunAsync(_sessionId, teacher.UserId, now);
        _s.Status = RoomStatuses.Live;
        _s.RunId = runId;
        _s.StartedAt = now;
        _s.PresenterId = teacher.UserId;
        _s.Removed.Clear();
        _s.Floor = null;
        _s.Poll = null;
        _s.LastPoll = null;
        _s.Breakout = null;
        _s.Chat.Clear();
        foreach (var p in _s.People.Values)
        {
            p.Intervals.Clear();
            p.HandAt = null;
            p.Breakout = null;
            p.OnlineSince = null;
            p.AwaySince = null;
            p.Admitted = p.IsTeacher;
        }
        var seq = Emit("session.started", new { runId, startedAt = now, presenterId = teacher.UserId, presenterName = teacher.Name }, Audiences.All);
        foreach (var p in _s.People.Values.Where(p => p.Connected).ToList())
        {
            if (p.IsTeacher) Arrive(p, now, returning: false);
            else if (p.LeftOver || p.WaitingSince is null)
                // Still on an earlier run's page: told that a new run began, counted only once they join it.
                Emit("session.next", new { runId }, Audiences.User(p.UserId));
            else if (_s.WaitingRoom)
            {
                p.WaitingSince = now;
                Emit("waiting.joined", new { userId = p.UserId, name = p.Name, at = now }, Audiences.Teachers);
            }
            else await AdmitPersonAsync(p, now);
        }
        await media.RoomStartedAsync(_sessionId);
        await SaveAsync();
        return Ok(seq, runId.ToString());
    }

    private async Task<CommandResult> EndAsync()
    {
        if (_s.Status != RoomStatuses.Live || _s.RunId is not { } runId) return CommandResult.Fail(ClassroomErrors.NotLive);
        var now = clock.GetUtcNow();
        if (_s.Breakout is not null) await EndBreakoutsAsync();
        if (_s.Poll is not null) await ClosePollAsync(showResults: false);
        foreach (var p in _s.People.Values.Where(p => p.OnlineSince is not null))
        {
            p.Intervals.Add(new AttendanceInterval(p.UserId, p.Role, p.OnlineSince!.Value, p.AwaySince ?? now));
            p.OnlineSince = null;
            p.AwaySince = null;
        }
        await FlushChatAsync();
        // The records: every stretch of attendance, written with the run's end in one transaction.
        await repository.EndRunAsync(runId, now, _s.People.Values.SelectMany(p => p.Intervals).ToList());
        _s.Status = RoomStatuses.Ended;
        _s.Floor = null;
        var seq = Emit("session.ended", new { runId, endedAt = now }, Audiences.All);
        foreach (var p in _s.People.Values)
        {
            p.HandAt = null;
            if (!p.IsTeacher)
            {
                // Everyone of this run is on its ended page now: the next run counts them only when they join it.
                if (p.Admitted) p.LeftOver = true;
                p.Admitted = false;
                p.WaitingSince = null;
                foreach (var connection in p.Connections)
                    await ChangeAudiencesAsync(connection, [], [Audiences.All]);
            }
        }
        await media.RoomEndedAsync(_sessionId);
        await SaveAsync();
        return Ok(seq, runId.ToString());
    }

    private async Task<CommandResult> AdmitAsync(Guid? userId)
    {
        var waiting = _s.People.Values.Where(p => !p.Admitted && p.WaitingSince is not null && p.Connected
                                                  && (userId is null || p.UserId == userId)).ToList();
        if (userId is not null && waiting.Count == 0) return CommandResult.Fail(ClassroomErrors.NotFound);
        var now = clock.GetUtcNow();
        foreach (var p in waiting) await AdmitPersonAsync(p, now);
        return Ok();
    }

    private async Task AdmitPersonAsync(ParticipantState p, DateTimeOffset now)
    {
        var wasWaiting = p.WaitingSince is not null && _s.WaitingRoom;
        p.Admitted = true;
        foreach (var connection in p.Connections)
            await ChangeAudiencesAsync(connection, AudiencesOf(p), []);
        if (wasWaiting) Emit("waiting.left", new { userId = p.UserId }, Audiences.Teachers);
        Arrive(p, now, returning: false);
        Emit("you.admitted", new { userId = p.UserId }, Audiences.User(p.UserId));
    }

    private CommandResult Settings(Action change)
    {
        change();
        return Ok(Emit("room.settings", SettingsView(), Audiences.All));
    }

    private async Task<CommandResult> MuteAsync(Guid userId)
    {
        if (!_s.People.TryGetValue(userId, out var p) || !p.InRoom) return CommandResult.Fail(ClassroomErrors.NotFound);
        var seq = Emit("media.muted", new { userId }, Audiences.Teachers, Audiences.User(userId));
        await media.MuteAsync(_sessionId, userId);
        return Ok(seq);
    }

    private async Task<CommandResult> RemoveAsync(Guid userId)
    {
        if (!_s.People.TryGetValue(userId, out var p) || p.IsTeacher) return CommandResult.Fail(ClassroomErrors.NotFound);
        _s.Removed.Add(userId);
        var now = clock.GetUtcNow();
        if (p.OnlineSince is not null) Depart(p, p.AwaySince ?? now);
        if (p.WaitingSince is not null && !p.Admitted) Emit("waiting.left", new { userId }, Audiences.Teachers);
        p.WaitingSince = null;
        p.Admitted = false;
        var seq = Emit("you.removed", new { userId }, Audiences.User(userId));
        foreach (var connection in p.Connections)
        {
            _connections.Remove(connection);
            await ChangeAudiencesAsync(connection, [], AllAudiencesOf(p));
        }
        p.Connections.Clear();
        await media.RemoveAsync(_sessionId, userId);
        return Ok(seq);
    }

    private async Task<CommandResult> GiveFloorAsync(Guid userId, bool allowVideo)
    {
        if (!_s.People.TryGetValue(userId, out var p) || !p.InRoom || p.IsTeacher) return CommandResult.Fail(ClassroomErrors.NotFound);
        if (_s.Floor is { } previous && previous.UserId != userId) DropFloor();
        _s.Floor = new FloorState(userId, p.Name, allowVideo);
        if (p.HandAt is not null)
        {
            p.HandAt = null;
            Emit("hand.lowered", new { userId, by = "floor" }, HandAudience(p));
        }
        var seq = Emit("floor.given", new { userId, name = p.Name, allowVideo }, Audiences.All);
        await media.CanPublishChangedAsync(_sessionId, userId, true, allowVideo);
        return Ok(seq);
    }

    private CommandResult TakeFloorCore()
    {
        if (_s.Floor is null) return Ok();
        return Ok(DropFloor());
    }

    private long DropFloor()
    {
        var floor = _s.Floor!;
        _s.Floor = null;
        var seq = Emit("floor.taken", new { userId = floor.UserId }, Audiences.All);
        _ = media.CanPublishChangedAsync(_sessionId, floor.UserId, false, false).ContinueWith(
            t => log.LogWarning(t.Exception, "Media provider refused to take the floor back"), TaskContinuationOptions.OnlyOnFaulted);
        return seq;
    }

    private CommandResult Hand(ParticipantState p, bool raise, string by = "self")
    {
        if (raise == (p.HandAt is not null)) return Ok();
        if (raise)
        {
            p.HandAt = clock.GetUtcNow();
            return Ok(Emit("hand.raised", new { userId = p.UserId, name = p.Name, at = p.HandAt }, HandAudience(p)));
        }
        p.HandAt = null;
        return Ok(Emit("hand.lowered", new { userId = p.UserId, by }, HandAudience(p)));
    }

    private CommandResult Chat(ParticipantState p, string text)
    {
        text = text?.Trim() ?? "";
        if (text.Length is 0 or > 1000) return CommandResult.Fail(ClassroomErrors.Invalid);
        var now = clock.GetUtcNow();
        if (!p.IsTeacher)
        {
            if (!_s.StudentChat) return CommandResult.Fail(ClassroomErrors.ChatOff);
            if (p.LastChatAt is { } last && now - last < _options.StudentChatInterval) return CommandResult.Fail(ClassroomErrors.TooFast);
        }
        p.LastChatAt = now;
        var group = p.IsTeacher ? null : p.Breakout;
        var entry = new ChatEntry(Guid.CreateVersion7(), p.UserId, p.Name, p.Role, text, now, group, false);
        _s.Chat.Add(entry);
        if (_s.Chat.Count > ChatKept * 2) _s.Chat.RemoveRange(0, _s.Chat.Count - ChatKept);
        _s.PendingChat.Add(new ChatRecord(entry.Id, _s.RunId!.Value, p.UserId, group, text, now));
        var audiences = group is { } g ? new[] { Audiences.Breakout(g), Audiences.Teachers } : [Audiences.All];
        return Ok(Emit("chat.message", ChatView(entry), audiences), entry.Id.ToString());
    }

    private CommandResult DeleteChat(ParticipantState teacher, Guid messageId)
    {
        var index = _s.Chat.FindIndex(c => c.Id == messageId);
        if (index < 0) return CommandResult.Fail(ClassroomErrors.NotFound);
        var entry = _s.Chat[index];
        if (entry.Deleted) return Ok();
        _s.Chat[index] = entry with { Deleted = true };
        _s.PendingDeletions.Add(new ChatDeletion(messageId, teacher.UserId, clock.GetUtcNow()));
        var audiences = entry.Group is { } g ? new[] { Audiences.Breakout(g), Audiences.Teachers } : [Audiences.All];
        return Ok(Emit("chat.deleted", new { id = messageId }, audiences));
    }

    private CommandResult React(ParticipantState p, string emoji)
    {
        if (!Reactions.Contains(emoji)) return CommandResult.Fail(ClassroomErrors.Invalid);
        if (InRoomCount() <= _options.SmallRoom)
            return Ok(Emit("reaction", new { userId = p.UserId, name = p.Name, emoji }, Audiences.All));
        // In a big room reactions are summed and sent once per tick.
        _pendingReactions[emoji] = _pendingReactions.GetValueOrDefault(emoji) + 1;
        return Ok();
    }

    private async Task<CommandResult> OpenPollAsync(OpenPoll c)
    {
        var question = c.Question?.Trim() ?? "";
        var choices = (c.Options ?? []).Select(o => o?.Trim() ?? "").ToList();
        if (question.Length is 0 or > 500 || choices.Count is < 2 or > 10 || choices.Any(o => o.Length is 0 or > 200))
            return CommandResult.Fail(ClassroomErrors.Invalid);
        if (_s.Poll is not null) await ClosePollAsync(showResults: false);
        _s.Poll = new PollState
        {
            Id = Guid.CreateVersion7(), Question = question, Options = choices, Multiple = c.Multiple, Anonymous = c.Anonymous,
            OpenedAt = clock.GetUtcNow(),
        };
        var seq = Emit("poll.opened", PollView(_s.Poll, forTeacher: false, me: null), Audiences.All);
        return Ok(seq, _s.Poll.Id.ToString());
    }

    private CommandResult Answer(ParticipantState p, Guid pollId, IReadOnlyList<int> choices)
    {
        var poll = _s.Poll;
        if (poll is null || poll.Id != pollId) return CommandResult.Fail(ClassroomErrors.NoPoll);
        var distinct = (choices ?? []).Distinct().Order().ToList();
        if (distinct.Count == 0 || distinct.Any(i => i < 0 || i >= poll.Options.Count) || (!poll.Multiple && distinct.Count != 1))
            return CommandResult.Fail(ClassroomErrors.Invalid);
        // A change before the poll closes replaces the answer.
        poll.Answers[p.UserId] = new PollAnswerRecord(p.UserId, distinct, clock.GetUtcNow());
        var seq = Emit("poll.tally", new { id = poll.Id, counts = poll.Counts(), answered = poll.Answers.Count }, Audiences.Teachers);
        return Ok(seq);
    }

    private async Task<CommandResult> ClosePollAsync(bool showResults)
    {
        if (_s.Poll is not { } poll) return CommandResult.Fail(ClassroomErrors.NoPoll);
        poll.ClosedAt = clock.GetUtcNow();
        poll.Shown = showResults;
        // Written through: the poll and every answer are kept before anyone is told it closed.
        await repository.WritePollAsync(new PollRecord(poll.Id, _s.RunId!.Value, poll.Question, poll.Options, poll.Multiple, poll.Anonymous,
            poll.OpenedAt, poll.ClosedAt.Value, poll.Answers.Values.ToList()));
        _s.Poll = null;
        _s.LastPoll = poll;
        var seq = Emit("poll.closed", new
        {
            id = poll.Id, shown = showResults, counts = showResults ? poll.Counts() : null, answered = showResults ? poll.Answers.Count : (int?)null,
        }, Audiences.All);
        if (!showResults)
            Emit("poll.results", new { id = poll.Id, counts = poll.Counts(), answered = poll.Answers.Count }, Audiences.Teachers);
        return Ok(seq);
    }

    private CommandResult MyMedia(ParticipantState p, string mode)
    {
        if (mode is not ("full" or "low" or "audio")) return CommandResult.Fail(ClassroomErrors.Invalid);
        p.Media = mode;
        return Ok(Emit("participant.media", new { userId = p.UserId, mode }, Audiences.Teachers, Audiences.User(p.UserId)));
    }

    private async Task<CommandResult> StartBreakoutsAsync(StartBreakouts c)
    {
        if (c.Groups is < 2 or > 50 || c.Minutes is < 1 or > 240) return CommandResult.Fail(ClassroomErrors.Invalid);
        if (_s.Breakout is not null) await EndBreakoutsAsync();
        var students = _s.People.Values.Where(p => !p.IsTeacher && p.Admitted && p.OnlineSince is not null).ToList();
        if (c.Assignments is { Count: > 0 } chosen)
        {
            if (chosen.Values.Any(g => g < 1 || g > c.Groups)) return CommandResult.Fail(ClassroomErrors.Invalid);
            foreach (var p in students) p.Breakout = chosen.TryGetValue(p.UserId, out var g) ? g : null;
        }
        else
        {
            var shuffled = students.OrderBy(_ => Random.Shared.Next()).ToList();
            for (var i = 0; i < shuffled.Count; i++) shuffled[i].Breakout = i % c.Groups + 1;
        }
        _s.Breakout = new BreakoutState { Groups = c.Groups, EndsAt = clock.GetUtcNow().AddMinutes(c.Minutes) };
        foreach (var p in students.Where(p => p.Breakout is not null))
        foreach (var connection in p.Connections)
            await ChangeAudiencesAsync(connection, [Audiences.Breakout(p.Breakout!.Value)], []);
        var groups = Enumerable.Range(1, c.Groups).Select(n => new
        {
            n, members = students.Where(p => p.Breakout == n).Select(p => new { userId = p.UserId, name = p.Name }).ToList(),
        }).ToList();
        var seq = Emit("breakout.started", new { groups, endsAt = _s.Breakout.EndsAt }, Audiences.Teachers);
        foreach (var group in groups)
            Emit("breakout.started", new { groups = new[] { group }, endsAt = _s.Breakout.EndsAt }, Audiences.Breakout(group.n));
        return Ok(seq);
    }

    private CommandResult BroadcastToBreakouts(ParticipantState teacher, string text)
    {
        text = text?.Trim() ?? "";
        if (_s.Breakout is null) return CommandResult.Fail(ClassroomErrors.Invalid);
        if (text.Length is 0 or > 1000) return CommandResult.Fail(ClassroomErrors.Invalid);
        return Ok(Emit("breakout.message", new { text, from = teacher.Name, at = clock.GetUtcNow() }, Audiences.All));
    }

    private async Task<CommandResult> EndBreakoutsAsync()
    {
        if (_s.Breakout is null) return Ok();
        foreach (var p in _s.People.Values.Where(p => p.Breakout is not null))
        {
            foreach (var connection in p.Connections)
                await ChangeAudiencesAsync(connection, [], [Audiences.Breakout(p.Breakout!.Value)]);
            p.Breakout = null;
        }
        _s.Breakout = null;
        _dirty = true;
        return Ok(Emit("breakout.ended", new { }, Audiences.All));
    }

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
        return Task.FromResult(EmitRaw(type, jsonData, audiences.ToArray()));
    }

    public Task<IReadOnlyList<Presence>> GetPresence() => Task.FromResult<IReadOnlyList<Presence>>(
        _s.People.Values.Where(p => p.InRoom)
            .Select(p => new Presence(p.UserId, p.Name, p.Role, p.Connected, p.Connections.ToList())).ToList());

    public Task<RoomStatus> GetStatus() => Task.FromResult(new RoomStatus(_s.Status, _s.RunId, _s.StartedAt, _s.Seq, InRoomCount(),
        _s.Floor?.UserId, _s.Floor?.AllowVideo ?? false));

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
            if (_pendingReactions.Count > 0)
            {
                Emit("reactions", new { counts = new Dictionary<string, int>(_pendingReactions) }, Audiences.All);
                _pendingReactions.Clear();
            }
            var count = InRoomCount();
            if (count != _lastCount)
            {
                _lastCount = count;
                Emit("room.count", new { count }, Audiences.All);
            }
        }
        while (_failedWrites.TryDequeue(out var failed))
        {
            _s.PendingChat.InsertRange(0, failed.Chat);
            _s.PendingDeletions.InsertRange(0, failed.Deletions);
            _dirty = true;
        }
        if (_saveFailed)
        {
            _saveFailed = false;
            _dirty = true;
        }
        // The snapshot is taken in this turn (a consistent state, pending chat included); the chat and
        // the snapshot are written in the background, one write at a time, so the room goes on taking
        // commands while the database writes. Chat rows are written with insert-ignore: a row written
        // twice (after a failure, or from a restored snapshot) is kept once.
        if (!_saving.IsCompleted || (!_dirty && _s.PendingChat.Count == 0 && _s.PendingDeletions.Count == 0)) return;
        var (json, seq) = _dirty ? Serialize() : (null, 0L);
        var chat = _s.PendingChat.ToList();
        var deletions = _s.PendingDeletions.ToList();
        _s.PendingChat.Clear();
        _s.PendingDeletions.Clear();
        _saving = Task.Run(async () =>
        {
            try
            {
                await repository.AppendChatAsync(chat);
                await repository.MarkChatDeletedAsync(deletions.Select(d => (d.Id, d.By, d.At)).ToList());
            }
            catch (Exception e)
            {
                _failedWrites.Enqueue((chat, deletions));
                log.LogWarning(e, "Could not write classroom {Session}'s chat; will try again", _sessionId);
            }
            if (json is null) return;
            try
            {
                await repository.SaveStateAsync(_sessionId, seq, json, clock.GetUtcNow());
            }
            catch (Exception e)
            {
                _saveFailed = true;
                log.LogWarning(e, "Could not save classroom {Session}; will try again", _sessionId);
            }
        });
    }

    private async Task FlushChatAsync()
    {
        await _saving;
        while (_failedWrites.TryDequeue(out var failed))
        {
            _s.PendingChat.InsertRange(0, failed.Chat);
            _s.PendingDeletions.InsertRange(0, failed.Deletions);
        }
        if (_s.PendingChat.Count > 0)
        {
            var batch = _s.PendingChat.ToList();
            await repository.AppendChatAsync(batch);
            _s.PendingChat.RemoveRange(0, batch.Count);
            _dirty = true;
        }
        if (_s.PendingDeletions.Count > 0)
        {
            var batch = _s.PendingDeletions.ToList();
            await repository.MarkChatDeletedAsync(batch.Select(d => (d.Id, d.By, d.At)).ToList());
            _s.PendingDeletions.RemoveRange(0, batch.Count);
            _dirty = true;
        }
    }

    /// <summary>Saves the snapshot now, after any background write (for start, end and deactivation).</summary>
    private async Task SaveAsync()
    {
        await _saving;
        var (json, seq) = Serialize();
        await repository.SaveStateAsync(_sessionId, seq, json, clock.GetUtcNow());
    }

    private (string Json, long Seq) Serialize()
    {
        _s.RecentCommands = _commandOrder.Skip(Math.Max(0, _commandOrder.Count - PersistedCommandLimit))
            .Where(_commands.ContainsKey).Select(k => new KeyValuePair<string, CommandResult>(k, _commands[k])).ToList();
        // The snapshot keeps the newest events for replay across a new activation; older ones are not worth the bytes.
        var buffer = _s.Buffer;
        if (buffer.Count > PersistedEvents) _s.Buffer = buffer.GetRange(buffer.Count - PersistedEvents, PersistedEvents);
        try
        {
            _dirty = false;
            return (JsonSerializer.Serialize(_s, Json), _s.Seq);
        }
        finally
        {
            _s.Buffer = buffer;
        }
    }

    // ------------------------------------------------------------------ events, replay and views

    private long Emit(string type, object data, params string[] audiences) =>
        EmitRaw(type, JsonSerializer.Serialize(data, Json), audiences);

    private long EmitRaw(string type, string data, string[] audiences)
    {
        var seq = ++_s.Seq;
        var @event = new ClassroomEvent(_sessionId.ToString(), seq, type,
            clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), data);
        _s.Buffer.Add(new BufferedEvent(@event, audiences));
        var limit = Math.Max(16, _options.ReplayBuffer);
        if (_s.Buffer.Count > limit + limit / 4) _s.Buffer.RemoveRange(0, _s.Buffer.Count - limit);
        publisher.Publish(_sessionId, @event, audiences);
        return seq;
    }

    private bool CanReplay(long lastSeq)
    {
        if (lastSeq > _s.Seq || lastSeq < 0) return false;
        if (lastSeq > _s.GapFrom && lastSeq < _s.GapTo) return false;
        if (lastSeq == _s.Seq) return true;
        if (_s.Buffer.Count == 0) return false;
        var limit = Math.Max(16, _options.ReplayBuffer);
        var first = _s.Buffer.Count > limit ? _s.Buffer[^limit].Event.Seq : _s.Buffer[0].Event.Seq;
        return lastSeq >= first - 1 || (lastSeq == _s.GapFrom && first - 1 <= _s.GapTo);
    }

    private List<ClassroomEvent> Replay(ParticipantState p, long lastSeq)
    {
        var start = FirstAfter(lastSeq);
        var events = new List<ClassroomEvent>();
        for (var i = start; i < _s.Buffer.Count; i++)
            if (Sees(p, _s.Buffer[i].To)) events.Add(_s.Buffer[i].Event);
        return events;
    }

    private int FirstAfter(long seq)
    {
        int lo = 0, hi = _s.Buffer.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_s.Buffer[mid].Event.Seq <= seq) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private bool Sees(ParticipantState p, string[] audiences)
    {
        foreach (var audience in audiences)
        {
            if (audience == Audiences.All && (p.Admitted || p.IsTeacher)) return true;
            if (audience == Audiences.Teachers && p.IsTeacher) return true;
            if (audience == Audiences.User(p.UserId)) return true;
            if (p.Breakout is { } g && audience == Audiences.Breakout(g)) return true;
        }
        return false;
    }

    private string[] AudiencesOf(ParticipantState p)
    {
        var list = new List<string> { Audiences.User(p.UserId) };
        if (p.Admitted) list.Add(Audiences.All);
        if (p.IsTeacher) list.Add(Audiences.Teachers);
        if (p.Admitted && p.Breakout is { } g) list.Add(Audiences.Breakout(g));
        return list.ToArray();
    }

    private string[] AllAudiencesOf(ParticipantState p)
    {
        var list = new List<string> { Audiences.User(p.UserId), Audiences.All, Audiences.Teachers };
        if (p.Breakout is { } g) list.Add(Audiences.Breakout(g));
        return list.ToArray();
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

    private string[] PresenceAudience() => InRoomCount() <= _options.SmallRoom ? [Audiences.All] : [Audiences.Teachers];

    private string[] HandAudience(ParticipantState p) =>
        InRoomCount() <= _options.SmallRoom ? [Audiences.All] : [Audiences.Teachers, Audiences.User(p.UserId)];

    private void Remember(string key, CommandResult result)
    {
        if (_commands.TryAdd(key, result)) _commandOrder.Enqueue(key);
        while (_commandOrder.Count > RecentCommandLimit) _commands.Remove(_commandOrder.Dequeue());
    }

    private object SettingsView() => new
    {
        locked = _s.Locked, waitingRoom = _s.WaitingRoom, studentChat = _s.StudentChat, mediaMode = _s.MediaMode,
    };

    private static object ParticipantView(ParticipantState p) => new
    {
        userId = p.UserId, name = p.Name, role = p.Role, online = p.AwaySince is null, hand = p.HandAt, media = p.Media, breakout = p.Breakout,
    };

    private static object ChatView(ChatEntry c) => new
    {
        id = c.Id, userId = c.UserId, name = c.Name, role = c.Role, text = c.Deleted ? "" : c.Text, at = c.At, group = c.Group, deleted = c.Deleted,
    };

    private static object PollView(PollState poll, bool forTeacher, Guid? me) => new
    {
        id = poll.Id, question = poll.Question, options = poll.Options, multiple = poll.Multiple, anonymous = poll.Anonymous,
        openedAt = poll.OpenedAt, closed = poll.ClosedAt is not null, shown = poll.Shown,
        counts = forTeacher || poll.Shown ? poll.Counts() : null,
        answered = forTeacher || poll.Shown ? poll.Answers.Count : (int?)null,
        myChoices = me is { } id && poll.Answers.TryGetValue(id, out var a) ? a.Choices : null,
    };

    /// <summary>The room as one person may see it now (JSON).</summary>
    private string Snapshot(ParticipantState me)
    {
        var teacher = me.IsTeacher;
        var small = InRoomCount() <= _options.SmallRoom;
        var inRoom = _s.People.Values.Where(p => p.InRoom).ToList();
        var visiblePeople = teacher || small ? inRoom : inRoom.Where(p => p.IsTeacher || p.UserId == me.UserId || p.UserId == _s.Floor?.UserId).ToList();
        var hands = inRoom.Where(p => p.HandAt is not null && (teacher || small || p.UserId == me.UserId)).OrderBy(p => p.HandAt)
            .Select(p => new { userId = p.UserId, name = p.Name, at = p.HandAt }).ToList();
        var poll = _s.Poll ?? (_s.LastPoll is { Shown: true } || teacher ? _s.LastPoll : null);
        object? breakout = null;
        if (_s.Breakout is { } b)
        {
            var groups = Enumerable.Range(1, b.Groups).Where(n => teacher || me.Breakout == n)
                .Select(n => new { n, members = inRoom.Where(p => p.Breakout == n).Select(p => new { userId = p.UserId, name = p.Name }).ToList() });
            breakout = new { groups, endsAt = b.EndsAt };
        }
        var chat = _s.Chat.Where(c => teacher || c.Group is null || c.Group == me.Breakout).TakeLast(50).Select(ChatView).ToList();
        return JsonSerializer.Serialize(new
        {
            seq = _s.Seq, status = _s.Status, runId = _s.RunId, startedAt = _s.StartedAt, presenterId = _s.PresenterId,
            settings = SettingsView(),
            me = new
            {
                userId = me.UserId, role = me.Role, admitted = me.Admitted, hand = me.HandAt, media = me.Media, breakout = me.Breakout,
                floor = _s.Floor?.UserId == me.UserId,
            },
            count = inRoom.Count,
            participants = visiblePeople.Select(ParticipantView).ToList(),
            waiting = teacher
                ? _s.People.Values.Where(p => !p.Admitted && p.WaitingSince is not null && p.Connected && _s.Status == RoomStatuses.Live && _s.WaitingRoom)
                    .OrderBy(p => p.WaitingSince).Select(p => new { userId = p.UserId, name = p.Name, at = p.WaitingSince }).ToList()
                : null,
            hands,
            floor = _s.Floor is { } f ? new { userId = f.UserId, name = f.Name, allowVideo = f.AllowVideo } : null,
            poll = poll is null ? null : PollView(poll, teacher, me.UserId),
            breakout,
            chat,
        }, Json);
    }
}
