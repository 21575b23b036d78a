using Lms.Grains.Assessment;
using Microsoft.Extensions.Options;

namespace Lms.Server.Assessment;

/// <summary>
/// The durable backstop behind each attempt's deadline timer. Timers live in memory; after a restart
/// (embedded mode has no durable reminders) this wakes every open timed attempt at start-up, so each
/// schedules its timer again, and then, every <c>Assessment:SweepInterval</c>, submits any attempt
/// found past its deadline plus grace.
/// </summary>
public sealed class DeadlineSweeper(
    AttemptRepository attempts, IGrainFactory grains, IOptions<AssessmentOptions> options, TimeProvider clock,
    IHostApplicationLifetime lifetime, ILogger<DeadlineSweeper> log) : BackgroundService
{
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
}
