using Microsoft.Extensions.Logging;

namespace Lms.Grains.Classroom;

/// <summary>The room the quiz runs in (who is in it, whether it is live, asked of its IClassroomGrain and cached briefly) and the timer.</summary>
public sealed partial class LiveQuizGrain
{
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
                await PublishAsync(ClassroomEvents.QuizTally,
                    new QuizTally(launch.Id, launch.Answers.Count, StudentsInRoom(), ResultsView(launch).Distribution), Audiences.Teachers);
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
}
