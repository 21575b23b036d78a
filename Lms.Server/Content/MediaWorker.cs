using Lms.Grains.Content;
using Lms.Media.Content;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>
/// The media worker loop: claims jobs from the database queue, at most <c>Media:MaxConcurrentJobs</c>
/// at a time, and runs each with a heartbeat that renews its lease and records its progress. A lost
/// lease (the job was cancelled, or this worker was too slow and another took it) stops the job; a
/// refused file fails it for good with its reason; any other failure is retried with back-off.
/// The same loop runs inside the web server (embedded mode) or alone (<c>--Roles=media</c>).
/// While ffmpeg is missing it claims nothing (the jobs wait in the queue) and looks for it again
/// before each claim, so installing ffmpeg on a running server is enough.
/// </summary>
public sealed class MediaWorker(
    MediaJobRepository jobs, MediaJobRunner runner, MediaJobSignal signal, IOptions<MediaWorkerOptions> options,
    FfmpegTools ffmpeg, TimeProvider clock, ILogger<MediaWorker> log) : BackgroundService
{
    public string Name { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..6]}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        runner.PrepareWorkDirectory();
        var slots = new SemaphoreSlim(Math.Max(1, settings.MaxConcurrentJobs));
        var running = new List<Task>();
        log.LogInformation("Media worker {Name} started ({Slots} job(s) at a time)", Name, settings.MaxConcurrentJobs);
        var waitingForFfmpeg = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!ffmpeg.Found)
                {
                    // Claiming now would only spend the job's attempts: it waits in the queue until ffmpeg is there.
                    if (!waitingForFfmpeg) log.LogWarning("Media jobs wait until ffmpeg is installed: {Advice}", ffmpeg.MissingAdvice);
                    waitingForFfmpeg = true;
                    await signal.WaitAsync(TimeSpan.FromSeconds(Math.Max(0.05, settings.PollSeconds)), stoppingToken);
                    continue;
                }
                if (waitingForFfmpeg) log.LogInformation("ffmpeg {Version} found at {Path}: media jobs run again", ffmpeg.Version, ffmpeg.FfmpegPath);
                waitingForFfmpeg = false;
                await slots.WaitAsync(stoppingToken);
                MediaJobRow? job = null;
                try
                {
                    job = await jobs.ClaimAsync(Name, settings.Lease, runner.Kinds);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Could not look for media jobs");
                }
                if (job is null)
                {
                    slots.Release();
                    await signal.WaitAsync(TimeSpan.FromSeconds(Math.Max(0.05, settings.PollSeconds)), stoppingToken);
                    continue;
                }
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try { await RunJobAsync(job, stoppingToken); }
                    finally { slots.Release(); }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await Task.WhenAll(running);
    }

    private async Task RunJobAsync(MediaJobRow job, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var token = job.LeaseToken!.Value;
        using var lost = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lost.Token);
        var progress = new LatestProgress();
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job, token, progress, lost, heartbeatStop.Token);
        log.LogInformation("Media job {Job} ({Kind}) attempt {Attempt} started", job.Id, job.Kind, job.Attempts);
        try
        {
            if (job.Attempts > job.MaxAttempts)
            {
                await runner.GiveUpAsync(job, $"Processing stopped {job.MaxAttempts} times without finishing.");
                return;
            }
            await runner.RunAsync(job, progress, linked.Token);
            log.LogInformation("Media job {Job} ({Kind}) succeeded", job.Id, job.Kind);
        }
        catch (MediaRefusedException refusal)
        {
            log.LogInformation("Media job {Job}: the file was refused ({Code}): {Reason}", job.Id, refusal.Code, refusal.Reason);
            await Quietly(() => runner.RefuseAsync(job, refusal.Code, refusal.Reason));
        }
        catch (Exception e) when (lost.IsCancellationRequested || e is LeaseLostException)
        {
            log.LogWarning("Media job {Job} stopped here: its lease was lost (cancelled, or taken by another worker)", job.Id);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: hand the job back at once rather than let another worker wait out the lease.
            await Quietly(() => jobs.RetryLaterAsync(job.Id, token, clock.GetUtcNow(), null, "The worker was stopped."));
        }
        catch (Exception e)
        {
            if (job.Attempts < job.MaxAttempts)
            {
                var wait = TimeSpan.FromSeconds(settings.RetryBaseSeconds * Math.Pow(2, job.Attempts - 1));
                log.LogWarning(e, "Media job {Job} attempt {Attempt} failed; retrying in {Wait}", job.Id, job.Attempts, wait);
                await Quietly(() => jobs.RetryLaterAsync(job.Id, token, clock.GetUtcNow() + wait, "processing-failed", e.Message));
            }
            else
            {
                log.LogError(e, "Media job {Job} failed after {Attempts} attempts", job.Id, job.Attempts);
                await Quietly(() => runner.GiveUpAsync(job, $"Processing failed {job.Attempts} times: {e.Message}"));
            }
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            runner.Cleanup(job);
        }
    }

    /// <summary>Renews the lease and records progress every second; cancels the job when the lease is lost.</summary>
    private async Task HeartbeatAsync(MediaJobRow job, Guid token, LatestProgress progress, CancellationTokenSource lost, CancellationToken stop)
    {
        var lease = options.Value.Lease;
        var every = TimeSpan.FromMilliseconds(Math.Min(1000, lease.TotalMilliseconds / 3));
        try
        {
            while (true)
            {
                await Task.Delay(every, clock, stop);
                try
                {
                    if (!await jobs.HeartbeatAsync(job.Id, token, progress.Value, lease))
                    {
                        await lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Heartbeat of media job {Job} failed", job.Id);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task Quietly(Func<Task> action)
    {
        try { await action(); }
        catch (Exception e) { log.LogWarning(e, "Could not record a media job's outcome"); }
    }

    private sealed class LatestProgress : IProgress<double>
    {
        private double _value;
        public double Value => Volatile.Read(ref _value);
        public void Report(double value) => Volatile.Write(ref _value, value);
    }
}
