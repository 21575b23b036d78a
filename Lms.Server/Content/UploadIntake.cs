using System.Security.Cryptography;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>Wakes the in-process media worker when a job was queued (other processes poll).</summary>
public sealed class MediaJobSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// What happens when an upload is complete: the file moves into the content store, and in one
/// transaction the upload is marked complete, the item gets a new version and a job is queued.
/// Running it twice (a lost response, a retried request) does nothing more.
/// </summary>
public sealed class UploadIntake(
    Db db, IContentStore store, UploadRepository uploads, ContentRepository content, MediaJobRepository jobs,
    RecordingRepository recordings, MediaJobSignal signal, IOptions<MediaWorkerOptions> media)
{
    public static string SourceKey(UploadRow upload) => $"items/{upload.ItemId}/{upload.Id}/source";

    public async Task AcceptAsync(UploadRow upload, string localFile, CancellationToken cancellationToken)
    {
        var key = SourceKey(upload);
        string? sha1 = null;
        if (File.Exists(localFile))
        {
            await using (var stream = File.OpenRead(localFile))
                sha1 = Convert.ToHexStringLower(await SHA1.HashDataAsync(stream, cancellationToken));
            await store.MoveInAsync(key, localFile, cancellationToken);
        }
        else if (!await store.ExistsAsync(key, cancellationToken))
        {
            throw new InvalidOperationException($"The bytes of upload {upload.Id} are missing.");
        }
        var queued = await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (!await uploads.CompleteAsync(connection, transaction, upload.Id)) return false;
            await content.CreateVersionAsync(connection, transaction, upload.Id, upload.ItemId, key, upload.FileName, upload.FileType,
                upload.Length, sha1, upload.OwnerId);
            await jobs.EnqueueAsync(connection, transaction, MediaJobKinds.Process, upload.Id, upload.ItemId, null, upload.OwnerId,
                media.Value.MaxAttempts);
            return true;
        }, cancellationToken);
        if (queued) signal.Notify();
    }

    public static string PieceKey(Guid recordingId, int index) => $"recordings/{recordingId}/sources/{index:00000}";

    /// <summary>A recording's piece arrived: stored, recorded and queued together; false if that piece had already arrived.</summary>
    public async Task<bool> AcceptPieceAsync(RecordingRow recording, int index, string localFile, long bytes, CancellationToken cancellationToken)
    {
        var key = PieceKey(recording.Id, index);
        var existing = await recordings.GetPieceAsync(recording.Id, index);
        if (existing is not null)
        {
            File.Delete(localFile);
            return false;
        }
        await store.MoveInAsync(key, localFile, cancellationToken);
        var pieceId = Guid.CreateVersion7();
        var added = await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (!await recordings.AddPieceAsync(connection, transaction, pieceId, recording.Id, index, key, bytes)) return false;
            await jobs.EnqueueAsync(connection, transaction, MediaJobKinds.RecordingPiece, pieceId, null, recording.Id, recording.OwnerId,
                media.Value.MaxAttempts);
            return true;
        }, cancellationToken);
        if (added) signal.Notify();
        return added;
    }
}
