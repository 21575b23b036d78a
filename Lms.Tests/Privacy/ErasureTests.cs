using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Grains.Privacy;
using Lms.Grains.SchoolYear;
using Lms.Server.Communication.Mail;
using Lms.Tests.Infrastructure;
using Lms.Tests.Moocs;

namespace Lms.Tests.Privacy;

public sealed class ErasureTestsOnSqlite(SqliteLmsServer server) : ErasureTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ErasureTestsOnPostgres(PostgresLmsServer server) : ErasureTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// A person asks for erasure; the institution's admins see what it erases and what the school must keep, and carry it
/// out (the account becomes a pseudonym that cannot sign in, grades stay under it) or decline it with a reason the
/// person is mailed.
/// </summary>
public abstract class ErasureTests(LmsServer server)
{
    private async Task<JsonElement> OpenRequestOfAsync(HttpClient admin, Guid school, Guid userId)
    {
        var open = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/erasure-requests?status=open"));
        return open.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("userId").GetGuid() == userId);
    }

    [Fact]
    public async Task A_carried_out_request_leaves_a_pseudonym_that_cannot_sign_in_and_keeps_the_grade()
    {
        var (teacher, courseId) = await DataCopyTests.AttemptAsync(server, LmsServer.Student2);
        var live = await DataCopyTests.ChatAsync(server, LmsServer.Student2, "Dạ em chưa hiểu câu 3");
        var school = await server.DemoSchoolIdAsync();
        var userId = await server.UserIdAsync(LmsServer.Student2);
        var gradeBefore = Row(await Gradebook(teacher, courseId), "Phạm Thu Hà").GetProperty("total").GetDouble();
        // The school account that signs the student in, and the phone their notifications reach: both name the person.
        var providers = server.Get<OidcProviderRepository>();
        var provider = Assert.IsType<OidcProviderSave.Saved>(await providers.CreateAsync(school, new OidcProviderDraft(
            "Trường", "https://login.erasure.example", "lms", "protected-secret", false, null, [$"erasure-{Guid.NewGuid():N}.example"]))).Provider;
        var subject = Guid.NewGuid().ToString("N");
        Assert.True(await providers.LinkAsync(provider.Id, "https://login.erasure.example", subject, userId));
        await server.Get<PushRepository>().SubscribeAsync(userId, "https://push.example/erasure", "p256dh", "auth");

        var student = await server.SignedInAsync(LmsServer.Student2);
        var asked = await student.PostAsJsonAsync("/api/privacy/erasure-requests", new { reason = "Em chuyển trường", language = "vi" });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        Assert.Equal("open", Assert.Single((await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parts").EnumerateArray())
            .GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync("/api/privacy/erasure-requests", new { }), HttpStatusCode.Conflict, "conflict");

        // The admin sees the request, what it erases here and what the school keeps.
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var request = await OpenRequestOfAsync(admin, school, userId);
        Assert.Equal("Em chuyển trường", request.GetProperty("reason").GetString());
        var scope = request.GetProperty("scope");
        Assert.Equal(1, scope.GetProperty("chatMessages").GetInt32());
        Assert.Equal(1, scope.GetProperty("quizAttempts").GetInt32());
        var teacherClient = await server.SignedInAsync(LmsServer.Teacher);
        await ProblemAssert.IsProblemAsync(await teacherClient.GetAsync($"/api/institutions/{school}/erasure-requests"), HttpStatusCode.Forbidden, "forbidden");
        var partId = request.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await teacherClient.PostAsync($"/api/institutions/{school}/erasure-requests/{partId}/carry-out", null),
            HttpStatusCode.Forbidden, "forbidden");

        var done = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/erasure-requests/{partId}/carry-out", null));
        Assert.True(done.GetProperty("accountErased").GetBoolean());
        Assert.Equal(1, done.GetProperty("chatMessages").GetInt32());
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/erasure-requests/{partId}/carry-out", null),
            HttpStatusCode.Conflict, "conflict");

        // Signed out everywhere, and no sign-in works any more.
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.GetAsync("/api/identity/me")).StatusCode);
        var signIn = await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = LmsServer.Student2, password = LmsServer.DemoPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Null(await providers.LinkedUserAsync("https://login.erasure.example", subject));
        Assert.Empty(await server.Get<PushRepository>().DevicesAsync(userId));

        // The name is gone from the course's members and the chat record; the grade stays under the pseudonym.
        var pseudonym = ErasureRepository.Pseudonym(userId);
        var members = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/members?take=200"));
        var names = members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("displayName").GetString()).ToList();
        Assert.DoesNotContain("Phạm Thu Hà", names);
        Assert.Contains(pseudonym, names);
        var runs = await ProblemAssert.OkAsync<JsonElement>(await live.Teacher.GetAsync($"/api/classroom/sessions/{live.SessionId}/runs"));
        var log = await ProblemAssert.OkAsync<JsonElement>(await live.Teacher.GetAsync(
            $"/api/classroom/sessions/{live.SessionId}/runs/{runs[0].GetProperty("id").GetGuid()}/chat"));
        var message = log.EnumerateArray().Single(m => m.GetProperty("userId").GetGuid() == userId);
        Assert.Equal(pseudonym, message.GetProperty("displayName").GetString());
        Assert.Equal("", message.GetProperty("text").GetString());
        Assert.Equal(gradeBefore, Row(await Gradebook(teacher, courseId), pseudonym).GetProperty("total").GetDouble());

        var audit = await PrivacyAuditTests.LogAsync(admin, school, $"personId={userId}&action=erasure-carried-out");
        Assert.Equal(1, audit.GetProperty("total").GetInt32());
        Assert.Equal(pseudonym, audit.GetProperty("items")[0].GetProperty("subjectName").GetString());
        var mail = (await server.Get<MailOutbox>().ListAsync(200)).First(m => m.Kind == "erasure-done" && m.To.Contains(LmsServer.Student2));
        Assert.Contains("Phạm Thu Hà", mail.Text);
    }

    [Fact]
    public async Task A_declined_request_mails_the_reason_and_the_account_stays()
    {
        var school = await server.DemoSchoolIdAsync();
        var userId = await server.UserIdAsync(LmsServer.Student3);
        var student = await server.SignedInAsync(LmsServer.Student3);
        Assert.Equal(HttpStatusCode.Created, (await student.PostAsJsonAsync("/api/privacy/erasure-requests", new { language = "en" })).StatusCode);
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var partId = (await OpenRequestOfAsync(admin, school, userId)).GetProperty("id").GetGuid();

        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync($"/api/institutions/{school}/erasure-requests/{partId}/decline", new { reason = " " }),
            HttpStatusCode.BadRequest, "validation");
        var reason = "Học sinh đang học lớp 10A2: hồ sơ học bạ phải giữ đến hết năm học " + Guid.NewGuid().ToString("N")[..4];
        Assert.Equal(HttpStatusCode.NoContent,
            (await admin.PostAsJsonAsync($"/api/institutions/{school}/erasure-requests/{partId}/decline", new { reason })).StatusCode);

        var mail = (await server.Get<MailOutbox>().ListAsync(200)).First(m => m.Kind == "erasure-declined" && m.To.Contains(LmsServer.Student3));
        Assert.Contains(reason, mail.Text);
        Assert.Contains("declined", mail.Subject);
        var mine = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync("/api/privacy/erasure-requests"));
        var part = Assert.Single(mine.EnumerateArray());
        Assert.Equal("declined", part.GetProperty("status").GetString());
        Assert.Equal(reason, part.GetProperty("decisionReason").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync("/api/identity/me"));
        Assert.Equal(1, (await PrivacyAuditTests.LogAsync(admin, school, $"personId={userId}&action=erasure-declined")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_person_of_two_institutions_is_erased_only_when_the_second_carries_out_its_part()
    {
        var kit = new MoocKit(server);
        var mooc = await kit.CreateAsync("Nhập môn dữ liệu " + Guid.NewGuid().ToString("N")[..6], pages: 1);
        var student = await server.SignedInAsync(LmsServer.Student1);
        Assert.Equal(HttpStatusCode.Created, (await student.PostAsync($"/api/moocs/runs/{mooc.RunId}/enrol", null)).StatusCode);
        var userId = await server.UserIdAsync(LmsServer.Student1);
        var asked = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync("/api/privacy/erasure-requests", new { }));
        Assert.Equal(2, asked.GetProperty("parts").GetArrayLength());

        var school = await server.DemoSchoolIdAsync();
        var schoolAdmin = await server.SignedInAsync(LmsServer.Admin);
        var first = await ProblemAssert.OkAsync<JsonElement>(await schoolAdmin.PostAsync(
            $"/api/institutions/{school}/erasure-requests/{(await OpenRequestOfAsync(schoolAdmin, school, userId)).GetProperty("id").GetGuid()}/carry-out", null));
        Assert.False(first.GetProperty("accountErased").GetBoolean());
        // The university still keeps the account: it signs in as before. The school cannot decide the university's part.
        await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync("/api/identity/me"));
        var university = await kit.UniversityIdAsync();
        var universityAdmin = await server.SignedInAsync(MoocKit.UniversityAdmin);
        var part = (await OpenRequestOfAsync(universityAdmin, university, userId)).GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await schoolAdmin.PostAsync($"/api/institutions/{university}/erasure-requests/{part}/carry-out", null),
            HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await universityAdmin.PostAsync($"/api/institutions/{school}/erasure-requests/{part}/carry-out", null),
            HttpStatusCode.Forbidden, "forbidden");

        var second = await ProblemAssert.OkAsync<JsonElement>(await universityAdmin.PostAsync(
            $"/api/institutions/{university}/erasure-requests/{part}/carry-out", null));
        Assert.True(second.GetProperty("accountErased").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.GetAsync("/api/identity/me")).StatusCode);
    }

    private static async Task<JsonElement> Gradebook(HttpClient teacher, string courseId) =>
        await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/gradebook"));

    private static JsonElement Row(JsonElement book, string name) =>
        book.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == name);
}
