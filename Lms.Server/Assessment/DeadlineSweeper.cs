using System.Collections.Concurrent;
using Lms.Grains.Assessment;
using Lms.Server.Problems;
using Microsoft.Extensions.Options;

namespace Lms.Server.Assessment;

/// <summary>
/// The durable backstop behind each attempt's deadline timer. Timers live in memory, in the silo that hosts the
/// attempt; after a restart (embedded mode has no durable reminders) or the death of that silo (cluster mode) they
/// are gone. So at start-up this wakes every open timed attempt (each schedules its timer again), and every
/// <c>Assessment:SweepInterval</c> it submits any attempt past its deadline plus grace and, for each attempt due
/// before the next sweep, calls it at its deadline plus grace itself: an attempt whose silo died is submitted on
/// time by another, not up to a sweep interval later. Every node does this; a second call finds it submitted.
/// </summary>
public sealed class DeadlineSweeper(
    AttemptRepository attempts, IGrainFactory grains, IOptions<AssessmentOptions> options, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<DeadlineSweeper> log) : BackgroundService
{
    /// <summary>The grain submits only once its deadline plus grace has passed: call it just after, not on the instant.</summary>
    private static readonly TimeSpan JustAfter = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<Guid, byte> _scheduled = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; } catch (TaskCanceledException) { return; }
        }
        // At start-up: every open attempt with a deadline, due or not.
        await SweepAsync(clock.GetUtcNow().AddYears(100), stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await ScheduleUpcomingAsync(stoppingToken);
            try { await Task.Delay(options.Value.SweepInterval, clock, stoppingToken); }
            catch (TaskCanceledException) { return; }
            await SweepAsync(clock.GetUtcNow() - options.Value.DeadlineGrace, stoppingToken);
        }
    }

    private async Task SweepAsync(DateTimeOffset cutoff, CancellationToken stoppingToken)
    {
        try
        {
            var due = await attempts.OverdueAsync(cutoff);
            foreach (var id in due)
            {
                if (stoppingToken.IsCancellationRequested) return;
                await grains.GetGrain<IQuizAttemptGrain>(id).SubmitIfOverdue();
            }
            if (due.Count > 0) log.LogInformation("Deadline sweep woke {Count} open attempt(s)", due.Count);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            log.LogWarning(e, "The deadline sweep failed; it runs again in {Interval}", options.Value.SweepInterval);
        }
    }

    /// <summary>Each attempt due before the next sweep gets a call at its deadline plus grace from this node too.</summary>
    private async Task ScheduleUpcomingAsync(CancellationToken stoppingToken)
    {
        var grace = options.Value.DeadlineGrace;
        try
        {
            var upcoming = await attempts.DueBeforeAsync(clock.GetUtcNow() + options.Value.SweepInterval);
            foreach (var attempt in upcoming)
                if (_scheduled.TryAdd(attempt.Id, 0))
                    _ = SubmitAtAsync(attempt.Id, attempt.DeadlineAt + grace + JustAfter, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            log.LogWarning(e, "Looking up the attempts due soon failed; the next sweep tries again");
        }
    }

    private async Task SubmitAtAsync(Guid attemptId, DateTimeOffset at, CancellationToken stoppingToken)
    {
        try
        {
            var wait = at - clock.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
            // While a dead silo is being declared dead the call can fail; the attempt comes back on another within seconds.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await grains.GetGrain<IQuizAttemptGrain>(attemptId).SubmitIfOverdue();
                    return;
                }
                catch (Exception e) when (ClusterFailover.IsTransient(e) && attempt < 10 && !stoppingToken.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Submitting attempt {Attempt} at its deadline failed; the sweep tries again", attemptId);
        }
        finally
        {
            _scheduled.TryRemove(attemptId, out _);
        }
    }
}
