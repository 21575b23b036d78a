using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Server.Content;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Lms.Tests.Classroom;
using Microsoft.Extensions.DependencyInjection;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Content;

public sealed class LessonRecordingApiTestsOnSqlite(SqliteLmsServer server) : LessonRecordingApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class LessonRecordingApiTestsOnPostgres(PostgresLmsServer server) : LessonRecordingApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// Recording a live session through the API, with real SignalR clients in the room: only the
/// session's teachers record, everyone in the room is told, and the recording is published next
/// to the session in the course.
/// </summary>
public abstract class LessonRecordingApiTests(LmsServer server)
{
    [Fact]
    public async Task Only_the_sessions_teachers_record_the_room_is_told_and_the_recording_lands_next_to_the_session()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Sinh học 10 — ghi hình " + Guid.NewGuid().ToString("N")[..4]);
        var url = $"/api/classroom/sessions/{course.SessionId}/recording";
        var student = await server.SignedInAsync(LmsServer.Student1);
        var outsider = await server.SignedInAsync(LmsServer.Student3); // class 10A2: not in the course
        var parent = await server.SignedInAsync(LmsServer.Parent);

        // Not before the lesson is live.
        await ProblemAssert.IsProblemAsync(await course.Teacher.PostAsJsonAsync(url, new { title = "Sớm quá" }), HttpStatusCode.Conflict, "conflict");

        await using var teacherRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacherRoom.JoinAsync();
        Assert.True((await teacherRoom.Command("Start")).Ok);
        await using var studentRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await studentRoom.JoinAsync();
        Assert.True((await ClaimAsync(teacherRoom, "tab-a")).GetProperty("granted").GetBoolean());
        // Students have no tab to claim.
        await Assert.ThrowsAsync<HubException>(() => ClaimAsync(studentRoom, "tab-s"));

