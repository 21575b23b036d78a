using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Courses;

public sealed class CourseCopyTestsOnSqlite(SqliteLmsServer server) : CourseCopyTests(server), IClassFixture<SqliteLmsServer>;

public sealed class CourseCopyTestsOnPostgres(PostgresLmsServer server) : CourseCopyTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// A teacher copies a school course to another class (or the next year): the content and quizzes come along,
/// the people and their answers do not.
/// </summary>
public abstract class CourseCopyTests(LmsServer server)
{
    /// <summary>A course for 10A1 (a quiz, a page, a scheduled live lesson) in which Lê Hoàng An has submitted an attempt.</summary>
    private async Task<(HttpClient Teacher, string CourseId, string QuizId)> CourseWithAnswersAsync()
    {
        var (teacher, courseId, quizId, _) = await AssessmentApiTests.CourseWithQuizAsync(server, new { attemptsAllowed = 2 });
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}"));
        var moduleId = course.GetProperty("modules")[0].GetProperty("id").GetString();
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{moduleId}/items",
            new { kind = "page", title = "Ôn tập", body = "Xem lại **định nghĩa**." }));
        var startsAt = DateTimeOffset.UtcNow.AddDays(3);
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/classroom/courses/{courseId}/sessions",
            new { moduleId, title = "Chữa bài trực tuyến", startsAt, endsAt = startsAt.AddMinutes(45) }));
        var student = await server.SignedInAsync(LmsServer.Student1);
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone" }));
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attempt.GetProperty("id").GetString()}/submit", null));
        return (teacher, courseId, quizId);
    }

    private static IEnumerable<(string Module, string Kind, string Title, string? Body)> Outline(JsonElement course) =>
        course.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("items").EnumerateArray().Select(i => (
            m.GetProperty("title").GetString()!, i.GetProperty("kind").GetString()!, i.GetProperty("title").GetString()!,
            i.GetProperty("body").GetString())));

    [Fact]
    public async Task A_copy_for_another_class_keeps_content_and_quizzes_but_no_people_or_answers_and_that_class_sees_it()
    {
        var (teacher, courseId, quizId) = await CourseWithAnswersAsync();
        var original = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}"));

        var response = await teacher.PostAsJsonAsync($"/api/courses/{courseId}/copy", new { title = "Toán 10 — 10A2", className = "10A2", publish = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var copy = await ProblemAssert.OkAsync<JsonElement>(response);
        var copyId = copy.GetProperty("id").GetString()!;
        Assert.Equal(1, copy.GetProperty("enrolled").GetInt32());

        var copied = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{copyId}"));
        Assert.Equal("Toán 10 — 10A2", copied.GetProperty("title").GetString());
        Assert.Equal(original.GetProperty("institutionId").GetString(), copied.GetProperty("institutionId").GetString());
        Assert.Equal("owner", copied.GetProperty("myRole").GetString());
        // Everything but the live lesson, which was planned for 10A1 on its own date.
        Assert.Contains(Outline(original), i => i.Kind == "live");
        Assert.Equal(Outline(original).Where(i => i.Kind != "live"), Outline(copied));

        // The quiz is the copy's own, with the same settings and questions.
        var quizzes = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{copyId}/quizzes"));
        var copiedQuiz = Assert.Single(quizzes.EnumerateArray());
        Assert.NotEqual(quizId, copiedQuiz.GetProperty("id").GetString());
        var originalQuiz = (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/quizzes")))[0];
        Assert.Equal(originalQuiz.GetProperty("definition").GetString(), copiedQuiz.GetProperty("definition").GetString());
        Assert.Equal(originalQuiz.GetProperty("settings").GetString(), copiedQuiz.GetProperty("settings").GetString());

        // People: the teacher who copied it and the students of 10A2; nobody's attempts.
        var members = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{copyId}/members"));
        Assert.Equal(["Trần Văn Minh", "Đỗ Minh Khoa"], members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("displayName").GetString()));
        var book = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{copyId}/gradebook"));
        Assert.All(book.GetProperty("rows").EnumerateArray().SelectMany(r => r.GetProperty("cells").EnumerateArray()),
            cell => Assert.Equal(0, cell.GetProperty("attempts").GetInt32()));
        var originalBook = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/gradebook"));
        Assert.Equal(1, originalBook.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == "Lê Hoàng An")
            .GetProperty("cells")[0].GetProperty("attempts").GetInt32());

        // A student of 10A2 sees it and takes its quiz; a student of 10A1 does not see it.
        var khoa = await server.SignedInAsync(LmsServer.Student3);
        var mine = await ProblemAssert.OkAsync<JsonElement>(await khoa.GetAsync("/api/courses?take=200"));
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetString() == copyId);
        await ProblemAssert.OkAsync<JsonElement>(await khoa.PostAsJsonAsync(
            $"/api/quizzes/{copiedQuiz.GetProperty("id").GetString()}/attempts", new { deviceId = "phone" }));
        var an = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await an.GetAsync($"/api/courses/{copyId}"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_copy_for_next_year_is_a_draft_without_students_and_an_admin_may_copy_too()
    {
        var (_, courseId, _) = await CourseWithAnswersAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);

        var copy = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsJsonAsync($"/api/courses/{courseId}/copy", new { }));

        Assert.Equal("draft", copy.GetProperty("status").GetString());
        Assert.Equal(0, copy.GetProperty("enrolled").GetInt32());
        var copyId = copy.GetProperty("id").GetString();
        var members = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/courses/{copyId}/members"));
        Assert.Equal(["Nguyễn Thị Lan"], members.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("displayName").GetString()));
    }

    [Fact]
    public async Task Only_the_courses_teachers_and_admins_copy_it_and_a_wrong_class_copies_nothing()
    {
        var (teacher, courseId, _) = await CourseWithAnswersAsync();
        var student = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync($"/api/courses/{courseId}/copy", new { }), HttpStatusCode.Forbidden, "forbidden");

        var login = $"gv.{Guid.NewGuid():N}@other.test";
        await server.AddSchoolAsync("Trường khác " + Guid.NewGuid().ToString("N")[..6], (Roles.Teacher, "Giáo Viên Khác", login));
        var stranger = await server.SignedInAsync(login);
        await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync($"/api/courses/{courseId}/copy", new { }), HttpStatusCode.NotFound, "not-found");

        var before = (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync("/api/courses?take=1"))).GetProperty("total").GetInt32();
        var problem = await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/copy", new { className = "99Z9" }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("empty-class", problem.GetProperty("code").GetString());
        Assert.Equal(before, (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync("/api/courses?take=1"))).GetProperty("total").GetInt32());
    }
}
