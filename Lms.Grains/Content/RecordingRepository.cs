using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

public sealed record RecordingRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public Guid OwnerId { get; init; }
    public Guid? CourseId { get; init; }
    public Guid? ModuleId { get; init; }
    public string? SessionId { get; init; }
    public string Title { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Ladder { get; init; }
    public int? PieceCount { get; init; }
    public Guid? ItemId { get; init; }
    public Guid? CourseItemId { get; init; }
    public string? ErrorMessage { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    /// <summary>The run of a live session this recording was made in (null for a recording made outside a class).</summary>
    public Guid? RunId { get; init; }
    /// <summary>LiveKit mode: the egress that writes the file.</summary>
    public string? EgressId { get; init; }
    /// <summary>A live lesson recorded in a browser: the teacher's tab that records it now (only it sends pieces and stops it).</summary>
    public string? RecorderTab { get; init; }
    /// <summary>When that tab started or took over recording it.</summary>
    public DateTimeOffset? RecorderSince { get; init; }
}

public sealed record PieceRow
{
    public Guid Id { get; init; }
    public Guid RecordingId { get; init; }
    public int PieceIndex { get; init; }
    public string Status { get; init; } = "";
    public string SourceKey { get; init; } = "";
    public long SourceBytes { get; init; }
    public string? OutputPrefix { get; init; }
    public long OutputBytes { get; init; }
    public string? Manifest { get; init; }
    public string? ErrorMessage { get; init; }
    public DateTimeOffset ReceivedAt { get; init; }
    public DateTimeOffset? ReadyAt { get; init; }
}

/// <summary>Recordings made of pieces uploaded while a lesson runs, and their pieces.</summary>
public sealed class RecordingRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "id, institution_id, owner_id, course_id, module_id, session_id, title, status, ladder, piece_count, item_id, course_item_id, " +
        "error_message, started_at, ended_at, published_at, run_id, egress_id, recorder_tab, recorder_since";
    private const string PieceColumns =
        "id, recording_id, piece_index, status, source_key, source_bytes, output_prefix, output_bytes, manifest, error_message, received_at, ready_at";

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO content_recordings (id, institution_id, owner_id, course_id, module_id, session_id, title, status, ladder, " +
        "piece_count, item_id, course_item_id, error_message, started_at, ended_at, published_at, run_id, egress_id, recorder_tab, recorder_since) " +
        "VALUES (@Id, @InstitutionId, @OwnerId, @CourseId, @ModuleId, @SessionId, @Title, 'recording', NULL, NULL, NULL, NULL, NULL, " +
        "@StartedAt, NULL, NULL, @RunId, NULL, @RecorderTab, @RecorderSince)");

    /// <summary>
    /// Starts a recording. With <paramref name="runId"/> it records a run of a live session, and a
    /// second one for the same session while the first records is refused by a unique index
    /// (a <see cref="DbException"/>). <paramref name="recorderTab"/>: the teacher's tab that records it.
    /// </summary>
    public async Task<RecordingRow> CreateAsync(Guid institutionId, Guid ownerId, Guid? courseId, Guid? moduleId, string? sessionId, string title,
        Guid? runId = null, string? recorderTab = null)
    {
        var now = clock.GetUtcNow();
        var row = new RecordingRow
        {
            Id = Guid.CreateVersion7(), InstitutionId = institutionId, OwnerId = ownerId, CourseId = courseId, ModuleId = moduleId,
            SessionId = sessionId, Title = title, Status = RecordingStatuses.Recording, StartedAt = now, RunId = runId,
            RecorderTab = recorderTab, RecorderSince = recorderTab is null ? null : now,
        };
        await db.ExecuteAsync(InsertSql, row);
        return row;
    }

    private static readonly Sql InsertPublishedSql = Sql.Portable(
        "INSERT INTO content_recordings (id, institution_id, owner_id, course_id, module_id, session_id, title, status, ladder, " +
        "piece_count, item_id, course_item_id, error_message, started_at, ended_at, published_at, run_id, egress_id, recorder_tab, recorder_since) " +
        "VALUES (@Id, @InstitutionId, @OwnerId, @CourseId, @ModuleId, @SessionId, @Title, 'published', NULL, @PieceCount, @ItemId, @CourseItemId, " +
        "NULL, @StartedAt, @EndedAt, @PublishedAt, @RunId, @EgressId, NULL, NULL)");

    /// <summary>
    /// A recording that exists whole already (a lesson's closed broadcast), published as it is recorded, inside the
    /// transaction that creates its library item. <see cref="RecordingRow.EgressId"/> names what made it; its unique
    /// index refuses a second one from the same maker (a <see cref="DbException"/>).
    /// </summary>
    public async Task CreatePublishedAsync(DbConnection connection, DbTransaction transaction, RecordingRow row) =>
        await connection.ExecuteAsync(db.Text(InsertPublishedSql), row with { Status = RecordingStatuses.Published }, transaction);

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM content_recordings WHERE id = @id");

    public async Task<RecordingRow?> GetAsync(Guid id, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        if (connection is not null) return await connection.QuerySingleOrDefaultAsync<RecordingRow>(db.Text(GetSql), new { id }, transaction);
        return await db.SingleOrDefaultAsync<RecordingRow>(GetSql, new { id });
    }

    private static readonly Sql LockSql = Sql.Portable("UPDATE content_recordings SET title = title WHERE id = @id");

    /// <summary>
    /// Takes the recording's row lock for the rest of the transaction: the end of a lesson and the
    /// last piece's completion see each other, so exactly one of them queues the join.
    /// </summary>
    public async Task LockAsync(DbConnection connection, DbTransaction transaction, Guid id) =>
        await connection.ExecuteAsync(db.Text(LockSql), new { id }, transaction);

    private static readonly Sql SetLadderSql = Sql.Portable(
        "UPDATE content_recordings SET ladder = @ladder WHERE id = @id AND ladder IS NULL");

    /// <summary>Fixes the recording's ladder (the first piece processed chooses it); returns the one that holds.</summary>
    public async Task<string> SetLadderOnceAsync(Guid id, string ladder)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(SetLadderSql), new { id, ladder });
        return (await connection.QuerySingleAsync<RecordingRow>(db.Text(GetSql), new { id })).Ladder!;
    }

    private static readonly Sql InsertPieceSql = Sql.PerDialect(d => d.InsertIgnore("content_recording_pieces",
        ["id", "recording_id", "piece_index", "status", "source_key", "source_bytes", "output_prefix", "output_bytes", "manifest",
         "error_message", "received_at", "ready_at"],
        ["@id", "@recordingId", "@pieceIndex", "'processing'", "@sourceKey", "@sourceBytes", "NULL", "0", "NULL", "NULL", "@now", "NULL"],
        ["recording_id", "piece_index"]));

    /// <summary>Records a received piece, inside the transaction that queues its job; false if that piece was already received.</summary>
    public async Task<bool> AddPieceAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid recordingId, int pieceIndex,
        string sourceKey, long sourceBytes) =>
        await connection.ExecuteAsync(db.Text(InsertPieceSql), new
        {
            id, recordingId, pieceIndex, sourceKey, sourceBytes, now = clock.GetUtcNow(),
        }, transaction) == 1;

    private static readonly Sql PieceSql = Sql.Portable($"SELECT {PieceColumns} FROM content_recording_pieces WHERE id = @id");

    public async Task<PieceRow?> GetPieceAsync(Guid id) =>
        await db.SingleOrDefaultAsync<PieceRow>(PieceSql, new { id });

    private static readonly Sql PieceByIndexSql = Sql.Portable(
        $"SELECT {PieceColumns} FROM content_recording_pieces WHERE recording_id = @recordingId AND piece_index = @pieceIndex");

    public async Task<PieceRow?> GetPieceAsync(Guid recordingId, int pieceIndex) =>
        await db.SingleOrDefaultAsync<PieceRow>(PieceByIndexSql, new { recordingId, pieceIndex });

    private static readonly Sql PiecesSql = Sql.Portable(
        $"SELECT {PieceColumns} FROM content_recording_pieces WHERE recording_id = @recordingId ORDER BY piece_index");

    public async Task<IReadOnlyList<PieceRow>> PiecesAsync(Guid recordingId, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        if (connection is not null)
            return (await connection.QueryAsync<PieceRow>(db.Text(PiecesSql), new { recordingId }, transaction)).AsList();
        await using var own = await db.OpenAsync();
        return (await own.QueryAsync<PieceRow>(db.Text(PiecesSql), new { recordingId })).AsList();
    }

    private static readonly Sql PieceReadySql = Sql.Portable(
        "UPDATE content_recording_pieces SET status = 'ready', output_prefix = @outputPrefix, output_bytes = @outputBytes, " +
        "manifest = @manifest, ready_at = @now WHERE id = @id AND status = 'processing'");

    public async Task<bool> PieceReadyAsync(DbConnection connection, DbTransaction transaction, Guid id, string outputPrefix,
        long outputBytes, string manifest) =>
        await connection.ExecuteAsync(db.Text(PieceReadySql), new
        {
            id, outputPrefix, outputBytes, manifest, now = clock.GetUtcNow(),
        }, transaction) == 1;

    private static readonly Sql PieceFailedSql = Sql.Portable(
        "UPDATE content_recording_pieces SET status = 'failed', error_message = @message WHERE id = @id AND status = 'processing'");

    public async Task PieceFailedAsync(DbConnection connection, DbTransaction transaction, Guid id, string message) =>
        await connection.ExecuteAsync(db.Text(PieceFailedSql), new { id, message = ContentRepository.Truncate(message, 2000) }, transaction);

    private static readonly Sql MissingPieceSql = Sql.PerDialect(d => d.InsertIgnore("content_recording_pieces",
        ["id", "recording_id", "piece_index", "status", "source_key", "source_bytes", "output_prefix", "output_bytes", "manifest",
         "error_message", "received_at", "ready_at"],
        ["@id", "@recordingId", "@pieceIndex", "'failed'", "''", "0", "NULL", "0", "NULL", "@message", "@now", "NULL"],
        ["recording_id", "piece_index"]));

    /// <summary>
    /// A piece that never arrived (its browser went away before sending it): it is recorded as failed, so the
    /// recording is joined from the pieces around it instead of waiting for it forever.
    /// </summary>
    public async Task MissingPieceAsync(DbConnection connection, DbTransaction transaction, Guid recordingId, int pieceIndex, string message) =>
        await connection.ExecuteAsync(db.Text(MissingPieceSql), new
        {
            id = Guid.CreateVersion7(), recordingId, pieceIndex, message = ContentRepository.Truncate(message, 2000), now = clock.GetUtcNow(),
        }, transaction);

    private static readonly Sql FinishSql = Sql.Portable(
        "UPDATE content_recordings SET status = 'finishing', piece_count = @pieceCount, ended_at = @now " +
        "WHERE id = @id AND status = 'recording'");

    /// <summary>The lesson ended: no more pieces after <paramref name="pieceCount"/>; false if it had already ended.</summary>
    public async Task<bool> FinishAsync(DbConnection connection, DbTransaction transaction, Guid id, int pieceCount) =>
        await connection.ExecuteAsync(db.Text(FinishSql), new { id, pieceCount, now = clock.GetUtcNow() }, transaction) == 1;

    private static readonly Sql PublishedSql = Sql.Portable(
        "UPDATE content_recordings SET status = 'published', item_id = @itemId, course_item_id = @courseItemId, published_at = @now " +
        "WHERE id = @id AND status = 'finishing'");

    public async Task<bool> PublishedAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid itemId, Guid? courseItemId) =>
        await connection.ExecuteAsync(db.Text(PublishedSql), new { id, itemId, courseItemId, now = clock.GetUtcNow() }, transaction) == 1;

    private static readonly Sql FailedSql = Sql.Portable(
        "UPDATE content_recordings SET status = 'failed', error_message = @message WHERE id = @id AND status IN ('recording', 'finishing')");

    public async Task FailedAsync(DbConnection connection, DbTransaction transaction, Guid id, string message) =>
        await connection.ExecuteAsync(db.Text(FailedSql), new { id, message = ContentRepository.Truncate(message, 2000) }, transaction);

    // ------------------------------------------------------------------ recordings of live sessions

    private static readonly Sql LiveSql = Sql.Portable(
        $"SELECT {Columns} FROM content_recordings WHERE session_id = @sessionId AND run_id IS NOT NULL AND status = 'recording'");

    /// <summary>The session's recording in progress, if any.</summary>
    public async Task<RecordingRow?> RecordingNowAsync(Guid sessionId) =>
        await db.SingleOrDefaultAsync<RecordingRow>(LiveSql, new { sessionId = sessionId.ToString() });

    private static readonly Sql TakeOverSql = Sql.Portable(
        "UPDATE content_recordings SET recorder_tab = @tab, recorder_since = @now WHERE id = @id AND status = 'recording'");

    /// <summary>
    /// The teacher's tab <paramref name="tab"/> records it from now on (a reloaded or reopened page, or another tab that took
    /// over): pieces and the stop are taken from that tab only. False if it is no longer recording.
    /// </summary>
    public async Task<bool> TakeOverAsync(Guid id, string tab) =>
        await db.ExecuteAsync(TakeOverSql, new { id, tab, now = clock.GetUtcNow() }) == 1;

    private static readonly Sql FinishingSql = Sql.Portable($"SELECT {Columns} FROM content_recordings WHERE status = 'finishing'");

    /// <summary>Recordings that ended and wait for their pieces and their join (every kind, in every session).</summary>
    public async Task<IReadOnlyList<RecordingRow>> FinishingAsync() =>
        await db.QueryAsync<RecordingRow>(FinishingSql);

    private static readonly Sql FromBrowsersInProgressSql = Sql.Portable(
        $"SELECT {Columns} FROM content_recordings WHERE status = 'recording' AND run_id IS NOT NULL AND egress_id IS NULL");

    /// <summary>Lessons being recorded by a teacher's browser (not LiveKit's egress), in every session.</summary>
    public async Task<IReadOnlyList<RecordingRow>> FromBrowsersInProgressAsync() =>
        await db.QueryAsync<RecordingRow>(FromBrowsersInProgressSql);

    private static readonly Sql ForSessionSql = Sql.Portable(
        $"SELECT {Columns} FROM content_recordings WHERE session_id = @sessionId AND run_id IS NOT NULL ORDER BY started_at DESC, id");

    /// <summary>Every recording made in the session's runs, newest first.</summary>
    public async Task<IReadOnlyList<RecordingRow>> ForSessionAsync(Guid sessionId) =>
        await db.QueryAsync<RecordingRow>(ForSessionSql, new { sessionId = sessionId.ToString() });

    private static readonly Sql SetEgressSql = Sql.Portable("UPDATE content_recordings SET egress_id = @egressId WHERE id = @id");

    public async Task SetEgressAsync(Guid id, string egressId) =>
        await db.ExecuteAsync(SetEgressSql, new { id, egressId });

    private static readonly Sql ByEgressSql = Sql.Portable($"SELECT {Columns} FROM content_recordings WHERE egress_id = @egressId");

    public async Task<RecordingRow?> ByEgressAsync(string egressId) =>
        await db.SingleOrDefaultAsync<RecordingRow>(ByEgressSql, new { egressId });

    private static readonly Sql SessionModuleSql = Sql.Portable(
        "SELECT module_id FROM course_items WHERE kind = 'live' AND ref_id = @sessionId ORDER BY position");

    /// <summary>The module holding the live session's item: its recordings go next to it.</summary>
    public async Task<Guid?> SessionModuleAsync(Guid sessionId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<Guid>(db.Text(SessionModuleSql), new { sessionId })).Cast<Guid?>().FirstOrDefault();
    }

    private static readonly Sql AutoSql = Sql.Portable(
        "SELECT record_automatically FROM live_recording_settings WHERE session_id = @sessionId");

    /// <summary>Whether the session is recorded from the moment it starts.</summary>
    public async Task<bool> RecordsAutomaticallyAsync(Guid sessionId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<bool>(db.Text(AutoSql), new { sessionId })).FirstOrDefault();
    }

    private static readonly Sql DeleteAutoSql = Sql.Portable("DELETE FROM live_recording_settings WHERE session_id = @sessionId");
    private static readonly Sql InsertAutoSql = Sql.Portable(
        "INSERT INTO live_recording_settings (session_id, record_automatically, updated_by, updated_at) VALUES (@sessionId, @on, @by, @now)");

    public async Task SetRecordsAutomaticallyAsync(Guid sessionId, bool on, Guid by) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteAutoSql), new { sessionId }, transaction);
            await connection.ExecuteAsync(db.Text(InsertAutoSql), new { sessionId, on, by, now = clock.GetUtcNow() }, transaction);
            return 0;
        });
}
