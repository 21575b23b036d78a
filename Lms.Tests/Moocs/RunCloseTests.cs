using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Moocs;

public sealed class RunCloseTestsOnSqlite(SqliteLmsServer server) : RunCloseTests(server), IClassFixture<SqliteLmsServer>;

public sealed class RunCloseTestsOnPostgres(PostgresLmsServer server) : RunCloseTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>After a run's end work is refused (problem run-closed), except for a learner the staff extended; only they pass.</summary>
public abstract class RunCloseTests(LmsServer server)
{
    [Fact]
    public async Task Work_after_the_end_is_refused_and_an_extension_lets_one_learner_finish()
    {
        var kit = new MoocKit(server);
        var u = Guid.NewGuid().ToString("N")[..6];
        var mooc = await kit.CreateAsync($"Lập trình hướng đối tượng {u}", pages: 0, credits: 3,
            policy: new { categories = Array.Empty<object>(), passMark = 100, requireAllItems = true });
        var assignment = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài cuối khoá", null);
        var late = await kit.SignUpAsync(mooc.RunId, $"tre{u}@example.vn", $"Trần Văn Muộn {u}");
        var extendedEmail = $"giahan{u}@example.vn";
        var extended = await kit.SignUpAsync(mooc.RunId, extendedEmail, $"Ngô Thị Gia Hạn {u}");

        // The run ended yesterday (the dates are set relative to now, so the test does not depend on when it runs).
        var now = DateTimeOffset.UtcNow;
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}",
            new { label = "1", pace = "self", startsAt = now.AddDays(-30), endsAt = now.AddDays(-1) }));
        foreach (var learner in new[] { late, extended })
        {
            var refused = await ProblemAssert.IsProblemAsync(await learner.PostAsync($"/api/moocs/assignments/{assignment}/submission",
                new MultipartFormDataContent { { new StringContent("Nộp muộn"), "text" } }), HttpStatusCode.Conflict, "run-closed");
            Assert.True(refused.TryGetProperty("endedAt", out _), refused.ToString());
        }

        // The staff extend one learner, with a reason; learners cannot, and an extension must reach past the end.
        var userId = await server.UserIdAsync(extendedEmail);
        await ProblemAssert.IsProblemAsync(await extended.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}/extensions/{userId}",
            new { until = now.AddDays(3), reason = "Tự gia hạn" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}/extensions/{userId}",
            new { until = now.AddDays(-2), reason = "Ốm có giấy xác nhận" }), HttpStatusCode.BadRequest, "validation");
        var granted = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}/extensions/{userId}",
            new { until = now.AddDays(3), reason = "Ốm có giấy xác nhận" }));
        Assert.Equal("Ốm có giấy xác nhận", granted.GetProperty("reason").GetString());
        var list = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/moocs/runs/{mooc.RunId}/extensions"));
        Assert.Equal(userId, Assert.Single(list.EnumerateArray()).GetProperty("userId").GetGuid());

        // Only the extended learner hands in, passes and is issued credentials.
        await MoocKit.SubmitTextAsync(extended, assignment, "Bài làm trong thời gian gia hạn");
        var standing = await MoocKit.StandingAsync(extended, mooc.Id);
        Assert.True(standing.GetProperty("standing").GetProperty("passed").GetBoolean());
        Assert.Equal(2, standing.GetProperty("credentials").GetArrayLength());
        await ProblemAssert.IsProblemAsync(await late.PostAsync($"/api/moocs/assignments/{assignment}/submission",
            new MultipartFormDataContent { { new StringContent("Nộp muộn lần nữa"), "text" } }), HttpStatusCode.Conflict, "run-closed");
        var lateStanding = await MoocKit.StandingAsync(late, mooc.Id);
        Assert.False(lateStanding.GetProperty("standing").GetProperty("passed").GetBoolean());
        Assert.Equal(0, lateStanding.GetProperty("credentials").GetArrayLength());
    }

    private static async Task<HttpResponseMessage> SeeAsync(HttpClient learner, Guid courseId, Guid itemId) =>
        await learner.PostAsync($"/api/courses/{courseId}/items/{itemId}/seen", null);

    private static async Task<HttpResponseMessage> AnswerAsync(HttpClient learner, JsonElement attempt, int right)
    {
        var answers = attempt.GetProperty("questions").EnumerateArray().Select((q, i) => new
        {
            answerId = Guid.NewGuid(), slot = q.GetProperty("slot").GetInt32(), clientTime = DateTimeOffset.UtcNow,
            response = i < right ? Lms.Tests.Assessment.AssessmentApiTests.RightAnswer(q) : MoocKit.Wrong(q),
        }).ToArray();
        return await learner.PostAsJsonAsync($"/api/attempts/{attempt.GetProperty("id").GetString()}/answers", new { deviceId = "phone", answers });
    }

    [Fact]
    public async Task Every_kind_of_work_closes_at_the_items_due_date_and_the_runs_end_and_an_extension_covers_it_all()
    {
        var kit = new MoocKit(server);
        var u = Guid.NewGuid().ToString("N")[..6];
        var mooc = await kit.CreateAsync($"Cấu trúc dữ liệu {u}", pages: 2, credits: 3,
            policy: new { categories = Array.Empty<object>(), passMark = 100, requireAllItems = true });
        var (quizId, quizItem) = await MoocKit.AddQuizAsync(mooc, await kit.QuizBankAsync(mooc.Teacher),
            new { attemptsAllowed = 2, gradingMethod = "highest", passMark = 60, reviewScores = "immediately" });
        var assignment = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài tập lớn", null);
        var closed = await kit.SignUpAsync(mooc.RunId, $"dong{u}@example.vn", $"Vũ Thị Đóng {u}");
        var extendedEmail = $"mo{u}@example.vn";
        var extended = await kit.SignUpAsync(mooc.RunId, extendedEmail, $"Hoàng Văn Mở {u}");
        var (page1, page2) = (mooc.Pages[0], mooc.Pages[1]);
        var now = DateTimeOffset.UtcNow;

        // Staff give the second page and the quiz their own due dates, an hour ago; learners see them, and cannot set them.
        await ProblemAssert.IsProblemAsync(await closed.PutAsJsonAsync($"/api/courses/{mooc.Id}/items/{page2}/due", new { dueAt = now.AddHours(-1) }),
            HttpStatusCode.Forbidden, "forbidden");
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await closed.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone" }));
        foreach (var item in new[] { page2, quizItem })
        {
            var set = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/courses/{mooc.Id}/items/{item}/due",
                new { dueAt = now.AddHours(-1) }));
            Assert.NotEqual(JsonValueKind.Null, set.GetProperty("dueAt").ValueKind);
        }
        var outline = await ProblemAssert.OkAsync<JsonElement>(await closed.GetAsync($"/api/courses/{mooc.Id}"));
        var shown = outline.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("items").EnumerateArray())
            .Single(i => i.GetProperty("id").GetGuid() == page2);
        Assert.NotEqual(JsonValueKind.Null, shown.GetProperty("dueAt").ValueKind);

        // Past an item's due date its work is refused: the page, and answers in an attempt begun before it.
        var pastDue = await ProblemAssert.IsProblemAsync(await SeeAsync(closed, mooc.Id, page2), HttpStatusCode.Conflict, "item-closed");
        Assert.True(pastDue.TryGetProperty("dueAt", out _), pastDue.ToString());
        await ProblemAssert.IsProblemAsync(await AnswerAsync(closed, attempt, right: 4), HttpStatusCode.Conflict, "item-closed");
        await ProblemAssert.OkAsync<JsonElement>(await SeeAsync(closed, mooc.Id, page1));

        // The run ends: every kind of work is refused.
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}",
            new { label = "1", pace = "self", startsAt = now.AddDays(-30), endsAt = now.AddDays(-1) }));
        await ProblemAssert.IsProblemAsync(await SeeAsync(closed, mooc.Id, page1), HttpStatusCode.Conflict, "run-closed");
        await ProblemAssert.IsProblemAsync(await closed.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone" }),
            HttpStatusCode.Conflict, "run-closed");
        await ProblemAssert.IsProblemAsync(await AnswerAsync(closed, attempt, right: 4), HttpStatusCode.Conflict, "run-closed");
        await ProblemAssert.IsProblemAsync(await closed.PostAsync($"/api/moocs/assignments/{assignment}/submission",
            new MultipartFormDataContent { { new StringContent("Nộp sau khi kết thúc"), "text" } }), HttpStatusCode.Conflict, "run-closed");

        // One extension covers every kind of work for that learner, past the item due dates too; the learner sees it.
        var userId = await server.UserIdAsync(extendedEmail);
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}/extensions/{userId}",
            new { until = now.AddDays(3), reason = "Nằm viện, có giấy ra viện" }));
        var mine = await ProblemAssert.OkAsync<JsonElement>(await extended.GetAsync($"/api/moocs/runs/{mooc.RunId}/extensions/mine"));
        Assert.Equal("Nằm viện, có giấy ra viện", mine.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await closed.GetAsync($"/api/moocs/runs/{mooc.RunId}/extensions/mine")).StatusCode);
        await ProblemAssert.OkAsync<JsonElement>(await SeeAsync(extended, mooc.Id, page1));
        await ProblemAssert.OkAsync<JsonElement>(await SeeAsync(extended, mooc.Id, page2));
        await MoocKit.TakeQuizAsync(extended, quizId, right: 4);
        await MoocKit.SubmitTextAsync(extended, assignment, "Bài làm trong thời gian gia hạn");

        // Credentials only for work inside the rules: the extended learner passes; the other does not.
        var standing = await MoocKit.StandingAsync(extended, mooc.Id);
        Assert.True(standing.GetProperty("standing").GetProperty("passed").GetBoolean(), standing.ToString());
        Assert.Equal(2, standing.GetProperty("credentials").GetArrayLength());
        var closedStanding = await MoocKit.StandingAsync(closed, mooc.Id);
        Assert.False(closedStanding.GetProperty("standing").GetProperty("passed").GetBoolean());
        Assert.Equal(0, closedStanding.GetProperty("credentials").GetArrayLength());

        // Withdrawn by the staff (not by the learner), the extension no longer covers anything.
        await ProblemAssert.IsProblemAsync(await extended.DeleteAsync($"/api/moocs/runs/{mooc.RunId}/extensions/{userId}"),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent, (await mooc.Teacher.DeleteAsync($"/api/moocs/runs/{mooc.RunId}/extensions/{userId}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await SeeAsync(extended, mooc.Id, page1), HttpStatusCode.Conflict, "run-closed");
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/moocs/runs/{mooc.RunId}/extensions"))).EnumerateArray());
    }
}
