using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lms.Server.Classroom.LiveKit;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// The official <c>livekit-server-sdk</c> npm package, installed by the tests into a temp folder (once per machine)
/// and run with Node. LiveKit itself cannot run here.
/// </summary>
public sealed class LiveKitSdk() : NpmPackage("livekit-server-sdk", "2.19.2");

/// <summary>
/// Our small LiveKit client (tokens, webhooks, the Twirp room service) against the official SDK.
/// No LiveKit server runs here: the room service is checked against a recording loopback listener
/// (the contract the SDK's own requests define), and the test names say so.
/// </summary>
public sealed class LiveKitContractTests(LiveKitSdk sdk) : IClassFixture<LiveKitSdk>
{
    private const string Key = "APIlmsTestKey";
    private const string Secret = "a-secret-of-at-least-thirty-two-characters-for-hs256";

    private static LiveKitTokens Tokens(TimeProvider? clock = null, string secret = Secret) =>
        new(new LiveKitOptions { Url = "wss://livekit.example.test", ApiKey = Key, ApiSecret = secret }, clock ?? TimeProvider.System);

    private const string VerifyScript = """
        import { TokenVerifier } from 'livekit-server-sdk';
        const [key, secret, ...tokens] = process.argv.slice(2);
        const out = [];
        for (const token of tokens) {
          try { out.push({ ok: true, claims: await new TokenVerifier(key, secret).verify(token) }); }
          catch (e) { out.push({ ok: false, error: String(e) }); }
        }
        console.log(JSON.stringify(out));
        """;

    [Fact]
    public async Task Tokens_we_mint_verify_in_the_official_sdk_with_the_grants_each_role_should_have()
    {
        var tokens = Tokens();
        var session = Guid.NewGuid();
        var teacher = Guid.NewGuid();
        var student = Guid.NewGuid();
        var minted = new[]
        {
            tokens.ForTeacher(session, teacher, "Trần Văn Minh"),
            tokens.ForStudent(session, student, "Lê Hoàng An", holdsFloor: false, allowVideo: false),
            tokens.ForStudent(session, student, "Lê Hoàng An", holdsFloor: true, allowVideo: false),
            tokens.ForStudent(session, student, "Lê Hoàng An", holdsFloor: true, allowVideo: true),
            Tokens(secret: "another-secret-that-livekit-does-not-know-about-at-all").ForTeacher(session, teacher, "Kẻ giả mạo"),
        };

        var results = JsonNode.Parse(await sdk.NodeAsync(VerifyScript, [Key, Secret, .. minted]))!.AsArray();

        var room = LiveKitTokens.RoomName(session);
        var t = results[0]!["claims"]!;
        Assert.True(results[0]!["ok"]!.GetValue<bool>());
        Assert.Equal(teacher.ToString(), t["sub"]!.GetValue<string>());
        Assert.Equal("Trần Văn Minh", t["name"]!.GetValue<string>());
        Assert.Equal(Key, t["iss"]!.GetValue<string>());
        Assert.Equal((true, room, true, true), (t["video"]!["roomJoin"]!.GetValue<bool>(), t["video"]!["room"]!.GetValue<string>(),
            t["video"]!["canPublish"]!.GetValue<bool>(), t["video"]!["canSubscribe"]!.GetValue<bool>()));
        Assert.Equal(["camera", "microphone", "screen_share", "screen_share_audio"], Sources(t));

        var listening = results[1]!["claims"]!["video"]!;
        Assert.False(listening["canPublish"]!.GetValue<bool>());
        Assert.True(listening["canSubscribe"]!.GetValue<bool>());
        Assert.Empty(Sources(results[1]!["claims"]!));
        Assert.True(results[2]!["claims"]!["video"]!["canPublish"]!.GetValue<bool>());
        Assert.Equal(["microphone"], Sources(results[2]!["claims"]!));
        Assert.Equal(["microphone", "camera"], Sources(results[3]!["claims"]!));

        Assert.False(results[4]!["ok"]!.GetValue<bool>()); // signed with a secret LiveKit does not share
    }

    private static List<string> Sources(JsonNode claims) =>
        claims["video"]!["canPublishSources"]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? [];

    private const string SignScript = """
        import { AccessToken } from 'livekit-server-sdk';
        import { createHash } from 'node:crypto';
        const [key, secret, body, ttl] = process.argv.slice(2);
        const token = new AccessToken(key, secret, { ttl });
        token.sha256 = createHash('sha256').update(body).digest('base64');
        console.log(await token.toJwt());
        """;

    private const string Hook = """{"event":"participant_joined","room":{"name":"lms-0190","sid":"RM_1"},"participant":{"identity":"u-1","name":"Lê Hoàng An"},"id":"EV_1","createdAt":"1760000000"}""";

