using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Classroom;

/// <summary>The hub with real SignalR clients over loopback against the real server (its silo, its database).</summary>
public sealed class ClassroomHubTests(ClassroomLmsServer server) : IClassFixture<ClassroomLmsServer>
{
    [Fact]
    public async Task A_student_cannot_call_teacher_methods_and_someone_outside_the_course_cannot_join()
    {
        var course = await ClassroomKit.LiveCourseAsync(server);
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await student.JoinAsync()).Status);
        var teacherId = await server.UserIdAsync(LmsServer.Teacher);

        var attempts = new (string Method, object?[] Args)[]
        {
            ("Start", []), ("End", []), ("SetLock", [true]), ("SetWaitingRoom", [true]), ("SetChat", [false]), ("SetMediaMode", ["off"]),
            ("Mute", [teacherId]), ("Remove", [teacherId]), ("GiveFloor", [teacherId, true]), ("TakeFloor", []), ("ClearHand", [teacherId]),
            ("DeleteChat", [Guid.NewGuid()]), ("OpenPoll", ["?", new[] { "a", "b" }, false, false]), ("ClosePoll", [true]),
            ("StartBreakouts", [2, 5, null]), ("BroadcastToBreakouts", ["x"]), ("EndBreakouts", []), ("Admit", [null]),
        };
        foreach (var (method, args) in attempts)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => student.Command(method, args));
            Assert.EndsWith(ClassroomErrors.Forbidden, error.Message);
        }
        // What students may do, they can.
        Assert.True((await student.Command("RaiseHand")).Ok);

        await using var outsider = await ClassroomKit.ConnectAsync(server, LmsServer.Student3, course.SessionId);
        var refused = await Assert.ThrowsAsync<HubException>(() => outsider.JoinAsync());
        Assert.EndsWith(ClassroomErrors.NotFound, refused.Message);
        await Assert.ThrowsAsync<HubException>(() => outsider.Command("SendChat", "xin chào"));

        // Without signing in there is no connection at all.
        var anonymous = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/classroom")).Build();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => anonymous.StartAsync());
        Assert.Contains("401", failure.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dropped_client_that_reconnects_with_its_last_number_gets_every_missed_event_in_order_none_twice(bool messagePack)
    {
        var course = await ClassroomKit.LiveCourseAsync(server);
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId, messagePack);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        var dropping = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId, messagePack);
        await using var staying = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId, !messagePack);
        await dropping.JoinAsync();
        await staying.JoinAsync();

        var before = (await teacher.Command("SendChat", "Trước khi rớt mạng")).Seq;
        await dropping.WaitForAsync(e => e.Any(x => x.Seq == before), "the first message");
        var lastSeen = dropping.LastSeq;
        await dropping.Connection.StopAsync();
        await dropping.DisposeAsync();

        long last = 0;
        for (var i = 0; i < 25; i++) last = (await teacher.Command("SendChat", $"Trong lúc mất kết nối {i}")).Seq;
        last = (await teacher.Command("OpenPoll", "Đồ thị là parabol?", new[] { "Đúng", "Sai" }, false, false)).Seq;

        await using var back = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId, messagePack);
        var rejoined = await back.JoinAsync(lastSeen);
        Assert.Equal(JoinStatuses.Joined, rejoined.Status);
        Assert.Null(rejoined.Snapshot);
        var after = (await teacher.Command("SendChat", "Sau khi vào lại")).Seq;
        await back.WaitForAsync(e => e.Any(x => x.Seq == after), "the message after reconnecting");
        await staying.WaitForAsync(e => e.Any(x => x.Seq == after), "the other student's copy");

        // What the client applies: the replayed events, then live ones it has not seen.
        var delivered = rejoined.Events.Concat(back.Received).ToList();
        Assert.Equal(delivered.Select(e => e.Seq).Distinct().Count(), delivered.Count); // none twice
        Assert.Equal(delivered.Select(e => e.Seq).Order(), delivered.Select(e => e.Seq)); // in order
        var missed = delivered.Where(e => e.Seq <= after).ToList();
        var reference = staying.Received.Where(e => e.Seq > lastSeen && e.Seq <= after).ToList();
        Assert.Equal(reference.Select(e => (e.Seq, e.Type, e.Data)), missed.Select(e => (e.Seq, e.Type, e.Data)));
        Assert.Equal(25, missed.Count(e => e.Type == "chat.message" && e.Seq <= last));
        Assert.Contains(missed, e => e.Type == "poll.opened" && e.Seq == last);
    }

    [Fact]
    public async Task A_client_too_far_behind_gets_a_snapshot_and_a_replayed_command_is_applied_once()
    {
        var course = await ClassroomKit.LiveCourseAsync(server);
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId, messagePack: true);
        var first = await student.JoinAsync();
        for (var i = 0; i < 80; i++) await teacher.Command("SendChat", $"Tin {i}");

        await using var late = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        var result = await late.JoinAsync(first.Seq);
        Assert.Empty(result.Events);
        var snapshot = JsonDocument.Parse(result.Snapshot!).RootElement;
        Assert.Equal("live", snapshot.GetProperty("status").GetString());
        Assert.Equal("Tin 79", snapshot.GetProperty("chat").EnumerateArray().Last().GetProperty("text").GetString());

        var commandId = Guid.NewGuid().ToString("N");
        var once = await late.Connection.InvokeAsync<CommandResult>("SendChat", course.SessionId, commandId, "Gửi lại khi mạng chập chờn");
        var twice = await late.Connection.InvokeAsync<CommandResult>("SendChat", course.SessionId, commandId, "Gửi lại khi mạng chập chờn");
        Assert.Equal(once, twice);
        var marker = (await teacher.Command("SendChat", "đánh dấu")).Seq;
        await late.WaitForAsync(e => e.Any(x => x.Seq == marker), "the marker");
        Assert.Single(late.Received, e => e.Type == "chat.message" && e.Data.Contains("mạng chập chờn"));
    }

    [Fact]
    public async Task After_the_end_the_teacher_sees_attendance_polls_and_chat_and_downloads_the_csv()
    {
        var course = await ClassroomKit.LiveCourseAsync(server);
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        var runId = Guid.Parse((await teacher.Command("Start")).Value!);
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await student.JoinAsync();
        await student.Command("SendChat", "Em có mặt ạ");
        var poll = Guid.Parse((await teacher.Command("OpenPoll", "Hiểu bài?", new[] { "Có", "Chưa" }, false, false)).Value!);
        await student.Connection.InvokeAsync<CommandResult>("AnswerPoll", course.SessionId, Guid.NewGuid().ToString("N"), poll, new[] { 0 });
        await teacher.Command("End");
        await student.WaitForAsync(e => e.Any(x => x.Type == "session.ended"), "the end");

        var report = await ProblemAssert.OkAsync<JsonElement>(
            await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/attendance"));
        var people = report.GetProperty("people").EnumerateArray().ToList();
        var an = people.Single(p => p.GetProperty("displayName").GetString() == "Lê Hoàng An");
        Assert.True(an.GetProperty("present").GetBoolean());
        var absent = people.Single(p => p.GetProperty("displayName").GetString() == "Phạm Thu Hà");
        Assert.False(absent.GetProperty("present").GetBoolean());
        // A teacher sees identifiers masked; the school's admin sees them in full (Decree 13/2023).
        Assert.Equal("h***@demo.lms.vn", absent.GetProperty("email").GetString());
        Assert.Equal("0013******02", absent.GetProperty("nationalId").GetString());
        var adminReport = await ProblemAssert.OkAsync<JsonElement>(await (await server.SignedInAsync(LmsServer.Admin))
            .GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/attendance"));
        var seenByAdmin = adminReport.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("displayName").GetString() == "Phạm Thu Hà");
        Assert.Equal(LmsServer.Student2, seenByAdmin.GetProperty("email").GetString());
        Assert.Equal("001308000002", seenByAdmin.GetProperty("nationalId").GetString());
        Assert.Equal(1, report.GetProperty("absent").GetInt32());

        var csv = await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/attendance.csv?tz=Asia/Ho_Chi_Minh");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,email,national_id,role,present,first_joined,last_left,minutes,joins", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Lê Hoàng An,") && l.Contains(",yes,") && l.Contains("+07:00"));
        Assert.DoesNotContain(lines, l => l.Contains("001308000002") || l.Contains(LmsServer.Student2));

        var polls = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/polls"));
        Assert.Equal([1, 0], polls[0].GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()));
        var chat = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/chat"));
        Assert.Equal("Em có mặt ạ", chat[0].GetProperty("text").GetString());

        // Students do not read the records.
        var studentHttp = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await studentHttp.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/attendance"),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Signalling_reaches_only_the_person_it_is_for()
    {
        var course = await ClassroomKit.LiveCourseAsync(server);
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var a = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await using var b = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId, messagePack: true);
        await a.JoinAsync();
        await b.JoinAsync();
        var teacherId = await server.UserIdAsync(LmsServer.Teacher);
        var bId = await server.UserIdAsync(LmsServer.Student2);

        await a.Connection.InvokeAsync("Signal", course.SessionId, teacherId, "hello", "");
        await teacher.Connection.InvokeAsync("Signal", course.SessionId, bId, "offer", "{\"sdp\":\"v=0\"}");
        var denied = await Assert.ThrowsAsync<HubException>(() => a.Connection.InvokeAsync("Signal", course.SessionId, bId, "offer", "{}"));
        Assert.EndsWith(ClassroomErrors.Forbidden, denied.Message);

        await ClassroomGrainTests.WaitUntil(() => Task.FromResult(!teacher.Signals.IsEmpty && !b.Signals.IsEmpty), "the signals");
        Assert.Equal("hello", teacher.Signals.Single().Kind);
        Assert.Equal(("offer", "{\"sdp\":\"v=0\"}", teacherId.ToString()), (b.Signals.Single().Kind, b.Signals.Single().Payload, b.Signals.Single().From));
        Assert.Empty(a.Signals);
    }
}
