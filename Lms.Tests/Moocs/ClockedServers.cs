using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Moocs;

/// <summary>
/// The real time moved forward by what a test says, so deadlines days away pass without sleeping. Only the
/// wall clock moves: timestamps and timers (what the runtime measures intervals with) stay real. It never
/// goes back: Orleans schedules activation collection on this clock too and refuses times before its last.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), "The clock only moves forward.");
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    /// <summary>Moves the clock forward to <paramref name="when"/>.</summary>
    public void MoveTo(DateTimeOffset when) => Advance(when - GetUtcNow());
}

/// <summary>A server on SQLite whose clock the test moves.</summary>
public sealed class ClockedSqliteLmsServer : SqliteLmsServer
{
    public ShiftedClock Clock { get; } = new();

    protected override void Customize(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>A server on PostgreSQL whose clock the test moves.</summary>
public sealed class ClockedPostgresLmsServer(PostgresServer postgres) : PostgresLmsServer(postgres)
{
    public ShiftedClock Clock { get; } = new();

    protected override void Customize(WebApplicationBuilder builder) => builder.Services.AddSingleton<TimeProvider>(Clock);
}
