using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Media.Broadcast;
using Lms.Media.Content;
using Lms.Server.Problems;

namespace Lms.Server.Classroom.Broadcast;

/// <summary>The teacher's choice for a session: broadcast or not (null: by the class's size).</summary>
public sealed record BroadcastChoice(bool? On);

/// <summary>One run's broadcast as kept next to its segments: the segments in order, the picture, and whether it has ended.</summary>
public sealed record BroadcastManifest(
    Guid RunId, IReadOnlyList<LiveSegment> Segments, int Width, int Height, string? AudioCodec, IReadOnlyList<string> Reencoded,
    DateTimeOffset? EndedAt)
{
    public static BroadcastManifest Empty(Guid runId) => new(runId, [], 0, 0, null, [], null);
    public double Seconds => Segments.Sum(s => s.Duration);
}

/// <summary>
/// A live lesson broadcast over HLS: the teacher's browser sends the composer's pieces (the same self-contained
/// WebM pieces the recording sends, from the same encoder), each becomes one segment of the run's playlists in
/// the content store, and students play them with hls.js. When the lesson ends the playlists are closed
/// (<c>#EXT-X-ENDLIST</c>) and the same segments are the lesson's recording.
/// </summary>
public sealed class LessonBroadcasts(
    IBroadcastStore store, LiveHlsPackager packager, BroadcastRepository repository, BroadcastOptions options, TimeProvider clock,
    BroadcastFileCache files, IBroadcastRecordings recordings, IGrainFactory grains, ILogger<LessonBroadcasts> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _locks = new();

    public static string Folder(Guid sessionId, Guid runId) => $"broadcast/{sessionId:N}/{runId:N}/";
    private static string ChoiceKey(Guid sessionId) => $"broadcast/{sessionId:N}/choice.json";
    private static string ManifestKey(Guid sessionId, Guid runId) => Folder(sessionId, runId) + "manifest.json";

    /// <summary>Whether the session is broadcast: the teacher's choice, else whether the class has more students than the threshold.</summary>
    public async Task<(bool On, bool? Chosen, int Students)> ModeAsync(LiveSessionRow session, CancellationToken cancellationToken = default)
    {
        var chosen = (await ReadAsync<BroadcastChoice>(ChoiceKey(session.Id), cancellationToken))?.On;
        var students = await repository.StudentsAsync(session.CourseId, cancellationToken);
        return (chosen ?? students > options.AboveStudents, chosen, students);
    }

    /// <summary>The teacher's choice, kept with the session's broadcasts (it holds for its next runs too), and told to the room.</summary>
    public async Task ChooseAsync(LiveSessionRow session, bool? on, CancellationToken cancellationToken = default)
    {
        await store.PutAsync(ChoiceKey(session.Id), JsonSerializer.SerializeToUtf8Bytes(new BroadcastChoice(on), Json), cancellationToken);
        await TellRoomAsync(session, cancellationToken);
    }

    /// <summary>
    /// The room learns the mode as decided now (the teacher's choice, or the class's size), and tells every page if it
    /// changed (<c>broadcast.mode</c>): pages follow the room's events, they do not ask the store again and again.
    /// </summary>
    public async Task<BroadcastMode> TellRoomAsync(LiveSessionRow session, CancellationToken cancellationToken = default)
    {
        var (on, chosen, students) = await ModeAsync(session, cancellationToken);
        var mode = new BroadcastMode(on, chosen, students, options.AboveStudents, null);
        var room = grains.GetGrain<IClassroomBroadcast>(session.Id);
        var known = await room.GetBroadcastMode();
        if (known is null || known with { LiveRunId = null } != mode) await room.SetBroadcastMode(mode);
        return mode;
    }

    public async Task<BroadcastManifest?> ManifestAsync(Guid sessionId, Guid runId, CancellationToken cancellationToken = default) =>
        await ReadAsync<BroadcastManifest>(ManifestKey(sessionId, runId), cancellationToken);

    /// <summary>
    /// Takes piece <paramref name="index"/> of the run (the pieces come one after the other from the teacher's tab;
    /// one sent again, or one older than the last taken, is not taken twice). Returns whether it was added.
    /// </summary>
    public async Task<bool> AcceptPieceAsync(Guid sessionId, Guid runId, int index, string piecePath, CancellationToken cancellationToken)
    {
        var arrived = clock.GetUtcNow();
        var gate = _locks.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        var work = Path.Combine(Path.GetTempPath(), "lms-broadcast", Guid.NewGuid().ToString("N"));
        try
        {
            var manifest = await ManifestAsync(sessionId, runId, cancellationToken) ?? BroadcastManifest.Empty(runId);
            if (manifest.EndedAt is not null) throw ProblemException.Conflict("The broadcast has ended: it takes no more pieces.");
            if (manifest.Segments.Count > 0 && index <= manifest.Segments[^1].Index) return false;

            PackagedPiece piece;
            try
            {
                piece = await packager.PackageAsync(piecePath, work, manifest.Seconds, cancellationToken);
            }
            catch (MediaRefusedException e)
            {
                throw ProblemException.Invalid("body", e.Reason, e.Code);
            }
            if (piece.Reencoded.Count > 0 && manifest.Reencoded.Count == 0)
                log.LogWarning("Broadcast of session {Session} re-encodes ({What}): send VP9 or H.264 to copy", sessionId, string.Join(", ", piece.Reencoded));

            var folder = Folder(sessionId, runId);
            var init = await PutInitAsync(folder, "init", piece.Init, cancellationToken);
            var audioInit = piece.AudioInit is null ? null : await PutInitAsync(folder, "ainit", piece.AudioInit, cancellationToken);
            var segment = new LiveSegment(index, piece.DurationSeconds, arrived - TimeSpan.FromSeconds(piece.DurationSeconds), init, audioInit,
                piece.Media.Length, piece.AudioMedia?.Length ?? 0);
            // Segments first, then the playlists that name them: a player never reads a name whose file is not there yet.
            await store.PutAsync(folder + segment.File, piece.Media, cancellationToken);
            if (piece.AudioMedia is not null) await store.PutAsync(folder + segment.AudioFile, piece.AudioMedia, cancellationToken);
            manifest = manifest with
            {
                Segments = [.. manifest.Segments, segment], Width = piece.Width, Height = piece.Height, AudioCodec = piece.AudioCodec ?? manifest.AudioCodec,
                Reencoded = manifest.Reencoded.Count > 0 ? manifest.Reencoded : piece.Reencoded,
            };
            await WritePlaylistsAsync(sessionId, manifest, cancellationToken);
            // The run's first segment: every player in the room may start now (they are told, they do not poll for it).
            if (manifest.Segments.Count == 1) await grains.GetGrain<IClassroomBroadcast>(sessionId).BroadcastIsLive(runId);
            return true;
        }
        finally
        {
            gate.Release();
            try
            {
                if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A leftover work folder in the temp folder is no harm.
            }
        }
    }

    /// <summary>
    /// The lesson ended: the playlists list every segment and end, and the same segments are published as the lesson's
    /// recording in the library and the course (<see cref="IBroadcastRecordings"/>). Called again (a retried request, or a
    /// publish that failed), it publishes what is not yet published. Returns the closed manifest and the library item.
    /// </summary>
    public async Task<(BroadcastManifest? Manifest, Guid? ItemId)> EndAsync(SessionContext context, Guid runId, Guid teacherId, string? title,
        CancellationToken cancellationToken = default)
    {
        var sessionId = context.Session.Id;
        var gate = _locks.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var manifest = await ManifestAsync(sessionId, runId, cancellationToken);
            if (manifest is null) return (null, null);
            if (manifest.EndedAt is null)
            {
                manifest = manifest with { EndedAt = clock.GetUtcNow() };
                await WritePlaylistsAsync(sessionId, manifest, cancellationToken);
            }
            var name = string.IsNullOrWhiteSpace(title) ? context.Session.Title : title.Trim();
            var itemId = await recordings.PublishAsync(new ClosedBroadcast(sessionId, runId, context.Course.Course.InstitutionId,
                context.Session.CourseId, teacherId, name.Length > 200 ? name[..200] : name, Folder(sessionId, runId), manifest), cancellationToken);
            return (manifest, itemId);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WritePlaylistsAsync(Guid sessionId, BroadcastManifest manifest, CancellationToken cancellationToken)
    {
        var folder = Folder(sessionId, manifest.RunId);
        var ended = manifest.EndedAt is not null;
        await store.PutAsync(folder + LivePlaylist.FullPlaylist,
            Utf8(LivePlaylist.Media(manifest.Segments, LiveRendition.Full, options.PieceSeconds, ended)), cancellationToken);
        if (manifest.AudioCodec is not null)
            await store.PutAsync(folder + LivePlaylist.AudioPlaylist,
                Utf8(LivePlaylist.Media(manifest.Segments, LiveRendition.AudioOnly, options.PieceSeconds, ended)), cancellationToken);
        await store.PutAsync(folder + LivePlaylist.Master,
            Utf8(LivePlaylist.MasterPlaylist(manifest.Segments, manifest.Width, manifest.Height, manifest.AudioCodec)), cancellationToken);
        await store.PutAsync(ManifestKey(sessionId, manifest.RunId), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), cancellationToken);
        // This node's viewers see the new playlists at once (another node's copy is at most a second old).
        foreach (var playlist in new[] { LivePlaylist.FullPlaylist, LivePlaylist.AudioPlaylist, LivePlaylist.Master }) files.Forget(folder + playlist);
    }

    /// <summary>An initialisation part is named by its content: the same picture size gives the same name, written once.</summary>
    private async Task<string> PutInitAsync(string folder, string prefix, byte[] init, CancellationToken cancellationToken)
    {
        var name = $"{prefix}-{Convert.ToHexStringLower(SHA256.HashData(init))[..16]}.mp4";
        if (await store.ReadAsync(folder + name, cancellationToken) is null) await store.PutAsync(folder + name, init, cancellationToken);
        return name;
    }

    private async Task<T?> ReadAsync<T>(string key, CancellationToken cancellationToken) where T : class =>
        await store.ReadAsync(key, cancellationToken) is { } bytes ? JsonSerializer.Deserialize<T>(bytes, Json) : null;

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
