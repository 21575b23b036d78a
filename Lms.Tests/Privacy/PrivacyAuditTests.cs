using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Privacy;

public sealed class PrivacyAuditTestsOnSqlite(SqliteLmsServer server) : PrivacyAuditTests(server), IClassFixture<SqliteLmsServer>;

public sealed class PrivacyAuditTestsOnPostgres(PostgresLmsServer server) : PrivacyAuditTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// Reads of full national-ID lists and exports of personal data leave one entry each in the institution's audit log
/// (who, what, from where), which its admins read and nobody can change through the API.
/// </summary>
public abstract class PrivacyAuditTests(LmsServer server)
{
    public const string Browser = "PrivacyTest/1.0 (phone)";

    /// <summary>A signed-in client whose browser says who it is, as the audit log records.</summary>
    public static async Task<HttpClient> BrowserAsync(LmsServer server, string login)
    {
        var client = await server.SignedInAsync(login);
        client.DefaultRequestHeaders.UserAgent.ParseAdd(Browser);
        return client;
    }

    public static async Task<JsonElement> LogAsync(HttpClient admin, Guid school, string query) =>
        await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/audit?{query}"));

    [Fact]
    public async Task A_teachers_gradebook_export_leaves_one_entry_with_who_what_and_where()
    {
        var (_, courseId, _, school) = await AssessmentApiTests.CourseWithQuizAsync(server, new { attemptsAllowed = 1 });
        var teacher = await BrowserAsync(server, LmsServer.Teacher);
        var admin = await server.SignedInAsync(LmsServer.Admin);

        var csv = await teacher.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.csv?language=vi");
        Assert.NotEmpty(csv);

        var log = await LogAsync(admin, school, "action=gradebook-export&take=200");
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray(), e => e.GetProperty("subjectId").GetString() == courseId);
        Assert.Equal(await server.UserIdAsync(LmsServer.Teacher), entry.GetProperty("actorId").GetGuid());
        Assert.Equal("Trần Văn Minh", entry.GetProperty("actorName").GetString());
        Assert.Equal("course", entry.GetProperty("subjectKind").GetString());
        Assert.StartsWith("Toán 10 — kiểm tra", entry.GetProperty("subjectName").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("address").GetString());
        Assert.Equal(Browser, entry.GetProperty("userAgent").GetString());
        var detail = JsonDocument.Parse(entry.GetProperty("detail").GetString()!).RootElement;
        Assert.Equal("csv", detail.GetProperty("format").GetString());
        Assert.False(detail.GetProperty("nationalIds").GetBoolean());
    }

    [Fact]
    public async Task An_admins_read_of_the_full_id_list_is_audited_and_a_teachers_masked_read_is_not()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await BrowserAsync(server, LmsServer.Admin);
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var before = (await LogAsync(admin, school, "action=people-read")).GetProperty("total").GetInt32();

        var list = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?role=student&take=10"));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), p => p.GetProperty("nationalId").GetString() == "001208000001");
        await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/people?role=student"));

        var log = await LogAsync(admin, school, "action=people-read");
        Assert.Equal(before + 1, log.GetProperty("total").GetInt32());
        var entry = log.GetProperty("items")[0];
        Assert.Equal(await server.UserIdAsync(LmsServer.Admin), entry.GetProperty("actorId").GetGuid());
        Assert.Equal("people", entry.GetProperty("subjectKind").GetString());
        Assert.Equal(school, entry.GetProperty("subjectId").GetGuid());
        Assert.Equal("127.0.0.1", entry.GetProperty("address").GetString());
        Assert.Equal(Browser, entry.GetProperty("userAgent").GetString());
        Assert.Equal("student", JsonDocument.Parse(entry.GetProperty("detail").GetString()!).RootElement.GetProperty("role").GetString());

        // The same read found by the person who did it and by the day it happened.
        var at = entry.GetProperty("at").GetDateTimeOffset();
        var byPerson = await LogAsync(admin, school,
            $"personId={await server.UserIdAsync(LmsServer.Admin)}&action=people-read&from={Uri.EscapeDataString(at.AddSeconds(-1).ToString("O"))}");
        Assert.Contains(byPerson.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == entry.GetProperty("id").GetGuid());
        var earlier = await LogAsync(admin, school, $"action=people-read&to={Uri.EscapeDataString(at.AddSeconds(-1).ToString("O"))}");
        Assert.DoesNotContain(earlier.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == entry.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_teachers_attendance_csv_and_an_admins_attendance_with_ids_are_audited()
    {
        var live = await DataCopyTests.ChatAsync(server, LmsServer.Student1, "Có mặt ạ");
        var school = await server.DemoSchoolIdAsync();
        var teacher = await BrowserAsync(server, LmsServer.Teacher);
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var runId = (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/classroom/sessions/{live.SessionId}/runs")))[0]
            .GetProperty("id").GetGuid();

        var csv = await teacher.GetByteArrayAsync($"/api/classroom/sessions/{live.SessionId}/runs/{runId}/attendance.csv");
        Assert.DoesNotContain("001208000001", System.Text.Encoding.UTF8.GetString(csv));
        await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/classroom/sessions/{live.SessionId}/runs/{runId}/attendance"));
        await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/classroom/sessions/{live.SessionId}/runs/{runId}/attendance"));

        var exports = (await LogAsync(admin, school, "action=attendance-export&take=200")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("subjectId").GetGuid() == live.CourseId).ToList();
        var export = Assert.Single(exports);
        Assert.Equal(await server.UserIdAsync(LmsServer.Teacher), export.GetProperty("actorId").GetGuid());
        Assert.Equal(Browser, export.GetProperty("userAgent").GetString());
        Assert.False(JsonDocument.Parse(export.GetProperty("detail").GetString()!).RootElement.GetProperty("nationalIds").GetBoolean());
        // The teacher's masked view is not a read of IDs; the admin's is.
        var reads = (await LogAsync(admin, school, "action=attendance-read&take=200")).GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("subjectId").GetGuid() == live.CourseId).ToList();
        Assert.Equal(await server.UserIdAsync(LmsServer.Admin), Assert.Single(reads).GetProperty("actorId").GetGuid());
    }

    [Fact]
    public async Task The_log_is_read_only_and_for_the_institutions_admins()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people/{await server.UserIdAsync(LmsServer.Student1)}"));
        var entry = (await LogAsync(admin, school, "action=person-read")).GetProperty("items")[0];
        var id = entry.GetProperty("id").GetGuid();

        foreach (var request in new[]
                 {
                     new HttpRequestMessage(HttpMethod.Put, $"/api/institutions/{school}/audit") { Content = JsonContent.Create(new { }) },
                     new HttpRequestMessage(HttpMethod.Delete, $"/api/institutions/{school}/audit"),
                     new HttpRequestMessage(HttpMethod.Post, $"/api/institutions/{school}/audit") { Content = JsonContent.Create(new { }) },
                 })
        {
            var response = await admin.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{request.Method}: {response.StatusCode}");
        }
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            var response = await admin.SendAsync(new HttpRequestMessage(method, $"/api/institutions/{school}/audit/{id}") { Content = JsonContent.Create(new { }) });
            Assert.True(response.StatusCode is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"{method}: {response.StatusCode}");
        }
        Assert.Contains((await LogAsync(admin, school, "action=person-read&take=200")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("id").GetGuid() == id && e.GetProperty("subjectName").GetString() == "Lê Hoàng An");

        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/institutions/{school}/audit"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/institutions/{school}/audit?action=drop-table"), HttpStatusCode.BadRequest, "validation");
        var other = await server.AddSchoolAsync("THPT Khác " + Guid.NewGuid().ToString("N")[..6], ("admin", "Quản Trị Khác", $"qt{Guid.NewGuid():N}@example.vn"));
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/institutions/{other.Id}/audit"), HttpStatusCode.Forbidden, "forbidden");
    }
}
