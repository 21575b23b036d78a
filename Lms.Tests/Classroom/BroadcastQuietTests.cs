using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Server.Classroom.Broadcast;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>The real server, whose broadcasts are closed after five quiet seconds (two minutes in production).</summary>
public sealed class QuietBroadcastServer : SqliteLmsServer
{
    public const int QuietSeconds = 5;

    protected override IEnumerable<string> ExtraArguments => [$"--Classroom:Broadcast:QuietSeconds={QuietSeconds}"];
}

/// <summary>
/// A broadcast whose teacher's tab never says the end (closed, crashed, a phone that died): the server closes it once no piece
/// has come for the quiet time, publishes what arrived as the lesson's recording, and the students' pages are told it ended.
/// </summary>
public sealed class BroadcastQuietTests(QuietBroadcastServer server, ITestOutputHelper output) : IClassFixture<QuietBroadcastServer>
{
    [Fact]
    public async Task A_broadcast_whose_teachers_tab_went_away_is_closed_by_the_server_and_published_as_the_lessons_recording()
    {
        var (course, teacherClient) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = teacherClient;
        await using var lan = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await lan.JoinAsync()).Status);
        var url = $"/api/classroom/sessions/{course.SessionId}/broadcast";
        await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.PutAsJsonAsync(url, new { on = true }));

        // Two pieces one after the other (made beforehand: the quiet time counts from the last piece taken), then the tab is
        // gone: no more pieces and no end.
        var pieces = new[] { await BroadcastApiTests.PieceAsync(440), await BroadcastApiTests.PieceAsync(550), await BroadcastApiTests.PieceAsync(660) };
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Created, (await BroadcastApiTests.PutPieceAsync(course.Teacher, course.SessionId, i, pieces[i])).StatusCode);
        var runId = (await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.GetAsync(url))).RunId!.Value;

        // Lan's page is told the run's broadcast ended (the room's broadcast.mode event names it).
        bool Ended(ClassroomEvent e) => e.Type == "broadcast.mode" && ClassroomKit.DataOf(e).TryGetProperty("endedRunId", out var run)
                                        && run.ValueKind == JsonValueKind.String && run.GetGuid() == runId;
        await lan.WaitForAsync(e => e.Any(Ended), "the end of the quiet broadcast at Lan's page", seconds: 120);

        // Closed by the server, not before the quiet time after the last piece, with both pieces; the lesson itself goes on.
        var manifest = await server.Get<LessonBroadcasts>().ManifestAsync(course.SessionId, runId)
                       ?? throw new Xunit.Sdk.XunitException("The broadcast's manifest is gone.");
        output.WriteLine($"last piece at {manifest.LastPieceAt:O}, closed at {manifest.EndedAt:O} by {manifest.ClosedBy}");
        Assert.Equal("server", manifest.ClosedBy);
        Assert.Equal(2, manifest.Segments.Count);
        Assert.True(manifest.EndedAt - manifest.LastPieceAt >= TimeSpan.FromSeconds(QuietBroadcastServer.QuietSeconds));
        var student = await server.SignedInAsync(LmsServer.Student1);
        var view = await ProblemAssert.OkAsync<BroadcastView>(await student.GetAsync(url));
        Assert.True(view.Ended);
        await ProblemAssert.IsProblemAsync(await BroadcastApiTests.PutPieceAsync(course.Teacher, course.SessionId, 2, pieces[2]),
            HttpStatusCode.Conflict, "conflict");

        // What arrived is the lesson's recording: published once (the close publishes before it tells the room), 2 × 2 s long.
        var recordings = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/recording"));
        var listed = Assert.Single(recordings.GetProperty("recordings").EnumerateArray());
        Assert.Equal("published", listed.GetProperty("status").GetString());
        var item = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/content/items/{listed.GetProperty("itemId").GetGuid()}"));
        Assert.InRange(item.GetProperty("media").GetProperty("durationSeconds").GetDouble(), 4 - 0.3, 4 + 0.3);
        var master = await student.GetStringAsync(item.GetProperty("media").GetProperty("hlsUrl").GetString());
        Assert.Contains("low.m3u8", master);
    }
}
