using System.Collections.Concurrent;

namespace Lms.Server.Classroom;

/// <summary>
/// Fair limits of the classroom hub, so that one person cannot flood the others or hold the server's connections:
/// how often a connection may call the methods a student calls often, how large a signalling message may be, and
/// how many connections one person may hold. Bound from the <c>Classroom</c> section.
/// </summary>
public sealed class ClassroomHubLimits
{
    public const string Section = "Classroom";

    /// <summary>Connections to the classroom hub one person may hold on one server node; a new one beyond them is refused.</summary>
    public int MaxConnectionsPerPerson { get; set; } = 5;

    /// <summary>
    /// Characters of one WebRTC signalling payload. A real offer or answer (audio, video, a data channel, the usual
    /// codecs, ICE credentials) is 3–8 KB of SDP; a candidate is about 200 bytes.
    /// </summary>
    public int MaxSignalChars { get; set; } = 16 * 1024;

    public HubRates Rates { get; set; } = new();
}

/// <summary>A token bucket per connection for each kind of call: <see cref="Rate.Burst"/> at once, then <see cref="Rate.PerSecond"/>.</summary>
public sealed class HubRates
{
    /// <summary>Signalling, per connection and recipient: a start-up negotiation sends a few dozen messages at once.</summary>
    public Rate Signal { get; set; } = new() { Burst = 100, PerSecond = 30 };
    public Rate Reactions { get; set; } = new() { Burst = 10, PerSecond = 2 };
    /// <summary>Raising and lowering a hand.</summary>
    public Rate Hands { get; set; } = new() { Burst = 10, PerSecond = 1 };
    public Rate PollAnswers { get; set; } = new() { Burst = 10, PerSecond = 2 };
    public Rate QuizAnswers { get; set; } = new() { Burst = 10, PerSecond = 2 };
}

public sealed class Rate
{
    public int Burst { get; set; }
    public double PerSecond { get; set; }
}

/// <summary>A token bucket on the server's clock: full at first, refilled continuously, never above its burst.</summary>
public sealed class TokenBucket(Rate rate, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private double _tokens = rate.Burst;
    private long _at = clock.GetTimestamp();

    public bool TryTake()
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            _tokens = Math.Min(rate.Burst, _tokens + clock.GetElapsedTime(_at, now).TotalSeconds * rate.PerSecond);
            _at = now;
            if (_tokens < 1) return false;
            _tokens -= 1;
            return true;
        }
    }
}

/// <summary>
/// The classroom hub connections each person holds on this node. The new connection beyond the cap is the one refused
/// (not the oldest): a second device or a copied token cannot push the person's own open lesson out, and a tab that
/// went away without closing frees its place when the server's keep-alive timeout drops it.
/// </summary>
public sealed class ClassroomConnections
{
    private readonly ConcurrentDictionary<Guid, int> _held = new();

    /// <summary>Counts a new connection of <paramref name="userId"/>; false (and not counted) when they already hold <paramref name="max"/>.</summary>
    public bool TryAdd(Guid userId, int max)
    {
        while (true)
        {
            var held = _held.GetOrAdd(userId, 0);
            if (held >= max) return false;
            if (_held.TryUpdate(userId, held + 1, held)) return true;
        }
    }

    public void Remove(Guid userId)
    {
        while (_held.TryGetValue(userId, out var held))
        {
            if (held <= 1 ? _held.TryRemove(new KeyValuePair<Guid, int>(userId, held)) : _held.TryUpdate(userId, held - 1, held)) return;
        }
    }

    public int Held(Guid userId) => _held.GetValueOrDefault(userId);
}
