namespace Lms.Grains.Classroom;

/// <summary>A run of the session: starting it (a new run, everyone connected let in or told), ending it (the records), the room's settings.</summary>
public sealed partial class ClassroomGrain
{
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
        _s.Cameras.Clear();
        foreach (var p in _s.People.Values)
        {
            p.Intervals.Clear();
            p.HandAt = null;
            p.Breakout = null;
            p.OnlineSince = null;
            p.AwaySince = null;
            p.Admitted = p.IsTeacher;
        }
        var seq = Emit(ClassroomEvents.SessionStarted, new SessionStarted(runId, now, teacher.UserId, teacher.Name), Audiences.All);
        foreach (var p in _s.People.Values.Where(p => p.Connected).ToList())
        {
            if (p.IsTeacher) Arrive(p, now, returning: false);
            else if (p.LeftOver || p.WaitingSince is null)
                // Still on an earlier run's page: told that a new run began, counted only once they join it.
                Emit(ClassroomEvents.SessionNext, new NextRun(runId), Audiences.User(p.UserId));
            else if (_s.WaitingRoom)
            {
                p.WaitingSince = now;
                Emit(ClassroomEvents.WaitingJoined, new WaitingPerson(p.UserId, p.Name, now), Audiences.Teachers);
            }
            else await AdmitPersonAsync(p, now);
        }
        await media.RoomStartedAsync(_sessionId);
        await _snapshots.SaveNowAsync();
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
        await _snapshots.FlushChatAsync();
        // The records: every stretch of attendance, written with the run's end in one transaction.
        await repository.EndRunAsync(runId, now, _s.People.Values.SelectMany(p => p.Intervals).ToList());
        _s.Status = RoomStatuses.Ended;
        _s.Floor = null;
        var seq = Emit(ClassroomEvents.SessionEnded, new SessionEnded(runId, now), Audiences.All);
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
        await _snapshots.SaveNowAsync();
        return Ok(seq, runId.ToString());
    }

    private CommandResult Settings(Action change)
    {
        change();
        return Ok(Emit(ClassroomEvents.RoomSettings, SettingsView(), Audiences.All));
    }
}
