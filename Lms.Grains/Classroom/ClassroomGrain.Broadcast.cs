namespace Lms.Grains.Classroom;

/// <summary>
/// Broadcast mode as a room event: the server decides whether the lesson goes out as HLS (the teacher's choice, or the
/// class's size) and tells the room, which tells every page at once (<c>broadcast.mode</c>) and keeps it in its snapshot,
/// so a late joiner and a page after a reload or a failover see it too. When the first segment of a run has arrived, the
/// same event says so (<see cref="BroadcastMode.LiveRunId"/>): a student's player starts then, without asking again and again.
/// </summary>
public interface IClassroomBroadcast : IGrainWithGuidKey
{
    /// <summary>The mode as the server decided it now; the room tells everyone when it changed. Returns the event's number (0: no change).</summary>
    Task<long> SetBroadcastMode(BroadcastMode mode);

    /// <summary>The first segment of run <paramref name="runId"/> arrived: players may start. Returns the event's number (0: no change).</summary>
    Task<long> BroadcastIsLive(Guid runId);

    /// <summary>Run <paramref name="runId"/>'s broadcast was closed: players say so. Returns the event's number (0: no change).</summary>
    Task<long> BroadcastEnded(Guid runId);

    Task<BroadcastMode?> GetBroadcastMode();
}

public sealed partial class ClassroomGrain : IClassroomBroadcast
{
    public Task<long> SetBroadcastMode(BroadcastMode mode)
    {
        // Which run is on air is the room's to know, not the caller's.
        var next = mode with { LiveRunId = _s.Broadcast?.LiveRunId, EndedRunId = _s.Broadcast?.EndedRunId };
        return Task.FromResult(ChangeBroadcast(next));
    }

    public Task<long> BroadcastIsLive(Guid runId) =>
        Task.FromResult(_s.Broadcast is { } mode && _s.RunId == runId ? ChangeBroadcast(mode with { LiveRunId = runId }) : 0);

    public Task<long> BroadcastEnded(Guid runId) =>
        Task.FromResult(_s.Broadcast is { } mode ? ChangeBroadcast(mode with { EndedRunId = runId }) : 0);

    public Task<BroadcastMode?> GetBroadcastMode() => Task.FromResult(_s.Broadcast);

    private long ChangeBroadcast(BroadcastMode next)
    {
        if (next == _s.Broadcast) return 0;
        _s.Broadcast = next;
        _snapshots.MarkChanged();
        return Emit(ClassroomEvents.BroadcastModeChanged, next, Audiences.All);
    }
}
