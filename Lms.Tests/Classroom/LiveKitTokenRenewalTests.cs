using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// LiveKit tokens of minutes, renewed through the media endpoint, which checks again who may be in the room and with
/// what rights. LiveKit itself cannot run here: each token is verified by the official <c>livekit-server-sdk</c>.
/// </summary>
public sealed class LiveKitTokenRenewalTests(LiveKitModeServer server, LiveKitSdk sdk) : IClassFixture<LiveKitModeServer>, IClassFixture<LiveKitSdk>
{
    private const string VerifyScript = """
        import { TokenVerifier } from 'livekit-server-sdk';
        const [key, secret, token] = process.argv.slice(2);
        console.log(JSON.stringify(await new TokenVerifier(key, secret).verify(token)));
        """;

    private async Task<(JsonNode Claims, DateTimeOffset ExpiresAt)> MediaAsync(HttpClient client, Guid sessionId)
    {
        var media = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync($"/api/classroom/sessions/{sessionId}/media"));
        var claims = JsonNode.Parse(await sdk.NodeAsync(VerifyScript, LiveKitModeServer.Key, LiveKitModeServer.Secret, media.GetProperty("token").GetString()!))!;
        return (claims, media.GetProperty("expiresAt").GetDateTimeOffset());
    }

    private static bool CanPublish(JsonNode claims) => claims["video"]!["canPublish"]?.GetValue<bool>() ?? false;

    private static List<string> Sources(JsonNode claims) =>
        claims["video"]!["canPublishSources"]?.AsArray().Select(s => s!.GetValue<string>()).ToList() ?? [];

    [Fact]
    public async Task Tokens_last_ten_minutes_and_renewal_follows_the_floor_and_removal_verified_by_the_official_sdk_since_LiveKit_cannot_run_here()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Lịch sử 10 — token ngắn");
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        var student = await server.SignedInAsync(LmsServer.Student2);
        var studentId = await server.UserIdAsync(LmsServer.Student2);
        await using var hub = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        await hub.JoinAsync();

        // Ten minutes between not-before and expiry, and the page is told when to renew.
        var (listening, expiresAt) = await MediaAsync(student, course.SessionId);
        Assert.Equal(600, listening["exp"]!.GetValue<long>() - listening["nbf"]!.GetValue<long>());
        Assert.InRange(expiresAt.ToUnixTimeSeconds() - listening["exp"]!.GetValue<long>(), -2, 2);
        Assert.False(CanPublish(listening));
        var (teacherClaims, _) = await MediaAsync(course.Teacher, course.SessionId);
        Assert.Equal(600, teacherClaims["exp"]!.GetValue<long>() - teacherClaims["nbf"]!.GetValue<long>());

        await teacher.Command("GiveFloor", studentId, true);
        var (speaking, _) = await MediaAsync(student, course.SessionId);
        Assert.True(CanPublish(speaking));
        Assert.Equal(["microphone", "camera"], Sources(speaking));

        // The floor taken away: the renewed token carries no publish right at all.
        await teacher.Command("TakeFloor");
        var (after, _) = await MediaAsync(student, course.SessionId);
        Assert.False(CanPublish(after));
        Assert.Empty(Sources(after));

        // Removed from the session: no renewal.
        await teacher.Command("Remove", studentId);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/media"), HttpStatusCode.Forbidden, "forbidden");
    }
}
