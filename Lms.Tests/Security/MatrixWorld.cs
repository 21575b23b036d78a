using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Assessment;
using Lms.Tests.Content;
using Lms.Tests.Credentials;
using Lms.Tests.Infrastructure;
using Lms.Tests.Moocs;

namespace Lms.Tests.Security;

/// <summary>Who calls: nobody, the people of the demo school (A), and the admin of a university (B).</summary>
public enum Caller { Anonymous, Student, Teacher, Admin, OtherAdmin, Parent }

/// <summary>One institution's objects, by the name of the path parameter (or body property) that takes their id.</summary>
public sealed record ObjectSet(string Name, IReadOnlyDictionary<string, string> Ids)
{
    /// <summary>An id no object has, for parameters the world does not fill (a recording, an import, a share…).</summary>
    public static readonly string Nothing = "0195f000-0000-7000-8000-00000000d1ff";

    /// <summary>The value of a path parameter of <paramref name="path"/>: some names mean different things under different prefixes.</summary>
    public string Value(string path, string parameter) => parameter switch
    {
        "itemId" when path.StartsWith("/api/content/items", StringComparison.Ordinal) => Ids["contentItemId"],
        "runId" when path.StartsWith("/api/moocs/", StringComparison.Ordinal) => Ids["moocRunId"],
        "runId" => Nothing, // a live lesson's run: none has been held
        _ => Ids.GetValueOrDefault(parameter, Nothing),
    };
}

/// <summary>
/// The demo school (A) and a demo university (B) with the same kinds of objects (a course with a module, a page, a quiz
/// and an attempt, a question, a class, a live lesson, a library item), the university's MOOC with an assignment, a
/// submission, a forum thread and a credential, and a signed-in client for each <see cref="Caller"/>. Built through the
/// API, as people would.
/// </summary>
public sealed class MatrixWorld
{
    private const string OtherStudent = "sinhvien@matrix-b.test";
    private const string OtherVictim = "sinhvien2@matrix-b.test";

    private readonly LmsServer _server;
    private readonly Dictionary<Caller, HttpClient> _clients = [];

    private MatrixWorld(LmsServer server, ObjectSet own, ObjectSet other)
    {
        _server = server;
        Own = own;
        Other = other;
    }

    /// <summary>The demo school's objects (student, teacher, admin and parent belong there).</summary>
    public ObjectSet Own { get; }

    /// <summary>The university's objects (only <see cref="Caller.OtherAdmin"/> belongs there).</summary>
    public ObjectSet Other { get; }

    public static async Task<MatrixWorld> CreateAsync(LmsServer server)
    {
        // The MOOC side is a university's and open to learners of any school: the same objects on both sides.
        var graduate = await Graduates.GraduateAsync(server, "Người Tốt Nghiệp Ma Trận");
        var mooc = graduate.Mooc;
        var assignment = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài tập ma trận", null);
        var submission = await MoocKit.SubmitTextAsync(graduate.Learner, assignment, "Bài làm");
        var thread = await IdAsync(await graduate.Learner.PostAsJsonAsync($"/api/courses/{mooc.Id}/forum", new { title = "Hỏi bài", body = "Câu hỏi" }));
        var post = await IdAsync(await graduate.Learner.PostAsJsonAsync($"/api/forum/threads/{thread}/replies", new { body = "Trả lời" }));
        var shared = new Dictionary<string, string>
        {
            ["moocId"] = mooc.Id.ToString(), ["moocRunId"] = mooc.RunId.ToString(), ["slug"] = mooc.Slug,
            ["credentialId"] = graduate.Certificate.GetProperty("id").GetString()!, ["assignmentId"] = assignment.ToString(),
            ["submissionId"] = submission.ToString(), ["threadId"] = thread, ["postId"] = post,
            ["format"] = "csv", ["path"] = "index.m3u8", ["index"] = "0", ["list"] = "1", ["slot"] = "0",
        };

        var school = await server.DemoSchoolIdAsync();
        var own = await SchoolObjectsAsync(server, "A", school, LmsServer.Teacher, LmsServer.Admin, LmsServer.Student1,
            await server.UserIdAsync(LmsServer.Student1), await server.UserIdAsync(LmsServer.Student3), shared);

        // B is the university that runs the MOOC, so that its admin meets the MOOC's objects as their own.
        var university = await new MoocKit(server).UniversityIdAsync();
        var (added, problems) = await server.Get<RosterImport>().ApplyAsync(university,
        [
            new RosterEntry(2, Roles.Student, "Sinh Viên B", OtherStudent, null, null, LmsServer.DemoPassword, []),
            new RosterEntry(3, Roles.Student, "Sinh Viên B Hai", OtherVictim, null, null, LmsServer.DemoPassword, []),
        ]);
        Assert.True(added is not null, string.Join("; ", problems.Select(p => p.Message)));
        var other = await SchoolObjectsAsync(server, "B", university, MoocKit.Lecturer, MoocKit.UniversityAdmin, OtherStudent,
            await server.UserIdAsync(OtherStudent), await server.UserIdAsync(OtherVictim), shared);

        var world = new MatrixWorld(server, own, other);
        await world.SignInAllAsync();
        return world;
    }

