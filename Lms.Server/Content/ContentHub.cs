using System.Collections.Concurrent;
using Lms.Grains.Content;
using Lms.Server.Courses;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Lms.Server.Content;

/// <summary>A media job's progress or outcome, as pushed to the people watching its item or recording.</summary>
public sealed record JobEvent(
    Guid JobId, string Kind, Guid? ItemId, Guid? RecordingId, string State, double Progress, int Attempts, string? ErrorCode,
    string? ErrorMessage);

/// <summary>
/// <c>/hubs/content</c>: an uploader's page watches its item (or a teacher's recording) and
/// receives <c>job</c> events as the worker makes progress. Thin: it checks that the caller may see
/// the item, then notes who watches what; the <see cref="JobProgressRelay"/> does the pushing.
/// </summary>
[Authorize]
public sealed class ContentHub(ContentAccess access, MediaJobRepository jobs, RecordingRepository recordings, CourseAccess courses,
    JobWatchers watchers, IEnumerable<IQueuedJobHandler> handlers) : Hub
{
    /// <summary>Starts sending a queued job's events (another feature's kind, e.g. a roster import) to this connection; returns it now.</summary>
    public async Task<JobEvent> WatchJob(Guid jobId)
    {
        var job = await jobs.GetAsync(jobId);
        var handler = job is null ? null : handlers.FirstOrDefault(h => h.Kind == job.Kind);
        if (job is null || handler is null || !await handler.MayWatchAsync(Context.User!, job)) throw new HubException(ProblemTypes.NotFound);
        watchers.Watch(Context.ConnectionId, job.Id);
        return JobProgressRelay.Event(job);
    }

    public void UnwatchJob(Guid jobId) => watchers.Unwatch(Context.ConnectionId, jobId);

    /// <summary>Starts sending the item's job events to this connection; returns its latest job, if any.</summary>
    public async Task<JobEvent?> WatchItem(Guid itemId)
    {
        try
        {
            await access.ViewAsync(Context.User!, itemId);
        }
        catch (ProblemException problem)
        {
            throw new HubException(problem.Type);
        }
        watchers.Watch(Context.ConnectionId, itemId);
        return await jobs.LatestForItemAsync(itemId) is { } job ? JobProgressRelay.Event(job) : null;
    }

    public void UnwatchItem(Guid itemId) => watchers.Unwatch(Context.ConnectionId, itemId);

    public async Task<RecordingView> WatchRecording(Guid recordingId)
    {
        RecordingRow recording;
        try
        {
            recording = await RecordingEndpoints.ViewableAsync(Context.User!, recordings, courses, recordingId);
        }
        catch (ProblemException problem)
        {
            throw new HubException(problem.Type);
        }
        watchers.Watch(Context.ConnectionId, recordingId);
        return RecordingEndpoints.View(recording, await recordings.PiecesAsync(recordingId));
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        watchers.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>
/// Which of this node's connections watch which items and recordings. Each web node relays to its
/// own connections only, so that with the Redis backplane (cluster mode) nobody gets an event twice.
/// </summary>
public sealed class JobWatchers
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Guid, byte>> _connections = new();

    public bool Any => !_connections.IsEmpty;

    public void Watch(string connectionId, Guid subject) => _connections.GetOrAdd(connectionId, _ => new())[subject] = 0;

    public void Unwatch(string connectionId, Guid subject)
    {
        if (_connections.TryGetValue(connectionId, out var subjects)) subjects.TryRemove(subject, out _);
    }

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>The local connections watching any of <paramref name="subjects"/>.</summary>
    public IReadOnlyList<string> Watching(params Guid?[] subjects) =>
        _connections.Where(c => subjects.Any(s => s is { } id && c.Value.ContainsKey(id))).Select(c => c.Key).ToList();
}

/// <summary>
/// Reads the job queue's recent changes (progress written by workers in this process or another)
/// twice a second while anyone watches, and pushes each change to this node's connections watching it.
/// It also forgets uploads that were abandoned (their reserved space is freed).
/// </summary>
public sealed class JobProgressRelay(
    MediaJobRepository jobs, UploadRepository uploads, StorageQuota quota, IHubContext<ContentHub> hub, JobWatchers watchers,
    Microsoft.Extensions.Options.IOptions<ContentOptions> options, TimeProvider clock, ILogger<JobProgressRelay> log) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(3);

    public static JobEvent Event(MediaJobRow job) => new(job.Id, job.Kind, job.ItemId, job.RecordingId, job.State,
        Math.Round(job.Progress, 4), job.Attempts, job.ErrorCode, job.ErrorMessage);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var since = clock.GetUtcNow() - Overlap;
        var sent = new Dictionary<Guid, (DateTimeOffset At, string State, double Progress)>();
        var nextSweep = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, clock, stoppingToken);
                var now = clock.GetUtcNow();
                if (now >= nextSweep)
                {
                    nextSweep = now + TimeSpan.FromMinutes(5);
                    await SweepAbandonedUploadsAsync();
                }
                if (!watchers.Any)
                {
                    since = now - Overlap;
                    continue;
                }
                var changed = await jobs.ChangedSinceAsync(since);
                foreach (var job in changed)
                {
                    var state = (job.UpdatedAt, job.State, job.Progress);
                    if (sent.TryGetValue(job.Id, out var last) && last == state) continue;
                    sent[job.Id] = state;
                    var targets = watchers.Watching(job.ItemId, job.RecordingId, job.Id);
                    if (targets.Count > 0) await hub.Clients.Clients(targets).SendAsync("job", Event(job), stoppingToken);
                }
                // Read again a little way back each time: a transaction may commit an older timestamp late.
                if (changed.Count > 0) since = changed.Max(j => j.UpdatedAt) - Overlap;
                foreach (var old in sent.Where(s => s.Value.At < now - TimeSpan.FromMinutes(2)).Select(s => s.Key).ToList()) sent.Remove(old);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Relaying media job progress failed");
            }
        }
    }

    private async Task SweepAbandonedUploadsAsync()
    {
        foreach (var id in await uploads.ExpiredAsync())
        {
            await uploads.DeleteAsync(id);
            var part = TusEndpoints.PartPath(options.Value, id);
            if (File.Exists(part)) File.Delete(part);
        }
        await quota.DeleteExpiredAsync();
    }
}
