using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Server.Classroom;
using Lms.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// NAT traversal through a real coturn: Lms mints TURN REST credentials per join, coturn accepts them and
/// refuses forged or expired ones, and a lesson reaches a student whose browser may only use relayed candidates.
/// </summary>
public sealed class TurnTests(TurnLmsServer server, BrowserFixture browser) : IClassFixture<TurnLmsServer>, IClassFixture<BrowserFixture>
{
    // Every RTCPeerConnection the page makes, kept where the test can ask it for its configuration and statistics.
    internal const string RecordPeerConnections = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__peers = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super(config); window.__peers.push(this); }
          };
        })();
        """;

    // The newest connection's policy, TURN username, and the local candidate of the pair ICE selected.
    internal const string SelectedPath = """
        async () => {
          const pc = window.__peers[window.__peers.length - 1];
          if (!pc) return null;
          const config = pc.getConfiguration();
          const stats = [...(await pc.getStats()).values()];
          const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
          const pair = transport && stats.find((s) => s.id === transport.selectedCandidatePairId);
          const local = pair && stats.find((s) => s.id === pair.localCandidateId);
          const turn = config.iceServers.find((s) => s.username);
          return { policy: config.iceTransportPolicy, username: turn ? turn.username : '', candidate: local ? local.candidateType : '', state: pc.connectionState };
        }
        """;

    internal sealed class PathSeen
    {
        public string Policy { get; set; } = "";
        public string Username { get; set; } = "";
        public string Candidate { get; set; } = "";
        public string State { get; set; } = "";
    }

    [Fact]
    public async Task Coturn_accepts_the_credential_minted_for_a_join_and_refuses_a_forged_or_an_expired_one()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Tin học 10 — TURN " + Guid.NewGuid().ToString("N")[..4]);
        var student = await server.SignedInAsync(LmsServer.Student1);

        // Before the lesson starts a student gets no credential at all.
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/media"), HttpStatusCode.Conflict, "conflict");

        var media = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/media"));
        Assert.Equal("p2p", media.GetProperty("provider").GetString());
        var ice = media.GetProperty("ice");
        Assert.True(ice.GetProperty("turn").GetBoolean());
        Assert.True(ice.GetProperty("relay").GetBoolean());
        var turn = ice.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("username").ValueKind == JsonValueKind.String);
        Assert.Equal([server.Turn.Url], turn.GetProperty("urls").EnumerateArray().Select(u => u.GetString()));
        var username = turn.GetProperty("username").GetString()!;
        var credential = turn.GetProperty("credential").GetString()!;
        var match = Regex.Match(username, "^([0-9]+):([0-9a-f]{32})$");
        Assert.True(match.Success, $"A TURN REST username is expiry:userId, not '{username}'.");
        var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(match.Groups[1].Value));
        var userId = Guid.ParseExact(match.Groups[2].Value, "N");
        Assert.Equal(expires, ice.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.DoesNotContain(server.Turn.Secret, media.GetRawText());

        // What Lms minted opens an allocation on coturn.
        Assert.Equal(0, await TurnAllocation.TryAsync(server.Turn.Port, username, credential));

        // The same username signed with another secret, or a changed credential: refused.
        var (_, forged) = IceCredentials.Mint("not-the-secret", userId, expires);
        Assert.Equal(401, await TurnAllocation.TryAsync(server.Turn.Port, username, forged));
        Assert.Equal(401, await TurnAllocation.TryAsync(server.Turn.Port, username.Replace(":", "0:"), credential));

        // Correctly signed but expired a minute ago: refused; the same signature a minute ahead is accepted.
        var (expiredName, expiredCredential) = IceCredentials.Mint(server.Turn.Secret, userId, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(401, await TurnAllocation.TryAsync(server.Turn.Port, expiredName, expiredCredential));
        var (freshName, freshCredential) = IceCredentials.Mint(server.Turn.Secret, userId, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(0, await TurnAllocation.TryAsync(server.Turn.Port, freshName, freshCredential));
    }

    [Fact]
    public async Task A_student_whose_browser_may_only_relay_receives_the_teachers_video_through_coturn()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Địa lý 10 — qua TURN " + Guid.NewGuid().ToString("N")[..4]);
        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        await phoneContext.AddInitScriptAsync(RecordPeerConnections);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_student_whose_browser_may_only_relay_receives_the_teachers_video_through_coturn), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "teacher-video");

            var seen = await phone.EvaluateAsync<PathSeen?>(SelectedPath);
            Assert.NotNull(seen);
            Assert.Equal("relay", seen.Policy);
            Assert.Equal("connected", seen.State);
            Assert.Equal("relay", seen.Candidate);
            // coturn itself made an allocation for this student's credential (its log names the username).
            Assert.Contains(server.Turn.Log, line => line.Contains(seen.Username, StringComparison.Ordinal)
                                                   && line.Contains("ALLOCATE processed, success", StringComparison.Ordinal));

            // A TURN server is configured: the teacher is not warned; the student reads nothing about servers.
            await Expect(teacher.GetByTestId("media-advice")).ToBeVisibleAsync();
            await Expect(teacher.GetByTestId("no-turn")).ToHaveCountAsync(0);
            await Expect(phone.GetByTestId("media-advice")).ToHaveCountAsync(0);
        }, teacher, phone);
    }
}
