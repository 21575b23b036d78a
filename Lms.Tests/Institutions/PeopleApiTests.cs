using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Institutions;

public sealed class PeopleApiTestsOnSqlite(SqliteLmsServer server) : PeopleApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class PeopleApiTestsOnPostgres(PostgresLmsServer server) : PeopleApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>An institution's admin keeps its people: rename, logins, move between classes, disable, remove, merge; audited and authorised.</summary>
public abstract class PeopleApiTests(LmsServer server)
{
    private static string Digits(int count) => string.Concat(Guid.NewGuid().ToByteArray().Select(b => (b % 10).ToString())).PadRight(count, '7')[..count];

    [Fact]
    public async Task A_student_who_moves_class_follows_the_new_class_courses_and_keeps_their_history()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Võ Đình Tâm"), (Roles.Student, "Phạm Thị Ngọc"));
        var (tam, ngoc) = (await school.IdAsync(0), await school.IdAsync(1));
        var a1 = await school.ClassAsync("12A1");
        var a12 = await school.ClassAsync("11A12");
        await school.MoveAsync(tam, a1);
        await school.MoveAsync(ngoc, a12);
        var (_, lesson) = await school.ClassCourseAsync("Toán 12A1", "12A1");
        var (_, _) = await school.ClassCourseAsync("Văn 11A12", "11A12");
        var student = await server.SignedInAsync(school.Email(0));
        Assert.Equal(["Toán 12A1"], await PeopleTestSchool.CoursesOfAsync(student));
        var courseId = (await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync("/api/courses"))).GetProperty("items")[0].GetProperty("id").GetString();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/courses/{courseId}/items/{lesson}/seen", null));

        var moved = await school.MoveAsync(tam, a12);

        Assert.Equal(["12A1"], moved.GetProperty("from").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, moved.GetProperty("coursesLeft").GetInt32());
        Assert.Equal(1, moved.GetProperty("coursesJoined").GetInt32());
        Assert.Equal(["Văn 11A12"], await PeopleTestSchool.CoursesOfAsync(student));
        var inList = (await school.PeopleAsync($"?classId={a12}")).Select(p => p.GetProperty("displayName").GetString()).ToList();
        Assert.Equal(["Phạm Thị Ngọc", "Võ Đình Tâm"], inList); // Ngọc before Tâm: by given name
        Assert.Empty(await school.PeopleAsync($"?classId={a1}"));

        // Moving back finds their progress where they left it.
        await school.MoveAsync(tam, a1);
        Assert.Equal(["Toán 12A1"], await PeopleTestSchool.CoursesOfAsync(student));
        var progress = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}/progress"));
        Assert.Equal(1, progress.GetProperty("seen").GetInt32());
        Assert.Equal(["moved", "moved", "moved"], await school.AuditActionsAsync(tam));

        // A teacher is not a student to move; an archived class takes nobody.
        var teacherId = await server.UserIdAsync(school.TeacherEmail);
        var notStudent = await ProblemAssert.IsProblemAsync(await school.Admin.PutAsJsonAsync(school.Url($"/people/{teacherId}/class"), new { classId = a1 }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("move-not-a-student", notStudent.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await school.Admin.PutAsJsonAsync(school.Url($"/classes/{a12}/archived"), new { archived = true })).StatusCode);
        var archived = await ProblemAssert.IsProblemAsync(await school.Admin.PutAsJsonAsync(school.Url($"/people/{ngoc}/class"), new { classId = a12 }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("class-archived", archived.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_rename_and_new_logins_take_effect_at_once_and_the_admin_sees_who_changed_what()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Bui Hong Dung"), (Roles.Student, "Lê Văn Khác"));
        var dung = await school.IdAsync(0);
        var person = await server.SignedInAsync(school.Email(0));
        var nationalId = "0" + Digits(11);
        var newEmail = $"dung.{Digits(6)}@people.test";

        var changed = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.PatchAsJsonAsync(school.Url($"/people/{dung}"),
            new { displayName = "  Bu\u0300i  Hô\u0300ng   Dung ", email = newEmail.ToUpperInvariant(), nationalId }));

        Assert.Equal("Bùi Hồng Dung", changed.GetProperty("displayName").GetString()); // NFC, one space
        Assert.Equal(newEmail, changed.GetProperty("email").GetString());
        var me = await ProblemAssert.OkAsync<JsonElement>(await person.GetAsync("/api/identity/me"));
        Assert.Equal("Bùi Hồng Dung", me.GetProperty("displayName").GetString());
        var found = Assert.Single(await school.PeopleAsync("?q=bui%20hong%20dung"));
        Assert.Equal(dung, found.GetProperty("id").GetGuid());
        await server.SignedInAsync(newEmail);
        await server.SignedInAsync(nationalId);
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = school.Email(0), password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");

        var audit = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.GetAsync(school.Url($"/people/{dung}/audit")));
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("identity-changed", entry.GetProperty("action").GetString());
        Assert.Equal("Quản Trị Trường", entry.GetProperty("actorName").GetString());
        var detail = JsonDocument.Parse(entry.GetProperty("detail").GetString()!).RootElement;
        Assert.Equal("Bùi Hồng Dung", detail.GetProperty("displayName")[1].GetString());
        Assert.DoesNotContain(nationalId, entry.GetProperty("detail").GetString()); // masked in the log

        // The same rules as everywhere: a 12-digit ID (Excel's dropped zeros named), a real address, logins unique.
        async Task<string?> RefusedAsync(object body, HttpStatusCode status, string type) =>
            (await ProblemAssert.IsProblemAsync(await school.Admin.PatchAsJsonAsync(school.Url($"/people/{dung}"), body), status, type))
            .GetProperty("code").GetString();
        Assert.Equal("national-id-shortened", await RefusedAsync(new { nationalId = "1208679000" }, HttpStatusCode.BadRequest, "validation"));
        Assert.Equal("invalid-national-id", await RefusedAsync(new { nationalId = "12-34" }, HttpStatusCode.BadRequest, "validation"));
        Assert.Equal("invalid-email", await RefusedAsync(new { email = "not-an-address" }, HttpStatusCode.BadRequest, "validation"));
        Assert.Equal("invalid-phone", await RefusedAsync(new { phone = "12345" }, HttpStatusCode.BadRequest, "validation"));
        Assert.Equal("invalid-name", await RefusedAsync(new { displayName = "  " }, HttpStatusCode.BadRequest, "validation"));
        Assert.Equal("email-taken", await RefusedAsync(new { email = school.Email(1) }, HttpStatusCode.Conflict, "conflict"));
        Assert.Equal("login-required", await RefusedAsync(new { email = "", nationalId = "" }, HttpStatusCode.BadRequest, "validation"));
        Assert.Single(await school.AuditActionsAsync(dung));
    }

    [Fact]
    public async Task A_disabled_person_is_signed_out_and_their_open_hub_connection_closes_at_once()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Trần Văn Khoá"));
        var id = await school.IdAsync(0);
        var cookies = new CookieContainer();
        var person = await server.SignedInAsync(school.Email(0), cookies: cookies);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/content"), o => o.Cookies = cookies).Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += error => { closed.TrySetResult(error); return Task.CompletedTask; };
        await hub.StartAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await school.Admin.PutAsJsonAsync(school.Url($"/people/{id}/disabled"), new { disabled = true })).StatusCode);

        Assert.Same(closed.Task, await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(30))));
        await ProblemAssert.IsProblemAsync(await person.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = school.Email(0), password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.True((await school.PeopleAsync()).Single(p => p.GetProperty("id").GetGuid() == id).GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await school.Admin.PutAsJsonAsync(school.Url($"/people/{id}/disabled"), new { disabled = false })).StatusCode);
        await server.SignedInAsync(school.Email(0));
        Assert.Equal(["enabled", "disabled"], await school.AuditActionsAsync(id));
        var adminId = await server.UserIdAsync(school.AdminEmail);
        var self = await ProblemAssert.IsProblemAsync(await school.Admin.PutAsJsonAsync(school.Url($"/people/{adminId}/disabled"), new { disabled = true }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("self", self.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_parent_signs_in_with_their_phone_number_however_it_is_typed()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Parent, "Nguyễn Thị Mẹ"), (Roles.Parent, "Nguyễn Văn Bố"));
        var (mother, father) = (await school.IdAsync(0), await school.IdAsync(1));
        var local = "09" + Digits(8);
        var spaced = $"{local[..4]} {local[4..7]} {local[7..]}";

        var changed = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.PatchAsJsonAsync(school.Url($"/people/{mother}"), new { phone = spaced }));

        Assert.Equal("+84" + local[1..], changed.GetProperty("phone").GetString());
        foreach (var login in new[] { spaced, local, "+84" + local[1..], "84" + local[1..], $"+84 {local[1..4]} {local[4..7]} {local[7..]}" })
        {
            var me = await ProblemAssert.OkAsync<JsonElement>(await (await server.SignedInAsync(login)).GetAsync("/api/identity/me"));
            Assert.Equal(mother, me.GetProperty("id").GetGuid());
        }
        var taken = await ProblemAssert.IsProblemAsync(await school.Admin.PatchAsJsonAsync(school.Url($"/people/{father}"), new { phone = "+84" + local[1..] }),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("phone-taken", taken.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = spaced, password = "not-her-password" }), HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task Two_records_of_one_person_merge_into_the_kept_one_and_the_other_is_retired()
    {
        var school = await PeopleTestSchool.CreateAsync(server,
            (Roles.Student, "Hoàng Minh Châu"), (Roles.Student, "Hoàng  Minh Châu"), (Roles.Parent, "Hoàng Văn Cha"));
        var (kept, retired) = (await school.IdAsync(0), await school.IdAsync(1));
        var a1 = await school.ClassAsync("10A1");
        await school.MoveAsync(retired, a1);
        var (courseId, lesson) = await school.ClassCourseAsync("Hoá 10A1", "10A1");
        var duplicate = await server.SignedInAsync(school.Email(1));
        await ProblemAssert.OkAsync<JsonElement>(await duplicate.PostAsync($"/api/courses/{courseId}/items/{lesson}/seen", null));

        var merged = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.PostAsJsonAsync(school.Url($"/people/{kept}/merge"), new { retiredId = retired }));

        // The class place, the enrolment and the page seen moved; the student role both held stays once, on the kept record.
        Assert.Equal(3, merged.GetProperty("rowsMoved").GetInt32());
        await ProblemAssert.IsProblemAsync(await duplicate.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = school.Email(1), password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");
        var person = await server.SignedInAsync(school.Email(0));
        Assert.Equal(["Hoá 10A1"], await PeopleTestSchool.CoursesOfAsync(person));
        var progress = await ProblemAssert.OkAsync<JsonElement>(await person.GetAsync($"/api/courses/{courseId}/progress"));
        Assert.Equal(1, progress.GetProperty("seen").GetInt32());
        var people = await school.PeopleAsync("?q=hoang%20minh%20chau");
        Assert.Equal(kept, Assert.Single(people).GetProperty("id").GetGuid());
        Assert.Equal("10A1", people[0].GetProperty("className").GetString());
        Assert.Equal(["merged-from"], await school.AuditActionsAsync(kept));
        Assert.Equal(["merged-into", "moved"], await school.AuditActionsAsync(retired));

        // The retired record is gone from the school: it cannot be merged again or kept.
        await ProblemAssert.IsProblemAsync(await school.Admin.PostAsJsonAsync(school.Url($"/people/{kept}/merge"), new { retiredId = retired }),
            HttpStatusCode.NotFound, "not-found");
        var same = await ProblemAssert.IsProblemAsync(await school.Admin.PostAsJsonAsync(school.Url($"/people/{kept}/merge"), new { retiredId = kept }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("same-person", same.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_person_removed_from_the_school_leaves_its_classes_and_their_courses()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Đặng Thu Hà"));
        var ha = await school.IdAsync(0);
        await school.MoveAsync(ha, await school.ClassAsync("9A1"));
        await school.ClassCourseAsync("Sử 9A1", "9A1");
        var student = await server.SignedInAsync(school.Email(0));
        Assert.Single(await PeopleTestSchool.CoursesOfAsync(student));

        Assert.Equal(HttpStatusCode.NoContent, (await school.Admin.DeleteAsync(school.Url($"/people/{ha}"))).StatusCode);

        Assert.Empty(await PeopleTestSchool.CoursesOfAsync(student));
        Assert.DoesNotContain(await school.PeopleAsync(), p => p.GetProperty("id").GetGuid() == ha);
        Assert.Equal(["removed", "moved"], await school.AuditActionsAsync(ha));
        await ProblemAssert.IsProblemAsync(await school.Admin.DeleteAsync(school.Url($"/people/{ha}")), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task The_list_sorts_by_given_name_or_surname_and_search_ignores_diacritics()
    {
        var school = await PeopleTestSchool.CreateAsync(server,
            (Roles.Student, "Trần Thị Ân"), (Roles.Student, "Nguyễn Văn An"), (Roles.Student, "Đỗ Anh"), (Roles.Student, "Bùi  Hồng Dung"),
            (Roles.Student, "Hà Đức"), (Roles.Student, "Lê Văn Dũng"));

        async Task<List<string>> NamesAsync(string query) =>
            (await school.PeopleAsync(query)).Select(p => p.GetProperty("displayName").GetString()!).ToList();

        Assert.Equal(["Nguyễn Văn An", "Đỗ Anh", "Trần Thị Ân", "Bùi Hồng Dung", "Lê Văn Dũng", "Hà Đức"], await NamesAsync("?role=student"));
        Assert.Equal(["Bùi Hồng Dung", "Đỗ Anh", "Hà Đức", "Lê Văn Dũng", "Nguyễn Văn An", "Trần Thị Ân"], await NamesAsync("?role=student&sort=surname"));
        Assert.Equal(["Bùi Hồng Dung"], await NamesAsync("?q=bui%20hong%20dung"));
        Assert.Equal(["Bùi Hồng Dung", "Lê Văn Dũng"], await NamesAsync("?q=DUNG"));
        Assert.Equal(["Hà Đức"], await NamesAsync("?q=duc"));
        var page = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.GetAsync(school.Url("/people?role=student&take=2&skip=2")));
        Assert.Equal(6, page.GetProperty("total").GetInt32());
        Assert.Equal(["Trần Thị Ân", "Bùi Hồng Dung"], page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("displayName").GetString()));
        var sort = await ProblemAssert.IsProblemAsync(await school.Admin.GetAsync(school.Url("/people?sort=age")), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("unknown-sort", sort.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Only_the_schools_own_admins_change_its_people()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Lý Thị Bảo"));
        var other = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Người Trường Khác"));
        var bao = await school.IdAsync(0);
        var a1 = await school.ClassAsync("8A1");
        var student = await server.SignedInAsync(school.Email(0));

        foreach (var (caller, status, type) in new[]
                 {
                     (school.Teacher, HttpStatusCode.Forbidden, "forbidden"), (other.Admin, HttpStatusCode.Forbidden, "forbidden"),
                     (student, HttpStatusCode.Forbidden, "forbidden"),
                 })
        {
            await ProblemAssert.IsProblemAsync(await caller.PatchAsJsonAsync(school.Url($"/people/{bao}"), new { displayName = "Tên Mới" }), status, type);
            await ProblemAssert.IsProblemAsync(await caller.PutAsJsonAsync(school.Url($"/people/{bao}/class"), new { classId = a1 }), status, type);
            await ProblemAssert.IsProblemAsync(await caller.PutAsJsonAsync(school.Url($"/people/{bao}/disabled"), new { disabled = true }), status, type);
            await ProblemAssert.IsProblemAsync(await caller.DeleteAsync(school.Url($"/people/{bao}")), status, type);
            await ProblemAssert.IsProblemAsync(await caller.PostAsJsonAsync(school.Url($"/people/{bao}/merge"), new { retiredId = Guid.NewGuid() }), status, type);
            await ProblemAssert.IsProblemAsync(await caller.GetAsync(school.Url($"/people/{bao}/audit")), status, type);
            await ProblemAssert.IsProblemAsync(await caller.GetAsync(school.Url($"/people/{bao}")), status, type);
        }
        // Another school's admin cannot reach this school's people through their own school either.
        await ProblemAssert.IsProblemAsync(await other.Admin.PatchAsJsonAsync(other.Url($"/people/{bao}"), new { displayName = "Tên Mới" }),
            HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await school.Admin.PatchAsJsonAsync($"/api/institutions/{Guid.NewGuid()}/people/{bao}",
            new { displayName = "Tên Mới" }), HttpStatusCode.NotFound, "not-found");
        // A teacher reads the list, with logins masked.
        var seen = (await ProblemAssert.OkAsync<JsonElement>(await school.Teacher.GetAsync(school.Url("/people?role=student")))).GetProperty("items")[0];
        Assert.Contains("***", seen.GetProperty("email").GetString());

        // A person another school made (and added here too) keeps who they are: this school may not rename them.
        var outsider = await other.IdAsync(0);
        await server.Get<Lms.Grains.Institutions.InstitutionRepository>().AddMembershipAsync(school.Id, outsider, Roles.Student);
        var notHere = await ProblemAssert.IsProblemAsync(await school.Admin.PatchAsJsonAsync(school.Url($"/people/{outsider}"), new { displayName = "Đổi Tên" }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("not-made-here", notHere.GetProperty("code").GetString());
        Assert.Equal("Lý Thị Bảo", (await ProblemAssert.OkAsync<JsonElement>(await school.Admin.GetAsync(school.Url($"/people/{bao}"))))
            .GetProperty("displayName").GetString());
    }
}
