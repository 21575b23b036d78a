using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Security;

/// <summary>
/// A page of another origin cannot change anything with a signed-in person's cookie: requests sent the
/// way a browser sends them (its Origin and Sec-Fetch-Site, which no page can set) from another port of
/// the same machine, i.e. the same site, where SameSite=Strict still hands over the cookie.
/// </summary>
public sealed class OriginCheckTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    /// <summary>Another port on the same host: another origin, the same site.</summary>
    private string SiblingOrigin => $"http://127.0.0.1:{(server.BaseAddress.Port == 65535 ? 1 : server.BaseAddress.Port + 1)}";

    private string OwnOrigin => server.BaseAddress.GetLeftPart(UriPartial.Authority);

    private static MultipartFormDataContent RosterForm(string email)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes($"role,full_name,email\nadmin,Quản Trị Giả,{email}\n")), "file", "danh-sach.csv");
        return form;
    }

    /// <summary>A request as a browser sends it: from <paramref name="origin"/>, with Fetch Metadata (<paramref name="site"/>) or without (an older browser).</summary>
    private static HttpRequestMessage AsBrowser(HttpMethod method, string url, string? origin, string? site, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
            request.Headers.Add("Sec-Fetch-Mode", "navigate");
            request.Headers.Add("Sec-Fetch-Dest", "document");
        }
        return request;
    }

    [Fact]
    public async Task A_roster_posted_from_another_port_with_the_admins_cookie_is_refused_and_creates_nobody_while_the_apps_own_works()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var url = $"/api/institutions/{school}/roster";
        var users = server.Get<UserRepository>();

        // A modern browser (Fetch Metadata), an older one (Origin only), a sandboxed frame (Origin: null).
        (string? Origin, string? Site)[] forgeries = [(SiblingOrigin, "same-site"), (SiblingOrigin, null), ("null", "cross-site"), ("null", null)];
        foreach (var (origin, site) in forgeries)
        {
            var email = $"forged.{Guid.NewGuid():N}@forged.test";
            var refused = await admin.SendAsync(AsBrowser(HttpMethod.Post, url, origin, site, RosterForm(email)));
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "cross-origin");
            Assert.Equal(origin, problem.GetProperty("origin").GetString());
            Assert.Null(await users.FindByLoginAsync(email));
        }

        // The queued import is refused alike.
        var queued = $"forged.{Guid.NewGuid():N}@forged.test";
        await ProblemAssert.IsProblemAsync(await admin.SendAsync(AsBrowser(HttpMethod.Post, url + "/imports", SiblingOrigin, "same-site", RosterForm(queued))),
            HttpStatusCode.Forbidden, "cross-origin");

        // The app's own page: same origin, with or without Fetch Metadata.
        foreach (var site in new[] { "same-origin", null })
        {
            var email = $"own.{Guid.NewGuid():N}@own.test";
            var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.SendAsync(AsBrowser(HttpMethod.Post, url, OwnOrigin, site, RosterForm(email))));
            Assert.Equal(1, outcome.GetProperty("peopleCreated").GetInt32());
            Assert.NotNull(await users.FindByLoginAsync(email));
        }
        Assert.Contains(server.Log.Entries, e => e.Contains("Refused a cross-origin POST") && e.Contains(SiblingOrigin));
    }

    [Fact]
    public async Task Every_change_and_every_hub_request_is_checked_but_reads_scripts_and_bearer_tokens_are_not()
    {
        var cookies = new CookieContainer();
        var student = await server.SignedInAsync(LmsServer.Student1, cookies: cookies);

        // Reads are not checked (nothing changes; the answer is not readable by the other page anyway).
        Assert.Equal(HttpStatusCode.OK, (await student.SendAsync(AsBrowser(HttpMethod.Get, "/api/identity/me", SiblingOrigin, "same-site"))).StatusCode);

        // Signing the person out from another page is a change: refused, and the session lives on.
        await ProblemAssert.IsProblemAsync(await student.SendAsync(AsBrowser(HttpMethod.Post, "/api/identity/sign-out", SiblingOrigin, "same-site")),
            HttpStatusCode.Forbidden, "cross-origin");
        Assert.Equal(HttpStatusCode.OK, (await student.GetAsync("/api/identity/me")).StatusCode);

        // The hubs: negotiate (POST) and the WebSocket handshake (a GET) from another origin are refused; the app's own negotiate works.
        await ProblemAssert.IsProblemAsync(
            await student.SendAsync(AsBrowser(HttpMethod.Post, "/hubs/classroom/negotiate?negotiateVersion=1", SiblingOrigin, "same-site")),
            HttpStatusCode.Forbidden, "cross-origin");
        await ProblemAssert.IsProblemAsync(
            await student.SendAsync(AsBrowser(HttpMethod.Get, "/hubs/classroom?id=abc", SiblingOrigin, null)), HttpStatusCode.Forbidden, "cross-origin");
        var negotiated = await ProblemAssert.OkAsync<JsonElement>(
            await student.SendAsync(AsBrowser(HttpMethod.Post, "/hubs/classroom/negotiate?negotiateVersion=1", OwnOrigin, "same-origin")));
        Assert.True(negotiated.TryGetProperty("connectionToken", out _));

        // A script with its own cookie jar sends neither header: not a browser, not a forgery.
        Assert.Equal(HttpStatusCode.NoContent, (await student.PostAsync("/api/identity/sign-out", null)).StatusCode);

        // A bearer token is no ambient credential: another origin may use one it holds (no cookie sent).
        var token = await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/token",
            new { login = LmsServer.Admin, password = LmsServer.DemoPassword }));
        var api = server.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        var email = $"bearer.{Guid.NewGuid():N}@api.test";
        var outcome = await ProblemAssert.OkAsync<JsonElement>(await api.SendAsync(
            AsBrowser(HttpMethod.Post, $"/api/institutions/{await server.DemoSchoolIdAsync()}/roster", SiblingOrigin, "cross-site", RosterForm(email))));
        Assert.Equal(1, outcome.GetProperty("peopleCreated").GetInt32());
    }

    [Fact]
    public async Task Behind_a_tls_proxy_on_this_machine_the_request_is_https_cookies_are_secure_and_hsts_is_sent()
    {
        // Loopback is a trusted proxy unless Hosting:TrustedProxies says otherwise (nginx on the same machine).
        var client = server.Client();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/sign-in")
        {
            Content = JsonContent.Create(new { login = LmsServer.Teacher, password = LmsServer.DemoPassword }),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var signedIn = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lms.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", signedIn.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Contains("connect-src 'self' wss://", signedIn.Headers.GetValues("Content-Security-Policy").Single());

        // Plain http, no proxy: no Secure (the browser would drop it), no HSTS.
        var plain = await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = LmsServer.Teacher, password = LmsServer.DemoPassword });
        Assert.DoesNotContain("secure", plain.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lms.auth=", StringComparison.Ordinal)),
            StringComparison.OrdinalIgnoreCase);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }
}

