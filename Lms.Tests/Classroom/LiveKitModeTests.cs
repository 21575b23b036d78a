using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lms.Server.Classroom.LiveKit;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// The real server in LiveKit mode, its LiveKit URL pointing at a loopback listener that records
/// the room-service calls and answers in LiveKit's shape (LiveKit itself cannot run here).
/// </summary>
public sealed class LiveKitModeServer : SqliteLmsServer
{
    public const string Key = "APIlmsModeKey";
    public const string Secret = "the-livekit-secret-shared-with-the-lms-server-for-tests";
    public LiveKitApiRecorder LiveKit { get; } = new(Key, Secret);

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Media:Provider=LiveKit", $"--Media:LiveKit:Url={LiveKit.Url.Replace("http://", "ws://")}",
        $"--Media:LiveKit:ApiKey={Key}", $"--Media:LiveKit:ApiSecret={Secret}",
    ];
}

public sealed class LiveKitModeTests(LiveKitModeServer server) : IClassFixture<LiveKitModeServer>
{
    private static JsonObject Claims(string token) =>
        new LiveKitTokens(new LiveKitOptions { ApiKey = LiveKitModeServer.Key, ApiSecret = LiveKitModeServer.Secret }, TimeProvider.System).Verify(token);

    [Fact]
    public async Task Grants_and_room_calls_follow_the_classroom_against_a_recording_listener_since_LiveKit_cannot_run_here()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Địa lý 10 — LiveKit");
        var student = await server.SignedInAsync(LmsServer.Student1);
        var studentId = await server.UserIdAsync(LmsServer.Student1);
        var room = LiveKitTokens.RoomName(course.SessionId);

        var session = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}"));
        Assert.Equal("livekit", session.GetProperty("mediaProvider").GetString());
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/media"), HttpStatusCode.Conflict, "conflict");

        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        Assert.Contains(server.LiveKit.Calls, c => c.Method == "CreateRoom" && c.Body!["name"]!.GetValue<string>() == room);

        var teacherMedia = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/media"));
        Assert.Equal("livekit", teacherMedia.GetProperty("provider").GetString());
        var teacherGrant = Claims(teacherMedia.GetProperty("token").GetString()!)["video"]!;
        Assert.True(teacherGrant["canPublish"]!.GetValue<bool>());
        Assert.Equal(room, teacherGrant["room"]!.GetValue<string>());

        await using var hub = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await hub.JoinAsync();
        var listening = Claims((await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/media")))
            .GetProperty("token").GetString()!);
        Assert.False(listening["video"]!["canPublish"]!.GetValue<bool>());
        Assert.Equal(studentId.ToString(), listening["sub"]!.GetValue<string>());

        await teacher.Command("GiveFloor", studentId, false);
        var update = server.LiveKit.Calls.Last(c => c.Method == "UpdateParticipant").Body!;
        Assert.Equal((room, studentId.ToString(), true), (update["room"]!.GetValue<string>(), update["identity"]!.GetValue<string>(),
            update["permission"]!["canPublish"]!.GetValue<bool>()));
        Assert.Equal(["MICROPHONE"], update["permission"]!["canPublishSources"]!.AsArray().Select(x => x!.GetValue<string>()));
        var speaking = Claims((await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/media")))
            .GetProperty("token").GetString()!);
        Assert.True(speaking["video"]!["canPublish"]!.GetValue<bool>());

        server.LiveKit.Answers["ListParticipants"] = $$"""{"participants":[{"sid":"PA_9","identity":"{{studentId}}","tracks":[{"sid":"TR_mic","type":"AUDIO"},{"sid":"TR_cam","type":"VIDEO"}]}]}""";
        await teacher.Command("Mute", studentId);
        var mute = server.LiveKit.Calls.Last(c => c.Method == "MutePublishedTrack").Body!;
        Assert.Equal(("TR_mic", true), (mute["trackSid"]!.GetValue<string>(), mute["muted"]!.GetValue<bool>()));

        await teacher.Command("TakeFloor");
        await ClassroomGrainTests.WaitUntil(() => Task.FromResult(server.LiveKit.Calls.Count(c => c.Method == "UpdateParticipant") == 2), "the floor taken back");
        Assert.Null(server.LiveKit.Calls.Last(c => c.Method == "UpdateParticipant").Body!["permission"]!["canPublish"]);

        await teacher.Command("Remove", studentId);
        Assert.Contains(server.LiveKit.Calls, c => c.Method == "RemoveParticipant" && c.Body!["identity"]!.GetValue<string>() == studentId.ToString());
        await teacher.Command("End");
        Assert.Contains(server.LiveKit.Calls, c => c.Method == "DeleteRoom" && c.Body!["room"]!.GetValue<string>() == room);
    }

    [Fact]
    public async Task The_webhook_accepts_what_LiveKit_signs_and_refuses_anything_else()
    {
        const string body = """{"event":"room_finished","room":{"name":"lms-x","sid":"RM_2"},"id":"EV_2"}""";
        var tokens = new LiveKitTokens(new LiveKitOptions { ApiKey = LiveKitModeServer.Key, ApiSecret = LiveKitModeServer.Secret }, TimeProvider.System);
        var sha = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var client = server.Client();

        async Task<HttpStatusCode> PostAsync(string content, string? authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/livekit") { Content = new StringContent(content, Encoding.UTF8, "application/webhook+json") };
            if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await PostAsync(body, tokens.Create(null, null, null, TimeSpan.FromMinutes(5), sha256: sha)));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(body, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(body.Replace("room_finished", "room_started"), tokens.Create(null, null, null, TimeSpan.FromMinutes(5), sha256: sha)));
        var other = new LiveKitTokens(new LiveKitOptions { ApiKey = LiveKitModeServer.Key, ApiSecret = "someone-else-entirely-with-a-long-secret" }, TimeProvider.System);
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(body, other.Create(null, null, null, TimeSpan.FromMinutes(5), sha256: sha)));
    }
}
