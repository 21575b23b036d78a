using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Content;
/// <summary>A library item's versions (one per upload or recording) and its subtitles.</summary>
public sealed partial class ContentRepository
{
    // ---- Versions ----

    private const string VersionColumns =
        "id, item_id, number, status, source_key, source_name, source_type, source_bytes, source_sha1, output_prefix, output_bytes, " +
        "manifest, duration_seconds, error_code, error_message, published_by_job, created_by, created_at, ready_at";

    private static readonly Sql VersionsSql = Sql.Portable(
        $"SELECT {VersionColumns} FROM content_versions WHERE item_id = @itemId ORDER BY number DESC");

    public async Task<IReadOnlyList<ContentVersionRow>> VersionsAsync(Guid itemId) =>
        await db.QueryAsync<ContentVersionRow>(VersionsSql, new { itemId });

    private static readonly Sql GetVersionSql = Sql.Portable($"SELECT {VersionColumns} FROM content_versions WHERE id = @id");

    public async Task<ContentVersionRow?> GetVersionAsync(Guid id, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        if (connection is not null)
            return await connection.QuerySingleOrDefaultAsync<ContentVersionRow>(db.Text(GetVersionSql), new { id }, transaction);
        return await db.SingleOrDefaultAsync<ContentVersionRow>(GetVersionSql, new { id });
    }

    private static readonly Sql NextVersionNumberSql = Sql.Portable(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM content_versions WHERE item_id = @itemId");
    private static readonly Sql InsertVersionSql = Sql.Portable(
        "INSERT INTO content_versions (id, item_id, number, status, source_key, source_name, source_type, source_bytes, source_sha1, " +
        "output_prefix, output_bytes, manifest, duration_seconds, error_code, error_message, published_by_job, created_by, created_at, ready_at) " +
        "VALUES (@id, @itemId, @number, 'processing', @sourceKey, @sourceName, @sourceType, @sourceBytes, @sourceSha1, " +
        "NULL, 0, NULL, NULL, NULL, NULL, NULL, @createdBy, @now, NULL)");
    private static readonly Sql ItemProcessingSql = Sql.Portable(
        "UPDATE content_items SET status = CASE WHEN current_version_id IS NULL THEN 'processing' ELSE status END, updated_at = @now " +
        "WHERE id = @itemId");

    /// <summary>Adds the next version of an item, waiting for the pipeline (inside the caller's transaction).</summary>
    public async Task<int> CreateVersionAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid itemId,
        string? sourceKey, string sourceName, string? sourceType, long sourceBytes, string? sourceSha1, Guid createdBy)
    {
        var number = await connection.ExecuteScalarAsync<int>(db.Text(NextVersionNumberSql), new { itemId }, transaction);
        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(db.Text(InsertVersionSql), new
        {
            id, itemId, number, sourceKey, sourceName, sourceType, sourceBytes, sourceSha1, createdBy, now,
        }, transaction);
        await connection.ExecuteAsync(db.Text(ItemProcessingSql), new { itemId, now }, transaction);
        return number;
    }

    private static readonly Sql PublishVersionSql = Sql.Portable(
        "UPDATE content_versions SET status = 'ready', output_prefix = @outputPrefix, output_bytes = @outputBytes, " +
        "manifest = @manifest, duration_seconds = @duration, published_by_job = @jobId, ready_at = @now " +
        "WHERE id = @versionId AND status = 'processing'");
    // A later version stays current if it was published first.
    private static readonly Sql MakeCurrentSql = Sql.Portable(
        "UPDATE content_items SET current_version_id = @versionId, status = 'ready', updated_at = @now " +
        "WHERE id = @itemId AND (current_version_id IS NULL OR " +
        "(SELECT number FROM content_versions WHERE id = content_items.current_version_id) < @number)");

    /// <summary>Marks a version ready and current (inside the job's completing transaction); false if it was not waiting.</summary>
    public async Task<bool> PublishVersionAsync(DbConnection connection, DbTransaction transaction, ContentVersionRow version,
        Guid jobId, string outputPrefix, long outputBytes, string manifest, double? duration)
    {
        var now = clock.GetUtcNow();
        var updated = await connection.ExecuteAsync(db.Text(PublishVersionSql), new
        {
            versionId = version.Id, outputPrefix, outputBytes, manifest, duration, jobId, now,
        }, transaction);
        if (updated == 0) return false;
        await connection.ExecuteAsync(db.Text(MakeCurrentSql), new { versionId = version.Id, itemId = version.ItemId, number = version.Number, now }, transaction);
        return true;
    }

    private static readonly Sql FailVersionSql = Sql.Portable(
        "UPDATE content_versions SET status = @status, error_code = @code, error_message = @message, source_bytes = @sourceBytes " +
        "WHERE id = @versionId AND status = 'processing'");
    private static readonly Sql ItemFailedSql = Sql.Portable(
        "UPDATE content_items SET status = 'failed', updated_at = @now WHERE id = @itemId AND current_version_id IS NULL");

    /// <summary>A refused or cancelled version: its reason is kept, its file is not (it no longer counts against the quota).</summary>
    public async Task FailVersionAsync(DbConnection connection, DbTransaction transaction, ContentVersionRow version,
        string status, string? code, string message)
    {
        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(db.Text(FailVersionSql), new
        {
            versionId = version.Id, status, code, message = Truncate(message, 2000), sourceBytes = 0L,
        }, transaction);
        await connection.ExecuteAsync(db.Text(ItemFailedSql), new { itemId = version.ItemId, now }, transaction);
    }

    private static readonly Sql DeleteVersionSql = Sql.Portable(
        "DELETE FROM content_versions WHERE id = @versionId AND item_id = @itemId");

    public async Task<bool> DeleteVersionAsync(Guid itemId, Guid versionId) =>
        await db.ExecuteAsync(DeleteVersionSql, new { itemId, versionId }) > 0;

    // ---- Subtitles ----

    private static readonly Sql InsertSubtitleSql = Sql.Portable(
        "INSERT INTO content_subtitles (id, item_id, language, label, store_key, bytes, created_by, created_at) " +
        "VALUES (@id, @itemId, @language, @label, @storeKey, @bytes, @createdBy, @now)");

    /// <summary>Records a subtitle file, inside the transaction that reserved its space (<see cref="StorageQuota"/>).</summary>
    public async Task AddSubtitleAsync(DbConnection connection, DbTransaction transaction,
        Guid id, Guid itemId, string language, string label, string storeKey, long bytes, Guid createdBy) =>
        await connection.ExecuteAsync(db.Text(InsertSubtitleSql), new
        {
            id, itemId, language, label, storeKey, bytes, createdBy, now = clock.GetUtcNow(),
        }, transaction);

    private static readonly Sql SubtitlesSql = Sql.Portable(
        "SELECT id, item_id, language, label, store_key, bytes, created_at FROM content_subtitles WHERE item_id = @itemId ORDER BY label, id");

    public async Task<IReadOnlyList<SubtitleRow>> SubtitlesAsync(Guid itemId) =>
        await db.QueryAsync<SubtitleRow>(SubtitlesSql, new { itemId });

    private static readonly Sql DeleteSubtitleSql = Sql.Portable("DELETE FROM content_subtitles WHERE id = @id AND item_id = @itemId");

    public async Task<bool> DeleteSubtitleAsync(Guid itemId, Guid id) =>
        await db.ExecuteAsync(DeleteSubtitleSql, new { itemId, id }) > 0;
}
