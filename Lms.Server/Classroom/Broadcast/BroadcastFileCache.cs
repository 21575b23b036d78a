using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace Lms.Server.Classroom.Broadcast;

/// <summary>
/// The broadcast's files in memory, in front of the store: thousands of viewers ask for the same few segments within
/// seconds of each other. A segment never changes, so it is kept while it is asked for; a playlist changes with each
/// segment and is kept for one second, as long as the <c>max-age</c> every cache in front of Lms is told (in a cluster
/// another node's copy is at most that old too).
/// </summary>
public sealed class BroadcastFileCache(IBroadcastStore store) : IDisposable
{
    private static readonly TimeSpan PlaylistAge = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SegmentIdle = TimeSpan.FromMinutes(2);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 256L * 1024 * 1024 });

    /// <summary>Reads under way: the viewers who ask for a file at the same moment wait for one read of the store.</summary>
    private readonly ConcurrentDictionary<string, Task<byte[]?>> _reading = new();

    public async Task<byte[]?> ReadAsync(string key, bool playlist, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(key, out byte[]? bytes)) return bytes;
        var read = _reading.GetOrAdd(key, k => LoadAsync(k, playlist));
        try
        {
            return await read.WaitAsync(cancellationToken);
        }
        finally
        {
            _reading.TryRemove(KeyValuePair.Create(key, read));
        }
    }

    private async Task<byte[]?> LoadAsync(string key, bool playlist)
    {
        var bytes = await store.ReadAsync(key, CancellationToken.None);
        if (bytes is null) return null; // not there yet: asked again, looked for again
        var entry = new MemoryCacheEntryOptions { Size = bytes.Length };
        if (playlist) entry.AbsoluteExpirationRelativeToNow = PlaylistAge;
        else entry.SlidingExpiration = SegmentIdle;
        return _cache.Set(key, bytes, entry);
    }

    /// <summary>Drops this node's copy of a file that was just written again (a playlist).</summary>
    public void Forget(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();
}
