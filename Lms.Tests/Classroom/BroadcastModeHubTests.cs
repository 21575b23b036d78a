using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Server.Classroom.Broadcast;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// Broadcast mode through the real hub: the teacher's choice reaches a student's page as a room event at once (it does not
/// ask the server again and again), a late joiner finds it in the room's snapshot, and the run's first segment is told the same way.
/// </summary>
public sealed class BroadcastModeHubTests(ClassroomLmsServer server) : IClassFixture<ClassroomLmsServer>
{
    private static bool IsMode(ClassroomEvent e, bool on, bool? chosen)
    {
        if (e.Type != "broadcast.mode") return false;
        var data = ClassroomKit.DataOf(e);
        var theirs = data.GetProperty("chosen");
        return data.GetProperty("on").GetBoolean() == on
               && (chosen is { } c ? theirs.ValueKind != JsonValueKind.Null && theirs.GetBoolean() == c : theirs.ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task The_teachers_choice_reaches_a_students_page_as_an_event_and_a_late_joiner_in_the_snapshot()
    {
        var (course, teacherClient) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = teacherClient;
        await using var lan = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await lan.JoinAsync()).Status);
        var url = $"/api/classroom/sessions/{course.SessionId}/broadcast";

        // Class 10A1 is below the threshold; the teacher chooses broadcast: Lan's page is told, with the choice.
        var chosen = await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.PutAsJsonAsync(url, new { on = true }));
        Assert.True(chosen.On);
        await lan.WaitForAsync(e => e.Any(x => IsMode(x, on: true, chosen: true)), "the broadcast mode at Lan's page");

        // Minh comes late: the room's snapshot says it is broadcast, by the teacher's choice.
        await using var minh = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        var joined = await minh.JoinAsync();
        Assert.Equal(JoinStatuses.Joined, joined.Status);
        var mode = JsonDocument.Parse(joined.Snapshot!).RootElement.GetProperty("broadcast");
        Assert.True(mode.GetProperty("on").GetBoolean());
        Assert.True(mode.GetProperty("chosen").GetBoolean());
        Assert.Equal(JsonValueKind.Null, mode.GetProperty("liveRunId").ValueKind);

        // The first segment arrives: both pages are told this run is on air (their players start), once.
        Assert.Equal(HttpStatusCode.Created, (await BroadcastApiTests.PutPieceAsync(course.Teacher, course.SessionId, 0,
            await BroadcastApiTests.PieceAsync(440))).StatusCode);
        var runId = (await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.GetAsync(url))).RunId!.Value;
        bool OnAir(ClassroomEvent e) => e.Type == "broadcast.mode" && ClassroomKit.DataOf(e).GetProperty("liveRunId") is { ValueKind: JsonValueKind.String } run
                                        && run.GetGuid() == runId;
        await lan.WaitForAsync(e => e.Any(OnAir), "the run on air at Lan's page");
        await minh.WaitForAsync(e => e.Any(OnAir), "the run on air at Minh's page");
        Assert.Equal(HttpStatusCode.Created, (await BroadcastApiTests.PutPieceAsync(course.Teacher, course.SessionId, 1,
            await BroadcastApiTests.PieceAsync(550))).StatusCode);

        // Back to automatic (peer to peer for a class this size): told again; asking for the state changes nothing more.
        await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.PutAsJsonAsync(url, new { on = (bool?)null }));
        await minh.WaitForAsync(e => e.Any(x => IsMode(x, on: false, chosen: null)), "automatic mode at Minh's page");
        await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.GetAsync(url));
        var last = (await teacher.Command("SendChat", "Tiếp tục nhé")).Seq;
        await lan.WaitForAsync(e => e.Any(x => x.Seq == last), "the chat after the change");
        // Three changes, three events: the choice, the run on air (not again for the second segment), automatic.
        Assert.Equal(3, lan.Received.Count(e => e.Type == "broadcast.mode"));
    }
}
