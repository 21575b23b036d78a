using System.Text.RegularExpressions;
using Lms.Grains.Classroom;
using Lms.Media.Broadcast;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Lms.Server.Classroom.Broadcast;

/// <summary>Whether the lesson is broadcast, why, and (while it is live) where to play it.</summary>
/// <param name="Chosen">The teacher's choice (null: by the class's size against <c>AboveStudents</c>).</param>
/// <param name="MasterUrl">The master playlist, with the viewer token in its path (null until the lesson is live).</param>
/// <param name="AudioUrl">The sound-only playlist, for weak links.</param>
/// <param name="LowUrl">The low rendition's playlist (a small picture for weak links; null when the server makes none).</param>
/// <param name="Segments">How many segments have arrived in this run (a player waits for the first).</param>
public sealed record BroadcastView(
    bool On, bool? Chosen, int Students, int AboveStudents, int PieceSeconds, Guid? RunId, string? MasterUrl, string? AudioUrl,
    DateTimeOffset? ExpiresAt, int Segments, bool Ended, IReadOnlyList<string> Reencoded, string? LowUrl);

public sealed record BroadcastChoiceRequest(bool? On);

public sealed record BroadcastPieceReceipt(int Index, bool Received);

/// <summary>The end of a run's broadcast, with the title its recording takes in the library (the session's title if none).</summary>
public sealed record BroadcastEndRequest(string? Title);

/// <summary>The closed broadcast: its segments and length, and the library item it was published as (null if nothing was sent).</summary>
public sealed record BroadcastEndView(int Segments, double Seconds, Guid? RecordingItemId);

public static partial class BroadcastEndpoints
{
    public static void MapBroadcastEndpoints(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/classroom/sessions/{sessionId:guid}/broadcast").WithTags("Classroom broadcast");
        session.MapGet("", Get).ProducesProblems(403, 404)
            .WithSummary("Whether the lesson goes out as HLS (chosen, or above the class size), and the playlists with a viewer token while it is live.");
        session.MapPut("", Choose).ProducesProblems(400, 403, 404)
            .WithSummary("The teacher chooses broadcast on or off (null: by the class's size).");
        session.MapPut("/pieces/{index:int}", PutPiece).ProducesProblems(400, 403, 404, 409, 413).DisableAntiforgery()
            .WithSummary("The teacher's tab sends one piece (a self-contained WebM/MP4 of a second or two); it becomes one HLS segment.");
        session.MapPost("/end", End).ProducesProblems(400, 403, 404)
            .WithSummary("The teacher's tab sent its last piece: the playlists are closed, and published as the lesson's recording in the library and the course.");

        // Players fetch these with no cookie: the token in the path lets them in, and a proxy or CDN can cache them for everyone.
        api.MapGet("/classroom/broadcast/{sessionId:guid}/{token}/{runId:guid}/{file}", Serve).AllowAnonymous().ProducesProblems(403, 404)
            .WithTags("Classroom broadcast").WithSummary("A broadcast's playlist or segment, for a viewer token of its session.");
    }

    private static async Task<BroadcastView> Get(Guid sessionId, HttpContext http, ClassroomAccess access, IGrainFactory grains,
        LessonBroadcasts broadcasts, BroadcastTokens tokens, BroadcastOptions options)
    {
        var context = await access.ViewAsync(http.User, sessionId);
        var room = grains.GetGrain<IClassroomGrain>(sessionId);
        var status = await room.GetStatus();
        var (on, chosen, students, _, _, _) = await broadcasts.TellRoomAsync(context.Session, http.RequestAborted);
        var live = status.Status == RoomStatuses.Live && status.RunId is not null;
        if (!context.IsTeacher && live && await room.WasRemoved(http.User.Id()))
            throw ProblemException.Forbidden("The teacher removed you from this session.");
        var runId = live ? status.RunId : null;
        var manifest = runId is { } run ? await broadcasts.ManifestAsync(sessionId, run, http.RequestAborted) : null;
        string? master = null, audio = null, low = null;
        DateTimeOffset? expires = null;
        if (runId is { } r && on)
        {
            var (token, expiresAt) = tokens.Mint(sessionId);
            var folder = $"/api/classroom/broadcast/{sessionId}/{token}/{r}/";
            master = folder + LivePlaylist.Master;
            audio = folder + LivePlaylist.AudioPlaylist;
            if (options.LowRendition) low = folder + LivePlaylist.LowPlaylist;
            expires = expiresAt;
        }
        return new BroadcastView(on, chosen, students, options.AboveStudents, options.PieceSeconds, runId, master, audio, expires,
            manifest?.Segments.Count ?? 0, manifest?.EndedAt is not null, manifest?.Reencoded ?? [], low);
    }

