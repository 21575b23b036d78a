using System.Net;
using System.Net.Http.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>A server whose per-client sign-in limit is small enough to reach in a test.</summary>
public sealed class LowSignInLimitServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Identity:SignInLimit:PerMinute=5"];
}

public sealed class SignInRateLimitTests(LowSignInLimitServer server) : IClassFixture<LowSignInLimitServer>
{
    [Fact]
    public async Task One_client_address_past_its_limit_gets_429_with_a_retry_time()
    {
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
            answers.Add(await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = "ai@limit.test", password = $"doan-{i}" }));

        Assert.All(answers.Take(5), a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        await ProblemAssert.IsProblemAsync(answers[5], HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.True(answers[5].Headers.RetryAfter is not null);
        // The limit is on the ways in only: other requests from the same address go on.
        Assert.Equal(HttpStatusCode.OK, (await server.Client().GetAsync("/health/live")).StatusCode);
    }
}
