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
}
