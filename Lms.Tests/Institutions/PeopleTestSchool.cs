using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Institutions;

/// <summary>
/// A school of its own for one test (so that changing its people touches nobody else's): an admin, a
/// teacher and the given students, all signing in with the demo password; classes and courses made
/// through the API as a school would.
/// </summary>
public sealed class PeopleTestSchool
{
    private readonly LmsServer _server;
    private readonly string _tag;

    private PeopleTestSchool(LmsServer server, string tag, Guid id, HttpClient admin, HttpClient teacher)
    {
        _server = server;
        _tag = tag;
        Id = id;
        Admin = admin;
        Teacher = teacher;
    }

    public Guid Id { get; }
    public HttpClient Admin { get; }
    public HttpClient Teacher { get; }
    public string AdminEmail => $"qt.{_tag}@people.test";
    public string TeacherEmail => $"gv.{_tag}@people.test";
    public string Url(string path = "") => $"/api/institutions/{Id}{path}";

    public static async Task<PeopleTestSchool> CreateAsync(LmsServer server, params (string Role, string Name)[] people)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var everyone = new List<(string, string, string)>
        {
            (Roles.Admin, "Quản Trị Trường", $"qt.{tag}@people.test"), (Roles.Teacher, "Giáo Viên Chủ Nhiệm", $"gv.{tag}@people.test"),
        };
        everyone.AddRange(people.Select((p, i) => (p.Role, p.Name, EmailOf(tag, i))));
        var school = await server.AddSchoolAsync("Trường THPT " + tag, [.. everyone]);
        return new PeopleTestSchool(server, tag, school.Id,
            await server.SignedInAsync($"qt.{tag}@people.test"), await server.SignedInAsync($"gv.{tag}@people.test"));
    }

    private static string EmailOf(string tag, int index) => $"p{index}.{tag}@people.test";

    /// <summary>The e-mail of the <paramref name="index"/>-th person given to <see cref="CreateAsync"/>.</summary>
    public string Email(int index) => EmailOf(_tag, index);

    public Task<Guid> IdAsync(int index) => _server.UserIdAsync(Email(index));

    public async Task<Guid> ClassAsync(string name)
    {
        var response = await Admin.PostAsJsonAsync(Url("/classes"), new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ProblemAssert.OkAsync<JsonElement>(response)).GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> MoveAsync(Guid userId, Guid classId) =>
        await ProblemAssert.OkAsync<JsonElement>(await Admin.PutAsJsonAsync(Url($"/people/{userId}/class"), new { classId }));

    /// <summary>A published course with one page, given to a whole class (enrolled by class).</summary>
    public async Task<(string CourseId, string ItemId)> ClassCourseAsync(string title, string className)
    {
        var created = await Teacher.PostAsJsonAsync("/api/courses", new { institutionId = Id, title, summary = "Tóm tắt", kind = "blended" });
        var courseId = (await ProblemAssert.OkAsync<JsonElement>(created)).GetProperty("id").GetString()!;
        var module = (await ProblemAssert.OkAsync<JsonElement>(await Teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules",
            new { title = "Chương 1" }))).GetProperty("id").GetString()!;
        var item = (await ProblemAssert.OkAsync<JsonElement>(await Teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{module}/items",
            new { kind = "page", title = "Bài 1", body = "Nội dung" }))).GetProperty("id").GetString()!;
        await ProblemAssert.OkAsync<JsonElement>(await Teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className }));
        Assert.True((await Teacher.PostAsync($"/api/courses/{courseId}/publish", null)).IsSuccessStatusCode);
        return (courseId, item);
    }

    /// <summary>The titles of the courses a person sees as theirs.</summary>
    public static async Task<List<string>> CoursesOfAsync(HttpClient person) =>
        (await ProblemAssert.OkAsync<JsonElement>(await person.GetAsync("/api/courses?take=100"))).GetProperty("items").EnumerateArray()
        .Select(c => c.GetProperty("title").GetString()!).Order().ToList();

    public async Task<List<JsonElement>> PeopleAsync(string query = "") =>
        (await ProblemAssert.OkAsync<JsonElement>(await Admin.GetAsync(Url("/people" + query)))).GetProperty("items").EnumerateArray().ToList();

    public async Task<List<string>> AuditActionsAsync(Guid subjectId, string kind = "people") =>
        (await ProblemAssert.OkAsync<JsonElement>(await Admin.GetAsync(Url($"/{kind}/{subjectId}/audit")))).GetProperty("items")
        .EnumerateArray().Select(a => a.GetProperty("action").GetString()!).ToList();
}
