using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

public sealed class AssessmentApiTestsOnSqlite(SqliteLmsServer server) : AssessmentApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class AssessmentApiTestsOnPostgres(PostgresLmsServer server) : AssessmentApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>The bank, quizzes, attempts, grading and the gradebook over real HTTP, and who may do what.</summary>
public abstract class AssessmentApiTests(LmsServer server)
{
    public static async Task<JsonElement> ImportAsync(HttpClient teacher, Guid school, string file, string? fileName = null)
    {
        var form = new MultipartFormDataContent();
        var bytes = new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample(file)));
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(bytes, "file", fileName ?? file);
        return await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsync($"/api/institutions/{school}/questions/import?tags=api-{Guid.NewGuid():N}", form));
    }

    /// <summary>A published course for 10A1 with a quiz made of every question of the sample GIFT file.</summary>
    public static async Task<(HttpClient Teacher, string CourseId, string QuizId, Guid School)> CourseWithQuizAsync(LmsServer server, object settings)
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var imported = await ImportAsync(teacher, school, "valid.gift");
        var ids = imported.GetProperty("ids").EnumerateArray().Select(x => x.GetString()!).ToList();
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = "Toán 10 — kiểm tra " + Guid.NewGuid().ToString("N")[..6], kind = "blended" }));
        var courseId = course.GetProperty("id").GetString()!;
        var module = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title = "Chương 1" }));
        var created = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync(
            $"/api/courses/{courseId}/modules/{module.GetProperty("id").GetString()}/quizzes",
            new
            {
                title = "Kiểm tra 15 phút", settings,
                definition = new { sections = new[] { new { title = "Phần 1", items = ids.Select(id => new { kind = "fixed", questionId = id, points = 1 }).ToArray() } } },
            }));
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className = "10A1" }));
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsync($"/api/courses/{courseId}/publish", null)).StatusCode);
        return (teacher, courseId, created.GetProperty("quizId").GetString()!, school);
    }

    /// <summary>The right answer for each sample question, by its title.</summary>
    public static object? RightAnswer(JsonElement question) => (question.GetProperty("type").GetString(), question.GetProperty("stem").GetString()) switch
    {
        ("single", var s) when s!.Contains("parabol") && s.Contains("hoành độ") => new { choice = Choice(question, "2") },
        ("single", var s) when s!.Contains("_____") => new { choice = Choice(question, "Oy") },
        ("single", _) => new { choice = Choice(question, "đẳng thức") },
        ("multiple", _) => new { choices = new[] { Choice(question, "2"), Choice(question, "3") } },
        ("truefalse", _) => new { value = true },
        ("short", _) => new { text = "Parabol" },
        ("numerical", var s) when s!.Contains("f(2)") => new { text = "5" },
        ("numerical", _) => new { text = "1,5" },
        ("matching", _) => new { pairs = new Dictionary<string, string> { ["p1"] = "hệ số bậc hai", ["p2"] = "hệ số bậc nhất", ["p3"] = "hệ số tự do" } },
        ("essay", _) => new { text = "Vẽ đỉnh (1; -1), trục x = 1, rồi lấy thêm điểm." },
        _ => null,
    };

    private static string Choice(JsonElement question, string text) =>
        question.GetProperty("choices").EnumerateArray().First(c => c.GetProperty("text").GetString() == text).GetProperty("id").GetString()!;

    private static object Answer(int slot, object? response, DateTimeOffset? at = null) =>
        new { answerId = Guid.NewGuid(), slot, response, clientTime = at ?? DateTimeOffset.UtcNow };

    [Fact]
    public async Task A_student_takes_a_quiz_built_from_an_imported_gift_file_and_the_teacher_grades_the_essay()
    {
        var (teacher, courseId, quizId, _) = await CourseWithQuizAsync(server, new { timeLimitSeconds = 600, attemptsAllowed = 2, reviewAnswers = "immediately" });
        var student = await server.SignedInAsync(LmsServer.Student1);

        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone-1" }));
        var attemptId = attempt.GetProperty("id").GetString()!;
        var questions = attempt.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal(10, questions.Count);
        // No right answers travel to the student.
        Assert.DoesNotContain("fraction", attempt.GetRawText());
        Assert.DoesNotContain("accepted", attempt.GetRawText());

        var answers = questions.Select(q => Answer(q.GetProperty("slot").GetInt32(), RightAnswer(q))).ToList();
        var saved = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new { deviceId = "phone-1", answers }));
        Assert.Equal(10, saved.GetProperty("accepted").GetArrayLength());
        // The same batch again (a retry after a lost acknowledgement) is accepted and stored once.
        var again = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new { deviceId = "phone-1", answers }));
        Assert.Equal(10, again.GetProperty("accepted").GetArrayLength());

        // Another device resumes where the first left off.
        var laptop = await server.SignedInAsync(LmsServer.Student1);
        var resumed = await ProblemAssert.OkAsync<JsonElement>(await laptop.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "laptop-1" }));
        Assert.Equal(attemptId, resumed.GetProperty("id").GetString());
        Assert.Equal(10, resumed.GetProperty("responses").EnumerateObject().Count());

        // Another student may not touch it.
        var other = await server.SignedInAsync(LmsServer.Student2);
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/attempts/{attemptId}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync($"/api/attempts/{attemptId}/answers",
            new { answers = new[] { Answer(1, new { text = "x" }) } }), HttpStatusCode.NotFound, "not-found");

        var review = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        Assert.Equal(9, review.GetProperty("score").GetDouble());
        Assert.True(review.GetProperty("needsGrading").GetBoolean());
        Assert.Contains(review.GetProperty("questions").EnumerateArray(), q => q.GetProperty("rightAnswer").GetString() == "parabol");

        // After submission an answer is refused with a clear problem and changes nothing.
        var late = await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers",
            new { answers = new[] { Answer(1, new { text = "x" }) } }), HttpStatusCode.Conflict, "answer-refused");
        Assert.Equal("attempt-closed", late.GetProperty("code").GetString());

        var queue = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/grading-queue"));
        var item = Assert.Single(queue.EnumerateArray(), q => q.GetProperty("attemptId").GetString() == attemptId);
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/attempts/{attemptId}/slots/{item.GetProperty("slot").GetInt32()}/grade",
            new { score = 5, comment = "quá điểm" }), HttpStatusCode.BadRequest, "validation");
        var graded = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync(
            $"/api/attempts/{attemptId}/slots/{item.GetProperty("slot").GetInt32()}/grade", new { score = 0.5, comment = "Thiếu bảng giá trị." }));
        Assert.Equal(9.5, graded.GetProperty("score").GetDouble());
        Assert.False(graded.GetProperty("needsGrading").GetBoolean());
        Assert.True(graded.GetProperty("passed").GetBoolean());

        var grade = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/quizzes/{quizId}/my-grade"));
        Assert.Equal(95, grade.GetProperty("percent").GetDouble());
        Assert.True(grade.GetProperty("passed").GetBoolean());

        var timeline = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/attempts/{attemptId}/timeline"));
        var kinds = timeline.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("started", kinds);
        Assert.Contains("second-device", kinds);
        Assert.Contains("submitted", kinds);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/attempts/{attemptId}/timeline"), HttpStatusCode.Forbidden, "forbidden");

        // The gradebook: the quiz as a column, the class as rows; CSV and Excel.
        var book = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/gradebook"));
        var an = book.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == "Lê Hoàng An");
        Assert.Equal(9.5, an.GetProperty("total").GetDouble());
        // (GradebookExportTests check the files' languages, columns and who sees national IDs.)
        var csv = await teacher.GetStringAsync($"/api/courses/{courseId}/gradebook.csv");
        Assert.Contains("Lê Hoàng An;10A1;hocsinh1@demo.lms.vn;9,5", csv);
        var xlsx = await teacher.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.xlsx");
        Assert.Contains(ExportFiles.XlsxSheets(xlsx, ",").Single().Value, row => row.Contains("Lê Hoàng An") && row.Contains("9,5"));
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/courses/{courseId}/gradebook"), HttpStatusCode.Forbidden, "forbidden");

        var stats = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/quizzes/{quizId}/statistics"));
        Assert.Equal(1, stats.GetProperty("attempts").GetInt32());
        Assert.Equal(10, stats.GetProperty("questions").GetArrayLength());
        Assert.Equal(1, stats.GetProperty("histogram")[9].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task A_broken_import_is_refused_whole_with_each_question_named()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("broken.gift"))), "file", "broken.gift");
        var problem = await ProblemAssert.IsProblemAsync(await teacher.PostAsync($"/api/institutions/{school}/questions/import?tags=broken-import", form),
            HttpStatusCode.BadRequest, "import-invalid");
        Assert.Equal(4, problem.GetProperty("problems").GetArrayLength());
        Assert.Equal("Không đóng", problem.GetProperty("problems")[0].GetProperty("question").GetString());
        var page = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/questions?tag=broken-import"));
        Assert.Equal(0, page.GetProperty("total").GetInt32());

        // QTI export of imported questions parses back.
        var imported = await ImportAsync(teacher, school, "cloze.xml");
        var id = imported.GetProperty("ids")[0].GetString();
        var zip = await teacher.GetByteArrayAsync($"/api/institutions/{school}/questions/export?ids={id}");
        Assert.True(Lms.Grains.Assessment.QtiFormat.Parse(zip).Ok);
    }

    [Fact]
    public async Task The_bank_exports_gift_that_moodle_and_our_import_read_with_its_subject_and_names_what_gift_cannot_say()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var ids = new List<string>();
        foreach (var file in new[] { "valid.gift", "order.xml" })
            ids.AddRange((await ImportAsync(teacher, school, file)).GetProperty("ids").EnumerateArray().Select(x => x.GetString()!));

        var response = await teacher.GetAsync($"/api/institutions/{school}/questions/export?ids={string.Join(',', ids)}&format=gift&language=en");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("questions.gift.txt", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("// Questions exported from the Lms question bank", text);
        Assert.Contains("// Not exported \"Thứ tự triều đại\": GIFT has no ordering question.", text);
        var back = Lms.Grains.Assessment.GiftFormat.Parse(text);
        Assert.True(back.Ok, string.Join("; ", back.Problems.Select(p => $"{p.Question}: {p.Reason}")));
        Assert.Equal(ids.Count - 1, back.Questions.Count);
        // The sample's "$course$/Toán 10/Hàm số bậc hai" was read as subject, grade and topic, and goes out the same way.
        Assert.All(back.Questions, q => Assert.Equal(("Toán", "Lớp 10"), (q.Meta.Subject, q.Meta.Level)));
        Assert.Contains("$CATEGORY: $course$/Toán/Lớp 10/", text);
        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/institutions/{school}/questions/export?format=xml"),
            HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Students_and_other_schools_cannot_use_the_bank_and_html_is_sanitised()
    {
        var school = await server.DemoSchoolIdAsync();
        var student = await server.SignedInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/institutions/{school}/questions"), HttpStatusCode.Forbidden, "forbidden");
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var created = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/institutions/{school}/questions", new
        {
            title = "Nguy hiểm", difficulty = 2, shared = false, tags = new[] { "an-toàn" },
            content = new { type = "essay", stem = "<p>Tính \\(x^2\\)<script>alert(1)</script><img src=x onerror=alert(2)></p>" },
        }));
        var id = created.GetProperty("summary").GetProperty("id").GetString();
        Assert.DoesNotContain("script", created.GetProperty("content").GetProperty("stem").GetString());
        Assert.DoesNotContain("onerror", created.GetProperty("content").GetProperty("stem").GetString());

        await server.AddSchoolAsync("Trường THCS Khác " + Guid.NewGuid().ToString("N")[..4], (Roles.Teacher, "Cô Khác", $"co.khac.{Guid.NewGuid():N}@other.test"));
        var outsiderLogin = (await server.Get<Lms.Grains.Institutions.InstitutionRepository>().PeopleAsync(
            (await server.Get<UserRepository>().MembershipsAsync(await server.UserIdAsync(LmsServer.Teacher))).First().InstitutionId, null, null, null,
            Lms.Grains.Data.PageRequest.Of(0, 1))).Items.Count; // (the demo school is untouched)
        Assert.True(outsiderLogin >= 0);
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/institutions/{school}/questions", new
        {
            title = "Sai", difficulty = 2, content = new { type = "single", stem = "?", choices = new[] { new { text = "a", fraction = 0 }, new { text = "b", fraction = 0 } } },
        }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/institutions/{school}/questions", new
        {
            title = "Sai loại", difficulty = 2, content = new { type = "drawing", stem = "?" },
        }), HttpStatusCode.BadRequest, "validation");
        Assert.NotNull(id);
    }

    [Fact]
    public async Task A_quiz_that_is_not_open_or_has_no_attempts_left_says_why()
    {
        var (_, _, quizId, _) = await CourseWithQuizAsync(server, new { openAt = DateTimeOffset.UtcNow.AddDays(1) });
        var student = await server.SignedInAsync(LmsServer.Student2);
        var problem = await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { }), HttpStatusCode.Conflict, "quiz-unavailable");
        Assert.Equal("quiz-not-open", problem.GetProperty("reason").GetString());

        var (teacher, _, quiz2, _) = await CourseWithQuizAsync(server, new { attemptsAllowed = 1 });
        var a = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quiz2}/attempts", new { }));
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{a.GetProperty("id").GetString()}/submit", null));
        problem = await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync($"/api/quizzes/{quiz2}/attempts", new { }), HttpStatusCode.Conflict, "quiz-unavailable");
        Assert.Equal("no-attempts-left", problem.GetProperty("reason").GetString());
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync($"/api/quizzes/{quiz2}/attempts", new { }), HttpStatusCode.Forbidden, "forbidden");
    }
}
