using System.Globalization;
using System.Text.Json;

namespace Lms.Grains.Classroom;

/// <summary>
/// The room's numbered events: it numbers and publishes each one, keeps the recent ones (in the room's
/// state, so they survive into a snapshot) for a client that reconnects, and decides who sees which
/// (the audiences). Owned by <see cref="ClassroomGrain"/> and called only in its turns; not a grain.
/// </summary>
internal sealed class ClassroomEventLog(Guid sessionId, RoomState state, IClassroomPublisher publisher, ClassroomOptions options, TimeProvider clock)
{
    /// <summary>Event numbers skipped when a new activation resumes from a snapshot (events after it were lost with the old activation).</summary>
    private const long ResumeGap = 1_000_000;

    /// <summary>The snapshot keeps the newest events for replay across a new activation; older ones are not worth the bytes.</summary>
    private const int PersistedEvents = 512;

    private int Limit => Math.Max(16, options.ReplayBuffer);

    public long Seq => state.Seq;

    /// <summary>Numbers, keeps and publishes one event; returns its number.</summary>
    public long Emit<T>(ClassroomEventType<T> type, T data, params string[] audiences) =>
        EmitRaw(type.Name, JsonSerializer.Serialize(data, ClassroomJson.Options), audiences);

    /// <summary>An event another feature publishes into the room (its data already JSON).</summary>
    public long EmitRaw(string type, string data, string[] audiences)
    {
        var seq = ++state.Seq;
        var after = new Dictionary<string, long>(audiences.Length);
        foreach (var audience in audiences)
        {
            after[audience] = state.LastByAudience.GetValueOrDefault(audience);
            state.LastByAudience[audience] = seq;
        }
        var @event = new ClassroomEvent(sessionId.ToString(), seq, type, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), data, after);
        state.Buffer.Add(new BufferedEvent(@event, audiences));
        if (state.Buffer.Count > Limit + Limit / 4) state.Buffer.RemoveRange(0, state.Buffer.Count - Limit);
        publisher.Publish(sessionId, @event, audiences);
        return seq;
    }

    /// <summary>After a new activation: the numbers the old one may have used are skipped, so a client that saw them gets a snapshot.</summary>
    public void SkipLostNumbers()
    {
        state.GapFrom = state.Seq;
        state.GapTo = state.Seq + ResumeGap;
        state.Seq = state.GapTo;
    }

    /// <summary>Whether a client that saw up to <paramref name="lastSeq"/> can be sent what it missed (else it gets a snapshot).</summary>
    public bool CanReplay(long lastSeq)
    {
        if (lastSeq > state.Seq || lastSeq < 0) return false;
        if (lastSeq > state.GapFrom && lastSeq < state.GapTo) return false;
        if (lastSeq == state.Seq) return true;
        if (state.Buffer.Count == 0) return false;
        var first = state.Buffer.Count > Limit ? state.Buffer[^Limit].Event.Seq : state.Buffer[0].Event.Seq;
        return lastSeq >= first - 1 || (lastSeq == state.GapFrom && first - 1 <= state.GapTo);
    }

    /// <summary>The events after <paramref name="lastSeq"/> that <paramref name="p"/> may see, in order.</summary>
    public List<ClassroomEvent> Replay(ParticipantState p, long lastSeq)
    {
        var events = new List<ClassroomEvent>();
        for (var i = FirstAfter(lastSeq); i < state.Buffer.Count; i++)
            if (Sees(p, state.Buffer[i].To)) events.Add(state.Buffer[i].Event);
        return events;
    }

    /// <summary>Runs <paramref name="write"/> with the buffer cut to what a snapshot keeps, then puts the whole buffer back.</summary>
    public TResult WithPersistedBuffer<TResult>(Func<TResult> write)
    {
        var buffer = state.Buffer;
        if (buffer.Count > PersistedEvents) state.Buffer = buffer.GetRange(buffer.Count - PersistedEvents, PersistedEvents);
        try
        {
            return write();
        }
        finally
        {
            state.Buffer = buffer;
        }
    }

    private int FirstAfter(long seq)
    {
        int lo = 0, hi = state.Buffer.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (state.Buffer[mid].Event.Seq <= seq) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    // ------------------------------------------------------------------ who sees what

    /// <summary>Whether an event for <paramref name="audiences"/> reaches <paramref name="p"/> (the same rule as the hub's groups).</summary>
    public static bool Sees(ParticipantState p, string[] audiences)
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

    /// <summary>The audiences a person's connections belong to now.</summary>
    public static string[] AudiencesOf(ParticipantState p)
    {
        var list = new List<string> { Audiences.User(p.UserId) };
        if (p.Admitted) list.Add(Audiences.All);
        if (p.IsTeacher) list.Add(Audiences.Teachers);
        if (p.Admitted && p.Breakout is { } g) list.Add(Audiences.Breakout(g));
        return list.ToArray();
    }

    /// <summary>Every audience a person's connection may be in (to take it out of all of them).</summary>
    public static string[] AllAudiencesOf(ParticipantState p)
    {
        var list = new List<string> { Audiences.User(p.UserId), Audiences.All, Audiences.Teachers };
        if (p.Breakout is { } g) list.Add(Audiences.Breakout(g));
        return list.ToArray();
    }

    /// <summary>Chat and deletions in a breakout group go to the group and the teachers; otherwise to everyone.</summary>
    public static string[] ChatAudience(int? group) => group is { } g ? [Audiences.Breakout(g), Audiences.Teachers] : [Audiences.All];
}
