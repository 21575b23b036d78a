using System.Collections.Concurrent;

namespace Lms.Grains.Data;

/// <summary>
/// A short-lived read-through cache for what thousands of requests ask at the same moment (a quiz, its
/// questions' current versions, a course): an entry is kept for <c>ttl</c> from the moment its load
/// started, and concurrent misses of one key share a single load instead of each querying the database
/// (no stampede when an entry expires while a class starts together). A failed load or a null result is
/// not kept. Times come from the caller (the injected clock), so tests with a fake clock see expiry.
/// </summary>
public sealed class ReadThroughCache<TKey, TValue>(TimeSpan ttl, int capacity = 10_000) where TKey : notnull
{
    private sealed record Entry(DateTimeOffset At, Task<TValue> Value);

    private readonly ConcurrentDictionary<TKey, Entry> _items = new();

    public async Task<TValue> GetAsync(TKey key, DateTimeOffset now, Func<TKey, Task<TValue>> load)
    {
        while (true)
        {
            if (_items.TryGetValue(key, out var hit))
            {
                if (!hit.Value.IsCompleted || (hit.Value.IsCompletedSuccessfully && now - hit.At < ttl && now >= hit.At))
                    return await hit.Value;
                _items.TryRemove(KeyValuePair.Create(key, hit));
                continue;
            }
            if (_items.Count >= capacity) _items.Clear();
            var done = new TaskCompletionSource<TValue>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = new Entry(now, done.Task);
            if (!_items.TryAdd(key, entry)) continue;
            try
            {
                var value = await load(key);
                if (value is null) _items.TryRemove(KeyValuePair.Create(key, entry));
                done.SetResult(value);
                return value;
            }
            catch (Exception e)
            {
                _items.TryRemove(KeyValuePair.Create(key, entry));
                done.SetException(e);
                // Observed by the waiters, if any; this caller gets it directly.
                _ = done.Task.Exception;
                throw;
            }
        }
    }

    /// <summary>Drops the entry (after a change this process made), so the next read loads it again.</summary>
    public void Forget(TKey key) => _items.TryRemove(key, out _);

    public void Clear() => _items.Clear();
}