/// <summary>A server behind a named proxy (not loopback), with a sister portal allowed to post to it.</summary>
public sealed class ProxiedLmsServer : SqliteLmsServer
{
    public const string Portal = "https://cong.truong.edu.vn";

    protected override IEnumerable<string> ExtraArguments => ["--Hosting:TrustedProxies=10.9.8.7,192.168.50.0/24", $"--Hosting:AllowedOrigins:0={Portal}/"];
}

public sealed class ConfiguredOriginTests(ProxiedLmsServer server) : IClassFixture<ProxiedLmsServer>
{
    [Fact]
    public async Task An_allowed_origin_may_post_and_forwarded_headers_from_an_untrusted_address_are_ignored()
    {
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var school = await server.DemoSchoolIdAsync();
        var email = $"portal.{Guid.NewGuid():N}@portal.test";
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/institutions/{school}/roster")
        {
            Content = new StringContent($"role,full_name,email\nstudent,Học Sinh Cổng,{email}\n", Encoding.UTF8, "text/csv"),
        };
        request.Headers.Add("Origin", ProxiedLmsServer.Portal);
        request.Headers.Add("Sec-Fetch-Site", "same-site");
        Assert.Equal(1, (await ProblemAssert.OkAsync<JsonElement>(await admin.SendAsync(request))).GetProperty("peopleCreated").GetInt32());

        var other = new HttpRequestMessage(HttpMethod.Post, $"/api/institutions/{school}/roster")
        {
            Content = new StringContent($"role,full_name,email\nstudent,Học Sinh Lạ,x.{email}\n", Encoding.UTF8, "text/csv"),
        };
        other.Headers.Add("Origin", "https://khac.truong.edu.vn");
        other.Headers.Add("Sec-Fetch-Site", "same-site");
        await ProblemAssert.IsProblemAsync(await admin.SendAsync(other), HttpStatusCode.Forbidden, "cross-origin");

        // 127.0.0.1 is not one of this server's proxies: its X-Forwarded-Proto is not believed.
        var spoofed = new HttpRequestMessage(HttpMethod.Post, "/api/identity/sign-in")
        {
            Content = JsonContent.Create(new { login = LmsServer.Teacher, password = LmsServer.DemoPassword }),
        };
        spoofed.Headers.Add("X-Forwarded-Proto", "https");
        var answer = await server.Client().SendAsync(spoofed);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.DoesNotContain("secure", answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lms.auth=", StringComparison.Ordinal)),
            StringComparison.OrdinalIgnoreCase);
        Assert.False(answer.Headers.Contains("Strict-Transport-Security"));
    }
}
