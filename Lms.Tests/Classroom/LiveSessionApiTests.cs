using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

public sealed class LiveSessionApiTestsOnSqlite(SqliteLmsServer server) : LiveSessionApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class LiveSessionApiTestsOnPostgres(PostgresLmsServer server) : LiveSessionApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Live sessions as course items: scheduling, who sees them, the "today" list, and a held session's records, on each database.</summary>
public abstract class LiveSessionApiTests(LmsServer server)
{
    [Fact]
    public async Task A_teacher_schedules_a_session_in_the_outline_and_enrolled_students_see_it_and_today()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Vật lý 10 — trực tuyến");
        var outline = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/courses/{course.CourseId}"));
        var item = outline.GetProperty("modules")[0].GetProperty("items")[0];
        Assert.Equal("live", item.GetProperty("kind").GetString());
        Assert.Equal(course.SessionId, item.GetProperty("refId").GetGuid());

        var student = await server.SignedInAsync(LmsServer.Student1);
        var seen = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}"));
        Assert.Equal("student", seen.GetProperty("myRole").GetString());
        Assert.Equal("scheduled", seen.GetProperty("status").GetString());
        Assert.Equal($"/live/{course.SessionId}", seen.GetProperty("joinPath").GetString());
        Assert.Equal("Trần Văn Minh", seen.GetProperty("teachers")[0].GetProperty("displayName").GetString());

        var now = DateTimeOffset.UtcNow;
        var today = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(
            $"/api/classroom/agenda?from={Uri.EscapeDataString(now.AddHours(-12).ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(12).ToString("O"))}"));
        Assert.Contains(today.EnumerateArray(), a => a.GetProperty("sessionId").GetGuid() == course.SessionId);

        // Not enrolled, or not signed in: nothing to see.
        var other = await server.SignedInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/classroom/sessions/{course.SessionId}"), HttpStatusCode.NotFound, "not-found");
        var todayOther = await ProblemAssert.OkAsync<JsonElement>(await other.GetAsync("/api/classroom/agenda"));
        Assert.DoesNotContain(todayOther.EnumerateArray(), a => a.GetProperty("sessionId").GetGuid() == course.SessionId);
        await ProblemAssert.IsProblemAsync(await server.Client().GetAsync($"/api/classroom/sessions/{course.SessionId}"), HttpStatusCode.Unauthorized, "unauthenticated");
        // Students do not schedule.
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync($"/api/classroom/courses/{course.CourseId}/sessions",
            new { moduleId = course.ModuleId, title = "x", startsAt = now, endsAt = now.AddHours(1) }), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_weekly_session_shows_on_each_week_until_it_stops_and_bad_schedules_are_refused()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa 10 — hằng tuần");
        var first = DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(1);
        var created = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsJsonAsync(
            $"/api/classroom/courses/{course.CourseId}/sessions", new
            {
                moduleId = course.ModuleId, title = "Thứ Hai hằng tuần", startsAt = first, endsAt = first.AddMinutes(45),
                recurrence = "weekly", repeatUntil = first.AddDays(15),
            }));
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("weekly", created.GetProperty("recurrence").GetString());

        async Task<int> OccurrencesAsync(DateTimeOffset from, DateTimeOffset to)
        {
            var agenda = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(
                $"/api/classroom/agenda?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"));
            return agenda.EnumerateArray().Count(a => a.GetProperty("sessionId").GetGuid() == id);
        }
        Assert.Equal(1, await OccurrencesAsync(first.AddDays(7).AddHours(-1), first.AddDays(7).AddHours(1)));
        Assert.Equal(3, await OccurrencesAsync(first.AddHours(-1), first.AddDays(30)));
        Assert.Equal(0, await OccurrencesAsync(first.AddDays(21).AddHours(-1), first.AddDays(21).AddHours(1)));

        var bad = await course.Teacher.PostAsJsonAsync($"/api/classroom/courses/{course.CourseId}/sessions",
            new { moduleId = course.ModuleId, title = "Ngược giờ", startsAt = first, endsAt = first.AddMinutes(-5) });
        var problem = await ProblemAssert.IsProblemAsync(bad, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("endsAt", out _));
        await ProblemAssert.IsProblemAsync(await course.Teacher.PostAsJsonAsync($"/api/classroom/courses/{course.CourseId}/sessions",
            new { moduleId = course.ModuleId, title = "Hằng ngày?", startsAt = first, endsAt = first.AddHours(1), recurrence = "daily" }),
            HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await course.Teacher.PostAsJsonAsync($"/api/classroom/courses/{course.CourseId}/sessions",
            new { moduleId = Guid.NewGuid(), title = "Không có chương", startsAt = first, endsAt = first.AddHours(1) }),
            HttpStatusCode.NotFound, "not-found");

        var updated = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PutAsJsonAsync($"/api/classroom/sessions/{id}", new
        {
            title = "Thứ Hai (đổi giờ)", startsAt = first.AddHours(1), endsAt = first.AddHours(2), recurrence = "none",
        }));
        Assert.Equal("none", updated.GetProperty("recurrence").GetString());
        var outline = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/courses/{course.CourseId}"));
        Assert.Contains(outline.GetProperty("modules")[0].GetProperty("items").EnumerateArray(), i => i.GetProperty("title").GetString() == "Thứ Hai (đổi giờ)");
    }

    [Fact]
    public async Task A_session_held_through_the_hub_leaves_runs_and_attendance_in_the_database()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Sinh học 10 — trực tuyến");
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        var runId = Guid.Parse((await teacher.Command("Start")).Value!);
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId, messagePack: true);
        await student.JoinAsync();
        var poll = Guid.Parse((await teacher.Command("OpenPoll", "Tế bào là gì?", new[] { "A", "B", "C" }, true, true)).Value!);
        await student.Command("AnswerPoll", poll, new[] { 0, 2 });
        await student.Command("SendChat", "Dạ em hiểu rồi");

        var live = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}"));
        Assert.Equal("live", live.GetProperty("status").GetString());
        Assert.Equal(2, live.GetProperty("inRoom").GetInt32());
        await teacher.Command("End");

        var runs = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs"));
        Assert.Equal(runId, runs[0].GetProperty("id").GetGuid());
        Assert.Equal(2, runs[0].GetProperty("attendees").GetInt32());
        Assert.Equal(1, runs[0].GetProperty("polls").GetInt32());
        Assert.Equal(1, runs[0].GetProperty("chatMessages").GetInt32());
        var report = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/attendance"));
        Assert.Equal(2, report.GetProperty("present").GetInt32());
        Assert.Equal(1, report.GetProperty("absent").GetInt32());
        var polls = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/polls"));
        Assert.Equal([1, 0, 1], polls[0].GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(JsonValueKind.Null, polls[0].GetProperty("answers")[0].GetProperty("userId").ValueKind); // anonymous
        await ProblemAssert.IsProblemAsync(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{Guid.NewGuid()}/attendance"),
            HttpStatusCode.NotFound, "not-found");
        Assert.Equal(RoomStatuses.Ended, (await ProblemAssert.OkAsync<JsonElement>(
            await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}"))).GetProperty("status").GetString());
    }
}
