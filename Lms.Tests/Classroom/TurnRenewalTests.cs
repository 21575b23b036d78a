using System.Text.RegularExpressions;
using Lms.Server.Classroom;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// A lesson longer than its TURN credentials: with credentials good for two minutes (the shortest Lms allows), a
/// student whose browser may only relay gets a fresh credential before the first expires, relays with it on the same
/// connection (an ICE restart, no new connection), and keeps receiving the teacher's video after coturn has begun to
/// refuse the first one. The waits follow the credential's own expiry, read from its username, not a fixed time.
/// </summary>
public sealed class TurnRenewalTests(ShortTurnLmsServer server, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<ShortTurnLmsServer>, IClassFixture<BrowserFixture>
{
    // Every connection's TURN username so far, newest connection last.
    private const string Usernames = """
        () => window.__peers.map((pc) => (pc.getConfiguration().iceServers.find((s) => s.username) || {}).username || '')
        """;

    [Fact]
    public async Task A_relay_only_student_keeps_the_teachers_video_after_the_first_credential_expired()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa học 10 — buổi dài " + Guid.NewGuid().ToString("N")[..4]);
        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        await phoneContext.AddInitScriptAsync(TurnTests.RecordPeerConnections);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_relay_only_student_keeps_the_teachers_video_after_the_first_credential_expired), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "teacher-video");
            var first = await phone.EvaluateAsync<TurnTests.PathSeen?>(TurnTests.SelectedPath);
            Assert.NotNull(first);
            Assert.Equal("relay", first.Candidate);
            var connections = (await phone.EvaluateAsync<string[]>(Usernames)).Length;
            var firstExpiry = ExpiryOf(first.Username);
            output.WriteLine($"first credential {first.Username}, expires {firstExpiry:O}");

            // Before the first credential expires, the page holds a fresh one and coturn has allocated a relay with it.
            var renewedBy = firstExpiry.AddSeconds(45);
            string renewed;
            while (true)
            {
                var names = await phone.EvaluateAsync<string[]>(Usernames);
                renewed = names[^1];
                if (renewed != first.Username && server.Turn.Log.Any(line => line.Contains(renewed, StringComparison.Ordinal)
                                                                            && line.Contains("ALLOCATE processed, success", StringComparison.Ordinal)))
                    break;
                if (DateTimeOffset.UtcNow > renewedBy)
                    Assert.Fail($"No relay allocated with a renewed credential by {renewedBy:O}; usernames: {string.Join(", ", names)}");
                await Task.Delay(500);
            }
            var renewedAt = DateTimeOffset.UtcNow;
            output.WriteLine($"renewed credential {renewed} in use at {renewedAt:O}");
            Assert.True(ExpiryOf(renewed) > firstExpiry);
            Assert.True(renewedAt < firstExpiry, $"The relay with the fresh credential came at {renewedAt:O}, after the first expired at {firstExpiry:O}.");

            // Past the first credential's expiry (coturn's clock is this machine's): coturn refuses it now.
            while (DateTimeOffset.UtcNow <= firstExpiry.AddSeconds(2)) await Task.Delay(500);
            var userId = Guid.ParseExact(first.Username.Split(':')[1], "N");
            var (oldName, oldCredential) = IceCredentials.Mint(server.Turn.Secret, userId, firstExpiry);
            Assert.Equal(first.Username, oldName);
            Assert.Equal(401, await TurnAllocation.TryAsync(server.Turn.Port, oldName, oldCredential));

            // The lesson goes on: the same connection, relayed, frames still advancing.
            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "teacher-video");
            var now = await phone.EvaluateAsync<TurnTests.PathSeen?>(TurnTests.SelectedPath);
            Assert.NotNull(now);
            Assert.Equal("connected", now.State);
            Assert.Equal("relay", now.Candidate);
            Assert.Equal(renewed, now.Username);
            Assert.Equal(connections, (await phone.EvaluateAsync<string[]>(Usernames)).Length);
        }, teacher, phone);
    }

    private static DateTimeOffset ExpiryOf(string username)
    {
        var match = Regex.Match(username, "^([0-9]+):[0-9a-f]{32}$");
        Assert.True(match.Success, $"A TURN REST username is expiry:userId, not '{username}'.");
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(match.Groups[1].Value));
    }
}
