namespace Lms.Grains.Classroom;

/// <summary>
/// The results of the room's recent commands, by caller and command id, so that a command sent again (after a
/// reconnect) is answered with its first result instead of being applied twice. The newest are kept in the
/// snapshot, so a new activation still knows them.
/// </summary>
internal sealed class RecentCommands
{
    private const int Limit = 20_000;

    private readonly Dictionary<string, CommandResult> _results = new();
    private readonly Queue<string> _order = new();

    public static string Key(Caller caller, string commandId) => caller.UserId.ToString("N") + ":" + commandId;

    public bool TryGet(string key, out CommandResult result) => _results.TryGetValue(key, out result!);

    public void Remember(string key, CommandResult result)
    {
        if (_results.TryAdd(key, result)) _order.Enqueue(key);
        while (_order.Count > Limit) _results.Remove(_order.Dequeue());
    }

    /// <summary>The newest <paramref name="count"/> results, oldest first (what the snapshot keeps).</summary>
    public List<KeyValuePair<string, CommandResult>> Newest(int count) =>
        _order.Skip(Math.Max(0, _order.Count - count)).Where(_results.ContainsKey)
            .Select(k => new KeyValuePair<string, CommandResult>(k, _results[k])).ToList();
}
