using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Bench.Institutions;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Institutions;

/// <summary>
/// The school's file re-imported in update mode: the job previews every change and writes nothing; the admin's
/// confirmation applies exactly the preview, once, and a preview the people moved on from is refused.
/// </summary>
public abstract partial class RosterImportTests
{
    private const int Teachers = 4, Students = 30, Classes = 3, Parents = 10;

    private async Task<JsonElement> PersonAsync(HttpClient admin, Guid school, Guid userId) =>
        await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people/{userId}"));

    private static async Task<List<JsonElement>> ChangesAsync(HttpClient admin, Guid school, JsonElement import, string query = "") =>
        (await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync(
            $"/api/institutions/{school}/roster/imports/{import.GetProperty("id").GetString()}/changes?take=100{query}")))
        .GetProperty("items").EnumerateArray().ToList();

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient admin, Guid school, JsonElement import) =>
        admin.PostAsJsonAsync($"/api/institutions/{school}/roster/imports/{import.GetProperty("id").GetString()}/confirm",
            new { hash = import.GetProperty("previewHash").GetString() });

    [Fact]
    public async Task An_update_previews_a_rename_a_move_a_new_email_and_a_new_student_and_applies_exactly_them_once()
    {
        var school = await PeopleTestSchool.CreateAsync(server);
        var cookies = new CookieContainer();
        var admin = await server.SignedInAsync(school.AdminEmail, cookies: cookies);
        var prefix = UniquePrefix();
        var tag = Guid.NewGuid().ToString("N")[..8];
        // Its own e-mail domains: the other tests of this server import the same generated addresses.
        var file = new SchoolRosterFile(Teachers, Students, Classes, Parents, idPrefix: prefix);
        var original = file.Text.Replace("@truong.test", $"@{tag}.truong.test").Replace("@gmail.test", $"@{tag}.gmail.test");
        await ImportAsJobAsync(admin, cookies, school.Id, original);
        await school.ClassCourseAsync("Toán 10A1", "10A1");
        await school.ClassCourseAsync("Văn 10A2", "10A2");

        var (renamedId, movedId, teacherId, newId) = (file.StudentId(0), file.StudentId(1), file.TeacherId(0), file.StudentId(9_999_999));
        var renamed = await server.UserIdAsync(renamedId);
        var moved = await server.UserIdAsync(movedId);
        var teacher = await server.UserIdAsync(teacherId);
        var nameBefore = (await PersonAsync(admin, school.Id, renamed)).GetProperty("displayName").GetString()!;

        // The moved student signs in (with a slip's code) to see their courses follow.
        var slip = await admin.PostAsync($"/api/institutions/{school.Id}/roster/people/{moved}/sign-in-slip", null);
        var code = PrintedCode().Match(PdfText(await (await ProblemAssertOkAsync(slip)).Content.ReadAsByteArrayAsync())).Value;
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code, newPassword = "Lop-moi-10A1-2026" }));
        var student = await server.SignedInAsync(movedId, "Lop-moi-10A1-2026");
        Assert.Equal(["Văn 10A2"], await PeopleTestSchool.CoursesOfAsync(student));

        var updated = SchoolRosterFile.EditRow(original, renamedId, row => row[1] = "Nguyễn Thị Đổi Tên");
        updated = SchoolRosterFile.EditRow(updated, movedId, row => row[5] = "10a1");
        updated = SchoolRosterFile.EditRow(updated, teacherId, row => row[6] = $"gv0.moi@{tag}.truong.test");
        updated += $"999;Lê  Văn Mới;Học sinh;;Nam;10A3;;{newId};\r\n";
        var people = await CountAsync(admin, school.Id);

        var (preview, _) = await ImportAsJobAsync(admin, cookies, school.Id, updated, "?mode=update");
        Assert.Equal("update", preview.GetProperty("mode").GetString());
        Assert.True(preview.GetProperty("outcome").ValueKind == JsonValueKind.Null, preview.ToString());
        var counts = preview.GetProperty("previewCounts").EnumerateObject().Where(c => c.Value.GetInt32() > 0)
            .ToDictionary(c => c.Name, c => c.Value.GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["new"] = 1, ["renamed"] = 1, ["email"] = 1, ["moved"] = 1 }, counts);
        var changes = (await ChangesAsync(admin, school.Id, preview))
            .Select(c => (c.GetProperty("kind").GetString(), c.GetProperty("from").GetString(), c.GetProperty("to").GetString())).ToList();
        Assert.Equal(
            [("new", null, "10A3"), ("renamed", nameBefore, "Nguyễn Thị Đổi Tên"),
             ("email", $"gv0@{tag}.truong.test", $"gv0.moi@{tag}.truong.test"), ("moved", "10A2", "10A1")],
            changes);
        Assert.Equal("Lê Văn Mới", Assert.Single(await ChangesAsync(admin, school.Id, preview, "&kind=new")).GetProperty("name").GetString());
        var searched = Assert.Single(await ChangesAsync(admin, school.Id, preview, "&q=doi ten"));
        Assert.Equal("renamed", searched.GetProperty("kind").GetString());

        // Nothing is written before the admin confirms.
        Assert.Equal(nameBefore, (await PersonAsync(admin, school.Id, renamed)).GetProperty("displayName").GetString());
        Assert.Equal(people, await CountAsync(admin, school.Id));
        Assert.Equal(["Văn 10A2"], await PeopleTestSchool.CoursesOfAsync(student));

        // An edit in between makes the preview stale: refused, and still nothing written.
        await ProblemAssert.OkAsync<JsonElement>(await admin.PatchAsJsonAsync($"/api/institutions/{school.Id}/people/{renamed}",
            new { displayName = "Tên Sửa Tay" }));
        var stale = await ProblemAssert.IsProblemAsync(await ConfirmAsync(admin, school.Id, preview), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("roster-preview-stale", stale.GetProperty("code").GetString());
        Assert.Equal(people, await CountAsync(admin, school.Id));
        Assert.Equal(movedId, (await PersonAsync(admin, school.Id, moved)).GetProperty("nationalId").GetString());
        Assert.Equal(["Văn 10A2"], await PeopleTestSchool.CoursesOfAsync(student));

        // A fresh preview, confirmed: exactly its changes, audited; the moved student's courses follow.
        (preview, _) = await ImportAsJobAsync(admin, cookies, school.Id, updated, "?mode=update");
        Assert.Contains(await ChangesAsync(admin, school.Id, preview), c => c.GetProperty("from").GetString() == "Tên Sửa Tay");
        var applied = await ProblemAssert.OkAsync<JsonElement>(await ConfirmAsync(admin, school.Id, preview));
        Assert.Equal(1, applied.GetProperty("outcome").GetProperty("peopleCreated").GetInt32());
        Assert.True(applied.GetProperty("confirmedAt").ValueKind == JsonValueKind.String);
        Assert.Equal("Nguyễn Thị Đổi Tên", (await PersonAsync(admin, school.Id, renamed)).GetProperty("displayName").GetString());
        Assert.Equal($"gv0.moi@{tag}.truong.test", (await PersonAsync(admin, school.Id, teacher)).GetProperty("email").GetString());
        var movedNow = await PersonAsync(admin, school.Id, moved);
        Assert.Equal(["10A1"], movedNow.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var newcomer = await PersonAsync(admin, school.Id, await server.UserIdAsync(newId));
        Assert.Equal("Lê Văn Mới", newcomer.GetProperty("displayName").GetString());
        Assert.Equal(people + 1, await CountAsync(admin, school.Id));
        student = await server.SignedInAsync(movedId, "Lop-moi-10A1-2026");
        Assert.Equal(["Toán 10A1"], await PeopleTestSchool.CoursesOfAsync(student));
        Assert.Equal("moved", (await school.AuditActionsAsync(moved))[0]);
        Assert.Equal(["renamed", "renamed"], await school.AuditActionsAsync(renamed));
        Assert.Equal("identity-changed", (await school.AuditActionsAsync(teacher))[0]);

        // The same preview again is refused; the file again has nothing left to change.
        var twice = await ProblemAssert.IsProblemAsync(await ConfirmAsync(admin, school.Id, preview), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("roster-preview-used", twice.GetProperty("code").GetString());
        Assert.Equal(people + 1, await CountAsync(admin, school.Id));
        var (again, _) = await ImportAsJobAsync(admin, cookies, school.Id, updated, "?mode=update");
        Assert.Empty(await ChangesAsync(admin, school.Id, again));
    }

    [Fact]
    public async Task An_update_never_merges_two_people_and_disables_the_absent_only_when_asked()
    {
        var school = await PeopleTestSchool.CreateAsync(server);
        var cookies = new CookieContainer();
        var admin = await server.SignedInAsync(school.AdminEmail, cookies: cookies);
        var prefix = UniquePrefix();
        string Id(int n) => prefix + n.ToString("D8");
        var csv = $"role;full_name;class;national_id\r\nstudent;Võ Đình Tâm;12A1;{Id(41_000_001)}\r\nstudent;Phạm Thị Ngọc;11A12;{Id(41_000_002)}\r\n";
        await ImportAsJobAsync(admin, cookies, school.Id, csv);

        // Ngọc's row given Tâm's ID: an ID is one person, so it is a problem, not a rename that would merge them.
        var merging = $"role;full_name;class;national_id\r\nstudent;Võ Đình Tâm;12A1;{Id(41_000_001)}\r\nstudent;Phạm Thị Ngọc;11A12;{Id(41_000_001)}\r\n";
        var refused = await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school.Id}/roster/imports?mode=update", Csv(merging)),
            HttpStatusCode.UnprocessableEntity, "roster-invalid");
        Assert.Equal("same-id-different-person", refused.GetProperty("problems")[0].GetProperty("code").GetString());

        // Ngọc is no longer in the file: left alone unless the admin ticks "disable the absent".
        var onlyTam = $"role;full_name;class;national_id\r\nstudent;Võ Đình Tâm;12A1;{Id(41_000_001)}\r\n";
        var (kept, _) = await ImportAsJobAsync(admin, cookies, school.Id, onlyTam, "?mode=update");
        Assert.Empty(await ChangesAsync(admin, school.Id, kept));
        var (disabling, _) = await ImportAsJobAsync(admin, cookies, school.Id, onlyTam, "?mode=update&disableAbsent=true");
        // The teacher is not in the file either; the admin applying it (not in the file) never is disabled.
        var disabled = await ChangesAsync(admin, school.Id, disabling);
        Assert.All(disabled, c => Assert.Equal("disabled", c.GetProperty("kind").GetString()));
        Assert.Equal(["Giáo Viên Chủ Nhiệm", "Phạm Thị Ngọc"], disabled.Select(c => c.GetProperty("name").GetString()).Order());
        await ProblemAssert.OkAsync<JsonElement>(await ConfirmAsync(admin, school.Id, disabling));
        var ngoc = await server.UserIdAsync(Id(41_000_002));
        Assert.True((await PersonAsync(admin, school.Id, ngoc)).GetProperty("disabled").GetBoolean());
        Assert.Equal("disabled", (await school.AuditActionsAsync(ngoc))[0]);
    }
}
