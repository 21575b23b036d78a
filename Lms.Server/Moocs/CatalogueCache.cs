using System.Collections.Concurrent;
using Lms.Grains.Courses;

namespace Lms.Server.Moocs;

/// <summary>
/// What the catalogue shows strangers is the same for everyone: kept in memory by query, and dropped
/// whole whenever a course or a catalogue entry changes (a new version number makes every older entry
/// unreachable, so a load that raced with the change can never be served).
/// </summary>
public sealed class CatalogueCache : ICourseChanged
{
    private const int MaxEntries = 5_000;
    private readonly ConcurrentDictionary<string, object> _entries = new();
    private long _version;

    public async Task<T> GetAsync<T>(string key, Func<Task<T>> load) where T : class
    {
        var versioned = Interlocked.Read(ref _version) + "|" + key;
        if (_entries.TryGetValue(versioned, out var cached)) return (T)cached;
        var value = await load();
        if (_entries.Count >= MaxEntries) _entries.Clear();
        _entries[versioned] = value;
        return value;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref _version);
        _entries.Clear();
    }

    public Task OnCourseChangedAsync(Guid courseId)
    {
        Invalidate();
        return Task.CompletedTask;
    }
}
