using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>The timings of lesson recordings (<c>Content:Recordings</c>): pieces, and when the server gives up on a browser that went away.</summary>
public sealed class LessonRecordingOptions
{
    public const string Section = "Content:Recordings";

    /// <summary>How long a piece the recording browser records and sends (each is transcoded as it arrives).</summary>
    public TimeSpan PieceLength { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>With no piece (or start) for this long, the room no longer shows the lesson as being recorded.</summary>
    public TimeSpan StalledAfter { get; set; } = TimeSpan.FromSeconds(150);

    /// <summary>A recording that ended waits this long after its last piece for pieces that are still on their way.</summary>
    public TimeSpan FinishingGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A recording not published this long after it ended has failed.</summary>
    public TimeSpan FinishingLimit { get; set; } = TimeSpan.FromHours(6);

    /// <summary>After the class ended (or a new run began), how long the last pieces may still take to arrive.</summary>
    public TimeSpan GraceAfterEnd { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>In a class still live, how long without a piece (the browser sends one a minute) before the recording is given up.</summary>
    public TimeSpan SilenceWhileLive { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Every <see cref="LessonRecordingOptions.SweepInterval"/>: ends the lesson recordings whose browsers went away, and settles
/// the ended ones that wait for pieces that will never come.
/// </summary>
public sealed class AbandonedRecordingSweeper(
    IServiceScopeFactory scopes, IOptions<LessonRecordingOptions> options, TimeProvider clock, ILogger<AbandonedRecordingSweeper> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var lessons = scope.ServiceProvider.GetRequiredService<LessonRecordings>();
                await lessons.EndAbandonedAsync(options.Value, clock.GetUtcNow());
                await lessons.SettleFinishingAsync(options.Value, clock.GetUtcNow());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Sweeping abandoned lesson recordings failed; trying again at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
