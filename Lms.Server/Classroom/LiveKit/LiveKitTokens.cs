using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Lms.Server.Classroom.LiveKit;

/// <summary><c>Media:LiveKit</c>: where the LiveKit server is, and the API key and secret it shares with us.</summary>
public sealed class LiveKitOptions
{
    /// <summary>The server's address as browsers reach it (wss://… or https://…); Twirp calls go to the same host over http(s).</summary>
    public string Url { get; set; } = "";
    public string ApiKey { get; set; } = "";
    public string ApiSecret { get; set; } = "";
    /// <summary>
    /// How long a participant's access token is valid for joining. Short, so that a token copied, or kept by someone
    /// removed or whose floor was taken, soon stops opening the room: the page renews it before it expires through
    /// the media endpoint, which checks again who may be there and with what rights.
    /// </summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>How far clocks may disagree when a webhook's token is checked.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Recording through LiveKit egress (see <see cref="LiveKitEgressOptions"/>).</summary>
    public LiveKitEgressOptions Egress { get; set; } = new();

    public void Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss" or "http" or "https"))
            throw new InvalidOperationException("Media:LiveKit:Url must be the LiveKit server's ws(s):// or http(s):// address.");
        if (string.IsNullOrWhiteSpace(ApiKey) || string.IsNullOrWhiteSpace(ApiSecret))
            throw new InvalidOperationException("Media:LiveKit:ApiKey and Media:LiveKit:ApiSecret are needed with Media:Provider=LiveKit.");
    }

    /// <summary>The HTTP base of the server's API (ws → http, wss → https).</summary>
    public Uri ApiBase()
    {
        var builder = new UriBuilder(Url);
        builder.Scheme = builder.Scheme switch { "ws" => "http", "wss" => "https", _ => builder.Scheme };
        if (builder.Uri.IsDefaultPort) builder.Port = -1;
        builder.Path = builder.Path.TrimEnd('/') + "/";
        return builder.Uri;
    }
}

/// <summary>LiveKit's video grant (the <c>video</c> claim of an access token); names as LiveKit spells them.</summary>
public sealed record VideoGrant
{
    [JsonPropertyName("roomCreate")] public bool? RoomCreate { get; init; }
    [JsonPropertyName("roomList")] public bool? RoomList { get; init; }
    [JsonPropertyName("roomAdmin")] public bool? RoomAdmin { get; init; }
    [JsonPropertyName("roomJoin")] public bool? RoomJoin { get; init; }
    [JsonPropertyName("room")] public string? Room { get; init; }
    [JsonPropertyName("canPublish")] public bool? CanPublish { get; init; }
    [JsonPropertyName("canSubscribe")] public bool? CanSubscribe { get; init; }
    [JsonPropertyName("canPublishData")] public bool? CanPublishData { get; init; }
    /// <summary>Which sources may be published: "camera", "microphone", "screen_share", "screen_share_audio".</summary>
    [JsonPropertyName("canPublishSources")] public IReadOnlyList<string>? CanPublishSources { get; init; }
    [JsonPropertyName("hidden")] public bool? Hidden { get; init; }
    [JsonPropertyName("roomRecord")] public bool? RoomRecord { get; init; }
}

/// <summary>
/// LiveKit access tokens: JWTs signed with HMAC-SHA256 by the API secret, issued by the API key,
/// the participant's identity as subject, and the <c>video</c> grant. The same format signs
/// LiveKit's webhooks (with a <c>sha256</c> claim of the body), which <see cref="Verify"/> checks.
/// </summary>
public sealed class LiveKitTokens(LiveKitOptions options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static string RoomName(Guid sessionId) => $"lms-{sessionId:N}";

    /// <summary>A teacher publishes camera, microphone and screen and subscribes to everyone.</summary>
    public string ForTeacher(Guid sessionId, Guid userId, string name) => Create(userId.ToString(), name, new VideoGrant
    {
        RoomJoin = true, Room = RoomName(sessionId), CanSubscribe = true, CanPublish = true, CanPublishData = true,
        CanPublishSources = ["camera", "microphone", "screen_share", "screen_share_audio"],
    }, options.TokenLifetime);

    /// <summary>A student subscribes; they publish (microphone, and camera if allowed) only while they hold the floor.</summary>
    public string ForStudent(Guid sessionId, Guid userId, string name, bool holdsFloor, bool allowVideo) => Create(userId.ToString(), name, new VideoGrant
    {
        RoomJoin = true, Room = RoomName(sessionId), CanSubscribe = true, CanPublish = holdsFloor, CanPublishData = false,
        CanPublishSources = holdsFloor ? (allowVideo ? ["microphone", "camera"] : ["microphone"]) : [],
    }, options.TokenLifetime);

    /// <summary>A short-lived token for our own calls to the server's API.</summary>
    public string ForServer(VideoGrant grant) => Create(null, null, grant, TimeSpan.FromMinutes(10));

    public string Create(string? identity, string? name, VideoGrant? grant, TimeSpan lifetime, string? sha256 = null, string? metadata = null)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["iss"] = options.ApiKey,
            ["nbf"] = now,
            ["exp"] = now + (long)lifetime.TotalSeconds,
        };
        if (identity is not null)
        {
            claims["sub"] = identity;
            claims["jti"] = identity;
        }
        if (name is not null) claims["name"] = name;
        if (metadata is not null) claims["metadata"] = metadata;
        if (sha256 is not null) claims["sha256"] = sha256;
        if (grant is not null) claims["video"] = JsonSerializer.SerializeToNode(grant, Json);
        var header = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8.ToArray());
        var payload = Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.ApiSecret), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    /// <summary>
    /// The claims of a token we (or LiveKit) signed with our secret; throws <see cref="LiveKitAuthException"/>
    /// when the signature, the issuer or the time window is wrong.
    /// </summary>
    public JsonObject Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) throw new LiveKitAuthException("not a JWT");
        JsonObject header, claims;
        try
        {
            header = JsonNode.Parse(FromBase64Url(parts[0]))!.AsObject();
            claims = JsonNode.Parse(FromBase64Url(parts[1]))!.AsObject();
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new LiveKitAuthException("malformed token");
        }
        if (header["alg"]?.GetValue<string>() != "HS256") throw new LiveKitAuthException("unexpected algorithm");
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.ApiSecret), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        byte[] actual;
        try { actual = FromBase64Url(parts[2]); }
        catch (FormatException) { throw new LiveKitAuthException("malformed signature"); }
        if (!CryptographicOperations.FixedTimeEquals(expected, actual)) throw new LiveKitAuthException("bad signature");
        if (claims["iss"]?.GetValue<string>() != options.ApiKey) throw new LiveKitAuthException("unknown issuer");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)options.ClockSkew.TotalSeconds;
        if (claims["exp"] is not JsonValue exp || exp.GetValue<long>() + skew < now) throw new LiveKitAuthException("expired");
        if (claims["nbf"] is JsonValue nbf && nbf.GetValue<long>() - skew > now) throw new LiveKitAuthException("not yet valid");
        return claims;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

public sealed class LiveKitAuthException(string message) : Exception(message);
