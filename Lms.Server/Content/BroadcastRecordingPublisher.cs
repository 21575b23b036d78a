using System.Data.Common;
using System.Diagnostics;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Media.Broadcast;
using Lms.Media.Content;
using Lms.Server.Classroom.Broadcast;

namespace Lms.Server.Content;

/// <summary>
/// A closed broadcast becomes the lesson's recording: a video item of the library (private, the teacher's) and a video
/// item of the course next to the session's item, exactly where a browser recording goes, listed with the session's
/// recordings. Its files are the broadcast's own, where they already are: the closed master playlist (the full and the
/// sound-only variant), the segments, a poster (one frame of the first segment) and a download (the initialisation part
/// and the segments put end to end: a fragmented MP4, written as a copy, nothing encoded). It takes seconds, not minutes.
/// <para>
/// One lesson, one recording: the recording row names the broadcast's run as what made it (<c>broadcast:{run}</c>, in
/// the column LiveKit's egress uses), and the unique index on that column refuses a second publish from any node.
/// </para>
/// </summary>
public sealed class BroadcastRecordingPublisher(
    Db db, ContentRepository content, RecordingRepository recordings, IContentStore store, BroadcastPoster poster,
    TimeProvider clock, ILogger<BroadcastRecordingPublisher> log) : IBroadcastRecordings
{
    public static string MadeBy(Guid runId) => $"broadcast:{runId:N}";

    public async Task<Guid?> PublishAsync(ClosedBroadcast broadcast, CancellationToken cancellationToken = default)
    {
        var manifest = broadcast.Manifest;
        if (manifest.Segments.Count == 0) return null;
        if (await recordings.ByEgressAsync(MadeBy(broadcast.RunId)) is { } done) return done.ItemId;
        var took = Stopwatch.StartNew();
        var work = Path.Combine(Path.GetTempPath(), "lms-broadcast-publish", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var (download, downloadBytes) = await WriteDownloadAsync(broadcast, work, cancellationToken);
            string? posterName = null;
            if (await poster.WriteAsync(download, work, cancellationToken))
            {
                posterName = HlsEncoder.Poster;
                await using var picture = File.OpenRead(Path.Combine(work, HlsEncoder.Poster));
                await store.PutAsync(broadcast.Folder + posterName, picture, cancellationToken);
            }
            // The download is offered only when it is one continuous file (one picture size throughout).
            var oneSize = manifest.Segments.Select(s => s.Init).Distinct().Count() == 1;
            if (oneSize) await store.MoveInAsync(broadcast.Folder + HlsEncoder.VideoDownload, download, cancellationToken);

            var seconds = manifest.Seconds;
            var mediaBytes = manifest.Segments.Sum(s => s.Bytes + s.AudioBytes + s.LowBytes) + (oneSize ? downloadBytes : 0);
            var media = new MediaManifest
            {
                Kind = MediaKinds.Video, SourceFormat = "broadcast", DurationSeconds = seconds, Width = manifest.Width, Height = manifest.Height,
                AudioCodec = manifest.AudioCodec, Master = LivePlaylist.Master, Poster = posterName,
                Renditions = [new RenditionManifest(Path.GetFileNameWithoutExtension(LivePlaylist.FullPlaylist), manifest.Width, manifest.Height,
                    (int)(seconds > 0 ? manifest.Segments.Sum(s => s.Bytes) * 8 / seconds / 1000 : 0)),
                    .. manifest.HasLow
                        ? [new RenditionManifest(Path.GetFileNameWithoutExtension(LivePlaylist.LowPlaylist), manifest.LowWidth, manifest.LowHeight,
                            (int)(seconds > 0 ? manifest.Segments.Sum(s => s.LowBytes) * 8 / seconds / 1000 : 0))]
                        : Array.Empty<RenditionManifest>()],
                Download = oneSize ? HlsEncoder.VideoDownload : null,
            };
            var now = clock.GetUtcNow();
            var recordingId = Guid.CreateVersion7();
            try
            {
                var itemId = await db.InTransactionAsync(async (c, t) =>
                {
                    var itemId = await content.CreateAsync(c, t, broadcast.InstitutionId, broadcast.TeacherId, ContentTypes.Video, new ContentFields
                    {
                        Title = broadcast.Title,
                        Description = $"Recorded lesson ({broadcast.SessionId}).",
                        Language = "vi",
                        Licence = Licences.AllRightsReserved,
                        Visibility = ContentVisibility.Private,
                        Tags = ["recording"],
                    });
                    var versionId = Guid.CreateVersion7();
                    var number = await content.CreateVersionAsync(c, t, versionId, itemId, null, $"{broadcast.Title} (broadcast, {manifest.Segments.Count} segments)",
                        "video/mp4", 0, null, broadcast.TeacherId);
                    await content.PublishVersionAsync(c, t, new ContentVersionRow { Id = versionId, ItemId = itemId, Number = number }, recordingId,
                        broadcast.Folder, mediaBytes, media.ToJson(), seconds);
                    var module = await recordings.SessionModuleAsync(broadcast.SessionId) ?? await content.FirstModuleAsync(c, t, broadcast.CourseId, "Recordings");
                    var courseItem = await content.AddCourseItemAsync(c, t, broadcast.CourseId, module, ContentTypes.Video, broadcast.Title, null, itemId);
                    await recordings.CreatePublishedAsync(c, t, new RecordingRow
                    {
                        Id = recordingId, InstitutionId = broadcast.InstitutionId, OwnerId = broadcast.TeacherId, CourseId = broadcast.CourseId,
                        ModuleId = module, SessionId = broadcast.SessionId.ToString(), Title = broadcast.Title, PieceCount = manifest.Segments.Count,
                        ItemId = itemId, CourseItemId = courseItem?.Id, StartedAt = manifest.Segments[0].ProgramDateTime,
                        EndedAt = manifest.EndedAt ?? now, PublishedAt = now, RunId = broadcast.RunId, EgressId = MadeBy(broadcast.RunId),
                    });
                    return itemId;
                }, CancellationToken.None);
                log.LogInformation("Broadcast of session {Session} (run {Run}) published as library item {Item} in {Ms} ms",
                    broadcast.SessionId, broadcast.RunId, itemId, took.ElapsedMilliseconds);
                return itemId;
            }
            catch (DbException)
            {
                // Another node published it first: one lesson, one recording.
                if (await recordings.ByEgressAsync(MadeBy(broadcast.RunId)) is { } other) return other.ItemId;
                throw;
            }
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover folder in the temp folder is no harm.
            }
        }
    }

    /// <summary>The first initialisation part and every segment of that picture size, end to end, in a local file.</summary>
    private async Task<(string Path, long Bytes)> WriteDownloadAsync(ClosedBroadcast broadcast, string work, CancellationToken cancellationToken)
    {
        var path = Path.Combine(work, HlsEncoder.VideoDownload);
        var init = broadcast.Manifest.Segments[0].Init;
        await using (var file = File.Create(path))
            foreach (var name in broadcast.Manifest.Segments.Where(s => s.Init == init).Select(s => s.File).Prepend(init))
            {
                var blob = await store.OpenAsync(broadcast.Folder + name, cancellationToken)
                           ?? throw new FileNotFoundException($"The broadcast's {name} is missing from the store.");
                await using var stream = blob.Stream;
                await stream.CopyToAsync(file, cancellationToken);
            }
        return (path, new FileInfo(path).Length);
    }
}
