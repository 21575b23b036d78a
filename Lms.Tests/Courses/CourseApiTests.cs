using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Courses;

public sealed class CourseApiTestsOnSqlite(SqliteLmsServer server) : CourseApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class CourseApiTestsOnPostgres(PostgresLmsServer server) : CourseApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Courses from a teacher's draft to a student's progress, and who may do what.</summary>
public abstract class CourseApiTests(LmsServer server)
{
    private async Task<(HttpClient Teacher, Guid School, string CourseId)> DraftCourseAsync(string title)
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var created = await teacher.PostAsJsonAsync("/api/courses", new { institutionId = school, title, summary = "Tóm tắt", kind = "blended" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var course = await ProblemAssert.OkAsync<JsonElement>(created);
        Assert.Equal("draft", course.GetProperty("status").GetString());
        Assert.Equal("owner", course.GetProperty("myRole").GetString());
        return (teacher, school, course.GetProperty("id").GetString()!);
    }

    private static async Task<string> AddModuleAsync(HttpClient teacher, string courseId, string title) =>
        (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title })))
        .GetProperty("id").GetString()!;

    private static async Task<string> AddPageAsync(HttpClient teacher, string courseId, string moduleId, string title) =>
        (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{moduleId}/items",
            new { kind = "page", title, body = "Nội dung **" + title + "**" }))).GetProperty("id").GetString()!;

    [Fact]
    public async Task A_teacher_builds_and_publishes_a_course_and_an_enrolled_student_follows_it()
    {
        var (teacher, _, courseId) = await DraftCourseAsync("Vật lý 10 — Chuyển động thẳng");
        var module = await AddModuleAsync(teacher, courseId, "Chương 1");
        var page1 = await AddPageAsync(teacher, courseId, module, "Vận tốc");
        await AddPageAsync(teacher, courseId, module, "Gia tốc");
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{module}/items",
            new { kind = "link", title = "Mô phỏng PhET", url = "https://phet.colorado.edu/vi/" }));

        var enrolled = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments",
            new { className = "10A1" }));
        Assert.Equal(2, enrolled.GetProperty("added").GetInt32());

        // Before publishing, the student does not see it at all.
        var student = await server.SignedInAsync(LmsServer.Student1);
        Assert.DoesNotContain(await MyCourseIdsAsync(student), id => id == courseId);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/courses/{courseId}"), HttpStatusCode.NotFound, "not-found");

        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsync($"/api/courses/{courseId}/publish", null)).StatusCode);
        Assert.Contains(await MyCourseIdsAsync(student), id => id == courseId);

        var course = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}"));
        Assert.Equal("student", course.GetProperty("myRole").GetString());
        Assert.Equal(3, course.GetProperty("modules")[0].GetProperty("items").GetArrayLength());
        Assert.Equal(0, course.GetProperty("progress").GetProperty("seen").GetInt32());

        var progress = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/courses/{courseId}/items/{page1}/seen", null));
        Assert.Equal(1, progress.GetProperty("seen").GetInt32());
        Assert.Equal(3, progress.GetProperty("total").GetInt32());
        Assert.Equal(33, progress.GetProperty("percent").GetInt32());
        // Opening it again does not count twice.
        progress = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/courses/{courseId}/items/{page1}/seen", null));
        Assert.Equal(1, progress.GetProperty("seen").GetInt32());

        var reopened = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}"));
        Assert.True(reopened.GetProperty("modules")[0].GetProperty("items")[0].GetProperty("seen").GetBoolean());

        var members = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/members"));
        var an = members.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("displayName").GetString() == "Lê Hoàng An");
        Assert.Equal(1, an.GetProperty("itemsSeen").GetInt32());
    }

    [Fact]
    public async Task Progress_is_kept_in_the_database_and_survives_the_grain()
    {
        var (teacher, _, courseId) = await DraftCourseAsync("Tin học 10");
        var module = await AddModuleAsync(teacher, courseId, "Bài 1");
        var item = await AddPageAsync(teacher, courseId, module, "Thuật toán");
        await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { logins = new[] { LmsServer.Student2 } });
        await teacher.PostAsync($"/api/courses/{courseId}/publish", null);
        var student = await server.SignedInAsync(LmsServer.Student2);
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/courses/{courseId}/items/{item}/seen", null));

        var rows = await server.Get<Lms.Grains.Courses.ProgressRepository>()
            .SeenAsync(Guid.Parse(courseId), await server.UserIdAsync(LmsServer.Student2));
        Assert.Equal(Guid.Parse(item), Assert.Single(rows).ItemId);
    }

    [Fact]
    public async Task Students_cannot_create_or_change_courses()
    {
        var school = await server.DemoSchoolIdAsync();
        var student = await server.SignedInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = "Khoá học của em", kind = "blended" }), HttpStatusCode.Forbidden, "forbidden");

        var (teacher, _, courseId) = await DraftCourseAsync("Hoá học 10");
        await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { logins = new[] { LmsServer.Student3 } });
        await teacher.PostAsync($"/api/courses/{courseId}/publish", null);

        await ProblemAssert.IsProblemAsync(await student.PutAsJsonAsync($"/api/courses/{courseId}",
            new { title = "Đổi tên", kind = "blended" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync($"/api/courses/{courseId}/modules",
            new { title = "Chương lạ" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/courses/{courseId}/members"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Another_schools_teacher_can_neither_see_nor_create_courses_here()
    {
        var (_, school, courseId) = await DraftCourseAsync("Sinh học 10");
        await server.AddSchoolAsync("Trường THPT Bên Cạnh", (Roles.Teacher, "Thầy Bên Cạnh", "gv@next-door.test"));
        var outsider = await server.SignedInAsync("gv@next-door.test");

        await ProblemAssert.IsProblemAsync(await outsider.GetAsync($"/api/courses/{courseId}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await outsider.PutAsJsonAsync($"/api/courses/{courseId}",
            new { title = "Chiếm", kind = "blended" }), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await outsider.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = "Lấn sân", kind = "blended" }), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Only_students_of_the_school_can_be_enrolled()
    {
        var (teacher, _, courseId) = await DraftCourseAsync("Ngữ văn 10");
        await server.AddSchoolAsync("Trường Xa", (Roles.Student, "Học Sinh Xa", "hs@far-away.test"));

        var outsider = await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments",
            new { logins = new[] { "hs@far-away.test" } }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("not-a-student", outsider.GetProperty("code").GetString());
        Assert.Equal("hs@far-away.test", outsider.GetProperty("value").GetString());
        var unknown = await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments",
            new { logins = new[] { "ai-do@nowhere.test" } }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("unknown-login", unknown.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments",
            new { logins = new[] { LmsServer.Teacher } }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments",
            new { className = "99Z9" }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments",
            new { }), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task The_outline_can_be_reordered_edited_and_pruned()
    {
        var (teacher, _, courseId) = await DraftCourseAsync("Lịch sử 10");
        var m1 = await AddModuleAsync(teacher, courseId, "Chương 1");
        var m2 = await AddModuleAsync(teacher, courseId, "Chương 2");
        var a = await AddPageAsync(teacher, courseId, m1, "A");
        var b = await AddPageAsync(teacher, courseId, m1, "B");

        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PutAsJsonAsync($"/api/courses/{courseId}/modules/order", new { ids = new[] { m2, m1 } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PutAsJsonAsync($"/api/courses/{courseId}/modules/{m1}/items/order", new { ids = new[] { b, a } })).StatusCode);
        await ProblemAssert.IsProblemAsync(await teacher.PutAsJsonAsync($"/api/courses/{courseId}/modules/{m1}/items/order",
            new { ids = new[] { b } }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PutAsJsonAsync($"/api/courses/{courseId}/items/{a}",
            new { title = "A sửa", body = "Mới" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PutAsJsonAsync($"/api/courses/{courseId}/modules/{m2}", new { title = "Chương hai" })).StatusCode);

        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}"));
        var modules = course.GetProperty("modules");
        Assert.Equal("Chương hai", modules[0].GetProperty("title").GetString());
        Assert.Equal(["B", "A sửa"], modules[1].GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await teacher.DeleteAsync($"/api/courses/{courseId}/items/{b}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.DeleteAsync($"/api/courses/{courseId}/modules/{m1}")).StatusCode);
        course = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}"));
        Assert.Single(course.GetProperty("modules").EnumerateArray());
        await ProblemAssert.IsProblemAsync(await teacher.DeleteAsync($"/api/courses/{courseId}/modules/{m1}"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Bad_course_input_is_refused_with_the_field_named()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var tooLong = await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = new string('T', 201), kind = "blended" }), HttpStatusCode.BadRequest, "validation");
        Assert.Contains(tooLong.GetProperty("errors").EnumerateObject(), e => e.Name.Equals("title", StringComparison.OrdinalIgnoreCase));
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, kind = "blended" }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = "Khoá lạ", kind = "webinar" }), HttpStatusCode.BadRequest, "validation");

        var (_, _, courseId) = await DraftCourseAsync("Địa lý 10");
        var module = await AddModuleAsync(teacher, courseId, "Bài 1");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{module}/items",
            new { kind = "link", title = "Liên kết hỏng", url = "javascript:alert(1)" }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{module}/items",
            new { kind = "page", title = "Trang trống", body = "  " }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{Guid.NewGuid()}/items",
            new { kind = "page", title = "Lạc", body = "x" }), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task The_owner_adds_a_co_teacher_who_may_edit_but_not_add_teachers()
    {
        var (teacher, _, courseId) = await DraftCourseAsync("GDCD 10");
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster",
            new StringContent($"role,full_name,email,password\nteacher,Cô Đồng Dạy,dongday@{Guid.NewGuid():N}.test,{LmsServer.DemoPassword}\n",
                System.Text.Encoding.UTF8, "text/csv")));
        var people = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?q=dong%20day"));
        var coTeacherLogin = people.GetProperty("items")[0].GetProperty("email").GetString()!;

        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsJsonAsync($"/api/courses/{courseId}/teachers", new { login = coTeacherLogin })).StatusCode);
        var coTeacher = await server.SignedInAsync(coTeacherLogin);
        var course = await ProblemAssert.OkAsync<JsonElement>(await coTeacher.GetAsync($"/api/courses/{courseId}"));
        Assert.Equal("teacher", course.GetProperty("myRole").GetString());
        await AddModuleAsync(coTeacher, courseId, "Chương do cô thêm");
        await ProblemAssert.IsProblemAsync(await coTeacher.PostAsJsonAsync($"/api/courses/{courseId}/teachers",
            new { login = LmsServer.Teacher }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/teachers",
            new { login = LmsServer.Student1 }), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task An_admin_who_also_teaches_the_course_keeps_the_admins_right_to_add_teachers()
    {
        var (teacher, _, courseId) = await DraftCourseAsync("Tin học 10");
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var email = $"hieupho{Guid.NewGuid():N}@test.vn";
        foreach (var role in new[] { "teacher", "admin" })
            await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster",
                new StringContent($"role,full_name,email,password\n{role},Thầy Hiệu Phó,{email},{LmsServer.DemoPassword}\n",
                    System.Text.Encoding.UTF8, "text/csv")));
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsJsonAsync($"/api/courses/{courseId}/teachers", new { login = email })).StatusCode);

        var deputy = await server.SignedInAsync(email);
        Assert.Equal("teacher", (await ProblemAssert.OkAsync<JsonElement>(await deputy.GetAsync($"/api/courses/{courseId}"))).GetProperty("myRole").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await deputy.PostAsJsonAsync($"/api/courses/{courseId}/teachers", new { login = LmsServer.Teacher })).StatusCode);
    }

    [Fact]
    public async Task The_admin_sees_every_course_of_the_school_including_drafts()
    {
        var (_, school, courseId) = await DraftCourseAsync("Âm nhạc 10");
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var all = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/courses?take=200"));
        Assert.Contains(all.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetString() == courseId);
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/institutions/{school}/courses"), HttpStatusCode.Forbidden, "forbidden");
        var asAdmin = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/courses/{courseId}"));
        Assert.Equal("admin", asAdmin.GetProperty("myRole").GetString());
    }

    [Fact]
    public async Task A_parent_follows_their_childs_courses_and_progress_but_nobody_elses()
    {
        var parent = await server.SignedInAsync(LmsServer.Parent);
        var child = await server.UserIdAsync(LmsServer.Student1);
        var before = await ProblemAssert.OkAsync<JsonElement>(await parent.GetAsync($"/api/courses?learner={child}"));
        var demo = before.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("title").GetString() == "Toán 10 — Hàm số bậc hai");
        Assert.Equal(4, demo.GetProperty("itemsTotal").GetInt32());
        var seenBefore = demo.GetProperty("itemsSeen").GetInt32();

        var student = await server.SignedInAsync(LmsServer.Student1);
        var courseId = demo.GetProperty("id").GetString();
        var course = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}"));
        var unseen = course.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("items").EnumerateArray())
            .First(i => !i.GetProperty("seen").GetBoolean()).GetProperty("id").GetString();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/courses/{courseId}/items/{unseen}/seen", null));

        var after = await ProblemAssert.OkAsync<JsonElement>(await parent.GetAsync($"/api/courses?learner={child}"));
        Assert.Equal(seenBefore + 1, after.GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("id").GetString() == courseId).GetProperty("itemsSeen").GetInt32());

        // Another student's courses stay private, to this parent and to a teacher alike.
        var other = await server.UserIdAsync(LmsServer.Student2);
        await ProblemAssert.IsProblemAsync(await parent.GetAsync($"/api/courses?learner={other}"), HttpStatusCode.NotFound, "not-found");
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/courses?learner={child}"), HttpStatusCode.NotFound, "not-found");
    }

    private static async Task<List<string>> MyCourseIdsAsync(HttpClient client)
    {
        var page = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/courses?take=200"));
        return page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToList();
    }
}