    /// <summary>A signed-in client per caller (an anonymous one for <see cref="Caller.Anonymous"/>).</summary>
    public HttpClient Client(Caller caller) => _clients[caller];

    /// <summary>Signs everyone in again (after an operation that may have signed someone out).</summary>
    public async Task SignInAllAsync()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _clients[Caller.Anonymous] = _server.Client();
        _clients[Caller.Student] = await _server.SignedInAsync(LmsServer.Student1);
        _clients[Caller.Teacher] = await _server.SignedInAsync(LmsServer.Teacher);
        _clients[Caller.Admin] = await _server.SignedInAsync(LmsServer.Admin);
        _clients[Caller.OtherAdmin] = await _server.SignedInAsync(MoocKit.UniversityAdmin);
        _clients[Caller.Parent] = await _server.SignedInAsync(LmsServer.Parent);
    }

    /// <summary>
    /// A school's objects: questions imported by its teacher, a published course with a module, a page and a quiz
    /// its student has an attempt at, a class, a live lesson and a library item. <paramref name="victim"/> is the
    /// person whose id fills <c>userId</c>: never one of the callers, so that nothing done to them signs a caller out.
    /// </summary>
    private static async Task<ObjectSet> SchoolObjectsAsync(LmsServer server, string name, Guid school, string teacherLogin, string adminLogin,
        string studentLogin, Guid student, Guid victim, IReadOnlyDictionary<string, string> shared)
    {
        var teacher = await server.SignedInAsync(teacherLogin);
        var admin = await server.SignedInAsync(adminLogin);
        var questions = (await AssessmentApiTests.ImportAsync(teacher, school, "valid.gift")).GetProperty("ids").EnumerateArray()
            .Select(x => x.GetString()!).ToList();
        var course = await IdAsync(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = $"Khoá ma trận {name}", summary = (string?)null, kind = "blended" }));
        var module = await IdAsync(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules", new { title = "Chương 1" }));
        var item = await IdAsync(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules/{module}/items",
            new { kind = "page", title = "Bài đọc", body = "Nội dung", url = (string?)null }));
        var quiz = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules/{module}/quizzes", new
        {
            title = "Kiểm tra", settings = new { timeLimitSeconds = 3600, attemptsAllowed = 5 },
            definition = new { sections = new[] { new { title = "Phần 1", items = questions.Take(2).Select(q => new { kind = "fixed", questionId = q, points = 1 }).ToArray() } } },
        }))).GetProperty("quizId").GetString()!;
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/enrolments",
            new { userIds = new[] { student, victim }, logins = (string[]?)null, className = (string?)null }));
        Assert.True((await teacher.PostAsync($"/api/courses/{course}/publish", null)).IsSuccessStatusCode);
        var learner = await server.SignedInAsync(studentLogin);
        var attempt = await IdAsync(await learner.PostAsJsonAsync($"/api/quizzes/{quiz}/attempts", new { deviceId = "matrix" }));
        var classId = await IdAsync(await admin.PostAsJsonAsync($"/api/institutions/{school}/classes", new { name = $"Lớp {name}" }));
        var starts = DateTimeOffset.UtcNow.AddDays(1);
        var session = await IdAsync(await teacher.PostAsJsonAsync($"/api/classroom/courses/{course}/sessions", new
        {
            moduleId = module, title = "Buổi học", description = (string?)null, startsAt = starts, endsAt = starts.AddHours(1),
            recurrence = (string?)null, repeatUntil = (DateTimeOffset?)null, teacherIds = Array.Empty<Guid>(),
        }));
        var content = await ContentClient.CreateItemAsync(teacher, school, "link", "Tài liệu", url: "https://example.org/tai-lieu");
        return new ObjectSet(name, new Dictionary<string, string>(shared)
        {
            ["institutionId"] = school.ToString(), ["courseId"] = course, ["moduleId"] = module, ["itemId"] = item,
            ["courseItemId"] = item, ["quizId"] = quiz, ["questionId"] = questions[0], ["attemptId"] = attempt,
            ["classId"] = classId, ["sessionId"] = session, ["contentItemId"] = content, ["userId"] = victim.ToString(),
        });
    }

    private static async Task<string> IdAsync(HttpResponseMessage response) =>
        (await ProblemAssert.OkAsync<JsonElement>(response)).GetProperty("id").GetString()!;
}
