using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

/// <summary>The outcome of asking for space: granted, or refused with the usage that did not leave enough.</summary>
public sealed record QuotaReservation(bool Granted, QuotaUsage Usage, Guid? ReservationId = null);

/// <summary>
/// Storage space reserved atomically. Usage is a sum over several tables, so a check followed by an insert lets
/// parallel uploads all pass the check: instead every reservation first updates its institution's lock row, which
/// holds a row lock (PostgreSQL, SQL Server) or the write lock (SQLite) until the transaction ends. The check and
/// the row that holds the space (an upload, a reservation) are then written by one reservation at a time per
/// institution, on every database, with the same SQL.
/// </summary>
public sealed class StorageQuota(Db db, ContentRepository content, TimeProvider clock)
{
    /// <summary>A reservation for a file in transit outlives a server that died holding it by no more than this.</summary>
    public static readonly TimeSpan TransitHold = TimeSpan.FromHours(1);

    private static readonly Sql CreateLockSql = Sql.PerDialect(d =>
        d.InsertIgnore("content_quota_locks", ["institution_id", "locked_at"], ["@institutionId", "@now"], ["institution_id"]));
    private static readonly Sql TakeLockSql = Sql.Portable(
        "UPDATE content_quota_locks SET locked_at = @now WHERE institution_id = @institutionId");

    /// <summary>
    /// Takes the institution's quota lock, checks that <paramref name="bytes"/> more fit, and if they do runs
    /// <paramref name="hold"/> (which writes the row that holds the space) in the same transaction.
    /// </summary>
    public Task<QuotaReservation> ReserveAsync(Guid institutionId, long bytes, long defaultQuotaBytes,
        Func<DbConnection, DbTransaction, Task> hold, CancellationToken cancellationToken = default) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var args = new { institutionId, now = clock.GetUtcNow() };
            await connection.ExecuteAsync(db.Text(CreateLockSql), args, transaction);
            await connection.ExecuteAsync(db.Text(TakeLockSql), args, transaction);
            var usage = await content.UsageAsync(institutionId, defaultQuotaBytes, connection, transaction);
            if (usage.UsedBytes + bytes > usage.QuotaBytes) return new QuotaReservation(false, usage);
            await hold(connection, transaction);
            return new QuotaReservation(true, usage);
        }, cancellationToken);

    private static readonly Sql InsertReservationSql = Sql.Portable(
        "INSERT INTO content_reservations (id, institution_id, bytes, expires_at) VALUES (@id, @institutionId, @bytes, @expiresAt)");

    /// <summary>Holds space for a file on its way in; release it once the file's own row counts it (or it failed).</summary>
    public async Task<QuotaReservation> ReserveInTransitAsync(Guid institutionId, long bytes, long defaultQuotaBytes,
        CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7();
        var expiresAt = clock.GetUtcNow() + TransitHold;
        var reservation = await ReserveAsync(institutionId, bytes, defaultQuotaBytes, (connection, transaction) =>
            connection.ExecuteAsync(db.Text(InsertReservationSql), new { id, institutionId, bytes, expiresAt }, transaction),
            cancellationToken);
        return reservation.Granted ? reservation with { ReservationId = id } : reservation;
    }

    private static readonly Sql ReleaseSql = Sql.Portable("DELETE FROM content_reservations WHERE id = @id");

    public async Task ReleaseAsync(Guid reservationId) => await db.ExecuteAsync(ReleaseSql, new { id = reservationId });

    private static readonly Sql ExpiredSql = Sql.Portable("DELETE FROM content_reservations WHERE expires_at < @now");

    /// <summary>Forgets reservations left by a server that died holding them (they no longer count anyway).</summary>
    public async Task<int> DeleteExpiredAsync() => await db.ExecuteAsync(ExpiredSql, new { now = clock.GetUtcNow() });
}