    private static async Task<BroadcastView> Choose(Guid sessionId, BroadcastChoiceRequest request, HttpContext http, ClassroomAccess access,
        IGrainFactory grains, LessonBroadcasts broadcasts, BroadcastTokens tokens, BroadcastOptions options)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        await broadcasts.ChooseAsync(context.Session, request.On, http.RequestAborted);
        return await Get(sessionId, http, access, grains, broadcasts, tokens, options);
    }

    /// <summary>How long after the end of a lesson the teacher's tab may still send its last pieces.</summary>
    private static readonly TimeSpan LastPieces = TimeSpan.FromMinutes(1);

    /// <summary>The run now, or the last one (null if the session was never held).</summary>
    private static async Task<(Guid? RunId, bool Live, DateTimeOffset? EndedAt)> RunAsync(Guid sessionId, IGrainFactory grains, LiveSessionRepository sessions)
    {
        var status = await grains.GetGrain<IClassroomGrain>(sessionId).GetStatus();
        if (status.Status == RoomStatuses.Live && status.RunId is { } live) return (live, true, null);
        var last = (await sessions.RunsAsync(sessionId)).MaxBy(r => r.StartedAt);
        return (last?.Id, false, last?.EndedAt);
    }

    private static async Task<IResult> PutPiece(Guid sessionId, int index, HttpContext http, ClassroomAccess access, IGrainFactory grains,
        LiveSessionRepository sessions, LessonBroadcasts broadcasts, BroadcastOptions options, TimeProvider clock)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        if (index is < 0 or > 1_000_000) throw ProblemException.Invalid("index", "A piece's index is 0 or more.");
        // The lesson live, or just ended: the teacher's tab sends what it recorded up to the end.
        var (run, live, endedAt) = await RunAsync(sessionId, grains, sessions);
        if (run is not { } runId || (!live && !(endedAt is { } ended && clock.GetUtcNow() - ended < LastPieces)))
            throw ProblemException.Conflict("The lesson is not live: there is nothing to broadcast.");
        if (!(await broadcasts.TellRoomAsync(context.Session, http.RequestAborted)).On)
            throw ProblemException.Conflict("The lesson is not in broadcast mode.");
        var length = http.Request.ContentLength ?? throw new ProblemException(StatusCodes.Status411LengthRequired,
            ProblemTypes.ForStatus(411), "Length required", "Send the piece with a Content-Length.");
        if (length <= 0) throw ProblemException.Invalid("body", "The piece is empty.");
        if (length > options.MaxPieceBytes)
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "Too large",
                $"A piece may be at most {options.MaxPieceBytes / (1024 * 1024)} MB: send shorter pieces.");
        var body = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (body is { IsReadOnly: false }) body.MaxRequestBodySize = length;
        var temp = Path.Combine(Path.GetTempPath(), $"lms-broadcast-{sessionId:N}-{index}-{Guid.NewGuid():N}.part");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await http.Request.Body.CopyToAsync(file, http.RequestAborted);
            if (new FileInfo(temp).Length != length) throw ProblemException.Invalid("body", "The piece arrived incomplete: send it again.");
            var added = await broadcasts.AcceptPieceAsync(sessionId, runId, index, temp, http.RequestAborted);
            return added ? TypedResults.Created($"/api/classroom/sessions/{sessionId}/broadcast", new BroadcastPieceReceipt(index, true))
                : TypedResults.Ok(new BroadcastPieceReceipt(index, false));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<BroadcastEndView> End(Guid sessionId, BroadcastEndRequest? request, HttpContext http, ClassroomAccess access,
        IGrainFactory grains, LiveSessionRepository sessions, LessonBroadcasts broadcasts)
    {
        if (request?.Title is { Length: > 200 }) throw ProblemException.Invalid("title", "A recording's title has at most 200 characters.");
        var context = await access.TeachAsync(http.User, sessionId);
        if ((await RunAsync(sessionId, grains, sessions)).RunId is not { } runId) return new BroadcastEndView(0, 0, null);
        var (manifest, itemId) = await broadcasts.EndAsync(context, runId, http.User.Id(), request?.Title, http.RequestAborted);
        return new BroadcastEndView(manifest?.Segments.Count ?? 0, Math.Round(manifest?.Seconds ?? 0, 3), itemId);
    }

    /// <summary>Playlists, initialisation parts and segments: nothing else can be named (no path, no other extension).</summary>
    [GeneratedRegex(@"^(master|av|audio|low)\.m3u8$|^[val]\d{1,7}\.m4s$|^[al]?init-[0-9a-f]{16}\.mp4$")]
    private static partial Regex FileName();

    private static async Task<IResult> Serve(Guid sessionId, string token, Guid runId, string file, HttpContext http,
        BroadcastTokens tokens, BroadcastFileCache files)
    {
        if (!tokens.IsValid(sessionId, token))
            throw new ProblemException(StatusCodes.Status403Forbidden, ProblemTypes.ForStatus(403), "Forbidden",
                "This viewer link is not valid or has expired: open the lesson again.");
        if (!FileName().IsMatch(file)) throw ProblemException.NotFound("The broadcast file");
        var playlist = file.EndsWith(".m3u8", StringComparison.Ordinal);
        var bytes = await files.ReadAsync(LessonBroadcasts.Folder(sessionId, runId) + file, playlist, http.RequestAborted)
                    ?? throw ProblemException.NotFound("The broadcast file");
        // A segment never changes once written: any cache may keep it. A playlist changes with every segment while live.
        http.Response.Headers[HeaderNames.CacheControl] = playlist ? "public, max-age=1" : "public, max-age=31536000, immutable";
        var type = playlist ? "application/vnd.apple.mpegurl" : file.StartsWith('a') ? "audio/mp4" : "video/mp4";
        return TypedResults.Bytes(bytes, type);
    }
}
