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
/// <param name="LowWidth">The low rendition's picture (0: none yet).</param>
/// <param name="ClosedBy">Who closed it: <c>teacher</c> (the teacher's tab said the end) or <c>server</c> (no piece for the quiet time).</param>
/// <param name="LastPieceAt">When the last piece was taken (packaged and written): the quiet time counts from here.</param>
public sealed record BroadcastManifest(
    Guid RunId, IReadOnlyList<LiveSegment> Segments, int Width, int Height, string? AudioCodec, IReadOnlyList<string> Reencoded,
    DateTimeOffset? EndedAt, int LowWidth = 0, int LowHeight = 0, string? ClosedBy = null, DateTimeOffset? LastPieceAt = null)
{
    public static BroadcastManifest Empty(Guid runId) => new(runId, [], 0, 0, null, [], null);
    public double Seconds => Segments.Sum(s => s.Duration);

    public bool HasLow => Segments.Any(s => s.LowInit is not null);
}

/// <summary>
/// A live lesson broadcast over HLS: the teacher's browser sends the composer's pieces (the same self-contained
/// WebM pieces the recording sends, from the same encoder), each becomes one segment of the run's playlists in
/// the content store, and students play them with hls.js. When the lesson ends the playlists are closed
/// (<c>#EXT-X-ENDLIST</c>) and the same segments are the lesson's recording.
/// </summary>
public sealed class LessonBroadcasts(
    IBroadcastStore store, LiveHlsPackager packager, BroadcastRepository repository, BroadcastOptions options, TimeProvider clock,
    BroadcastFileCache files, IBroadcastRecordings recordings, IGrainFactory grains, LiveSessionRepository sessions, ILogger<LessonBroadcasts> log)
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
        if (known is null || known with { LiveRunId = null, EndedRunId = null } != mode) await room.SetBroadcastMode(mode);
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
                piece = await packager.PackageAsync(piecePath, work, manifest.Seconds, cancellationToken, options.Low);
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
            var lowInit = piece.Low is null ? null : await PutInitAsync(folder, "linit", piece.Low.Init, cancellationToken);
            if (piece.LowError is not null)
                log.LogWarning("Broadcast of session {Session}: piece {Index} has no low copy ({Error}); the low playlist lists it in full", sessionId, index, piece.LowError);
            var segment = new LiveSegment(index, piece.DurationSeconds, arrived - TimeSpan.FromSeconds(piece.DurationSeconds), init, audioInit,
                piece.Media.Length, piece.AudioMedia?.Length ?? 0, lowInit, piece.Low?.Media.Length ?? 0);
            // Segments first, then the playlists that name them: a player never reads a name whose file is not there yet.
            await store.PutAsync(folder + segment.File, piece.Media, cancellationToken);
            if (piece.AudioMedia is not null) await store.PutAsync(folder + segment.AudioFile, piece.AudioMedia, cancellationToken);
            if (piece.Low is not null) await store.PutAsync(folder + segment.LowFile, piece.Low.Media, cancellationToken);
            manifest = manifest with
            {
                Segments = [.. manifest.Segments, segment], Width = piece.Width, Height = piece.Height, AudioCodec = piece.AudioCodec ?? manifest.AudioCodec,
                Reencoded = manifest.Reencoded.Count > 0 ? manifest.Reencoded : piece.Reencoded,
                LowWidth = piece.Low?.Width ?? manifest.LowWidth, LowHeight = piece.Low?.Height ?? manifest.LowHeight,
                // Taken now, not when it arrived: a piece slow to package is not quiet time.
                LastPieceAt = clock.GetUtcNow(),
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
    public Task<(BroadcastManifest? Manifest, Guid? ItemId)> EndAsync(SessionContext context, Guid runId, Guid teacherId, string? title,
        CancellationToken cancellationToken = default) =>
        CloseAsync(context.Session, context.Course.Course.InstitutionId, runId, teacherId, title, "teacher", null, cancellationToken);

    /// <param name="stillQuiet">For the server's close: checked again under the session's lock (a piece may have been taken meanwhile).</param>
    private async Task<(BroadcastManifest? Manifest, Guid? ItemId)> CloseAsync(LiveSessionRow session, Guid institutionId, Guid runId, Guid teacherId,
        string? title, string closedBy, Func<BroadcastManifest, bool>? stillQuiet, CancellationToken cancellationToken)
    {
        var sessionId = session.Id;
        var gate = _locks.GetOrAdd(sessionId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var manifest = await ManifestAsync(sessionId, runId, cancellationToken);
            if (manifest is null) return (null, null);
            if (stillQuiet is not null && (manifest.EndedAt is not null || !stillQuiet(manifest))) return (null, null);
            var closedNow = manifest.EndedAt is null;
            if (closedNow)
            {
                manifest = manifest with { EndedAt = clock.GetUtcNow(), ClosedBy = closedBy };
                await WritePlaylistsAsync(sessionId, manifest, cancellationToken);
            }
            var name = string.IsNullOrWhiteSpace(title) ? session.Title : title.Trim();
            var itemId = await recordings.PublishAsync(new ClosedBroadcast(sessionId, runId, institutionId,
                session.CourseId, teacherId, name.Length > 200 ? name[..200] : name, Folder(sessionId, runId), manifest), cancellationToken);
            // The pages in the room learn it at once (a student's player says the broadcast ended, not that it waits).
            if (closedNow) await grains.GetGrain<IClassroomBroadcast>(sessionId).BroadcastEnded(runId);
            return (manifest, itemId);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Runs already looked at whose broadcast is closed or never was, with the lesson over: not read again.</summary>
    private readonly ConcurrentDictionary<Guid, bool> _settled = new();

    /// <summary>
    /// The broadcasts whose teacher's tab went away without saying the end (closed, crashed, a phone that died): no piece for
    /// <see cref="BroadcastOptions.QuietSeconds"/>, and either the lesson has ended or it is live and still broadcast. Each is
    /// closed with what arrived and published as the lesson's recording, as the end would have done. Any node may do it: the
    /// manifest in the shared store says what arrived, and the recording's unique run makes a second publish find the first.
    /// Returns how many it closed.
    /// </summary>
    public async Task<int> CloseQuietAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var quiet = TimeSpan.FromSeconds(options.QuietSeconds);
        // A run that ended more than a day ago had its chance (a server down that long publishes nothing by itself).
        var runs = await repository.RecentRunsAsync(now - quiet - TimeSpan.FromDays(1), cancellationToken);
        foreach (var stale in _settled.Keys.Except(runs.Select(r => r.RunId))) _settled.TryRemove(stale, out _);
        var closed = 0;
        foreach (var run in runs)
        {
            if (_settled.ContainsKey(run.RunId)) continue;
            var manifest = await ManifestAsync(run.SessionId, run.RunId, cancellationToken);
            if (manifest is null || manifest.EndedAt is not null)
            {
                if (run.EndedAt is not null) _settled[run.RunId] = true;
                continue;
            }
            bool Quiet(BroadcastManifest m) => m.LastPieceAt is { } last && clock.GetUtcNow() - last >= quiet;
            if (!Quiet(manifest)) continue;
            var room = grains.GetGrain<IClassroomGrain>(run.SessionId);
            var status = await room.GetStatus();
            var live = status.Status == RoomStatuses.Live && status.RunId == run.RunId;
            // Switched to peer to peer mid-lesson: the teacher may switch back and go on; the end of the lesson closes it.
            if (live && (await grains.GetGrain<IClassroomBroadcast>(run.SessionId).GetBroadcastMode())?.On != true) continue;
            if (await sessions.GetAsync(run.SessionId) is not { } session) continue;
            try
            {
                var (done, _) = await CloseAsync(session, run.InstitutionId, run.RunId, run.StartedBy, null, "server", Quiet, cancellationToken);
                if (done is null) continue;
                log.LogInformation("Broadcast of session {Session} (run {Run}) closed by the server after {Quiet} s without a piece: {Segments} segments published",
                    run.SessionId, run.RunId, options.QuietSeconds, done?.Segments.Count ?? 0);
                closed++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Closing the quiet broadcast of session {Session} failed; trying again at the next sweep", run.SessionId);
            }
        }
        return closed;
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
        if (manifest.HasLow)
            await store.PutAsync(folder + LivePlaylist.LowPlaylist,
                Utf8(LivePlaylist.Media(manifest.Segments, LiveRendition.Low, options.PieceSeconds, ended)), cancellationToken);
        await store.PutAsync(folder + LivePlaylist.Master,
            Utf8(LivePlaylist.MasterPlaylist(manifest.Segments, manifest.Width, manifest.Height, manifest.AudioCodec, manifest.LowWidth, manifest.LowHeight)),
            cancellationToken);
        await store.PutAsync(ManifestKey(sessionId, manifest.RunId), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), cancellationToken);
        // This node's viewers see the new playlists at once (another node's copy is at most a second old).
        foreach (var playlist in new[] { LivePlaylist.FullPlaylist, LivePlaylist.AudioPlaylist, LivePlaylist.LowPlaylist, LivePlaylist.Master }) files.Forget(folder + playlist);
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
