using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

public sealed class AttemptEventLimitsTestsOnSqlite(SqliteLmsServer server) : AttemptEventLimitsTests(server), IClassFixture<SqliteLmsServer>;

public sealed class AttemptEventLimitsTestsOnPostgres(PostgresLmsServer server) : AttemptEventLimitsTests(server), IClassFixture<PostgresLmsServer>;

/// <summary><c>POST /api/attempts/{id}/events</c> takes the page's own signals, bounded, and only while the attempt is open.</summary>
public abstract class AttemptEventLimitsTests(LmsServer server)
{
    [Fact]
    public async Task Events_are_bounded_in_kind_and_detail_and_refused_once_the_attempt_is_submitted()
    {
        var (_, _, quizId, _) = await AssessmentApiTests.CourseWithQuizAsync(server, new { timeLimitSeconds = 600, attemptsAllowed = 1 });
        var student = await server.SignedInAsync(LmsServer.Student2);
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone-2" }));
        var attemptId = attempt.GetProperty("id").GetString()!;
        var url = $"/api/attempts/{attemptId}/events";
        object Event(string kind, string? detail = null) => new { deviceId = "phone-2", events = new[] { new { kind, at = DateTimeOffset.UtcNow, detail } } };

        Assert.Equal(HttpStatusCode.NoContent, (await student.PostAsJsonAsync(url, Event("tab-hidden"))).StatusCode);

        var hugeKind = await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url, Event(new string('k', 100_000))), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("event-kind", hugeKind.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url, Event("answer-changed")), HttpStatusCode.BadRequest, "validation");
        var longDetail = await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url, Event("paste", new string('d', 5_000))),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("event-detail-too-long", longDetail.GetProperty("code").GetString());

        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        var closed = await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync(url, Event("tab-visible")), HttpStatusCode.Conflict, "attempt-closed");
        Assert.Equal("attempt-closed", closed.GetProperty("code").GetString());

        // Only the one accepted signal is in the attempt's record: nothing of the refused requests.
        await using var connection = await server.Get<Db>().OpenAsync();
        var kinds = (await connection.QueryAsync<string>(
            "SELECT kind FROM attempt_events WHERE attempt_id = @id AND kind IN ('tab-hidden', 'tab-visible', 'paste', 'answer-changed')",
            new { id = Guid.Parse(attemptId) })).ToList();
        Assert.Equal(["tab-hidden"], kinds);
    }
}