    [Fact]
    public async Task Webhooks_signed_by_the_official_sdk_verify_here_and_forged_altered_or_stale_ones_are_refused()
    {
        var signed = await sdk.NodeAsync(SignScript, Key, Secret, Hook, "10m");
        var forged = await sdk.NodeAsync(SignScript, Key, "not-our-secret-but-long-enough-to-sign-with-hs256", Hook, "10m");
        var webhooks = new LiveKitWebhooks(Tokens());

        var hook = webhooks.Receive(Hook, signed);
        Assert.Equal("participant_joined", hook["event"]!.GetValue<string>());
        Assert.Equal("lms-0190", hook["room"]!["name"]!.GetValue<string>());
        Assert.Equal("participant_joined", webhooks.Receive(Hook, "Bearer " + signed)["event"]!.GetValue<string>());

        Assert.Throws<LiveKitAuthException>(() => webhooks.Receive(Hook, forged));
        Assert.Throws<LiveKitAuthException>(() => webhooks.Receive(Hook.Replace("u-1", "u-2"), signed));
        Assert.Throws<LiveKitAuthException>(() => webhooks.Receive(Hook, null));
        Assert.Throws<LiveKitAuthException>(() => webhooks.Receive(Hook, signed[..^4] + "AAAA"));
        var anHourLater = new FixedClock(DateTimeOffset.UtcNow.AddHours(1));
        Assert.Contains("expired", Assert.Throws<LiveKitAuthException>(() => new LiveKitWebhooks(Tokens(anHourLater)).Receive(Hook, signed)).Message);
    }

    [Fact]
    public async Task A_webhook_signed_here_is_accepted_by_the_official_receiver()
    {
        var sha = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Hook)));
        var token = Tokens().Create(null, null, null, TimeSpan.FromMinutes(5), sha256: sha);
        var output = await sdk.NodeAsync("""
            import { WebhookReceiver } from 'livekit-server-sdk';
            const [key, secret, body, auth] = process.argv.slice(2);
            const event = await new WebhookReceiver(key, secret).receive(body, auth);
            console.log(event.event + ' ' + event.room.name);
            """, Key, Secret, Hook, token);
        Assert.Equal("participant_joined lms-0190", output);
    }

    private const string CallsScript = """
        import { RoomServiceClient, TrackSource } from 'livekit-server-sdk';
        const [url, key, secret] = process.argv.slice(2);
        const rooms = new RoomServiceClient(url, key, secret, { failover: false });
        await rooms.createRoom({ name: 'lms-room', emptyTimeout: 600 });
        await rooms.listParticipants('lms-room');
        await rooms.updateParticipant('lms-room', 'user-1', undefined,
          { canSubscribe: true, canPublish: true, canPublishSources: [TrackSource.MICROPHONE, TrackSource.CAMERA] });
        await rooms.updateParticipant('lms-room', 'user-1', undefined, { canSubscribe: true, canPublish: false, canPublishSources: [] });
        await rooms.mutePublishedTrack('lms-room', 'user-1', 'TR_audio', true);
        await rooms.removeParticipant('lms-room', 'user-1');
        await rooms.deleteRoom('lms-room');
        console.log('done');
        """;

    [Fact]
    public async Task Room_service_requests_match_what_the_official_sdk_sends_to_a_recording_listener_since_LiveKit_cannot_run_here()
    {
        using var recorder = new LiveKitApiRecorder(Key, Secret);
        recorder.Answers["ListParticipants"] =
            """{"participants":[{"sid":"PA_1","identity":"user-1","name":"Lê Hoàng An","tracks":[{"sid":"TR_audio","type":"AUDIO","source":"MICROPHONE","muted":false}]}]}""";
        recorder.Answers["CreateRoom"] = """{"sid":"RM_1","name":"lms-room","emptyTimeout":600}""";
        Assert.Equal("done", await sdk.NodeAsync(CallsScript, recorder.Url, Key, Secret));
        var theirs = recorder.Take();

        var ours = new LiveKitRoomService(new HttpClient(), new LiveKitOptions { Url = recorder.Url.Replace("http", "ws"), ApiKey = Key, ApiSecret = Secret }, Tokens());
        await ours.CreateRoomAsync("lms-room", 600);
        var participants = await ours.ListParticipantsAsync("lms-room");
        await ours.UpdatePermissionsAsync("lms-room", "user-1", true, ["microphone", "camera"]);
        await ours.UpdatePermissionsAsync("lms-room", "user-1", false, []);
        await ours.MutePublishedTrackAsync("lms-room", "user-1", "TR_audio", true);
        await ours.RemoveParticipantAsync("lms-room", "user-1");
        await ours.DeleteRoomAsync("lms-room");
        var mine = recorder.Take();

        Assert.Equal(7, theirs.Count);
        Assert.Equal(theirs.Select(r => r.Path), mine.Select(r => r.Path));
        for (var i = 0; i < theirs.Count; i++)
        {
            Assert.Equal(theirs[i].ContentType, mine[i].ContentType);
            Assert.True(JsonNode.DeepEquals(theirs[i].Body, mine[i].Body), $"{theirs[i].Path}: the SDK sent {theirs[i].Body} and we sent {mine[i].Body}");
            Assert.True(JsonNode.DeepEquals(theirs[i].Grant, mine[i].Grant), $"{theirs[i].Path}: the SDK's grant {theirs[i].Grant}, ours {mine[i].Grant}");
        }
        Assert.Equal("/twirp/livekit.RoomService/UpdateParticipant", mine[2].Path);
        Assert.Equal(["MICROPHONE", "CAMERA"], mine[2].Body!["permission"]!["canPublishSources"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(("PA_1", "user-1", "TR_audio", "AUDIO"), (participants[0].Sid, participants[0].Identity, participants[0].Tracks[0].Sid, participants[0].Tracks[0].Type));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
