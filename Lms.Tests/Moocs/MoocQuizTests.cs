using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Moocs;

public sealed class MoocQuizTestsOnSqlite(SqliteLmsServer server) : MoocQuizTests(server), IClassFixture<SqliteLmsServer>;

public sealed class MoocQuizTestsOnPostgres(PostgresLmsServer server) : MoocQuizTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Quizzes in MOOCs, over real HTTP: each re-run gets its own quiz, and a passed quiz carries a learner to the certificate.</summary>
public abstract class MoocQuizTests(LmsServer server)
{
    private readonly MoocKit _kit = new(server);

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static JsonElement ItemOf(JsonElement standing, Guid itemId) =>
        standing.GetProperty("standing").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("itemId").GetGuid() == itemId);

    [Fact]
    public async Task A_rerun_gets_its_own_quiz_with_the_same_settings_and_questions_and_none_of_the_first_runs_attempts()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Đại số tuyến tính {u}", pages: 1,
            policy: new { categories = new[] { new { key = "quiz", name = "Kiểm tra", weight = 100.0, dropLowest = 0 } }, passMark = 60, requireAllItems = false });
        var bank = await _kit.QuizBankAsync(mooc.Teacher);
        var settings = new { timeLimitSeconds = 900, attemptsAllowed = 2, gradingMethod = "highest", passMark = 60, shuffleQuestions = true, reviewAnswers = "immediately" };
        var (quizId, itemId) = await MoocKit.AddQuizAsync(mooc, bank, settings);
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/courses/{mooc.Id}/items/{itemId}/rule", new { required = true, category = "quiz" }));
        var first = await _kit.SignUpAsync(mooc.RunId, $"r1{u}@example.vn", "Người Học Khóa Một");
        await MoocKit.TakeQuizAsync(first, quizId, right: 4);

        var run = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PostAsJsonAsync($"/api/moocs/{mooc.Id}/runs", new { label = "Khóa 2", pace = "self" }));
        var runCourse = run.GetProperty("courseId").GetGuid();
        var outline = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{runCourse}"));
        var quizItem = outline.GetProperty("modules")[0].GetProperty("items").EnumerateArray().Single(i => i.GetProperty("kind").GetString() == "quiz");
        var copyId = quizItem.GetProperty("refId").GetString()!;
        Assert.NotEqual(quizId, copyId);

        // The same title, settings and questions, in the new run's course.
        var original = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{quizId}"));
        var copy = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{copyId}"));
        Assert.Equal(runCourse, copy.GetProperty("courseId").GetGuid());
        Assert.Equal(original.GetProperty("title").GetString(), copy.GetProperty("title").GetString());
        Assert.Equal(original.GetProperty("settings").GetRawText(), copy.GetProperty("settings").GetRawText());
        Assert.Equal(original.GetProperty("sections").GetRawText(), copy.GetProperty("sections").GetRawText());
        // The item's rule came along: required, in the quiz category.
        var grading = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{runCourse}/grading"));
        Assert.Contains("\"quiz\"", grading.GetRawText());

        // No attempt is copied; the second run's learner attempts the copy, and the runs' results never mix.
        Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{quizId}/attempts"))).EnumerateArray());
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{copyId}/attempts"))).EnumerateArray());
        var second = await _kit.SignUpAsync(run.GetProperty("id").GetGuid(), $"r2{u}@example.vn", "Người Học Khóa Hai");
        await MoocKit.TakeQuizAsync(second, copyId, right: 1);
        var copyAttempts = (await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{copyId}/attempts"))).EnumerateArray().ToList();
        Assert.Equal("Người Học Khóa Hai", Assert.Single(copyAttempts).GetProperty("displayName").GetString());
        Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{quizId}/attempts"))).EnumerateArray());
        // A learner of run 1 is not a learner of run 2's quiz.
        await ProblemAssert.IsProblemAsync(await first.PostAsJsonAsync($"/api/quizzes/{copyId}/attempts", new { deviceId = "x" }), HttpStatusCode.NotFound, "not-found");

        // Changing the copy leaves the first run's quiz as it was.
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/quizzes/{copyId}", new
        {
            title = "Kiểm tra chương 1 (khóa 2)", settings = new { attemptsAllowed = 3, gradingMethod = "last", passMark = 50 },
            definition = new { sections = new[] { new { title = "Phần 1", items = new[] { new { kind = "fixed", questionId = bank["Đồng biến"], points = 1 } } } } },
        }));
        var unchanged = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/quizzes/{quizId}"));
        Assert.Equal(original.GetProperty("settings").GetRawText(), unchanged.GetProperty("settings").GetRawText());
        Assert.Equal(4, unchanged.GetProperty("questionCount").GetInt32());
    }

    [Fact]
    public async Task A_learner_who_passes_the_quiz_and_reads_the_rest_of_a_credit_bearing_mooc_receives_the_certificate_and_credit_record()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Giải tích 1 {u}", pages: 2, credits: 3, ects: 6,
            policy: new { categories = new[] { new { key = "quiz", name = "Kiểm tra", weight = 100.0, dropLowest = 0 } }, passMark = 70, requireAllItems = true });
        var bank = await _kit.QuizBankAsync(mooc.Teacher);
        var (quizId, itemId) = await MoocKit.AddQuizAsync(mooc, bank, new { attemptsAllowed = 2, gradingMethod = "highest", passMark = 60, reviewScores = "immediately" });
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/courses/{mooc.Id}/items/{itemId}/rule", new { required = true, category = "quiz" }));
        var learner = await _kit.SignUpAsync(mooc.RunId, $"gt{u}@example.vn", "Trịnh Quốc Bảo");

        // Every page read, the quiz failed (1 of 4): the quiz item is not done and its 25 % is the grade.
        foreach (var page in mooc.Pages)
            await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/courses/{mooc.Id}/items/{page}/seen", null));
        var failed = await MoocKit.TakeQuizAsync(learner, quizId, right: 1);
        Assert.Equal(25.0, failed.GetProperty("percent").GetDouble());
        var standing = await MoocKit.StandingAsync(learner, mooc.Id);
        Assert.False(ItemOf(standing, itemId).GetProperty("completed").GetBoolean());
        Assert.Equal(25.0, standing.GetProperty("standing").GetProperty("grade").GetDouble());
        Assert.False(standing.GetProperty("standing").GetProperty("passed").GetBoolean());
        Assert.Empty(standing.GetProperty("credentials").EnumerateArray());

        // The second attempt passes the quiz (3 of 4, highest counts): the item is done, 75 ≥ 70 passes the course,
        // and the submission itself brings the certificate and the credit record (nobody asked for the standing in between).
        var passed = await MoocKit.TakeQuizAsync(learner, quizId, right: 3);
        Assert.True(passed.GetProperty("passed").GetBoolean());
        var mine = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync("/api/moocs/mine"));
        var entry = mine.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("run").GetProperty("courseId").GetGuid() == mooc.Id);
        Assert.NotEqual(JsonValueKind.Null, entry.GetProperty("run").GetProperty("passedAt").ValueKind);
        Assert.Equal(75.0m, entry.GetProperty("run").GetProperty("grade").GetDecimal());
        standing = await MoocKit.StandingAsync(learner, mooc.Id);
        Assert.True(ItemOf(standing, itemId).GetProperty("completed").GetBoolean());
        Assert.Equal(0.75, ItemOf(standing, itemId).GetProperty("score").GetDouble());
        Assert.Equal(75.0, standing.GetProperty("standing").GetProperty("grade").GetDouble());
        Assert.True(standing.GetProperty("standing").GetProperty("passed").GetBoolean());
        var credentials = standing.GetProperty("credentials").EnumerateArray().ToList();
        Assert.Equal(["certificate", "credit"], credentials.Select(c => c.GetProperty("kind").GetString()).Order());
        Assert.All(credentials, c => Assert.Equal(75.0m, c.GetProperty("grade").GetDecimal()));

        // Both verify (signature, issuer, status), and the credit record carries the MOOC's credits.
        foreach (var credential in credentials)
        {
            var jwt = await server.Client().GetStringAsync($"/api/verify/{credential.GetProperty("id").GetGuid()}/credential");
            var verdict = await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/verify", new { credential = jwt }));
            Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        }
        var credit = credentials.Single(c => c.GetProperty("kind").GetString() == "credit");
        Assert.Equal(3, credit.GetProperty("credits").GetInt32());
    }
}
