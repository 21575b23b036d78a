using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Bench.Institutions;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using UglyToad.PdfPig;

namespace Lms.Tests.Institutions;

public sealed class RosterImportTestsOnSqlite(SqliteLmsServer server) : RosterImportTests(server), IClassFixture<SqliteLmsServer>;

public sealed class RosterImportTestsOnPostgres(PostgresLmsServer server) : RosterImportTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// A school's whole roster as Excel exports it: one upload lists every problem with its lines; the corrected
/// file is imported as a background job with progress; the sign-in slips print again and again until used;
/// importing again adds nobody.
/// </summary>
public abstract partial class RosterImportTests(LmsServer server)
{
    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    [GeneratedRegex(@"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b")]
    private static partial Regex PrintedCode();

    private async Task<(Guid School, HttpClient Admin, System.Net.CookieContainer Cookies)> NewSchoolAsync(string name)
    {
        var adminEmail = $"qt.{Guid.NewGuid():N}@roster.test";
        var school = await server.AddSchoolAsync(name, (Roles.Admin, "Quản Trị Trường", adminEmail));
        var cookies = new System.Net.CookieContainer();
        return (school.Id, await server.SignedInAsync(adminEmail, cookies: cookies), cookies);
    }

    private static string UniquePrefix() => "00" + Random.Shared.Next(10, 99);

    [Fact]
    public async Task One_upload_names_every_planted_problem_with_its_lines_and_the_corrected_file_imports_as_a_job()
    {
        var (school, admin, cookies) = await NewSchoolAsync("Trường THPT Cả Năm");
        var prefix = UniquePrefix();
        var spoiled = new SchoolRosterFile(mistakes: true, idPrefix: prefix);

        // One upload: every planted problem, each once, on its line (both lines of the shared ID), and nothing written.
        var refused = await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/roster/imports", Csv(spoiled.Text)),
            HttpStatusCode.UnprocessableEntity, "roster-invalid");
        var problems = refused.GetProperty("problems").EnumerateArray().ToList();
        Assert.Equal(spoiled.Planted.Select(p => (p.Line, p.Code)).Order(),
            problems.Select(p => (p.GetProperty("line").GetInt32(), p.GetProperty("code").GetString()!)).Order());
        foreach (var planted in spoiled.Planted.Where(p => p.OtherLine is not null))
        {
            var duplicate = problems.Single(p => p.GetProperty("code").GetString() == planted.Code);
            Assert.Equal([planted.OtherLine!.Value, planted.Line], duplicate.GetProperty("lines").EnumerateArray().Select(l => l.GetInt32()));
            Assert.Equal(planted.OtherLine.ToString(), duplicate.GetProperty("params").GetProperty("otherLine").GetString());
        }
        var shortened = problems.First(p => p.GetProperty("code").GetString() == "id-leading-zeros-lost").GetProperty("params");
        Assert.Equal(12, shortened.GetProperty("restored").GetString()!.Length);
        var notices = refused.GetProperty("notices").EnumerateArray()
            .Select(n => (n.GetProperty("code").GetString(), n.GetProperty("params").EnumerateObject().FirstOrDefault().Value.GetString())).ToList();
        Assert.Contains(("column-ignored", "STT"), notices);
        Assert.Contains(("column-ignored", "Giới tính"), notices);
        Assert.Contains(("column-compare-only", "Ngày sinh"), notices);
        Assert.Contains(notices, n => n.Item1 == "empty-rows-skipped");
        Assert.Equal(1, await CountAsync(admin, school));

        // The corrected file runs as a job whose progress reaches the page over /hubs/content.
        var file = new SchoolRosterFile(idPrefix: prefix);
        var (import, events) = await ImportAsJobAsync(admin, cookies, school, file.Text);
        var outcome = import.GetProperty("outcome");
        Assert.Equal(file.Rows, outcome.GetProperty("peopleCreated").GetInt32());
        Assert.Equal(36, outcome.GetProperty("classesCreated").GetInt32());
        Assert.Equal(file.WithoutEmail, outcome.GetProperty("slips").GetInt32());
        Assert.Equal(file.WithoutEmail, import.GetProperty("slipsWaiting").GetInt32());
        Assert.Equal("succeeded", events[^1].GetProperty("state").GetString());
        Assert.Equal(1.0, events[^1].GetProperty("progress").GetDouble());
        var running = events.Where(e => e.GetProperty("state").GetString() == "running").Select(e => e.GetProperty("progress").GetDouble()).ToList();
        Assert.Equal(running.Order(), running);

