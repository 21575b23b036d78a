namespace Lms.Server.Classroom.Broadcast;

/// <summary>
/// Every <see cref="BroadcastOptions.SweepInterval"/>: closes the broadcasts whose teacher's tab stopped sending pieces without
/// saying the end, and publishes what arrived as the lesson's recording (<see cref="LessonBroadcasts.CloseQuietAsync"/>).
/// </summary>
public sealed class QuietBroadcastSweeper(LessonBroadcasts broadcasts, BroadcastOptions options, TimeProvider clock, ILogger<QuietBroadcastSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await broadcasts.CloseQuietAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Looking for quiet broadcasts failed; trying again at the next interval");
            }
        }
    }
}
