using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

public static class MediaJobKinds
{
    /// <summary>An uploaded file of a library item version: probe, check, transcode or preview, publish.</summary>
    public const string Process = "process";

    /// <summary>One piece of a recording, transcoded as it arrives.</summary>
    public const string RecordingPiece = "recording-piece";

    /// <summary>A finished recording's pieces joined and published as a library item.</summary>
    public const string RecordingJoin = "recording-join";
}

public static class MediaJobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinal(string state) => state is Succeeded or Failed or Cancelled;
}

public sealed record MediaJobRow
{
    public Guid Id { get; init; }
    public string Kind { get; init; } = "";
    public Guid SubjectId { get; init; }
    public Guid? ItemId { get; init; }
    public Guid? RecordingId { get; init; }
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public int MaxAttempts { get; init; }
    public DateTimeOffset RunAfter { get; init; }
    public Guid? LeaseToken { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
    public double Progress { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public Guid? CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>Thrown when a worker tries to finish a job whose lease it no longer holds (it ran out, or the job was cancelled).</summary>
public sealed class LeaseLostException(Guid jobId) : Exception($"The lease on media job {jobId} was lost.");

/// <summary>
/// The durable media job queue in the database. A worker claims a job with a lease (a fresh token
/// and an expiry), renews it with each heartbeat, and completes it inside the same transaction
/// that publishes its result, conditioned on still holding the lease: a job whose worker died is
/// claimed again once its lease runs out, and a job is published at most once.
/// </summary>
public sealed class MediaJobRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "id, kind, subject_id, item_id, recording_id, state, attempts, max_attempts, run_after, lease_token, lease_owner, lease_until, " +
        "progress, error_code, error_message, created_by, created_at, updated_at, finished_at";

    private static readonly Sql EnqueueSql = Sql.PerDialect(d => d.InsertIgnore("media_jobs",
        ["id", "kind", "subject_id", "item_id", "recording_id", "state", "attempts", "max_attempts", "run_after",
         "progress", "created_by", "created_at", "updated_at"],
        ["@id", "@kind", "@subjectId", "@itemId", "@recordingId", "'queued'", "0", "@maxAttempts", "@now",
         "0", "@createdBy", "@now", "@now"],
        ["kind", "subject_id"]));

    /// <summary>Queues a job for a subject, inside the caller's transaction; queueing the same one again does nothing.</summary>
    public async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, string kind, Guid subjectId,
        Guid? itemId, Guid? recordingId, Guid? createdBy, int maxAttempts)
    {
        await connection.ExecuteAsync(db.Text(EnqueueSql), new
        {
            id = Guid.CreateVersion7(), kind, subjectId, itemId, recordingId, maxAttempts, createdBy, now = clock.GetUtcNow(),
        }, transaction);
    }

    private const string Claimable =
        "((state = 'queued' AND run_after <= @now) OR (state = 'running' AND lease_until < @now))";

    private static readonly Sql CandidatesSql = Sql.PerDialect(d =>
        $"SELECT id FROM media_jobs WHERE {Claimable} ORDER BY created_at, id {d.Page()}");
    // One parameter per kind (@kind0, @kind1, ...): Dapper would send a list to PostgreSQL as one array parameter.
    private static string CandidatesOfKinds(SqlDialect d, int kinds) =>
        $"SELECT id FROM media_jobs WHERE {Claimable} AND kind IN ({string.Join(", ", Enumerable.Range(0, kinds).Select(i => $"@kind{i}"))}) " +
        $"ORDER BY created_at, id {d.Page()}";

    // The claim is a compare-and-set on the claimable condition itself: of two workers racing for one
    // job, the second finds it no longer claimable (PostgreSQL and SQL Server re-check the row under
    // its lock; SQLite has one writer at a time).
    private static readonly Sql ClaimSql = Sql.Portable(
        "UPDATE media_jobs SET state = 'running', lease_token = @token, lease_owner = @owner, lease_until = @until, " +
        $"attempts = attempts + 1, updated_at = @now WHERE id = @id AND {Claimable}");

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM media_jobs WHERE id = @id");

    /// <summary>Takes the oldest job that is due (or whose worker's lease ran out), of one of <paramref name="kinds"/> if given; null when there is none.</summary>
    public async Task<MediaJobRow?> ClaimAsync(string owner, TimeSpan lease, IReadOnlyList<string>? kinds = null)
    {
        await using var connection = await db.OpenAsync();
        var now = clock.GetUtcNow();
        var ofKinds = kinds is null ? null : CandidatesOfKinds(db.Dialect, kinds.Count);
        var parameters = new DynamicParameters(new { now, skip = 0, take = 5 });
        for (var i = 0; kinds is not null && i < kinds.Count; i++) parameters.Add($"kind{i}", kinds[i]);
        // Other workers may take every candidate we saw; look again (they are no longer claimable, so the
        // next look shows other jobs) rather than report an empty queue while a job waits. Each round
        // loses only to a claim that succeeded, so the rounds are bounded by the jobs there are.
        for (var round = 0; round < MaxClaimRounds; round++)
        {
            var candidates = (kinds is null
                ? await connection.QueryAsync<Guid>(db.Text(CandidatesSql), new { now, skip = 0, take = 5 })
                : await connection.QueryAsync<Guid>(ofKinds!, parameters)).AsList();
            if (candidates.Count == 0) return null;
            foreach (var id in candidates)
            {
                var claimed = await connection.ExecuteAsync(db.Text(ClaimSql), new
                {
                    id, token = Guid.NewGuid(), owner = ContentRepository.Truncate(owner, 200), until = now + lease, now,
                });
                if (claimed == 1) return await connection.QuerySingleAsync<MediaJobRow>(db.Text(GetSql), new { id });
            }
        }
        return null;
    }

    private const int MaxClaimRounds = 20;

    public async Task<MediaJobRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<MediaJobRow>(GetSql, new { id });

    private static readonly Sql ForSubjectSql = Sql.Portable($"SELECT {Columns} FROM media_jobs WHERE kind = @kind AND subject_id = @subjectId");

    public async Task<MediaJobRow?> ForSubjectAsync(string kind, Guid subjectId) =>
        await db.SingleOrDefaultAsync<MediaJobRow>(ForSubjectSql, new { kind, subjectId });

    private static readonly Sql HeartbeatSql = Sql.Portable(
        "UPDATE media_jobs SET lease_until = @until, progress = @progress, updated_at = @now " +
        "WHERE id = @id AND lease_token = @token AND state = 'running'");

    /// <summary>Renews the lease and records progress; false when the lease is lost (expired and taken, or the job cancelled).</summary>
    public async Task<bool> HeartbeatAsync(Guid id, Guid token, double progress, TimeSpan lease)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(HeartbeatSql), new
        {
            id, token, progress = Math.Clamp(progress, 0, 1), until = now + lease, now,
        }) == 1;
    }

    private static readonly Sql CompleteSql = Sql.Portable(
        "UPDATE media_jobs SET state = 'succeeded', progress = 1, lease_until = NULL, error_code = NULL, error_message = NULL, " +
        "finished_at = @now, updated_at = @now WHERE id = @id AND lease_token = @token AND state = 'running'");

    /// <summary>
    /// Completes a job inside the transaction that publishes its result; throws <see cref="LeaseLostException"/>
    /// (so the caller's transaction rolls back) when the worker no longer holds the lease.
    /// </summary>
    public async Task CompleteAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid token)
    {
        var done = await connection.ExecuteAsync(db.Text(CompleteSql), new { id, token, now = clock.GetUtcNow() }, transaction);
        if (done != 1) throw new LeaseLostException(id);
    }

    private static readonly Sql RetrySql = Sql.Portable(
        "UPDATE media_jobs SET state = 'queued', run_after = @runAfter, lease_until = NULL, progress = 0, " +
        "error_code = @code, error_message = @message, updated_at = @now " +
        "WHERE id = @id AND lease_token = @token AND state = 'running'");
    private static readonly Sql FailSql = Sql.Portable(
        "UPDATE media_jobs SET state = 'failed', lease_until = NULL, error_code = @code, error_message = @message, " +
        "finished_at = @now, updated_at = @now WHERE id = @id AND lease_token = @token AND state = 'running'");

    /// <summary>Puts a job back in the queue until <paramref name="runAfter"/> (a transient failure); false if the lease was lost.</summary>
    public async Task<bool> RetryLaterAsync(Guid id, Guid token, DateTimeOffset runAfter, string? code, string message) =>
        await db.ExecuteAsync(RetrySql, new
        {
            id, token, runAfter, code, message = ContentRepository.Truncate(message, 2000), now = clock.GetUtcNow(),
        }) == 1;

    /// <summary>Fails a job for good, inside the caller's transaction; throws <see cref="LeaseLostException"/> if the lease was lost.</summary>
    public async Task FailAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid token, string? code, string message)
    {
        var done = await connection.ExecuteAsync(db.Text(FailSql), new
        {
            id, token, code, message = ContentRepository.Truncate(message, 2000), now = clock.GetUtcNow(),
        }, transaction);
        if (done != 1) throw new LeaseLostException(id);
    }

    private static readonly Sql CancelSql = Sql.Portable(
        "UPDATE media_jobs SET state = 'cancelled', lease_until = NULL, finished_at = @now, updated_at = @now " +
        "WHERE id = @id AND state IN ('queued', 'running')");

    /// <summary>Cancels a queued or running job; its worker notices at its next heartbeat and stops.</summary>
    public async Task<bool> CancelAsync(Guid id, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        if (connection is not null)
            return await connection.ExecuteAsync(db.Text(CancelSql), new { id, now = clock.GetUtcNow() }, transaction) == 1;
        await using var own = await db.OpenAsync();
        return await own.ExecuteAsync(db.Text(CancelSql), new { id, now = clock.GetUtcNow() }) == 1;
    }

    private static readonly Sql ChangedSinceSql = Sql.PerDialect(d =>
        $"SELECT {Columns} FROM media_jobs WHERE updated_at >= @since ORDER BY updated_at, id {d.Page()}");

    /// <summary>Jobs changed since a time (progress, state): what the web nodes relay to the people watching.</summary>
    public async Task<IReadOnlyList<MediaJobRow>> ChangedSinceAsync(DateTimeOffset since, int take = 500) =>
        await db.QueryAsync<MediaJobRow>(ChangedSinceSql, new { since, skip = 0, take });

    private static readonly Sql ForItemSql = Sql.PerDialect(d => d.First(
        $"SELECT {Columns} FROM media_jobs WHERE item_id = @itemId ORDER BY created_at DESC, id DESC"));

    /// <summary>The latest job of a library item.</summary>
    public async Task<MediaJobRow?> LatestForItemAsync(Guid itemId) =>
        await db.SingleOrDefaultAsync<MediaJobRow>(ForItemSql, new { itemId });
}
