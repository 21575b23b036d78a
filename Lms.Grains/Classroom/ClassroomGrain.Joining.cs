namespace Lms.Grains.Classroom;

/// <summary>Joining and leaving, the waiting room and admission, a dropped connection's grace period, removal.</summary>
public sealed partial class ClassroomGrain
{
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
                Emit(ClassroomEvents.WaitingJoined, new WaitingPerson(p.UserId, p.Name, now), Audiences.Teachers);
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
        if (!await ChangeAudiencesAsync(caller.ConnectionId, ClassroomEventLog.AudiencesOf(p), []))
        {
            // Not in its groups, the connection would hear nothing: the client is told to try again rather than left deaf.
            p.Connections.Remove(caller.ConnectionId);
            _connections.Remove(caller.ConnectionId);
            return new JoinResult(JoinStatuses.Refused, ClassroomErrors.Unavailable, caller.Role, _s.Seq, null, []);
        }
        if (p.Admitted && (_s.Status == RoomStatuses.Live || teacher)) Arrive(p, now, returning: admittedBefore);
        _snapshots.MarkChanged();

        if (status != JoinStatuses.Joined)
            return new JoinResult(status, reason, p.Role, _s.Seq, Snapshot(p), [], ClassroomEventLog.AudiencesOf(p));
        if (lastSeq is { } last && _events.CanReplay(last))
            return new JoinResult(status, null, p.Role, _s.Seq, null, _events.Replay(p, last), ClassroomEventLog.AudiencesOf(p));
        return new JoinResult(status, null, p.Role, _s.Seq, Snapshot(p), [], ClassroomEventLog.AudiencesOf(p));
    }

    public Task Leave(Caller caller) => LeaveCore(caller.ConnectionId, dropped: false);

    /// <summary>A connection dropped: its person gets the grace period to come back.</summary>
    public Task Dropped(string connectionId) => LeaveCore(connectionId, dropped: true);

    private async Task LeaveCore(string connectionId, bool dropped)
    {
        if (!_connections.Remove(connectionId, out var userId) || !_s.People.TryGetValue(userId, out var p)) return;
        p.Connections.Remove(connectionId);
        ReleaseTab(userId, connectionId);
        _snapshots.MarkChanged();
        if (!dropped) await ChangeAudiencesAsync(connectionId, [], ClassroomEventLog.AllAudiencesOf(p));
        if (p.Connected) return;
        var now = clock.GetUtcNow();
        if (p.WaitingSince is not null && !p.Admitted)
        {
            p.WaitingSince = null;
            if (_s.Status == RoomStatuses.Live && _s.WaitingRoom)
                Emit(ClassroomEvents.WaitingLeft, new UserRef(p.UserId), Audiences.Teachers);
            return;
        }
        if (p.OnlineSince is null) return;
        if (dropped)
        {
            p.AwaySince = now;
            Emit(ClassroomEvents.ParticipantAway, new UserRef(p.UserId), Audiences.Teachers);
        }
        else Depart(p, now);
    }

    private void Arrive(ParticipantState p, DateTimeOffset now, bool returning)
    {
        p.WaitingSince = null;
        if (p.AwaySince is not null)
        {
            p.AwaySince = null;
            Emit(ClassroomEvents.ParticipantBack, new UserRef(p.UserId), Audiences.Teachers);
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
        Emit(ClassroomEvents.ParticipantJoined, ParticipantView(p), PresenceAudience());
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
            Emit(ClassroomEvents.HandLowered, new HandLowered(p.UserId, "left"), HandAudience(p));
        }
        if (_s.Floor?.UserId == p.UserId) DropFloor();
        Emit(ClassroomEvents.ParticipantLeft, new UserRef(p.UserId), PresenceAudience());
        _snapshots.MarkChanged();
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
            await ChangeAudiencesAsync(connection, ClassroomEventLog.AudiencesOf(p), []);
        if (wasWaiting) Emit(ClassroomEvents.WaitingLeft, new UserRef(p.UserId), Audiences.Teachers);
        Arrive(p, now, returning: false);
        Emit(ClassroomEvents.YouAdmitted, new UserRef(p.UserId), Audiences.User(p.UserId));
    }

    private async Task<CommandResult> RemoveAsync(Guid userId)
    {
        if (!_s.People.TryGetValue(userId, out var p) || p.IsTeacher) return CommandResult.Fail(ClassroomErrors.NotFound);
        _s.Removed.Add(userId);
        var now = clock.GetUtcNow();
        if (p.OnlineSince is not null) Depart(p, p.AwaySince ?? now);
        if (p.WaitingSince is not null && !p.Admitted) Emit(ClassroomEvents.WaitingLeft, new UserRef(userId), Audiences.Teachers);
        p.WaitingSince = null;
        p.Admitted = false;
        var seq = Emit(ClassroomEvents.YouRemoved, new UserRef(userId), Audiences.User(userId));
        foreach (var connection in p.Connections)
        {
            _connections.Remove(connection);
            await ChangeAudiencesAsync(connection, [], ClassroomEventLog.AllAudiencesOf(p));
        }
        p.Connections.Clear();
        await media.RemoveAsync(_sessionId, userId);
        return Ok(seq);
    }
}
