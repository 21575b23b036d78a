using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Scorm;

public sealed class ScormApiTestsOnSqlite(SqliteLmsServer server) : ScormApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ScormApiTestsOnPostgres(PostgresLmsServer server) : ScormApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>SCORM lessons over HTTP against the real server and its content origin, on each database.</summary>
public abstract class ScormApiTests(LmsServer server)
{
    /// <summary>A published course with one module, class 10A1 (hocsinh1, hocsinh2) enrolled.</summary>
    public static async Task<(string CourseId, string ModuleId)> CourseAsync(HttpClient teacher, Guid school, string title)
    {
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses", new { institutionId = school, title, kind = "blended" }));
        var courseId = course.GetProperty("id").GetString()!;
        var module = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title = "Bài học SCORM" }));
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className = "10A1" }));
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsync($"/api/courses/{courseId}/publish", null)).StatusCode);
        return (courseId, module.GetProperty("id").GetString()!);
    }

    public static Task<HttpResponseMessage> UploadAsync(HttpClient teacher, string courseId, string moduleId, byte[] zip, string? title = null)
    {
        var content = new ByteArrayContent(zip);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return teacher.PostAsync($"/api/courses/{courseId}/modules/{moduleId}/scorm{(title is null ? "" : "?title=" + Uri.EscapeDataString(title))}", content);
    }

    private static object Commit(string session, string? lessonStatus = null, double? raw = null, string? time = null, string? location = null,
        string? suspend = null, string? exit = null, string? completion = null, string? success = null, double? scaled = null) => new
    {
        sessionId = session, lessonStatus, completionStatus = completion, successStatus = success, scoreRaw = raw,
        scoreMin = raw is null ? (double?)null : 0, scoreMax = raw is null ? (double?)null : 100, scoreScaled = scaled, sessionTime = time,
        location, suspendData = suspend, exit,
    };

    [Fact]
    public async Task A_scored_scorm_12_lesson_is_played_from_the_content_origin_and_counts_in_the_learners_standing()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var (courseId, moduleId) = await CourseAsync(teacher, school, "SCORM 1.2 — API");
        var created = await UploadAsync(teacher, courseId, moduleId, ScormPackages.Scorm12Scored());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        var itemId = view.GetProperty("itemId").GetString()!;
        Assert.Equal("Hàm số bậc hai (SCORM 1.2)", view.GetProperty("title").GetString());
        Assert.Equal("1.2", view.GetProperty("version").GetString());

        var student = await server.SignedInAsync(LmsServer.Student1);
        var launch = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}/items/{itemId}/scorm/launch"));
        Assert.True(launch.GetProperty("tracked").GetBoolean());
        Assert.Equal("bai1", launch.GetProperty("scoId").GetString());
        Assert.Equal(JsonValueKind.Null, launch.GetProperty("resume").ValueKind);
        var runtimeUrl = new Uri(launch.GetProperty("runtimeUrl").GetString()!);
        // Another origin: the other loopback name (cookies are kept by host, not by port).
        Assert.Equal("localhost", runtimeUrl.Host);
        Assert.NotEqual(server.BaseAddress.Port, runtimeUrl.Port);

        // The content origin answers without any cookie, with a token; framed only by the app.
        using var anonymous = new HttpClient();
        var origin = new Uri($"http://127.0.0.1:{runtimeUrl.Port}");
        var runtime = await anonymous.GetAsync(new Uri(origin, runtimeUrl.PathAndQuery));
        Assert.Equal(HttpStatusCode.OK, runtime.StatusCode);
        var html = await runtime.Content.ReadAsStringAsync();
        Assert.Contains($"<meta name=\"lms-app-origin\" content=\"{server.BaseAddress.GetLeftPart(UriPartial.Authority)}\">", html);
        Assert.Contains($"frame-ancestors 'self' {server.BaseAddress.GetLeftPart(UriPartial.Authority)}", runtime.Headers.GetValues("Content-Security-Policy").Single());
        var token = runtimeUrl.AbsolutePath.Split('/')[2];
        var sco = await anonymous.GetAsync(new Uri(origin, $"/p/{token}/sco/index.html"));
        Assert.Equal(HttpStatusCode.OK, sco.StatusCode);
        Assert.Equal("text/html", sco.Content.Headers.ContentType!.MediaType);
        Assert.False(sco.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(origin, $"/p/{token[..^4]}AAAA/sco/index.html"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(origin, $"/p/{token}/..%2F..%2Fimsmanifest.xml"))).StatusCode);
        // The app's own API is not on the content origin.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(origin, "/api/identity/me"))).StatusCode);

        // The app's pages may frame the content origin, and nothing else.
        var page = await student.GetAsync($"/courses/{courseId}/items/{itemId}");
        Assert.Contains($"frame-src http://localhost:{runtimeUrl.Port};", page.Headers.GetValues("Content-Security-Policy").Single());

        // A first session, saved twice (the SCO reports its time so far each time), then a second session.
        var url = $"/api/courses/{courseId}/items/{itemId}/scorm/runtime/bai1";
        await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync(url, Commit("s1", "incomplete", time: "00:01:00")));
        var first = await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync(url, Commit("s1", "passed", 80, "00:03:20")));
        Assert.True(first.GetProperty("completed").GetBoolean());
        Assert.Equal(0.8, first.GetProperty("score").GetDouble(), 3);
        Assert.Equal(200, first.GetProperty("totalSeconds").GetDouble(), 3);
        var second = await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync(url, Commit("s2", "passed", 80, "00:00:40")));
        Assert.Equal(240, second.GetProperty("totalSeconds").GetDouble(), 3);

        // The teacher sees it in the learner's standing: completed, scored.
        var studentId = await server.UserIdAsync(LmsServer.Student1);
        var standing = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/standing/{studentId}"));
        var item = standing.GetProperty("standing").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemId").GetString() == itemId);
        Assert.True(item.GetProperty("completed").GetBoolean());
        Assert.Equal(0.8, item.GetProperty("score").GetDouble(), 3);

        // Values outside SCORM's vocabulary are refused with a code; staff try the lesson but nothing of theirs is kept.
        var bad = await ProblemAssert.IsProblemAsync(await student.PutAsJsonAsync(url, Commit("s3", "finished")), HttpStatusCode.BadRequest,
            "validation");
        Assert.Equal("scorm-bad-value", bad.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await teacher.PutAsJsonAsync(url, Commit("t1", "passed"))).StatusCode);
        var teacherLaunch = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/items/{itemId}/scorm/launch"));
        Assert.False(teacherLaunch.GetProperty("tracked").GetBoolean());
        // A student of another class is not in the course.
        var outsider = await server.SignedInAsync(LmsServer.Student3);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/courses/{courseId}/items/{itemId}/scorm/launch")).StatusCode);
    }

    [Fact]
    public async Task A_scorm_2004_lesson_resumes_at_its_location_with_its_suspend_data()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var (courseId, moduleId) = await CourseAsync(teacher, school, "SCORM 2004 — API");
        var view = await ProblemAssert.OkAsync<JsonElement>(await UploadAsync(teacher, courseId, moduleId, ScormPackages.Scorm2004MultiSco(), "Chuyển động"));
        var itemId = view.GetProperty("itemId").GetString()!;
        Assert.Equal(["phan1", "phan2"], view.GetProperty("scos").EnumerateArray().Select(s => s.GetProperty("id").GetString()));

        var student = await server.SignedInAsync(LmsServer.Student2);
        await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync($"/api/courses/{courseId}/items/{itemId}/scorm/runtime/phan1",
            Commit("a", location: "2", suspend: "p1;", exit: "suspend", completion: "incomplete", time: "PT1M")));

        // Another device: the launch picks the part left mid-way and carries what it saved.
        var other = await server.SignedInAsync(LmsServer.Student2);
        var launch = await ProblemAssert.OkAsync<JsonElement>(await other.GetAsync($"/api/courses/{courseId}/items/{itemId}/scorm/launch"));
        Assert.Equal("phan1", launch.GetProperty("scoId").GetString());
        Assert.Equal("lesson/part1.html", launch.GetProperty("href").GetString());
        var resume = launch.GetProperty("resume");
        Assert.Equal(("2", "p1;", "suspend", 60.0), (resume.GetProperty("location").GetString(), resume.GetProperty("suspendData").GetString(),
            resume.GetProperty("exitMode").GetString(), resume.GetProperty("totalSeconds").GetDouble()));

        // Both parts done: the item is complete, scored by the part that reported a score.
        await ProblemAssert.OkAsync<JsonElement>(await other.PutAsJsonAsync($"/api/courses/{courseId}/items/{itemId}/scorm/runtime/phan1",
            Commit("b", location: "3", suspend: "p1;p2;", exit: "normal", completion: "completed")));
        var done = await ProblemAssert.OkAsync<JsonElement>(await other.PutAsJsonAsync($"/api/courses/{courseId}/items/{itemId}/scorm/runtime/phan2",
            Commit("c", completion: "completed", success: "passed", scaled: 1)));
        Assert.True(done.GetProperty("completed").GetBoolean());
        Assert.Equal(1, done.GetProperty("score").GetDouble(), 3);
        var unknown = await other.PutAsJsonAsync($"/api/courses/{courseId}/items/{itemId}/scorm/runtime/phan9", Commit("d"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task Refused_packages_are_answered_with_their_code_and_leave_no_item()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var (courseId, moduleId) = await CourseAsync(teacher, school, "SCORM — refused");
        foreach (var (zip, code) in new[]
                 {
                     (ScormPackages.WithEntries(("../../evil.js", [1])), "scorm-parent-path"),
                     (ScormPackages.WithEntries(("/etc/evil", [1])), "scorm-absolute-path"),
                     (ScormPackages.WithEntries(("media/zeros.bin", new byte[32 * 1024 * 1024])), "scorm-compression-ratio"),
                 })
        {
            var response = await UploadAsync(teacher, courseId, moduleId, zip);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        var outline = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}"));
        Assert.DoesNotContain("\"scorm\"", outline.GetRawText());
        // Students cannot add packages.
        var student = await server.SignedInAsync(LmsServer.Student1);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(student, courseId, moduleId, ScormPackages.Scorm12Scored())).StatusCode);
    }
}
