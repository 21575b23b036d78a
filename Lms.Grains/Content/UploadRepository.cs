using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

public sealed record UploadRow
{
    public Guid Id { get; init; }
    public Guid OwnerId { get; init; }
    public Guid InstitutionId { get; init; }
    public Guid ItemId { get; init; }
    public string FileName { get; init; } = "";
    public string? FileType { get; init; }
    public long Length { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>Resumable (tus) uploads: one row per upload, its bytes on disk until it is complete.</summary>
public sealed class UploadRepository(Db db, TimeProvider clock)
{
    private const string Columns = "id, owner_id, institution_id, item_id, file_name, file_type, length, created_at, expires_at, completed_at";

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO content_uploads (id, owner_id, institution_id, item_id, file_name, file_type, length, created_at, expires_at, completed_at) " +
        "VALUES (@Id, @OwnerId, @InstitutionId, @ItemId, @FileName, @FileType, @Length, @CreatedAt, @ExpiresAt, NULL)");

    /// <summary>Records a new upload, inside the transaction that checked the quota.</summary>
    public Task InsertAsync(DbConnection connection, DbTransaction transaction, UploadRow upload) =>
        connection.ExecuteAsync(db.Text(InsertSql), upload, transaction);

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM content_uploads WHERE id = @id");

    public async Task<UploadRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<UploadRow>(GetSql, new { id });

    private static readonly Sql CompleteSql = Sql.Portable(
        "UPDATE content_uploads SET completed_at = @now WHERE id = @id AND completed_at IS NULL");

    /// <summary>Marks an upload complete inside the transaction that creates its version; false if it already was.</summary>
    public async Task<bool> CompleteAsync(DbConnection connection, DbTransaction transaction, Guid id) =>
        await connection.ExecuteAsync(db.Text(CompleteSql), new { id, now = clock.GetUtcNow() }, transaction) == 1;

    private static readonly Sql ExtendSql = Sql.Portable(
        "UPDATE content_uploads SET expires_at = @expiresAt WHERE id = @id AND completed_at IS NULL");

    public async Task ExtendAsync(Guid id, DateTimeOffset expiresAt) =>
        await db.ExecuteAsync(ExtendSql, new { id, expiresAt });

    private static readonly Sql DeleteSql = Sql.Portable("DELETE FROM content_uploads WHERE id = @id AND completed_at IS NULL");

    public async Task<bool> DeleteAsync(Guid id) =>
        await db.ExecuteAsync(DeleteSql, new { id }) == 1;

    private static readonly Sql ExpiredSql = Sql.PerDialect(d =>
        $"SELECT id FROM content_uploads WHERE completed_at IS NULL AND expires_at < @now ORDER BY expires_at, id {d.Page()}");

    public async Task<IReadOnlyList<Guid>> ExpiredAsync(int take = 200) =>
        await db.QueryAsync<Guid>(ExpiredSql, new { now = clock.GetUtcNow(), skip = 0, take });
}
