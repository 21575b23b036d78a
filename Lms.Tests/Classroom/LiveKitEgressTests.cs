using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lms.Server.Classroom.LiveKit;
using Lms.Tests.Content;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>LiveKit's egress answers, in its shape: the recorder answers these two methods with them.</summary>
public static class EgressAnswers
{
    public const string EgressId = "EG_lms_recording_1";

    public static LiveKitApiRecorder Egress(this LiveKitApiRecorder recorder)
    {
        recorder.Answers["StartRoomCompositeEgress"] = $$"""{"egressId":"{{EgressId}}","roomName":"lms-room","status":"EGRESS_STARTING"}""";
        recorder.Answers["StopEgress"] = $$"""{"egressId":"{{EgressId}}","roomName":"lms-room","status":"EGRESS_ENDING"}""";
        return recorder;
    }
}

/// <summary>The real server in LiveKit mode with recording configured: egress through the recorder, files through a shared folder.</summary>
public sealed class LiveKitRecordingServer : SqliteLmsServer
{
    public const string Key = "APIlmsEgressKey";
    public const string Secret = "the-livekit-secret-for-egress-and-webhook-tests-here";
    public LiveKitApiRecorder LiveKit { get; } = new LiveKitApiRecorder(Key, Secret).Egress();
    public string SharedFolder { get; } = MediaSamples.NewFolder("egress-shared");

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Media:Provider=LiveKit", $"--Media:LiveKit:Url={LiveKit.Url.Replace("http://", "ws://")}",
        $"--Media:LiveKit:ApiKey={Key}", $"--Media:LiveKit:ApiSecret={Secret}",
        "--Media:LiveKit:Egress:OutputDirectory=/out/lms", $"--Media:LiveKit:Egress:LocalDirectory={SharedFolder}",
    ];
}

