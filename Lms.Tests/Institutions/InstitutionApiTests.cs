using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Institutions;

public sealed class InstitutionApiTestsOnSqlite(SqliteLmsServer server) : InstitutionApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class InstitutionApiTestsOnPostgres(PostgresLmsServer server) : InstitutionApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Rosters: import from CSV (all or nothing), and who may read them.</summary>
public abstract class InstitutionApiTests(LmsServer server)
{
    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    private static async Task<int> CountPeopleAsync(HttpClient admin, Guid school)
    {
        var page = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?take=1"));
        return page.GetProperty("total").GetInt32();
    }

    [Fact]
    public async Task An_admin_imports_students_teachers_classes_and_parents_and_they_can_sign_in()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        const string csv = """
            role,full_name,email,national_id,class,password,parent_of
            student,Vũ Thị Mai,mai.vu@import.test,001209000101,11B2,,
            student,Hoàng Văn Nam,,001209000102,11B2,MatKhau-2026,
            teacher,Bùi Thanh Tâm,tam.bui@import.test,,11B2,,
            parent,Vũ Văn Hải,hai.vu@import.test,,,,mai.vu@import.test;001209000102
            """;

        var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster", Csv(csv)));

        Assert.Equal(4, outcome.GetProperty("peopleCreated").GetInt32());
        Assert.Equal(4, outcome.GetProperty("membershipsAdded").GetInt32());
        Assert.Equal(1, outcome.GetProperty("classesCreated").GetInt32());
        Assert.Equal(2, outcome.GetProperty("parentLinksAdded").GetInt32());
        // One row brought its own password; the other three are invited by mail to choose theirs (no code is shown for them).
        var invited = outcome.GetProperty("invitations").EnumerateArray().ToList();
        Assert.Equal(3, invited.Count);
        var mai = invited.Single(c => c.GetProperty("login").GetString() == "mai.vu@import.test");
        Assert.Equal(2, mai.GetProperty("line").GetInt32());
        Assert.True(mai.GetProperty("emailed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, mai.GetProperty("code").ValueKind);

        var maiClient = server.Client();
        await ProblemAssert.OkAsync<JsonElement>(await maiClient.PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = await server.MailedCodeAsync("mai.vu@import.test", "invitation"), newPassword = "Mai-chon-2026" }));
        await server.SignedInAsync("mai.vu@import.test", "Mai-chon-2026");
        await server.SignedInAsync("001209000102", "MatKhau-2026");
        var parent = server.Client();
        await ProblemAssert.OkAsync<JsonElement>(await parent.PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = await server.MailedCodeAsync("hai.vu@import.test", "invitation"), newPassword = "Hai-chon-2026" }));
        var me = await ProblemAssert.OkAsync<JsonElement>(await parent.GetAsync("/api/identity/me"));
        Assert.Equal(2, me.GetProperty("children").GetArrayLength());

        var classes = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/classes"));
        var b2 = classes.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "11B2");
        Assert.Equal(2, b2.GetProperty("students").GetInt32());

        // Importing the same file again adds nobody twice.
        var again = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster", Csv(csv)));
        Assert.Equal(0, again.GetProperty("peopleCreated").GetInt32());
        Assert.Equal(4, again.GetProperty("peopleAlreadyThere").GetInt32());
        Assert.Equal(0, again.GetProperty("membershipsAdded").GetInt32());
    }

    [Fact]
    public async Task A_file_with_broken_rows_names_each_line_and_imports_nothing()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var before = await CountPeopleAsync(admin, school);
        const string csv = """
            role,full_name,email,national_id,class
            student,Người Hợp Lệ,hople@broken.test,,10A9
            student,Email Sai,not-an-email,,10A9
            principal,Vai Trò Lạ,la@broken.test,,
            student,,tenrong@broken.test,,
            student,Mã Sai,,12345,
            """;

        var problem = await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/roster", Csv(csv)),
            HttpStatusCode.UnprocessableEntity, "roster-invalid");

        var problems = problem.GetProperty("problems").EnumerateArray()
            .Select(p => (Line: p.GetProperty("line").GetInt32(), Code: p.GetProperty("code").GetString())).ToList();
        Assert.Equal([(3, "invalid-email"), (4, "unknown-role"), (5, "required"), (6, "invalid-national-id")], problems);
        Assert.Equal(before, await CountPeopleAsync(admin, school));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = "hople@broken.test", password = "whatever-1" }), HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task A_row_that_conflicts_with_someone_registered_stops_the_whole_file()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var before = await CountPeopleAsync(admin, school);
        // Line 3 reuses the demo student's national identifier with another e-mail.
        const string csv = """
            role,full_name,email,national_id
            student,Người Mới,nguoimoi@conflict.test,
            student,Trùng Mã,khac@conflict.test,001208000001
            parent,Phụ Huynh Lạ,phlala@conflict.test,,
            """;
        var withParent = csv.Replace("phlala@conflict.test,,", "phlala@conflict.test,") + "";
        var problem = await ProblemAssert.IsProblemAsync(
            await admin.PostAsync($"/api/institutions/{school}/roster", Csv(withParent)), HttpStatusCode.UnprocessableEntity, "roster-invalid");

        var only = Assert.Single(problem.GetProperty("problems").EnumerateArray());
        Assert.Equal(3, only.GetProperty("line").GetInt32());
        Assert.Equal("identity-conflict", only.GetProperty("code").GetString());
        Assert.Equal(before, await CountPeopleAsync(admin, school));
    }

    [Fact]
    public async Task A_parent_row_must_name_known_students()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        const string csv = "role,full_name,email,parent_of\nparent,Phụ Huynh,ph@unknownchild.test,nobody@unknownchild.test\n";
        var problem = await ProblemAssert.IsProblemAsync(await admin.PostAsync($"/api/institutions/{school}/roster", Csv(csv)),
            HttpStatusCode.UnprocessableEntity, "roster-invalid");
        Assert.Equal("unknown-student", problem.GetProperty("problems")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Excel_style_semicolons_and_vietnamese_headers_are_read_from_a_multipart_upload()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var csv = "\uFEFFVai trò;Họ và tên;Email;Lớp\nHọc sinh;Trịnh Bảo Ngọc;ngoc@excel.test;12C1\n";
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "file", "danh-sach.csv");

        var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster", form));
        Assert.Equal(1, outcome.GetProperty("peopleCreated").GetInt32());

        var found = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?className=12C1"));
        Assert.Equal("Trịnh Bảo Ngọc", found.GetProperty("items")[0].GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Only_an_admin_imports_and_only_staff_read_the_roster()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var student = await server.SignedInAsync(LmsServer.Student1);

        await ProblemAssert.IsProblemAsync(await teacher.PostAsync($"/api/institutions/{school}/roster",
            Csv("role,full_name,email\nstudent,X Y,xy@teacher.test\n")), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/people"));
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/institutions/{school}/people"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/institutions/{Guid.NewGuid()}/people"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_teacher_or_admin_of_another_school_cannot_read_this_schools_roster()
    {
        var school = await server.DemoSchoolIdAsync();
        await server.AddSchoolAsync("Trường THCS Khác",
            (Roles.Teacher, "Giáo Viên Trường Khác", "gv@other-school.test"),
            (Roles.Admin, "Quản Trị Trường Khác", "qt@other-school.test"));
        foreach (var login in new[] { "gv@other-school.test", "qt@other-school.test" })
        {
            var outsider = await server.SignedInAsync(login);
            await ProblemAssert.IsProblemAsync(await outsider.GetAsync($"/api/institutions/{school}/people"), HttpStatusCode.Forbidden, "forbidden");
            await ProblemAssert.IsProblemAsync(await outsider.GetAsync($"/api/institutions/{school}/classes"), HttpStatusCode.Forbidden, "forbidden");
            await ProblemAssert.IsProblemAsync(await outsider.PostAsync($"/api/institutions/{school}/roster",
                Csv("role,full_name,email\nstudent,X Y,xy@outsider.test\n")), HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task The_roster_is_searched_without_diacritics_and_paged()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);

        var found = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/people?q=hoang%20an"));
        Assert.Equal("Lê Hoàng An", Assert.Single(found.GetProperty("items").EnumerateArray()).GetProperty("displayName").GetString());

        var students = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/people?role=student&take=2"));
        Assert.Equal(2, students.GetProperty("items").GetArrayLength());
        Assert.True(students.GetProperty("total").GetInt32() >= 3);
        var next = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/people?role=student&take=2&skip=2"));
        Assert.NotEqual(students.GetProperty("items")[0].GetProperty("id").GetString(), next.GetProperty("items")[0].GetProperty("id").GetString());

        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/institutions/{school}/people?role=headmaster"),
            HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Institutions_nest_only_the_way_the_hierarchy_allows()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        // A school has nothing under it.
        await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync($"/api/institutions/{school}/children",
            new { kind = "school", name = "Trường con" }), HttpStatusCode.BadRequest, "validation");

        var view = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}"));
        Assert.Equal("school", view.GetProperty("kind").GetString());
        Assert.Contains("admin", view.GetProperty("myRoles").EnumerateArray().Select(r => r.GetString()));
    }
}
