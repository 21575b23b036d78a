using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Institutions;

public sealed class ClassApiTestsOnSqlite(SqliteLmsServer server) : ClassApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ClassApiTestsOnPostgres(PostgresLmsServer server) : ClassApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Classes: natural order, renamed without making two of one name, archived out of the lists with their history kept.</summary>
public abstract class ClassApiTests(LmsServer server)
{
    private static async Task<List<string>> NamesAsync(PeopleTestSchool school, string query = "") =>
        (await ProblemAssert.OkAsync<JsonElement>(await school.Admin.GetAsync(school.Url("/classes" + query))))
        .EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();

    [Fact]
    public async Task Classes_list_in_natural_order_and_a_rename_cannot_make_two_of_one_name()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Mai Anh Tuấn"));
        foreach (var name in new[] { "11A1", "10A10", "10A2", "10A1" }) await school.ClassAsync(name);
        var nfd = await school.ClassAsync("10 Chuye\u0302n  Anh");

        Assert.Equal(["10 Chuyên Anh", "10A1", "10A2", "10A10", "11A1"], await NamesAsync(school));

        var renamed = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.PatchAsJsonAsync(school.Url($"/classes/{nfd}"), new { name = " 10  Chuyên Văn " }));
        Assert.Equal("10 Chuyên Văn", renamed.GetProperty("name").GetString());
        foreach (var taken in new[] { "10a1", "10A1 ", "10 chuyên  văn".Normalize(System.Text.NormalizationForm.FormD) })
        {
            var created = await ProblemAssert.IsProblemAsync(await school.Admin.PostAsJsonAsync(school.Url("/classes"), new { name = taken }),
                HttpStatusCode.Conflict, "conflict");
            Assert.Equal("class-name-taken", created.GetProperty("code").GetString());
        }
        var clash = await ProblemAssert.IsProblemAsync(await school.Admin.PatchAsJsonAsync(school.Url($"/classes/{nfd}"), new { name = "11a1" }),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("11a1", clash.GetProperty("value").GetString());
        var empty = await ProblemAssert.IsProblemAsync(await school.Admin.PatchAsJsonAsync(school.Url($"/classes/{nfd}"), new { name = "   " }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("invalid-class-name", empty.GetProperty("code").GetString());
        Assert.Equal(["renamed", "created"], await school.AuditActionsAsync(nfd, "classes"));
        // The people list shows the new name at once.
        var tuan = await school.IdAsync(0);
        await school.MoveAsync(tuan, nfd);
        Assert.Equal("10 Chuyên Văn", (await school.PeopleAsync()).Single(p => p.GetProperty("id").GetGuid() == tuan).GetProperty("className").GetString());
    }

    [Fact]
    public async Task An_archived_class_leaves_the_lists_and_keeps_its_students_and_courses()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Kiều Thị Lan"));
        var lan = await school.IdAsync(0);
        var old = await school.ClassAsync("9A3");
        await school.MoveAsync(lan, old);
        await school.ClassCourseAsync("Địa 9A3", "9A3");

        Assert.Equal(HttpStatusCode.NoContent, (await school.Admin.PutAsJsonAsync(school.Url($"/classes/{old}/archived"), new { archived = true })).StatusCode);

        Assert.DoesNotContain("9A3", await NamesAsync(school));
        var archived = (await ProblemAssert.OkAsync<JsonElement>(await school.Admin.GetAsync(school.Url("/classes?archived=true"))))
            .EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == old);
        Assert.Equal(1, archived.GetProperty("students").GetInt32());
        Assert.Equal(1, archived.GetProperty("courses").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, archived.GetProperty("archivedAt").ValueKind);
        // Still enrolled: the year's record stays; the person shows no active class.
        Assert.Equal(["Địa 9A3"], await PeopleTestSchool.CoursesOfAsync(await server.SignedInAsync(school.Email(0))));
        var detail = await ProblemAssert.OkAsync<JsonElement>(await school.Admin.GetAsync(school.Url($"/people/{lan}")));
        Assert.True(detail.GetProperty("classes")[0].GetProperty("archived").GetBoolean());
        Assert.Equal(JsonValueKind.Null, (await school.PeopleAsync()).Single(p => p.GetProperty("id").GetGuid() == lan).GetProperty("className").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await school.Admin.PutAsJsonAsync(school.Url($"/classes/{old}/archived"), new { archived = false })).StatusCode);
        Assert.Contains("9A3", await NamesAsync(school));
        Assert.Equal(["restored", "archived", "created"], await school.AuditActionsAsync(old, "classes"));
    }

    [Fact]
    public async Task Only_the_schools_admins_rename_create_or_archive_its_classes()
    {
        var school = await PeopleTestSchool.CreateAsync(server);
        var other = await PeopleTestSchool.CreateAsync(server);
        var a1 = await school.ClassAsync("7A1");
        foreach (var caller in new[] { school.Teacher, other.Admin })
        {
            await ProblemAssert.IsProblemAsync(await caller.PatchAsJsonAsync(school.Url($"/classes/{a1}"), new { name = "7A9" }), HttpStatusCode.Forbidden, "forbidden");
            await ProblemAssert.IsProblemAsync(await caller.PutAsJsonAsync(school.Url($"/classes/{a1}/archived"), new { archived = true }),
                HttpStatusCode.Forbidden, "forbidden");
            await ProblemAssert.IsProblemAsync(await caller.PostAsJsonAsync(school.Url("/classes"), new { name = "7A9" }), HttpStatusCode.Forbidden, "forbidden");
        }
        // Through their own school, another school's class is not found.
        await ProblemAssert.IsProblemAsync(await other.Admin.PatchAsJsonAsync(other.Url($"/classes/{a1}"), new { name = "7A9" }), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await other.Admin.PutAsJsonAsync(other.Url($"/classes/{a1}/archived"), new { archived = true }),
            HttpStatusCode.NotFound, "not-found");
        Assert.Equal(["7A1"], await NamesAsync(school));
        await ProblemAssert.OkAsync<JsonElement>(await school.Teacher.GetAsync(school.Url("/classes")));
    }
}