        Assert.Equal(file.Students, await CountAsync(admin, school, "student"));
        Assert.Equal(file.Rows + 1, await CountAsync(admin, school));
        var classes = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/classes"));
        Assert.Equal(36, classes.GetArrayLength());
        Assert.Contains(classes.EnumerateArray(), c => c.GetProperty("name").GetString() == "10A1");
        // Names are stored composed, with single spaces.
        var people = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?take=100&role=student"));
        Assert.All(people.GetProperty("items").EnumerateArray(), p =>
        {
            var name = p.GetProperty("displayName").GetString()!;
            Assert.True(name.IsNormalized(NormalizationForm.FormC), name);
            Assert.DoesNotContain("  ", name);
        });

        // Coming back to the page: the latest import, with its outcome.
        var latest = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/roster/imports/latest"));
        Assert.Equal(import.GetProperty("id").GetString(), latest.GetProperty("id").GetString());

        // The sheet prints twice: fresh codes each time, the earlier ones stop working, a used one leaves the sheet.
        var first = await SlipCodesAsync(admin, school, import);
        Assert.Equal(file.WithoutEmail, first.Count);
        var second = await SlipCodesAsync(admin, school, import);
        Assert.Equal(file.WithoutEmail, second.Count);
        Assert.Empty(first.Intersect(second));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/codes/check", new { code = first[0] }),
            HttpStatusCode.BadRequest, "invalid-code");
        var student = server.Client();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = second[0], newPassword = "Phuong-vi-do-2026" }));
        var third = await SlipCodesAsync(admin, school, import);
        Assert.Equal(file.WithoutEmail - 1, third.Count);
        // Each printed sheet (names, IDs and codes on paper) is in the institution's audit log.
        var printed = await Privacy.PrivacyAuditTests.LogAsync(admin, school, "action=slips-print");
        Assert.Equal(3, printed.GetProperty("total").GetInt32());

        // Importing the same file again adds nobody.
        var (again, _) = await ImportAsJobAsync(admin, cookies, school, file.Text);
        Assert.Equal(0, again.GetProperty("outcome").GetProperty("peopleCreated").GetInt32());
        Assert.Equal(0, again.GetProperty("outcome").GetProperty("membershipsAdded").GetInt32());
        Assert.Equal(file.Rows + 1, await CountAsync(admin, school));
    }

    [Fact]
    public async Task Two_rows_with_one_national_id_and_two_names_are_never_merged_even_without_email()
    {
        var (school, admin, _) = await NewSchoolAsync("Trường không gộp người");
        var id = UniquePrefix() + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var csv = $"vai trò;họ và tên;lớp;mã định danh\r\nhọc sinh;Võ Đình Tâm;12A1;{id}\r\n;;;\r\nhọc sinh;Phạm Thị Ngọc;11A12;{id}\r\n";
        var refused = await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/roster", Csv(csv)),
            HttpStatusCode.UnprocessableEntity, "roster-invalid");
        var only = Assert.Single(refused.GetProperty("problems").EnumerateArray());
        Assert.Equal("same-id-different-person", only.GetProperty("code").GetString());
        Assert.Equal([2, 4], only.GetProperty("lines").EnumerateArray().Select(l => l.GetInt32()));

        // The same person on two rows (one NFD, one with double spaces; class typed in two cases) is one person in one class.
        var same = $"role,full_name,class,national_id\nstudent,{"Võ Đình Tâm".Normalize(NormalizationForm.FormD)},12a1,{id}\nstudent,Võ  Đình Tâm,12A1,{id}\n";
        var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster", Csv(same)));
        Assert.Equal(1, outcome.GetProperty("peopleCreated").GetInt32());
        Assert.Equal(1, outcome.GetProperty("classesCreated").GetInt32());

        // Later, the ID with another name is refused rather than joined to Võ Đình Tâm.
        var other = await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/roster",
            Csv($"role,full_name,national_id\nstudent,Phạm Thị Ngọc,{id}\n")), HttpStatusCode.UnprocessableEntity, "roster-invalid");
        Assert.Equal("id-registered-other-name", other.GetProperty("problems")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_admin_resets_a_persons_sign_in_with_a_one_slip_sheet_and_only_for_people_the_school_made()
    {
        var (school, admin, _) = await NewSchoolAsync("Trường đặt lại đăng nhập");
        var id = UniquePrefix() + Random.Shared.NextInt64(10_000_000, 99_999_999);
        await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster",
            Csv($"role,full_name,class,national_id\nstudent,Lý Gia Hân,7C,{id}\n")));
        var userId = await server.UserIdAsync(id);

        var response = await admin.PostAsync($"/api/institutions/{school}/roster/people/{userId}/sign-in-slip", null);
        Assert.Equal("application/pdf", (await ProblemAssertOkAsync(response)).Content.Headers.ContentType?.MediaType);
        var text = PdfText(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("Lý Gia Hân", text);
        Assert.Contains(id, text);
        var code = Assert.Single(PrintedCode().Matches(text)).Value;
        var student = server.Client();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync("/api/identity/codes/redeem", new { code, newPassword = "Gia-Han-lop-7C" }));
        await server.SignedInAsync(id, "Gia-Han-lop-7C");

        // The demo school's admin cannot reset this school's student, nor this admin the demo's own people.
        var demoAdmin = await server.SignedInAsync(LmsServer.Admin);
        await ProblemAssert.IsProblemAsync(await demoAdmin.PostAsync($"/api/institutions/{school}/roster/people/{userId}/sign-in-slip", null),
            HttpStatusCode.Forbidden, "forbidden");
        var demoStudent = await server.UserIdAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/roster/people/{demoStudent}/sign-in-slip", null),
            HttpStatusCode.NotFound, "not-found");
    }

    private static async Task<HttpResponseMessage> ProblemAssertOkAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode) Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    private static async Task<List<string>> SlipCodesAsync(HttpClient admin, Guid school, JsonElement import)
    {
        var response = await admin.PostAsync($"/api/institutions/{school}/roster/imports/{import.GetProperty("id").GetString()}/slips", null);
        await ProblemAssertOkAsync(response);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        return PrintedCode().Matches(PdfText(await response.Content.ReadAsByteArrayAsync())).Select(m => m.Value).ToList();
    }

    /// <summary>Queues the file, follows its job on /hubs/content until it ends, and returns the finished import and the events seen.</summary>
    private async Task<(JsonElement Import, List<JsonElement> Events)> ImportAsJobAsync(
        HttpClient admin, System.Net.CookieContainer cookies, Guid school, string csv, string query = "")
    {
        var response = await admin.PostAsync($"/api/institutions/{school}/roster/imports{query}", Csv(csv));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var queued = (await response.Content.ReadFromJsonAsync<JsonElement>())!;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/content"), o => o.Cookies = cookies).Build();
        var events = new List<JsonElement>();
        var finished = new TaskCompletionSource();
        void Seen(JsonElement e)
        {
            lock (events) events.Add(e);
            if (e.GetProperty("state").GetString() is "succeeded" or "failed") finished.TrySetResult();
        }
        hub.On<JsonElement>("job", Seen);
        await hub.StartAsync();
        Seen(await hub.InvokeAsync<JsonElement>("WatchJob", Guid.Parse(queued.GetProperty("jobId").GetString()!)));
        await finished.Task.WaitAsync(TimeSpan.FromMinutes(5));
        var import = await ProblemAssert.OkAsync<JsonElement>(
            await admin.GetAsync($"/api/institutions/{school}/roster/imports/{queued.GetProperty("id").GetString()}"));
        Assert.True(import.GetProperty("state").GetString() == "succeeded", import.ToString());
        lock (events) return (import, events.ToList());
    }

    private static async Task<int> CountAsync(HttpClient admin, Guid school, string? role = null)
    {
        var page = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync(
            $"/api/institutions/{school}/people?take=1{(role is null ? "" : "&role=" + role)}"));
        return page.GetProperty("total").GetInt32();
    }
}
