using System.Text.Json.Nodes;

namespace Lms.Server.Classroom.LiveKit;

/// <summary>
/// <c>Media:LiveKit:Egress</c>: where LiveKit's egress service writes a lesson's MP4 and where this
/// server finds the same file (a shared volume), and the layout of the composite.
/// </summary>
public sealed class LiveKitEgressOptions
{
    /// <summary>The folder as the egress service sees it (the <c>filepath</c> it is given), e.g. <c>/out</c>.</summary>
    public string OutputDirectory { get; set; } = "";
    /// <summary>The same folder as this server sees it.</summary>
    public string LocalDirectory { get; set; } = "";
    /// <summary>The room composite's layout: <c>speaker</c> (the screen share large when there is one), <c>grid</c>, …</summary>
    public string Layout { get; set; } = "speaker";

    public bool Configured => !string.IsNullOrWhiteSpace(OutputDirectory) && !string.IsNullOrWhiteSpace(LocalDirectory);

    /// <summary>The file of a recording: a name we chose, never one a webhook names.</summary>
    public static string FileName(Guid recordingId) => $"lms-recording-{recordingId:N}.mp4";

    public string OutputPath(Guid recordingId) => OutputDirectory.TrimEnd('/') + "/" + FileName(recordingId);

    public string LocalPath(Guid recordingId) => Path.Combine(Path.GetFullPath(LocalDirectory), FileName(recordingId));
}

/// <summary>
/// LiveKit's Egress service over Twirp (<c>/twirp/livekit.Egress/&lt;Method&gt;</c>, grant
/// <c>roomRecord</c>): a room composite (what the room sees, mixed) recorded to one MP4 file, and
/// stopped. The bodies are what the official <c>livekit-server-sdk</c>'s EgressClient sends (the
/// tests record both and compare them).
/// </summary>
public sealed class LiveKitEgress(LiveKitRoomService twirp, LiveKitOptions options)
{
    private const string Service = "livekit.Egress";
    private static readonly VideoGrant Record = new() { RoomRecord = true };

    /// <summary>Starts recording the room to <paramref name="filepath"/> (as the egress service sees it); returns the egress id.</summary>
    public async Task<string> StartRoomCompositeAsync(string room, string filepath, CancellationToken cancellationToken = default)
    {
        var response = await twirp.CallAsync("StartRoomCompositeEgress", new JsonObject
        {
            ["roomName"] = room,
            ["layout"] = options.Egress.Layout,
            ["fileOutputs"] = new JsonArray(new JsonObject { ["fileType"] = "MP4", ["filepath"] = filepath }),
        }, Record, cancellationToken, Service);
        return response?["egressId"]?.GetValue<string>() is { Length: > 0 } id
            ? id
            : throw new LiveKitApiException("StartRoomCompositeEgress", 200, null, "no egressId in the answer");
    }

    public Task StopAsync(string egressId, CancellationToken cancellationToken = default) =>
        twirp.CallAsync("StopEgress", new JsonObject { ["egressId"] = egressId }, Record, cancellationToken, Service);
}