        // A student may see the state but not record, stop or change the setting; strangers see nothing.
        var seen = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url));
        Assert.False(seen.GetProperty("canRecord").GetBoolean());
        Assert.Equal("browser", seen.GetProperty("mode").GetString());
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url, new { title = "Em ghi" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url + "/stop", new { pieceCount = 1 }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.PutAsJsonAsync(url + "/settings", new { recordAutomatically = true }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await outsider.GetAsync(url), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await outsider.PostAsJsonAsync(url, new { title = "Lạ" }), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await parent.PostAsJsonAsync(url, new { title = "Phụ huynh" }), HttpStatusCode.NotFound, "not-found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client().PostAsJsonAsync(url, new { title = "Ẩn danh" })).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url))).GetProperty("now").ValueKind);

        // The teacher records: everyone in the room is told.
        var started = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Sinh học đã ghi", tabId = "tab-a" }));
        var recordingId = started.GetProperty("id").GetString()!;
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.started"
            && ClassroomKit.DataOf(e).GetProperty("recordingId").GetString() == recordingId), "recording.started");
        var now = (await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url))).GetProperty("now");
        Assert.Equal(recordingId, now.GetProperty("id").GetString());

        // The teacher's browser sends its pieces; a student cannot send one into it.
        var piece = await MediaSamples.BrowserWebmAsync("lesson-piece.webm", seconds: 2);
        Assert.Equal(HttpStatusCode.NotFound, (await PutPieceAsync(student, recordingId, 0, piece)).StatusCode);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece, "tab-a")).IsSuccessStatusCode);
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url + "/stop", new { pieceCount = 1 }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 1, tabId = "tab-a" }));
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.stopped"), "recording.stopped");

        // Published once, as a video next to the session's item; the student sees it under the session.
        var recording = await PublishedAsync(course.Teacher, url);
        var courseView = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{course.CourseId}"));
        var module = courseView.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == course.ModuleId);
        Assert.Contains(module.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == recording.GetProperty("courseItemId").GetString()
            && i.GetProperty("kind").GetString() == "video");
        var theirs = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url));
        Assert.Equal(recordingId, Assert.Single(theirs.GetProperty("recordings").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, theirs.GetProperty("now").ValueKind);

        // Recorded from the start: a teacher's setting, read by everyone's page.
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PutAsJsonAsync(url + "/settings", new { recordAutomatically = true }));
        Assert.True((await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url))).GetProperty("recordAutomatically").GetBoolean());
    }

    [Fact]
    public async Task A_recording_whose_browser_went_away_is_published_by_the_server_after_the_class_ends()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Địa lí 10 — máy tắt " + Guid.NewGuid().ToString("N")[..4]);
        var url = $"/api/classroom/sessions/{course.SessionId}/recording";
        await using var teacherRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacherRoom.JoinAsync();
        Assert.True((await teacherRoom.Command("Start")).Ok);
        await ClaimAsync(teacherRoom, "tab-a");
        var recordingId = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Địa lí", tabId = "tab-a" })))
            .GetProperty("id").GetString()!;
        var piece = await MediaSamples.BrowserWebmAsync("abandoned-piece.webm", seconds: 2);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece, "tab-a")).IsSuccessStatusCode);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 1, piece, "tab-a")).IsSuccessStatusCode);

        // The teacher's browser dies without stopping the recording; the class is ended (from another device).
        Assert.True((await teacherRoom.Command("End")).Ok);
        var options = new LessonRecordingOptions();
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var lessons = scope.ServiceProvider.GetRequiredService<LessonRecordings>();
            // Within the grace the last pieces may still be on their way: nothing is ended.
            await lessons.EndAbandonedAsync(options, DateTimeOffset.UtcNow);
            Assert.Equal("recording", (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url)))
                .GetProperty("recordings")[0].GetProperty("status").GetString());
            // After it, the server publishes what arrived.
            await lessons.EndAbandonedAsync(options, DateTimeOffset.UtcNow + options.GraceAfterEnd + TimeSpan.FromSeconds(1));
        }

        var recording = await PublishedAsync(course.Teacher, url);
        Assert.Equal(recordingId, recording.GetProperty("id").GetString());
        var student = await server.SignedInAsync(LmsServer.Student1);
        var theirs = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url));
        Assert.Equal(recordingId, Assert.Single(theirs.GetProperty("recordings").EnumerateArray()).GetProperty("id").GetString());
        // Both pieces that arrived, joined: the student opens it.
        var item = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/content/items/{recording.GetProperty("itemId").GetString()}"));
        Assert.InRange(item.GetProperty("media").GetProperty("durationSeconds").GetDouble(), 3.5, 5);
    }

    [Fact]
    public async Task A_second_tab_neither_fails_nor_stops_the_first_tabs_recording_and_one_that_takes_over_goes_on_with_it()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa học 10 — hai tab " + Guid.NewGuid().ToString("N")[..4]);
        var url = $"/api/classroom/sessions/{course.SessionId}/recording";
        await using var tabA = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await tabA.JoinAsync();
        Assert.True((await tabA.Command("Start")).Ok);
        Assert.True((await ClaimAsync(tabA, "tab-a")).GetProperty("granted").GetBoolean());
        var recordingId = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Hóa", tabId = "tab-a" })))
            .GetProperty("id").GetString()!;
        var piece = await MediaSamples.BrowserWebmAsync("two-tabs-piece.webm", seconds: 2);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece, "tab-a")).IsSuccessStatusCode);

        // The same teacher opens the room in a second tab: it is told which tab acts, and its start and stop change nothing.
        await using var tabB = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await tabB.JoinAsync();
        var refused = await ClaimAsync(tabB, "tab-b");
        Assert.False(refused.GetProperty("granted").GetBoolean());
        Assert.Equal("tab-a", refused.GetProperty("tabId").GetString());
        await ProblemAssert.IsProblemAsync(await course.Teacher.PostAsJsonAsync(url, new { title = "Tab B", tabId = "tab-b" }),
            HttpStatusCode.Conflict, "recording-other-tab");
        await ProblemAssert.IsProblemAsync(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 5, tabId = "tab-b" }),
            HttpStatusCode.Conflict, "recording-other-tab");
        Assert.Equal(HttpStatusCode.Conflict, (await PutPieceAsync(course.Teacher, recordingId, 1, piece, "tab-b")).StatusCode);
        var now = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url))).GetProperty("now");
        Assert.Equal(recordingId, now.GetProperty("id").GetString());
        Assert.Equal("recording", now.GetProperty("status").GetString());
        Assert.True(now.GetProperty("receiving").GetBoolean());
        // The first tab goes on undisturbed.
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 1, piece, "tab-a")).IsSuccessStatusCode);
        Assert.DoesNotContain(tabA.Received, e => e.Type == "recording.stopped");

        // The teacher takes over in the second tab: the first is told, and the second goes on with the same recording.
        Assert.True((await ClaimAsync(tabB, "tab-b", takeOver: true)).GetProperty("granted").GetBoolean());
        await tabA.WaitForAsync(events => events.Any(e => e.Type == "tab.claimed" && ClassroomKit.DataOf(e).GetProperty("tabId").GetString() == "tab-b"),
            "tab.claimed by tab-b");
        var resumed = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tab B", tabId = "tab-b" }));
        Assert.Equal(recordingId, resumed.GetProperty("id").GetString());
        Assert.True(resumed.GetProperty("resumed").GetBoolean());
        Assert.Equal(2, resumed.GetProperty("nextPiece").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await PutPieceAsync(course.Teacher, recordingId, 2, piece, "tab-a")).StatusCode);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 2, piece, "tab-b")).IsSuccessStatusCode);
        await ProblemAssert.IsProblemAsync(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 3, tabId = "tab-a" }),
            HttpStatusCode.Conflict, "recording-other-tab");
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 3, tabId = "tab-b" }));

        // One recording, published, with the three pieces of both tabs; nothing left finishing.
        var recording = await PublishedAsync(course.Teacher, url);
        Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url))).GetProperty("recordings").EnumerateArray());
        var item = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/content/items/{recording.GetProperty("itemId").GetString()}"));
        Assert.InRange(item.GetProperty("media").GetProperty("durationSeconds").GetDouble(), 5.5, 7);
    }

    [Fact]
    public async Task A_recording_whose_tab_left_shows_as_interrupted_at_once_and_the_reopened_tab_goes_on_with_it()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Lịch sử 10 — mở lại " + Guid.NewGuid().ToString("N")[..4]);
        var url = $"/api/classroom/sessions/{course.SessionId}/recording";
        var tabA = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await tabA.JoinAsync();
        Assert.True((await tabA.Command("Start")).Ok);
        await using var studentRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await studentRoom.JoinAsync();
        await ClaimAsync(tabA, "tab-a");
        var recordingId = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Sử", tabId = "tab-a" })))
            .GetProperty("id").GetString()!;
        var piece = await MediaSamples.BrowserWebmAsync("reopened-piece.webm", seconds: 2);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece, "tab-a")).IsSuccessStatusCode);

        // The teacher closes the tab: the room is told at once, and nobody is shown "recording" while nothing arrives.
        await tabA.DisposeAsync();
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "tab.released"), "tab.released");
        var student = await server.SignedInAsync(LmsServer.Student1);
        Assert.False((await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url))).GetProperty("now").GetProperty("receiving").GetBoolean());

        // A new tab opens the room: it acts, and goes on with the same recording from the next piece.
        await using var tabC = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await tabC.JoinAsync();
        Assert.True((await ClaimAsync(tabC, "tab-c")).GetProperty("granted").GetBoolean());
        var resumed = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Sử", tabId = "tab-c" }));
        Assert.Equal(recordingId, resumed.GetProperty("id").GetString());
        Assert.Equal(1, resumed.GetProperty("nextPiece").GetInt32());
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.resumed"), "recording.resumed");
        Assert.True((await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url))).GetProperty("now").GetProperty("receiving").GetBoolean());
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 1, piece, "tab-c")).IsSuccessStatusCode);
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 2, tabId = "tab-c" }));
        var recording = await PublishedAsync(course.Teacher, url);
        var item = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/content/items/{recording.GetProperty("itemId").GetString()}"));
        Assert.InRange(item.GetProperty("media").GetProperty("durationSeconds").GetDouble(), 3.5, 5);
    }

    [Fact]
    public async Task A_recording_with_no_piece_for_the_threshold_is_reported_stopped_and_nothing_stays_finishing()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Tin học 10 — im lặng " + Guid.NewGuid().ToString("N")[..4]);
        var url = $"/api/classroom/sessions/{course.SessionId}/recording";
        await using var teacherRoom = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacherRoom.JoinAsync();
        Assert.True((await teacherRoom.Command("Start")).Ok);
        await ClaimAsync(teacherRoom, "tab-a");
        var recordingId = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Tin", tabId = "tab-a" })))
            .GetProperty("id").GetString()!;
        var piece = await MediaSamples.BrowserWebmAsync("silent-piece.webm", seconds: 2);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece, "tab-a")).IsSuccessStatusCode);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 1, piece, "tab-a")).IsSuccessStatusCode);

        var options = new LessonRecordingOptions();
        await using var scope = server.Services.CreateAsyncScope();
        var lessons = scope.ServiceProvider.GetRequiredService<LessonRecordings>();
        // No piece for the threshold while the lesson is live: the server ends it with what arrived and tells the room.
        await lessons.EndAbandonedAsync(options, DateTimeOffset.UtcNow);
        Assert.Equal(recordingId, (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url))).GetProperty("now").GetProperty("id").GetString());
        await lessons.EndAbandonedAsync(options, DateTimeOffset.UtcNow + options.SilenceWhileLive + TimeSpan.FromSeconds(1));
        await teacherRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.stopped"
            && ClassroomKit.DataOf(e).GetProperty("recordingId").GetString() == recordingId), "recording.stopped");
        Assert.Equal(JsonValueKind.Null, (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url))).GetProperty("now").ValueKind);
        await PublishedAsync(course.Teacher, url);

        // A stop that counted pieces that never come (the issue's second tab): after the grace it is joined from what arrived.
        var second = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Tin 2", tabId = "tab-a" })))
            .GetProperty("id").GetString()!;
        Assert.True((await PutPieceAsync(course.Teacher, second, 0, piece, "tab-a")).IsSuccessStatusCode);
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 4, tabId = "tab-a" }));
        await lessons.SettleFinishingAsync(options, DateTimeOffset.UtcNow);
        Assert.Equal("finishing", StatusOf(await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url)), second));
        await lessons.SettleFinishingAsync(options, DateTimeOffset.UtcNow + options.FinishingGrace + TimeSpan.FromSeconds(1));
        var published = await PublishedAsync(course.Teacher, url);
        Assert.Equal(second, published.GetProperty("id").GetString());

        // One with nothing at all, still finishing past the limit: failed, saying so.
        var third = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Tin 3", tabId = "tab-a" })))
            .GetProperty("id").GetString()!;
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 2, tabId = "tab-a" }));
        Assert.Equal("finishing", StatusOf(await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url)), third));
        await lessons.SettleFinishingAsync(options, DateTimeOffset.UtcNow + options.FinishingLimit + TimeSpan.FromSeconds(1));
        Assert.Equal("failed", StatusOf(await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(url)), third));
    }

    private static string? StatusOf(JsonElement state, string recordingId) =>
        state.GetProperty("recordings").EnumerateArray().Single(r => r.GetProperty("id").GetString() == recordingId).GetProperty("status").GetString();

    private static async Task<JsonElement> ClaimAsync(RoomClient room, string tabId, bool takeOver = false) =>
        JsonSerializer.SerializeToElement(await room.Connection.InvokeAsync<TabClaim>("ClaimTab", room.SessionId, tabId, takeOver), JsonSerializerOptions.Web);

    private static async Task<JsonElement> PublishedAsync(HttpClient teacher, string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var recording = (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync(url))).GetProperty("recordings")[0];
            if (recording.GetProperty("status").GetString() == "published") return recording;
            Assert.True(recording.GetProperty("status").GetString() != "failed" && DateTime.UtcNow < deadline, $"Not published: {recording}");
            await Task.Delay(250);
        }
    }

    private static async Task<HttpResponseMessage> PutPieceAsync(HttpClient client, string recordingId, int index, string file, string? tabId = null)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/webm");
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/content/recordings/{recordingId}/pieces/{index}") { Content = content };
        if (tabId is not null) request.Headers.Add(RecordingEndpoints.RecorderTabHeader, tabId);
        return await client.SendAsync(request);
    }
}
