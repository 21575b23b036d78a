using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Server.Content;
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
        var started = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Sinh học đã ghi" }));
        var recordingId = started.GetProperty("id").GetString()!;
        await studentRoom.WaitForAsync(events => events.Any(e => e.Type == "recording.started"
            && ClassroomKit.DataOf(e).GetProperty("recordingId").GetString() == recordingId), "recording.started");
        var now = (await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(url))).GetProperty("now");
        Assert.Equal(recordingId, now.GetProperty("id").GetString());

        // The teacher's browser sends its pieces; a student cannot send one into it.
        var piece = await MediaSamples.BrowserWebmAsync("lesson-piece.webm", seconds: 2);
        Assert.Equal(HttpStatusCode.NotFound, (await PutPieceAsync(student, recordingId, 0, piece)).StatusCode);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece)).IsSuccessStatusCode);
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url + "/stop", new { pieceCount = 1 }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url + "/stop", new { pieceCount = 1 }));
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
        var recordingId = (await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(url, new { title = "Tiết Địa lí" })))
            .GetProperty("id").GetString()!;
        var piece = await MediaSamples.BrowserWebmAsync("abandoned-piece.webm", seconds: 2);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 0, piece)).IsSuccessStatusCode);
        Assert.True((await PutPieceAsync(course.Teacher, recordingId, 1, piece)).IsSuccessStatusCode);

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

    private static async Task<HttpResponseMessage> PutPieceAsync(HttpClient client, string recordingId, int index, string file)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/webm");
        return await client.PutAsync($"/api/content/recordings/{recordingId}/pieces/{index}", content);
    }
}
