using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lms.Server.Classroom.LiveKit;

/// <summary>A participant as the room service reports it (only what we use).</summary>
public sealed record LiveKitParticipant(string Sid, string Identity, string Name, IReadOnlyList<LiveKitTrack> Tracks);

public sealed record LiveKitTrack(string Sid, string Type, string Source, bool Muted);

/// <summary>
/// LiveKit's RoomService over Twirp (JSON over HTTP POST to <c>/twirp/livekit.RoomService/&lt;Method&gt;</c>,
/// authorized by a short-lived access token with the grant each method needs), written here because
/// no .NET server SDK is on our package feed. The request shapes are the ones the official
/// <c>livekit-server-sdk</c> sends (the tests record both and compare them).
/// </summary>
public sealed class LiveKitRoomService(HttpClient http, LiveKitOptions options, LiveKitTokens tokens)
{
    private const string Service = "livekit.RoomService";

    public Task CreateRoomAsync(string room, int emptyTimeoutSeconds = 600, CancellationToken cancellationToken = default) =>
        CallAsync("CreateRoom", new JsonObject { ["name"] = room, ["emptyTimeout"] = emptyTimeoutSeconds },
            new VideoGrant { RoomCreate = true }, cancellationToken);

    public Task DeleteRoomAsync(string room, CancellationToken cancellationToken = default) =>
        CallAsync("DeleteRoom", new JsonObject { ["room"] = room }, new VideoGrant { RoomCreate = true }, cancellationToken);

    public async Task<IReadOnlyList<LiveKitParticipant>> ListParticipantsAsync(string room, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ListParticipants", new JsonObject { ["room"] = room }, Admin(room), cancellationToken);
        var list = new List<LiveKitParticipant>();
        foreach (var p in response?["participants"]?.AsArray() ?? [])
        {
            var tracks = (p?["tracks"]?.AsArray() ?? []).Select(t => new LiveKitTrack(
                t?["sid"]?.GetValue<string>() ?? "", t?["type"]?.ToString() ?? "", t?["source"]?.ToString() ?? "",
                t?["muted"]?.GetValue<bool>() ?? false)).ToList();
            list.Add(new LiveKitParticipant(p?["sid"]?.GetValue<string>() ?? "", p?["identity"]?.GetValue<string>() ?? "",
                p?["name"]?.GetValue<string>() ?? "", tracks));
        }
        return list;
    }

    /// <summary>Changes what a participant may do (publish, which sources, subscribe) while they are in the room.</summary>
    public Task UpdatePermissionsAsync(string room, string identity, bool canPublish, IReadOnlyList<string> sources, bool canSubscribe = true,
        CancellationToken cancellationToken = default) =>
        CallAsync("UpdateParticipant", new JsonObject
        {
            ["room"] = room,
            ["identity"] = identity,
            ["permission"] = new JsonObject
            {
                ["canSubscribe"] = canSubscribe,
                ["canPublish"] = canPublish,
                ["canPublishSources"] = new JsonArray(sources.Select(s => (JsonNode)JsonValue.Create(SourceName(s))!).ToArray()),
            },
        }, Admin(room), cancellationToken);

    public Task MutePublishedTrackAsync(string room, string identity, string trackSid, bool muted, CancellationToken cancellationToken = default) =>
        CallAsync("MutePublishedTrack", new JsonObject { ["room"] = room, ["identity"] = identity, ["trackSid"] = trackSid, ["muted"] = muted },
            Admin(room), cancellationToken);

    public Task RemoveParticipantAsync(string room, string identity, CancellationToken cancellationToken = default) =>
        CallAsync("RemoveParticipant", new JsonObject { ["room"] = room, ["identity"] = identity }, Admin(room), cancellationToken);

    private static VideoGrant Admin(string room) => new() { RoomAdmin = true, Room = room };

    /// <summary>TrackSource's protobuf enum names, as the JSON mapping writes them.</summary>
    private static string SourceName(string source) => source switch
    {
        "camera" => "CAMERA",
        "microphone" => "MICROPHONE",
        "screen_share" => "SCREEN_SHARE",
        "screen_share_audio" => "SCREEN_SHARE_AUDIO",
        _ => source.ToUpperInvariant(),
    };

    /// <summary>
    /// Protobuf's JSON mapping leaves out fields at their default (false, 0, "", empty lists and
    /// objects), as the official SDK sends them; the server reads a missing field as its default.
    /// </summary>
    private static JsonObject ProtoJson(JsonObject body)
    {
        var result = new JsonObject();
        foreach (var (key, value) in body)
        {
            switch (value)
            {
                case null:
                    continue;
                case JsonObject o:
                    var inner = ProtoJson(o);
                    if (inner.Count > 0) result[key] = inner;
                    break;
                case JsonArray a when a.Count == 0:
                    continue;
                case JsonValue v when v.GetValueKind() is JsonValueKind.False
                                      || (v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() == "0")
                                      || (v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == ""):
                    continue;
                default:
                    result[key] = value.DeepClone();
                    break;
            }
        }
        return result;
    }

    /// <summary>One Twirp call (also used by <see cref="LiveKitEgress"/> for <c>livekit.Egress</c>).</summary>
    internal async Task<JsonNode?> CallAsync(string method, JsonObject body, VideoGrant grant, CancellationToken cancellationToken,
        string service = Service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.ApiBase(), $"twirp/{service}/{method}"))
        {
            Content = new StringContent(ProtoJson(body).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.ForServer(grant));
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string? code = null;
            try { code = JsonNode.Parse(text)?["code"]?.GetValue<string>(); } catch (JsonException) { }
            throw new LiveKitApiException(method, (int)response.StatusCode, code, text);
        }
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
    }
}

public sealed class LiveKitApiException(string method, int status, string? code, string body)
    : Exception($"LiveKit {method} failed with {status} {code}: {body}")
{
    public int Status { get; } = status;
    public string? Code { get; } = code;
}
