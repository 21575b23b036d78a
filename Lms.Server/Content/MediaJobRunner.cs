using System.Text.Json;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Media.Content;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>What each kind of media job does, and how its result (or refusal) is published.</summary>
public sealed class MediaJobRunner(
    Db db, ContentRepository content, RecordingRepository recordings, MediaJobRepository jobs, IContentStore store,
    MediaPipeline pipeline, RecordingJoiner joiner, MediaJobSignal signal, IOptions<MediaWorkerOptions> options,
    ILogger<MediaJobRunner> log, IEnumerable<IQueuedJobHandler> handlers)
{
    private readonly Dictionary<string, IQueuedJobHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    /// <summary>The kinds of job this process can run: a media-only worker leaves the others (a roster import) to web nodes.</summary>
    public IReadOnlyList<string> Kinds =>
        [MediaJobKinds.Process, MediaJobKinds.RecordingPiece, MediaJobKinds.RecordingJoin, .. _handlers.Keys];

    private string Root => options.Value.WorkDirectory;

    public string WorkDirectory(MediaJobRow job) => Path.Combine(Root, $"{job.Id:N}-a{job.Attempts}");

    /// <summary>Scratch left by workers that died more than a day ago is removed.</summary>
    public void PrepareWorkDirectory()
    {
        Directory.CreateDirectory(Root);
        foreach (var stale in Directory.GetDirectories(Root))
            if (Directory.GetLastWriteTimeUtc(stale) < DateTime.UtcNow.AddDays(-1))
                try { Directory.Delete(stale, recursive: true); } catch (IOException) { }
    }

    public void Cleanup(MediaJobRow job)
    {
        try
        {
            var work = WorkDirectory(job);
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
        catch (IOException e)
        {
            log.LogWarning(e, "Could not remove the scratch of media job {Job}", job.Id);
        }
    }

    public Task RunAsync(MediaJobRow job, IProgress<double> progress, CancellationToken cancellationToken) => job.Kind switch
    {
        MediaJobKinds.Process => ProcessAsync(job, progress, cancellationToken),
        MediaJobKinds.RecordingPiece => PieceAsync(job, progress, cancellationToken),
        MediaJobKinds.RecordingJoin => JoinAsync(job, cancellationToken),
        _ when _handlers.TryGetValue(job.Kind, out var handler) => handler.RunAsync(job, progress, cancellationToken),
        _ => throw new InvalidOperationException($"Unknown media job kind {job.Kind}."),
    };

    private async Task ProcessAsync(MediaJobRow job, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var version = await content.GetVersionAsync(job.SubjectId);
        var item = version is null ? null : await content.GetAsync(version.ItemId);
        if (version is null || item is null || version.Status != VersionStatuses.Processing || version.SourceKey is null)
        {
            // Deleted or cancelled meanwhile: nothing to publish.
            await db.InTransactionAsync(async (c, t) => { await jobs.CompleteAsync(c, t, job.Id, job.LeaseToken!.Value); return 0; });
            return;
        }
        var work = WorkDirectory(job);
        var source = await LocalSourceAsync(version.SourceKey, work, cancellationToken);
        var request = new MediaRequest(source, item.Type, work);
        var manifest = await pipeline.ProcessAsync(request, progress, cancellationToken);
        var prefix = $"items/{item.Id}/{version.Id}/a{job.Attempts}/";
        await PublishAsync(prefix, MediaPipeline.OutputDirectory(request), cancellationToken, async (c, t, bytes) =>
        {
            await content.PublishVersionAsync(c, t, version, job.Id, prefix, bytes, manifest.ToJson(), manifest.DurationSeconds);
        }, job);
    }

    private async Task PieceAsync(MediaJobRow job, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var piece = await recordings.GetPieceAsync(job.SubjectId);
        var recording = piece is null ? null : await recordings.GetAsync(piece.RecordingId);
        if (piece is null || recording is null || piece.Status != PieceStatuses.Processing)
        {
            await db.InTransactionAsync(async (c, t) => { await jobs.CompleteAsync(c, t, job.Id, job.LeaseToken!.Value); return 0; });
            return;
        }
        var work = WorkDirectory(job);
        var source = await LocalSourceAsync(piece.SourceKey, work, cancellationToken);
        // The first piece processed fixes the ladder; every other piece is fitted into it, so that they join.
        var request = new MediaRequest(source, MediaKinds.Video, work, async (facts, _) =>
        {
            if (facts.Video is null) throw new MediaRefusedException(RefusalCodes.NoMedia, "A piece of a recorded lesson must have video.");
            var chosen = await recordings.SetLadderOnceAsync(recording.Id,
                JsonSerializer.Serialize(Ladder.For(facts.DisplayWidth, facts.DisplayHeight), JsonSerializerOptions.Web));
            return JsonSerializer.Deserialize<List<Rendition>>(chosen, JsonSerializerOptions.Web)!;
        });
        var manifest = await pipeline.ProcessAsync(request, progress, cancellationToken);
        if (manifest.Kind != MediaKinds.Video)
            throw new MediaRefusedException(RefusalCodes.NoMedia, "A piece of a recorded lesson must have video.");
        var prefix = $"recordings/{recording.Id}/pieces/{piece.PieceIndex:00000}/a{job.Attempts}/";
        var joinQueued = false;
        await PublishAsync(prefix, MediaPipeline.OutputDirectory(request), cancellationToken, async (c, t, bytes) =>
        {
            await recordings.LockAsync(c, t, recording.Id);
            await recordings.PieceReadyAsync(c, t, piece.Id, prefix, bytes, manifest.ToJson());
            joinQueued = await RecordingEndpoints.QueueJoinWhenCompleteAsync(c, t, recordings, jobs, recording.Id, options.Value.MaxAttempts);
        }, job);
        if (joinQueued) signal.Notify();
    }

    private async Task JoinAsync(MediaJobRow job, CancellationToken cancellationToken)
    {
        var recording = await recordings.GetAsync(job.SubjectId);
        if (recording is not { Status: RecordingStatuses.Finishing, PieceCount: { } count })
        {
            await db.InTransactionAsync(async (c, t) => { await jobs.CompleteAsync(c, t, job.Id, job.LeaseToken!.Value); return 0; });
            return;
        }
        var root = $"recordings/{recording.Id}/";
        var pieces = (await recordings.PiecesAsync(recording.Id))
            .Where(p => p.PieceIndex < count && p.Status == PieceStatuses.Ready && p.OutputPrefix is not null)
            .OrderBy(p => p.PieceIndex)
            .Select(p => new RecordingPiece(
                store.LocalPath(p.OutputPrefix!) ?? throw new NotSupportedException("Joining recordings needs a store on a (shared) disk."),
                p.OutputPrefix![root.Length..],
                MediaManifest.FromJson(p.Manifest)!))
            .ToList();
        if (pieces.Count == 0)
            throw new MediaRefusedException(RefusalCodes.NoMedia, "No piece of the recording could be used.");
        var work = WorkDirectory(job);
        var output = Path.Combine(work, "joined");
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var manifest = await joiner.JoinAsync(pieces, output, $"-a{job.Attempts}", cancellationToken);

        var bytes = await store.PutDirectoryAsync(root, output, cancellationToken);
        try
        {
            await db.InTransactionAsync(async (c, t) =>
            {
                await recordings.LockAsync(c, t, recording.Id);
                var itemId = await content.CreateAsync(c, t, recording.InstitutionId, recording.OwnerId, ContentTypes.Video, new ContentFields
                {
                    Title = recording.Title,
                    Description = recording.SessionId is null ? null : $"Recorded lesson ({recording.SessionId}).",
                    Language = "vi",
                    Licence = Licences.AllRightsReserved,
                    Visibility = ContentVisibility.Private,
                    Tags = ["recording"],
                });
                var versionId = Guid.CreateVersion7();
                var number = await content.CreateVersionAsync(c, t, versionId, itemId, null, $"{recording.Title} ({pieces.Count} pieces)",
                    "video/mp4", 0, null, recording.OwnerId);
                var version = new ContentVersionRow { Id = versionId, ItemId = itemId, Number = number };
                await content.PublishVersionAsync(c, t, version, job.Id, root, bytes, manifest.ToJson(), manifest.DurationSeconds);
                Guid? courseItemId = null;
                if (recording.CourseId is { } courseId)
                {
                    var module = recording.ModuleId ?? await content.FirstModuleAsync(c, t, courseId, "Recordings");
                    courseItemId = (await content.AddCourseItemAsync(c, t, courseId, module, ContentTypes.Video, recording.Title, null, itemId))?.Id;
                }
                if (!await recordings.PublishedAsync(c, t, recording.Id, itemId, courseItemId)) throw new LeaseLostException(job.Id);
                await jobs.CompleteAsync(c, t, job.Id, job.LeaseToken!.Value);
                return itemId;
            }, CancellationToken.None);
        }
        catch
        {
            // The joined files of a losing attempt carry its own suffix; they are removed, the pieces stay.
            foreach (var file in Directory.EnumerateFiles(output))
                await store.DeleteAsync(root + Path.GetFileName(file));
            throw;
        }
    }

    /// <summary>Stores the outputs, then publishes them and completes the job in one transaction (if the lease still holds).</summary>
    private async Task PublishAsync(string prefix, string outputDirectory, CancellationToken cancellationToken,
        Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, long, Task> publish, MediaJobRow job)
    {
        var bytes = await store.PutDirectoryAsync(prefix, outputDirectory, cancellationToken);
        try
        {
            await db.InTransactionAsync(async (c, t) =>
            {
                await publish(c, t, bytes);
                await jobs.CompleteAsync(c, t, job.Id, job.LeaseToken!.Value);
                return 0;
            }, CancellationToken.None);
        }
        catch
        {
            await store.DeleteAsync(prefix);
            throw;
        }
    }

    /// <summary>A refused file: the reason is recorded where the uploader sees it, and nothing is published or kept.</summary>
    public async Task RefuseAsync(MediaJobRow job, string code, string reason) =>
        await FailAsync(job, code, reason, VersionStatuses.Failed);

    public async Task GiveUpAsync(MediaJobRow job, string message) =>
        await FailAsync(job, "processing-failed", message, VersionStatuses.Failed);

    private async Task FailAsync(MediaJobRow job, string code, string reason, string status)
    {
        var token = job.LeaseToken!.Value;
        if (_handlers.TryGetValue(job.Kind, out var handler))
        {
            await handler.FailAsync(job, code, reason);
            return;
        }
        switch (job.Kind)
        {
            case MediaJobKinds.Process:
                var version = await content.GetVersionAsync(job.SubjectId);
                await db.InTransactionAsync(async (c, t) =>
                {
                    if (version is not null) await content.FailVersionAsync(c, t, version, status, code, reason);
                    await jobs.FailAsync(c, t, job.Id, token, code, reason);
                    return 0;
                });
                if (version?.SourceKey is not null) await store.DeleteAsync(version.SourceKey);
                break;
            case MediaJobKinds.RecordingPiece:
                var piece = await recordings.GetPieceAsync(job.SubjectId);
                var joinQueued = await db.InTransactionAsync(async (c, t) =>
                {
                    await jobs.FailAsync(c, t, job.Id, token, code, reason);
                    if (piece is null) return false;
                    await recordings.LockAsync(c, t, piece.RecordingId);
                    await recordings.PieceFailedAsync(c, t, piece.Id, reason);
                    return await RecordingEndpoints.QueueJoinWhenCompleteAsync(c, t, recordings, jobs, piece.RecordingId, options.Value.MaxAttempts);
                });
                if (joinQueued) signal.Notify();
                break;
            default:
                await db.InTransactionAsync(async (c, t) =>
                {
                    await jobs.FailAsync(c, t, job.Id, token, code, reason);
                    await recordings.FailedAsync(c, t, job.SubjectId, reason);
                    return 0;
                });
                break;
        }
    }

    private async Task<string> LocalSourceAsync(string key, string work, CancellationToken cancellationToken)
    {
        if (store.LocalPath(key) is { } path && File.Exists(path)) return path;
        Directory.CreateDirectory(work);
        var local = Path.Combine(work, "download");
        var blob = await store.OpenAsync(key, cancellationToken) ?? throw new FileNotFoundException($"The stored file {key} is missing.");
        await using (blob.Stream)
        await using (var file = File.Create(local))
            await blob.Stream.CopyToAsync(file, cancellationToken);
        return local;
    }
}
