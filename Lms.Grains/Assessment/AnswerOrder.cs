namespace Lms.Grains.Assessment;

/// <summary>
/// The one rule that says which of an attempt's answers to a question is the current one: the last the
/// student gave. The running grain, the load after a restart, grading, review, the grading queue, the
/// statistics and the audit of old attempts all use it, so an attempt means the same whoever reads it.
/// <list type="bullet">
/// <item>An answer sent at once ranks by its receipt on the server's clock (<see cref="AnswerRow.ReceivedAt"/>,
/// which the grain never lets go backwards within an attempt); answers sent together share it and rank by the
/// server's sequence (<see cref="AnswerRow.Seq"/>), i.e. by their position in the request.</item>
/// <item>An answer from the client's offline queue ranks by the time the student gave it, moved onto the
/// server's clock by the device's estimated offset (<see cref="AnswerRow.EffectiveAt"/>); the grain keeps
/// those times in the queue's own order, so the queue's order wins over the phone's clock.</item>
/// <item>Equal times: the higher sequence (the one received later) wins. Ids are never compared for answers
/// with a sequence.</item>
/// <item>Rows stored before the sequence existed (<see cref="AnswerRow.Seq"/> null) rank before every
/// sequenced row of the same time, by their effective time (the old rule), then receipt, then the phone's own
/// clock (which capping at receipt or raising to the start had erased: for a phone ahead or behind it is still
/// the order it gave them in), and only then, when nothing stored tells two versions apart (a request that
/// carried both without client times), by the id, so that every load at least picks the same one.</item>
/// </list>
/// Times are kept to whole milliseconds so that no database's precision can reorder them on reload.
/// </summary>
public static class AnswerOrder
{
    public static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    /// <summary>The time an answer ranks by.</summary>
    public static DateTimeOffset RankAt(AnswerRow a) => a.Seq is null || a.Queued == true ? a.EffectiveAt : a.ReceivedAt;

    public static readonly IComparer<AnswerRow> Comparer = Comparer<AnswerRow>.Create(Compare);

    /// <summary>Negative when <paramref name="x"/> was given before <paramref name="y"/>.</summary>
    public static int Compare(AnswerRow x, AnswerRow y)
    {
        var c = RankAt(x).CompareTo(RankAt(y));
        if (c != 0) return c;
        c = (x.Seq ?? 0).CompareTo(y.Seq ?? 0);
        if (c != 0) return c;
        // Only rows without a sequence (stored before it existed) get this far.
        c = x.ReceivedAt.CompareTo(y.ReceivedAt);
        if (c != 0) return c;
        c = (x.ClientTime ?? DateTimeOffset.MinValue).CompareTo(y.ClientTime ?? DateTimeOffset.MinValue);
        return c != 0 ? c : x.AnswerId.CompareTo(y.AnswerId);
    }

    /// <summary>True when <paramref name="candidate"/> replaces <paramref name="current"/> as the slot's answer.</summary>
    public static bool IsLater(AnswerRow candidate, AnswerRow current) => Compare(candidate, current) > 0;

    /// <summary>The current answer of each slot.</summary>
    public static Dictionary<int, AnswerRow> Current(IEnumerable<AnswerRow> answers) =>
        answers.GroupBy(a => a.Slot).ToDictionary(g => g.Key, g => g.Max(Comparer)!);

    /// <summary>
    /// The rule before the sequence (kept only to find the attempts it got wrong): the latest effective time,
    /// then the latest receipt, then the greatest id, which is effectively random.
    /// </summary>
    public static Dictionary<int, AnswerRow> CurrentByTheOldRule(IEnumerable<AnswerRow> answers) =>
        answers.GroupBy(a => a.Slot).ToDictionary(g => g.Key,
            g => g.OrderByDescending(a => a.EffectiveAt).ThenByDescending(a => a.ReceivedAt).ThenByDescending(a => a.AnswerId).First());

    /// <summary>A response as it means, whatever its spelling (property order, spaces): what "the same content" compares.</summary>
    public static string Canonical(string response)
    {
        try { return AssessmentJson.Write(AssessmentJson.Read<QuestionResponse>(response)); }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException) { return response; }
    }
}

/// <summary>
/// How far each device's clock is from the server's, estimated from the clock the client reports when it
/// starts or resumes and with every batch. A sample is the device's clock minus the receipt time: the true
/// offset less the time the request spent travelling, so the largest sample is the best estimate. A sample
/// more than <see cref="Jump"/> below the estimate means the phone's clock was set back: it starts again.
/// Kept in the attempt's grain only: every batch carries a sample, so a reloaded grain learns it again.
/// </summary>
public sealed class ClientClocks
{
    public static readonly TimeSpan Jump = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, TimeSpan> _offsets = [];

    public void Note(string? deviceId, DateTimeOffset clientNow, DateTimeOffset received)
    {
        var key = deviceId ?? "";
        var sample = clientNow - received;
        if (!_offsets.TryGetValue(key, out var best) || sample > best || best - sample > Jump) _offsets[key] = sample;
    }

    public TimeSpan? Offset(string? deviceId) => _offsets.TryGetValue(deviceId ?? "", out var o) ? o : null;

    /// <summary>A time on the device's clock on the server's clock (unchanged while the device's offset is unknown).</summary>
    public DateTimeOffset ToServer(string? deviceId, DateTimeOffset clientTime) => clientTime - (Offset(deviceId) ?? TimeSpan.Zero);
}
