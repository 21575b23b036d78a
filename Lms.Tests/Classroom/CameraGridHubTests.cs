using Lms.Grains.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Classroom;

/// <summary>
/// The students' camera grid through the real hub: only the session's teachers ask for cameras; a student answers for
/// their own camera only, once asked; a thumbnail's signalling reaches a teacher and never another student.
/// </summary>
public sealed class CameraGridHubTests(ClassroomLmsServer server) : IClassFixture<ClassroomLmsServer>
{
    [Fact]
    public async Task Only_teachers_ask_for_cameras_and_a_students_camera_and_its_signals_reach_teachers_only()
    {
        var (course, teacherClient) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = teacherClient;
        await using var lan = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await using var minh = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await lan.JoinAsync()).Status);
        Assert.Equal(JoinStatuses.Joined, (await minh.JoinAsync()).Status);
        var teacherId = await server.UserIdAsync(LmsServer.Teacher);
        var lanId = await server.UserIdAsync(LmsServer.Student1);
        var minhId = await server.UserIdAsync(LmsServer.Student2);

        // A student cannot ask the class, nor one classmate, to turn cameras on or off.
        foreach (var (method, target) in new (string, Guid?)[] { ("AskCameras", null), ("AskCameras", minhId), ("StopCameras", null), ("StopCameras", minhId) })
            Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() => lan.Command(method, target))).Message);
        // Nor turn a camera on that nobody asked for, nor send a thumbnail before it is on.
        Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() => lan.Command("SetMyCamera", "on"))).Message);
        Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() =>
            lan.Connection.InvokeAsync("CameraSignal", course.SessionId, teacherId, "offer", "{}"))).Message);
        // A teacher cannot ask someone who is not a student in the room.
        Assert.EndsWith(ClassroomErrors.NotFound, (await Assert.ThrowsAsync<HubException>(() => teacher.Command("AskCameras", teacherId))).Message);

        // The teacher asks the class: both students hear it, the teacher sees both asked.
        var asked = (await teacher.Command("AskCameras", (Guid?)null)).Seq;
        await lan.WaitForAsync(e => e.Any(x => x.Seq == asked && x.Type == "cameras.asked"), "the request at Lan");
        await minh.WaitForAsync(e => e.Any(x => x.Seq == asked && x.Type == "cameras.asked"), "the request at Minh");
        await teacher.WaitForAsync(e => States(e, "asked").Count == 2, "both students asked");

        // Lan turns hers on, Minh refuses: the teacher sees both; neither student hears of the other's camera.
        var on = (await lan.Command("SetMyCamera", "on")).Seq;
        var refused = (await minh.Command("SetMyCamera", "refused")).Seq;
        await teacher.WaitForAsync(e => States(e, "on").Contains(lanId) && States(e, "refused").Contains(minhId), "Lan's camera on, Minh's refusal");
        await lan.WaitForAsync(e => e.Any(x => x.Seq == on), "Lan's own camera state");
        var last = (await teacher.Command("SendChat", "Cảm ơn các em")).Seq;
        await minh.WaitForAsync(e => e.Any(x => x.Seq == last), "the chat after the answers");
        await lan.WaitForAsync(e => e.Any(x => x.Seq == last), "the chat after the answers");
        Assert.DoesNotContain(minh.Received, e => e.Seq == on);
        Assert.DoesNotContain(lan.Received, e => e.Seq == refused);

        // What each may read of the cameras: the teacher both, a student their own.
        var seenByTeacher = await teacher.Connection.InvokeAsync<List<CameraState>>("Cameras", course.SessionId);
        Assert.Equal(["on", "refused"], seenByTeacher.OrderBy(c => c.State).Select(c => c.State));
        var seenByMinh = await minh.Connection.InvokeAsync<List<CameraState>>("Cameras", course.SessionId);
        Assert.Equal(minhId, Assert.Single(seenByMinh).UserId);

        // Lan's thumbnail is signalled to the teacher, and the answer comes back to her; Minh never gets either.
        await lan.Connection.InvokeAsync("CameraSignal", course.SessionId, teacherId, "offer", """{"type":"offer","sdp":"v=0"}""");
        await teacher.WaitForSignalAsync(s => s.Kind == "cam-offer" && s.From == lanId.ToString(), "Lan's offer");
        await teacher.Connection.InvokeAsync("CameraSignal", course.SessionId, lanId, "answer", """{"type":"answer","sdp":"v=0"}""");
        await lan.WaitForSignalAsync(s => s.Kind == "cam-answer" && s.From == teacherId.ToString(), "the teacher's answer");
        // A student cannot target another student's camera, even with their own on; the refusing one sends nothing.
        Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() =>
            lan.Connection.InvokeAsync("CameraSignal", course.SessionId, minhId, "offer", "{}"))).Message);
        Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() =>
            minh.Connection.InvokeAsync("CameraSignal", course.SessionId, lanId, "answer", "{}"))).Message);
        Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() =>
            minh.Connection.InvokeAsync("CameraSignal", course.SessionId, teacherId, "offer", "{}"))).Message);
        Assert.Empty(minh.Signals);

        // The teacher asks everyone to turn off: Lan's camera is off, and the request reaches both.
        var stopped = (await teacher.Command("StopCameras", (Guid?)null)).Seq;
        await teacher.WaitForAsync(e => States(e, "off").Contains(lanId), "Lan's camera off");
        await minh.WaitForAsync(e => e.Any(x => x.Seq == stopped && x.Type == "cameras.stopped"), "the request to turn off at Minh");
        // Off, Lan's thumbnail can only say goodbye.
        Assert.EndsWith(ClassroomErrors.Forbidden, (await Assert.ThrowsAsync<HubException>(() =>
            lan.Connection.InvokeAsync("CameraSignal", course.SessionId, teacherId, "offer", "{}"))).Message);
        await lan.Connection.InvokeAsync("CameraSignal", course.SessionId, teacherId, "bye", "{}");
    }

    /// <summary>The students whose latest camera state the teacher heard is <paramref name="state"/>.</summary>
    private static List<Guid> States(IReadOnlyList<ClassroomEvent> events, string state) => events
        .Where(e => e.Type == "camera.changed")
        .Select(e => ClassroomKit.DataOf(e))
        .GroupBy(d => d.GetProperty("userId").GetGuid())
        .Where(g => g.Last().GetProperty("state").GetString() == state)
        .Select(g => g.Key).ToList();
}
