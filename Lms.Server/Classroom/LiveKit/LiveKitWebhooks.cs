using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Lms.Grains.Classroom;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Classroom.LiveKit;

/// <summary>
/// LiveKit's webhooks: the body is JSON; the <c>Authorization</c> header is a token signed with our
/// API secret whose <c>sha256</c> claim is the base64 SHA-256 of the body. Anything else (another
/// secret, a changed body, an expired token) is refused.
/// </summary>
public sealed class LiveKitWebhooks(LiveKitTokens tokens)
{
    public JsonObject Receive(string body, string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization)) throw new LiveKitAuthException("no authorization");
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..] : authorization;
        var claims = tokens.Verify(token.Trim());
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var claimed = claims["sha256"]?.GetValue<string>();
        if (claimed is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(claimed)))
            throw new LiveKitAuthException("body does not match its signature");
        return JsonNode.Parse(body)?.AsObject() ?? throw new LiveKitAuthException("empty body");
    }
}

/// <summary>The room's rules applied to LiveKit: rooms created and closed, who may publish, mute and remove.</summary>
public sealed class LiveKitClassroomMedia(LiveKitRoomService rooms, ILogger<LiveKitClassroomMedia> log) : IClassroomMedia
{
    public Task RoomStartedAsync(Guid sessionId) => Safely("create the room", () => rooms.CreateRoomAsync(LiveKitTokens.RoomName(sessionId)));

    public Task RoomEndedAsync(Guid sessionId) => Safely("close the room", () => rooms.DeleteRoomAsync(LiveKitTokens.RoomName(sessionId)));

    public Task CanPublishChangedAsync(Guid sessionId, Guid userId, bool canPublish, bool allowVideo) => Safely("change permissions", () =>
        rooms.UpdatePermissionsAsync(LiveKitTokens.RoomName(sessionId), userId.ToString(), canPublish,
            canPublish ? (allowVideo ? ["microphone", "camera"] : ["microphone"]) : []));

    public Task MuteAsync(Guid sessionId, Guid userId) => Safely("mute", async () =>
    {
        var room = LiveKitTokens.RoomName(sessionId);
        var participant = (await rooms.ListParticipantsAsync(room)).FirstOrDefault(p => p.Identity == userId.ToString());
        foreach (var track in participant?.Tracks.Where(t => t.Type is "AUDIO" or "0" && !t.Muted) ?? [])
            await rooms.MutePublishedTrackAsync(room, participant!.Identity, track.Sid, muted: true);
    });

    public Task RemoveAsync(Guid sessionId, Guid userId) =>
        Safely("remove", () => rooms.RemoveParticipantAsync(LiveKitTokens.RoomName(sessionId), userId.ToString()));

    // The room's state is ours; LiveKit follows it. A failed call is logged, never a reason to refuse the teacher.
    private async Task Safely(string what, Func<Task> call)
    {
        try
        {
            await call().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e)
        {
            log.LogWarning(e, "LiveKit: could not {What}", what);
        }
    }
}

/// <summary>How to join a room's media: LiveKit's address and token, or (peer to peer) the ICE servers with a fresh TURN credential.</summary>
/// <param name="ExpiresAt">When <paramref name="Token"/> stops opening the room: the page asks again before then.</param>
public sealed record MediaJoinView(string Provider, string? Url, string? Token, string? Room, IceView? Ice = null, DateTimeOffset? ExpiresAt = null);

public static class LiveKitEndpoints
{
    /// <summary>
    /// How the browser joins the session's media: peer to peer through the hub (with STUN/TURN servers and a TURN
    /// credential minted for this person), or LiveKit with a token of minutes whose grants follow the caller's role and
    /// the floor now. Asked again to renew either before it expires: each time who may be there is checked again.
    /// Students get either only while the lesson is live, and never after the teacher removed them.
    /// </summary>
    public static void MapClassroomMedia(this RouteGroupBuilder api)
    {
        api.MapGet("/classroom/sessions/{sessionId:guid}/media", async (Guid sessionId, HttpContext http, ClassroomAccess access,
            MediaOptions media, IServiceProvider services, IGrainFactory grains, IceCredentials ice, TimeProvider clock) =>
        {
            var context = await access.ViewAsync(http.User, sessionId);
            var userId = http.User.Id();
            var name = http.User.Identity?.Name ?? "";
            var room = grains.GetGrain<IClassroomGrain>(sessionId);
            var status = await room.GetStatus();
            if (status.Status != RoomStatuses.Live && !context.IsTeacher)
                throw ProblemException.Conflict("The session has not started.");
            if (!context.IsTeacher && await room.WasRemoved(userId))
                throw ProblemException.Forbidden("The teacher removed you from this session.");
            if (!media.UsesLiveKit) return new MediaJoinView("p2p", null, null, null, ice.For(userId));
            var tokens = services.GetRequiredService<LiveKitTokens>();
            var expiresAt = clock.GetUtcNow() + media.LiveKit.TokenLifetime;
            var token = context.IsTeacher
                ? tokens.ForTeacher(sessionId, userId, name)
                : tokens.ForStudent(sessionId, userId, name, status.FloorUserId == userId, status.FloorAllowVideo);
            return new MediaJoinView("livekit", media.LiveKit.Url, token, LiveKitTokens.RoomName(sessionId), ExpiresAt: expiresAt);
        }).WithTags("Classroom").WithSummary("How to join the session's audio and video (p2p, or a LiveKit URL and token).")
            .ProducesProblems(403, 404, 409);
    }

    /// <summary>LiveKit's webhook: verified by its signature, then logged (room and participant lifecycle); <c>egress_ended</c> brings a recording.</summary>
    public static void MapLiveKitWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/hooks/livekit", async (HttpContext http, MediaOptions media, IServiceProvider services, ILoggerFactory logs) =>
        {
            if (!media.UsesLiveKit) return Results.NotFound();
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            try
            {
                var hook = services.GetRequiredService<LiveKitWebhooks>().Receive(body, http.Request.Headers.Authorization);
                logs.CreateLogger("Lms.Classroom.LiveKit").LogInformation("LiveKit webhook {Event} for room {Room}",
                    hook["event"]?.GetValue<string>(), hook["room"]?["name"]?.GetValue<string>());
                // A recording's file is ready (or the egress failed): the content library takes it from here.
                if (hook["event"]?.GetValue<string>() == "egress_ended")
                    await services.GetRequiredService<Content.LessonRecordings>().EgressEndedAsync(hook, http.RequestAborted);
                return Results.Ok();
            }
            catch (LiveKitAuthException e)
            {
                return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, type: ProblemTypes.Unauthenticated,
                    title: "The webhook's signature is not valid.", detail: e.Message);
            }
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
