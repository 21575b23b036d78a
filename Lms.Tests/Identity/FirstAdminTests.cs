using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Server.Demo;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>A server started with no demo: an empty database and a setup code in its log.</summary>
public sealed class EmptyLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Demo:Seed=false"];
}

public sealed class FirstAdminTests(EmptyLmsServer server) : IClassFixture<EmptyLmsServer>
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:5000", true)]
    [InlineData(null, "http://localhost:5000;http://[::1]:5000", true)]
    [InlineData(null, "http://0.0.0.0:80", false)]
    [InlineData(null, "http://*:8080", false)]
    [InlineData(null, "http://127.0.0.1:5000;http://10.0.0.5:5000", false)]
    [InlineData(true, "http://0.0.0.0:80", true)]
    [InlineData(false, "http://127.0.0.1:5000", false)]
    public void The_demo_is_seeded_unasked_only_on_loopback(bool? seed, string urls, bool seeds) =>
        Assert.Equal(seeds, new DemoOptions { Seed = seed }.SeedsWhenListeningOn(urls.Split(';')));

    [Fact]
    public async Task The_setup_code_from_the_log_creates_the_first_platform_admin_once()
    {
        var client = server.Client();
        Assert.True((await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/setup"))).GetProperty("needed").GetBoolean());
        // Nobody can sign in with the demo's published passwords here.
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-in",
            new { login = LmsServer.Admin, password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");

        var code = Regex.Match(server.Log.ToString(), "setup code ([A-Z0-9]{16})").Groups[1].Value;
        Assert.NotEmpty(code);
        object Request(string c) => new
        {
            code = c, institutionName = "Sở Giáo dục và Đào tạo Thử", institutionKind = "department",
            displayName = "Người Cài Đặt", email = "caidat@setup.test", password = "Cai-dat-lan-dau-2026",
        };
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/setup/first-admin", Request("WRONGWRONGWRONG2")),
            HttpStatusCode.BadRequest, "invalid-code");

        var me = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/setup/first-admin", Request(code)));
        Assert.True(me.GetProperty("platformAdmin").GetBoolean());
        Assert.Equal("admin", me.GetProperty("memberships")[0].GetProperty("role").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/mail/outbox"));

        Assert.False((await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/setup"))).GetProperty("needed").GetBoolean());
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/setup/first-admin", Request(code)),
            HttpStatusCode.NotFound, "not-found");
    }
}
