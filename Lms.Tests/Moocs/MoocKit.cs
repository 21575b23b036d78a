using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Moocs;

/// <summary>Builds MOOCs through the API, as a university's lecturer would.</summary>
public sealed class MoocKit(LmsServer server)
{
    public const string Lecturer = "giangvien@dhsh.demo.lms.vn";
    public const string UniversityAdmin = "admin@dhsh.demo.lms.vn";
    public const string OtherUniversityAdmin = "admin@dhpn.demo.lms.vn";

    public sealed record Mooc(HttpClient Teacher, Guid Id, string Slug, Guid RunId, Guid ModuleId, IReadOnlyList<Guid> Pages);

    public async Task<Guid> UniversityIdAsync(string admin = UniversityAdmin)
    {
        var memberships = await server.Get<Lms.Grains.Identity.UserRepository>().MembershipsAsync(await server.UserIdAsync(admin));
        return memberships.Single(m => m.Role == "admin").InstitutionId;
    }

    /// <summary>A MOOC with one module of <paramref name="pages"/> pages, a catalogue entry, and (unless told not to) published.</summary>
    public async Task<Mooc> CreateAsync(string title, int pages = 2, bool publish = true, string subject = "Toán học", string level = "beginner",
        string language = "vi", int? credits = null, decimal? ects = null, object? policy = null)
    {
        var teacher = await server.SignedInAsync(Lecturer);
        var university = await UniversityIdAsync();
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = university, title, summary = $"Tóm tắt của {title}", kind = "mooc" }));
        var id = course.GetProperty("id").GetGuid();
        var module = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{id}/modules", new { title = "Tuần 1" })))
            .GetProperty("id").GetGuid();
        var items = new List<Guid>();
        for (var i = 0; i < pages; i++)
            items.Add((await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{id}/modules/{module}/items",
                new { kind = "page", title = $"Bài {i + 1}", body = $"Nội dung bài {i + 1}" }))).GetProperty("id").GetGuid());
        if (policy is not null)
            await ProblemAssert.OkAsync<JsonElement>(await teacher.PutAsJsonAsync($"/api/courses/{id}/grading", policy));
        var entry = await ProblemAssert.OkAsync<JsonElement>(await teacher.PutAsJsonAsync($"/api/moocs/{id}", new
        {
            subject, language, level, syllabus = "Tuần 1: mở đầu", instructors = "TS. Ngô Quang Huy", effortHoursPerWeek = 3,
            durationWeeks = 4, credits, ects, priceVnd = 0,
        }));
        var slug = entry.GetProperty("entry").GetProperty("slug").GetString()!;
        var runId = entry.GetProperty("runs")[0].GetProperty("id").GetGuid();
        if (publish) Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsync($"/api/courses/{id}/publish", null)).StatusCode);
        return new Mooc(teacher, id, slug, runId, module, items);
    }

    /// <summary>
    /// A new learner through the public sign-up: they confirm their address from the mail (which
    /// signs them in), then enrol in the run.
    /// </summary>
    public async Task<HttpClient> SignUpAsync(Guid runId, string email, string name = "Học Viên Mới")
    {
        var client = server.Client();
        var response = await client.PostAsJsonAsync($"/api/moocs/runs/{runId}/sign-up",
            new { displayName = name, email, password = "Hoc-vien-2026" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var code = await server.MailedCodeAsync(email, "confirm-email");
        await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/confirm-email", new { code }));
        var enrolled = await client.PostAsync($"/api/moocs/runs/{runId}/enrol", null);
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        return client;
    }

    public static async Task<Guid> AddAssignmentAsync(HttpClient teacher, Guid courseId, Guid moduleId, string title, string? category,
        string review = "teacher", int peerReviews = 1, int[]? points = null)
    {
        // The rubric: "Đúng" 6 and "Rõ ràng" 4 points unless other points are given (then one criterion per number).
        string[] names = points is null ? ["Đúng", "Rõ ràng"] : points.Select((_, i) => $"Tiêu chí {i + 1}").ToArray();
        points ??= [6, 4];
        var item = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/assignments", new
        {
            moduleId, title, instructions = "Làm bài và nộp.", submission = "either", review, peerReviews,
            rubric = points.Select((p, i) => new { criterion = names[i], description = (string?)null, points = p }).ToArray(),
            category,
        }));
        return item.GetProperty("refId").GetGuid();
    }

    public static async Task<Guid> SubmitTextAsync(HttpClient learner, Guid assignmentId, string text)
    {
        var form = new MultipartFormDataContent { { new StringContent(text), "text" } };
        var submission = await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/moocs/assignments/{assignmentId}/submission", form));
        return submission.GetProperty("id").GetGuid();
    }

    public static async Task GradeAsync(HttpClient reviewer, Guid submissionId, params int[] scores) =>
        await ProblemAssert.OkAsync<JsonElement>(await reviewer.PostAsJsonAsync($"/api/moocs/submissions/{submissionId}/reviews",
            new { scores, comment = "Tốt" }));

    public static async Task<JsonElement> StandingAsync(HttpClient learner, Guid courseId) =>
        await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync($"/api/courses/{courseId}/standing"));

    /// <summary>The sample GIFT questions in the university's bank; their ids by title.</summary>
    public async Task<Dictionary<string, string>> QuizBankAsync(HttpClient lecturer)
    {
        var university = await UniversityIdAsync();
        var tag = "mooc-" + Guid.NewGuid().ToString("N")[..8];
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("valid.gift"))), "file", "valid.gift" } };
        await ProblemAssert.OkAsync<JsonElement>(await lecturer.PostAsync($"/api/institutions/{university}/questions/import?tags={tag}", form));
        var page = await ProblemAssert.OkAsync<JsonElement>(await lecturer.GetAsync($"/api/institutions/{university}/questions?tag={tag}&take=50"));
        return page.GetProperty("items").EnumerateArray().ToDictionary(q => q.GetProperty("title").GetString()!, q => q.GetProperty("id").GetString()!);
    }

    /// <summary>A quiz of four auto-graded questions (1 point each) in the MOOC's first module; its quiz and item ids.</summary>
    public static async Task<(string QuizId, Guid ItemId)> AddQuizAsync(Mooc mooc, Dictionary<string, string> bank, object settings)
    {
        var created = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PostAsJsonAsync($"/api/courses/{mooc.Id}/modules/{mooc.ModuleId}/quizzes", new
        {
            title = "Kiểm tra chương 1", settings,
            definition = new
            {
                sections = new[]
                {
                    new { title = "Phần 1", items = new[] { "Đỉnh parabol", "Đồng biến", "Tên gọi", "Giá trị" }.Select(t => new { kind = "fixed", questionId = bank[t], points = 1 }).ToArray() },
                },
            },
        }));
        return (created.GetProperty("quizId").GetString()!, created.GetProperty("itemId").GetGuid());
    }

    /// <summary>Starts an attempt, answers <paramref name="right"/> of the four questions right (the others wrong), submits; the review.</summary>
    public static async Task<JsonElement> TakeQuizAsync(HttpClient learner, string quizId, int right)
    {
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "laptop" }));
        var id = attempt.GetProperty("id").GetString();
        var answers = attempt.GetProperty("questions").EnumerateArray().Select((q, i) => new
        {
            answerId = Guid.NewGuid(), slot = q.GetProperty("slot").GetInt32(), clientTime = DateTimeOffset.UtcNow,
            response = i < right ? AssessmentApiTests.RightAnswer(q) : Wrong(q),
        }).ToArray();
        await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsJsonAsync($"/api/attempts/{id}/answers", new { deviceId = "laptop", answers }));
        return await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/attempts/{id}/submit", null));
    }

    public static object Wrong(JsonElement question) => question.GetProperty("type").GetString() switch
    {
        "single" => new { choice = question.GetProperty("choices").EnumerateArray().First(c => c.GetProperty("text").GetString() == "4").GetProperty("id").GetString() },
        "truefalse" => new { value = false },
        "short" => new { text = "hyperbol" },
        _ => new { text = "7" },
    };
}