/// <summary>
/// LiveKit recording: our egress client against the official <c>livekit-server-sdk</c>'s
/// EgressClient (both sent to a recording listener, since LiveKit cannot run here), and the
/// server in LiveKit mode taking a recording from start to the signed <c>egress_ended</c> webhook.
/// </summary>
public sealed class LiveKitEgressTests(LiveKitSdk sdk, LiveKitRecordingServer server)
    : IClassFixture<LiveKitSdk>, IClassFixture<LiveKitRecordingServer>
{
    private const string Key = "APIlmsTestKey";
    private const string Secret = "a-secret-of-at-least-thirty-two-characters-for-hs256";

    private const string EgressScript = """
        import { EgressClient, EncodedFileOutput, EncodedFileType } from 'livekit-server-sdk';
        const [url, key, secret] = process.argv.slice(2);
        const egress = new EgressClient(url, key, secret, { failover: false });
        const info = await egress.startRoomCompositeEgress('lms-room',
          { file: new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath: '/out/lms/lesson.mp4' }) }, { layout: 'speaker' });
        await egress.stopEgress(info.egressId);
        console.log(info.egressId);
        """;

    [Fact]
    public async Task Egress_requests_match_what_the_official_sdk_sends_to_a_recording_listener_since_LiveKit_cannot_run_here()
    {
        using var recorder = new LiveKitApiRecorder(Key, Secret).Egress();
        Assert.Equal(EgressAnswers.EgressId, await sdk.NodeAsync(EgressScript, recorder.Url, Key, Secret));
        var theirs = recorder.Take();

        var options = new LiveKitOptions { Url = recorder.Url.Replace("http", "ws"), ApiKey = Key, ApiSecret = Secret };
        var tokens = new LiveKitTokens(options, TimeProvider.System);
        var ours = new LiveKitEgress(new LiveKitRoomService(new HttpClient(), options, tokens), options);
        var egressId = await ours.StartRoomCompositeAsync("lms-room", "/out/lms/lesson.mp4");
        await ours.StopAsync(egressId);
        var mine = recorder.Take();

        Assert.Equal(EgressAnswers.EgressId, egressId);
        Assert.Equal(["/twirp/livekit.Egress/StartRoomCompositeEgress", "/twirp/livekit.Egress/StopEgress"], theirs.Select(c => c.Path));
        Assert.Equal(theirs.Select(c => c.Path), mine.Select(c => c.Path));
        for (var i = 0; i < theirs.Count; i++)
        {
            Assert.Equal(theirs[i].ContentType, mine[i].ContentType);
            Assert.True(JsonNode.DeepEquals(theirs[i].Body, mine[i].Body), $"{theirs[i].Path}: the SDK sent {theirs[i].Body} and we sent {mine[i].Body}");
            Assert.True(JsonNode.DeepEquals(theirs[i].Grant, mine[i].Grant), $"{theirs[i].Path}: the SDK's grant {theirs[i].Grant}, ours {mine[i].Grant}");
        }
        Assert.True(mine[0].Grant!["roomRecord"]!.GetValue<bool>());
    }

    private const string SignScript = """
        import { AccessToken } from 'livekit-server-sdk';
        import { createHash } from 'node:crypto';
        const [key, secret, body] = process.argv.slice(2);
        const token = new AccessToken(key, secret, { ttl: '10m' });
        token.sha256 = createHash('sha256').update(body).digest('base64');
        console.log(await token.toJwt());
        """;

    [Fact]
    public async Task In_LiveKit_mode_the_server_records_the_room_with_egress_and_publishes_the_file_its_signed_webhook_announces()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa học 10 — LiveKit ghi hình");
        var url = $"/api/classroom/sessions/{course.SessionId}/recording";
        var student = await server.SignedInAsync(LmsServer.Student1);
        await using var teacherRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacherRoom.JoinAsync();
        Assert.True((await teacherRoom.Command("Start")).Ok);
        await using var studentRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await studentRoom.JoinAsync();

        Assert.Equal("livekit", (await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url))).GetProperty("mode").GetString());
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url, new { title = "Em ghi" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.DoesNotContain(server.LiveKit.Calls, c => c.Path.Contains("Egress"));

        var started = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Hóa học (LiveKit)" }));
        var recordingId = Guid.Parse(started.GetProperty("id").GetString()!);
        var start = server.LiveKit.Calls.Single(c => c.Path.EndsWith("/StartRoomCompositeEgress"));
        Assert.Equal(LiveKitTokens.RoomName(course.SessionId), start.Body!["roomName"]!.GetValue<string>());
        Assert.Equal($"/out/lms/lms-recording-{recordingId:N}.mp4", start.Body!["fileOutputs"]![0]!["filepath"]!.GetValue<string>());
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.started"), "recording.started");

        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { }));
        var stop = server.LiveKit.Calls.Single(c => c.Path.EndsWith("/StopEgress"));
        Assert.Equal(EgressAnswers.EgressId, stop.Body!["egressId"]!.GetValue<string>());
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.stopped"), "recording.stopped");

        // LiveKit's egress wrote the file into the shared folder; its webhook says so, signed by the official SDK.
        File.Copy(await MediaSamples.SmallAsync(4), Path.Combine(server.SharedFolder, $"lms-recording-{recordingId:N}.mp4"));
        var hook = $$"""{"event":"egress_ended","egressInfo":{"egressId":"{{EgressAnswers.EgressId}}","roomName":"{{LiveKitTokens.RoomName(course.SessionId)}}","status":"EGRESS_COMPLETE","fileResults":[{"filename":"/out/lms/lms-recording-{{recordingId:N}}.mp4"}]},"id":"EV_egress_1","createdAt":"1760000000"}""";
        var signature = await sdk.NodeAsync(SignScript, LiveKitRecordingServer.Key, LiveKitRecordingServer.Secret, hook);

        // A body changed on the way (another egress, a failure) does not match its signature: refused, nothing taken.
        var tampered = hook.Replace("EGRESS_COMPLETE", "EGRESS_FAILED");
        Assert.Equal(HttpStatusCode.Unauthorized, await PostHookAsync(tampered, signature));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostHookAsync(hook, null));
        Assert.Equal("finishing", (await RecordingAsync(course.Teacher, url)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.OK, await PostHookAsync(hook, signature));
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonElement recording;
        while ((recording = await RecordingAsync(course.Teacher, url)).GetProperty("status").GetString() != "published")
        {
            Assert.True(recording.GetProperty("status").GetString() != "failed" && DateTime.UtcNow < deadline, $"Not published: {recording}");
            await Task.Delay(250);
        }
        // Delivered again (LiveKit retries): nothing more happens.
        Assert.Equal(HttpStatusCode.OK, await PostHookAsync(hook, signature));
        Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url))).GetProperty("recordings").EnumerateArray());

        var item = await ContentClient.ItemAsync(course.Teacher, recording.GetProperty("itemId").GetString()!);
        var mp4 = Path.Combine(MediaSamples.NewFolder("egress-download"), "lesson.mp4");
        await File.WriteAllBytesAsync(mp4, await course.Teacher.GetByteArrayAsync(item.GetProperty("media").GetProperty("downloadUrl").GetString()));
        var probe = await MediaSamples.ProbeAsync(mp4);
        Assert.Contains(probe.GetProperty("streams").EnumerateArray(), s => s.GetProperty("codec_type").GetString() == "video");
        Assert.Contains(probe.GetProperty("streams").EnumerateArray(), s => s.GetProperty("codec_type").GetString() == "audio");
        Assert.InRange(MediaSamples.Seconds(probe.GetProperty("format"), "duration"), 3.5, 4.5);
        Assert.False(File.Exists(Path.Combine(server.SharedFolder, $"lms-recording-{recordingId:N}.mp4")), "The egress file was left in the shared folder.");
    }

    private static async Task<JsonElement> RecordingAsync(HttpClient teacher, string url) =>
        (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync(url))).GetProperty("recordings")[0];

    private async Task<HttpStatusCode> PostHookAsync(string body, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/livekit") { Content = new StringContent(body, Encoding.UTF8, "application/webhook+json") };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return (await server.Client().SendAsync(request)).StatusCode;
    }
}
