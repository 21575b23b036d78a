using Dapper;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Content;

/// <summary>A clock the test moves by hand, so that leases run out when the test says so.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>The durable job queue on each database: leases, heartbeats, retries, cancel, and publishing once.</summary>
public sealed class MediaJobQueueTests(PostgresServer postgres)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private async Task<(Db Db, MediaJobRepository Jobs, ManualClock Clock)> QueueAsync(DatabaseProvider provider)
    {
        var db = new Db(await TestDatabase.CreateAsync(provider, postgres));
        var clock = new ManualClock(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        return (db, new MediaJobRepository(db, clock), clock);
    }

    private static async Task<Guid> EnqueueAsync(Db db, MediaJobRepository jobs, Guid? subject = null, int maxAttempts = 3)
    {
        var subjectId = subject ?? Guid.CreateVersion7();
        await db.InTransactionAsync(async (c, t) =>
        {
            await jobs.EnqueueAsync(c, t, MediaJobKinds.Process, subjectId, null, null, null, maxAttempts);
            return 0;
        });
        return subjectId;
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_job_whose_worker_died_is_taken_again_after_its_lease_and_only_the_new_holder_completes_it(DatabaseProvider provider)
    {
        var (db, jobs, clock) = await QueueAsync(provider);
        var subject = await EnqueueAsync(db, jobs);
        await EnqueueAsync(db, jobs, subject); // queued twice: still one job
        await using (var connection = await db.OpenAsync())
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM media_jobs"));

        var first = await jobs.ClaimAsync("worker-a", Lease);
        Assert.NotNull(first);
        Assert.Equal(1, first.Attempts);
        Assert.Null(await jobs.ClaimAsync("worker-b", Lease));

        // Worker A's heartbeats keep the job its own, past the first lease's end.
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await jobs.HeartbeatAsync(first.Id, first.LeaseToken!.Value, 0.4, Lease));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(await jobs.ClaimAsync("worker-b", Lease));
        Assert.Equal(0.4, (await jobs.GetAsync(first.Id))!.Progress, 3);

        // Then worker A dies: no heartbeat; once its lease has run out, worker B takes the job.
        clock.Advance(TimeSpan.FromSeconds(31));
        var second = await jobs.ClaimAsync("worker-b", Lease);
        Assert.NotNull(second);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.Attempts);
        Assert.Equal("worker-b", second.LeaseOwner);

        // A, back from the dead, can neither heartbeat nor complete: its transaction rolls back.
        Assert.False(await jobs.HeartbeatAsync(first.Id, first.LeaseToken!.Value, 0.9, Lease));
        await Assert.ThrowsAsync<LeaseLostException>(() => db.InTransactionAsync(async (c, t) =>
        {
            await jobs.CompleteAsync(c, t, first.Id, first.LeaseToken!.Value);
            return 0;
        }));
        await db.InTransactionAsync(async (c, t) =>
        {
            await jobs.CompleteAsync(c, t, second.Id, second.LeaseToken!.Value);
            return 0;
        });
        var done = (await jobs.GetAsync(first.Id))!;
        Assert.Equal(MediaJobStates.Succeeded, done.State);
        Assert.Equal(1.0, done.Progress);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await jobs.ClaimAsync("worker-c", Lease));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task A_failed_attempt_is_retried_after_its_back_off_and_a_cancelled_job_stops_its_worker(DatabaseProvider provider)
    {
        var (db, jobs, clock) = await QueueAsync(provider);
        await EnqueueAsync(db, jobs);
        var job = (await jobs.ClaimAsync("worker", Lease))!;
        Assert.True(await jobs.RetryLaterAsync(job.Id, job.LeaseToken!.Value, clock.GetUtcNow() + TimeSpan.FromSeconds(15), "processing-failed", "ffmpeg crashed"));
        Assert.Null(await jobs.ClaimAsync("worker", Lease));
        clock.Advance(TimeSpan.FromSeconds(16));
        var retry = (await jobs.ClaimAsync("worker", Lease))!;
        Assert.Equal(2, retry.Attempts);
        Assert.Equal("ffmpeg crashed", retry.ErrorMessage);

        Assert.True(await jobs.CancelAsync(retry.Id));
        Assert.False(await jobs.HeartbeatAsync(retry.Id, retry.LeaseToken!.Value, 0.5, Lease));
        Assert.Equal(MediaJobStates.Cancelled, (await jobs.GetAsync(retry.Id))!.State);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await jobs.ClaimAsync("worker", Lease));
        Assert.False(await jobs.CancelAsync(retry.Id));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Workers_racing_for_jobs_never_take_the_same_one_and_leave_none_waiting(DatabaseProvider provider)
    {
        var (db, jobs, _) = await QueueAsync(provider);
        // More jobs than one look shows a worker (5), so a worker whose candidates all went to others
        // must look again rather than leave a job waiting.
        for (var i = 0; i < 12; i++) await EnqueueAsync(db, jobs);

        var claims = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => jobs.ClaimAsync($"worker-{i}", Lease))));

        var taken = claims.Where(c => c is not null).Select(c => c!.Id).ToList();
        Assert.Equal(12, taken.Count);
        Assert.Equal(12, taken.Distinct().Count());
    }
}
