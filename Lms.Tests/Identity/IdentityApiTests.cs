using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Lms.Tests.Identity;

public sealed class IdentityApiTestsOnSqlite(SqliteLmsServer server) : IdentityApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class IdentityApiTestsOnPostgres(PostgresLmsServer server) : IdentityApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Sign-in, tokens, lockout and bad input, over real HTTP against the real server.</summary>
public abstract class IdentityApiTests(LmsServer server)
{
    [Fact]
    public async Task A_teacher_signs_in_by_email_and_sees_their_roles()
    {
        var client = server.Client();
        var me = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/sign-in",
            new { login = "GiaoVien@demo.lms.vn", password = LmsServer.DemoPassword }));

        Assert.Equal("Trần Văn Minh", me.GetProperty("displayName").GetString());
        var membership = Assert.Single(me.GetProperty("memberships").EnumerateArray());
        Assert.Equal(Roles.Teacher, membership.GetProperty("role").GetString());
        Assert.Equal("Trường THPT Chu Văn An", membership.GetProperty("institutionName").GetString());

        var again = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/identity/me"));
        Assert.Equal(me.GetProperty("id").GetString(), again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_student_signs_in_with_the_national_identifier()
    {
        var client = server.Client();
        var me = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/sign-in",
            new { login = "001208000001", password = LmsServer.DemoPassword }));
        Assert.Equal(LmsServer.Student1, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task A_parent_sees_their_child()
    {
        var client = await server.SignedInAsync(LmsServer.Parent);
        var me = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/identity/me"));
        var child = Assert.Single(me.GetProperty("children").EnumerateArray());
        Assert.Equal("Lê Hoàng An", child.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_login_get_the_same_answer()
    {
        var client = server.Client();
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-in",
            new { login = LmsServer.Student2, password = "not the password" }), HttpStatusCode.Unauthorized, "invalid-credentials");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-in",
            new { login = "nobody@demo.lms.vn", password = "not the password" }), HttpStatusCode.Unauthorized, "invalid-credentials");
    }

    [Fact]
    public async Task After_five_failures_an_unknown_device_waits_and_gets_the_same_answer_even_with_the_right_password()
    {
        await server.AddSchoolAsync("Trường thử chậm lại", (Roles.Student, "Người Thử Chậm", "cham@throttle.test"));
        var client = server.Client();
        for (var i = 0; i < 5; i++)
            await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-in",
                new { login = "cham@throttle.test", password = "wrong-" + i }), HttpStatusCode.Unauthorized, "invalid-credentials");

        // Throttled: the right password from a device never used for this account answers exactly as a wrong one does.
        var throttled = await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = "cham@throttle.test", password = LmsServer.DemoPassword });
        var unknown = await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = "khongco@throttle.test", password = LmsServer.DemoPassword });
        var wrong = await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = LmsServer.Student2, password = "not the password" });
        foreach (var response in new[] { throttled, unknown, wrong })
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid-credentials");
        var user = (await server.Get<UserRepository>().FindByLoginAsync("cham@throttle.test"))!;
        Assert.Equal(5, user.FailedSignIns); // the throttled attempt was not even counted
        Assert.NotNull(user.LockoutEnd);
    }

    [Fact]
    public async Task Fifty_wrong_passwords_from_one_client_do_not_keep_the_student_out_on_their_own_device()
    {
        await server.AddSchoolAsync("Trường bị dò mật khẩu", (Roles.Student, "Em Bị Dò", "bido@throttle.test"));
        var phone = await server.SignedInAsync("bido@throttle.test"); // the student's own phone, used before
        Assert.Equal(HttpStatusCode.NoContent, (await phone.PostAsync("/api/identity/sign-out", null)).StatusCode);

        var attacker = server.Client();
        for (var i = 0; i < 50; i++)
            await ProblemAssert.IsProblemAsync(await attacker.PostAsJsonAsync("/api/identity/sign-in",
                new { login = "bido@throttle.test", password = $"doan-{i}" }), HttpStatusCode.Unauthorized, "invalid-credentials");

        // The attacker's device is slowed down (even with the right password now)...
        await ProblemAssert.IsProblemAsync(await attacker.PostAsJsonAsync("/api/identity/sign-in",
            new { login = "bido@throttle.test", password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");
        // ...the student's phone is not.
        await ProblemAssert.OkAsync<JsonElement>(await phone.PostAsJsonAsync("/api/identity/sign-in",
            new { login = "bido@throttle.test", password = LmsServer.DemoPassword }));
    }

    [Fact]
    public async Task Sixty_parallel_guesses_are_counted_exactly_and_only_the_free_ones_are_checked()
    {
        await server.AddSchoolAsync("Trường bị dò song song", (Roles.Student, "Em Song Song", "songsong@throttle.test"));
        var guesses = await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
            server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = "songsong@throttle.test", password = $"song-song-{i}" })));
        Assert.All(guesses, g => Assert.Equal(HttpStatusCode.Unauthorized, g.StatusCode));

        // One conditional UPDATE per attempt: exactly the five free failures were counted and checked; the
        // other 55 met the throttle the fifth one set (a counter read and written back would have lost some).
        var user = (await server.Get<UserRepository>().FindByLoginAsync("songsong@throttle.test"))!;
        Assert.Equal(5, user.FailedSignIns);
        Assert.NotNull(user.LockoutEnd);
    }

    [Fact]
    public async Task Api_clients_use_a_bearer_token_and_refresh_it()
    {
        var client = server.Client();
        var token = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/token",
            new { login = LmsServer.Teacher, password = LmsServer.DemoPassword }));
        var access = token.GetProperty("accessToken").GetString();
        var refresh = token.GetProperty("refreshToken").GetString();

        var api = server.Client();
        await ProblemAssert.IsProblemAsync(await api.GetAsync("/api/courses"), HttpStatusCode.Unauthorized, "unauthenticated");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        var courses = await ProblemAssert.OkAsync<JsonElement>(await api.GetAsync("/api/courses"));
        Assert.True(courses.GetProperty("total").GetInt32() >= 1);

        var renewed = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = refresh }));
        Assert.False(string.IsNullOrEmpty(renewed.GetProperty("accessToken").GetString()));

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/refresh", new { refreshToken = "forged" }),
            HttpStatusCode.Unauthorized, "unauthenticated");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "forged");
        await ProblemAssert.IsProblemAsync(await api.GetAsync("/api/courses"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Without_a_session_every_api_answers_401_but_health_and_openapi_are_open()
    {
        var client = server.Client();
        foreach (var path in new[] { "/api/identity/me", "/api/courses", $"/api/institutions/{Guid.NewGuid()}/people" })
            await ProblemAssert.IsProblemAsync(await client.GetAsync(path), HttpStatusCode.Unauthorized, "unauthenticated");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/health/ready"));
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("silo").GetProperty("status").GetString());
        Assert.True(ready.GetProperty("checks").GetProperty("ffmpeg").GetProperty("data").TryGetProperty("found", out _));

        var openApi = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/openapi/v1.json"));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/courses", out _));
        using var browser = new HttpClient { BaseAddress = server.BaseAddress };
        var docs = await browser.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("openapi/v1.json", await docs.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Every_api_endpoint_needs_a_signed_in_caller_except_the_sign_in_ones()
    {
        var endpoints = server.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(e => !e.RoutePattern.RawText!.StartsWith("/api/docs", StringComparison.Ordinal)) // the public API reference
            .ToList();
        Assert.True(endpoints.Count > 30);

        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText).Order().ToList();
        string[] identity =
        [
            "/api/identity/refresh", "/api/identity/sign-in", "/api/identity/sign-out", "/api/identity/token",
            // Ways into an account for someone not signed in: each needs a mailed or printed one-time code, or answers the same to everyone.
            "/api/identity/sign-up", "/api/identity/confirm-email", "/api/identity/password-reset",
            "/api/identity/codes/check", "/api/identity/codes/redeem",
            // The code step of a two-step sign-in: it needs the signed ticket of a right password.
            "/api/identity/sign-in/code", "/api/identity/token/code",
            // The same two steps as plain form posts, for a phone whose scripts have not arrived (Identity/SignInPages.cs).
            "/api/identity/sign-in/form", "/api/identity/sign-in/code/form",
            // Sign-in with the school's provider: which provider vouches for a typed address, and the start of its
            // redirect (the provider's answer comes back to a callback the authentication middleware handles, not an endpoint).
            "/api/identity/external/providers", "/api/identity/external/{providerId:guid}/start",
            // The first administrator of an empty installation, with the code from the server's log.
            "/api/setup/", "/api/setup/first-admin",
        ];
        // The MOOC catalogue, sign-up-and-enrol and credential verification are for strangers by design.
        string[] moocs =
        [
            "/api/catalogue/", "/api/catalogue/facets", "/api/catalogue/{slug}", "/api/moocs/runs/{runId:guid}/sign-up",
            "/api/verify/", "/api/verify/{credentialId:guid}", "/api/verify/{credentialId:guid}/credential", "/api/verify/{credentialId:guid}/pdf",
        ];
        // A broadcast's playlists and segments: the signed viewer token in the path is the key, so a CDN can cache them.
        string[] broadcast = ["/api/classroom/broadcast/{sessionId:guid}/{token}/{runId:guid}/{file}"];
        // A report card's verification page: the unguessable token of its QR code is the key.
        string[] reportCards = ["/api/report-cards/verify/{token}"];
        Assert.Equal(identity.Concat(moocs).Concat(broadcast).Concat(reportCards).Order(StringComparer.Ordinal).ToList(),
            anonymous.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList());
        foreach (var endpoint in endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
            Assert.True(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0, $"{endpoint.RoutePattern.RawText} is not protected");
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var client = await server.SignedInAsync(LmsServer.Student3);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/identity/sign-out", null)).StatusCode);
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_then_only_the_new_one_works()
    {
        await server.AddSchoolAsync("Trường đổi mật khẩu", (Roles.Teacher, "Cô Đổi Mật Khẩu", "doimk@password.test"));
        var client = await server.SignedInAsync("doimk@password.test");

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/change-password",
            new { currentPassword = "wrong-current", newPassword = "Mới-2026-an-toàn" }), HttpStatusCode.BadRequest, "invalid-credentials");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/change-password",
            new { currentPassword = LmsServer.DemoPassword, newPassword = "short" }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/change-password",
            new { currentPassword = LmsServer.DemoPassword, newPassword = "password1234" }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/identity/change-password",
            new { currentPassword = LmsServer.DemoPassword, newPassword = "Mới-2026-an-toàn" })).StatusCode);

        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = "doimk@password.test", password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");
        await server.SignedInAsync("doimk@password.test", "Mới-2026-an-toàn");
    }

    [Fact]
    public async Task Bad_input_is_a_clear_400_never_a_500()
    {
        var client = server.Client();
        var malformed = await client.PostAsync("/api/identity/sign-in",
            new StringContent("{\"login\": \"a@b.c\", \"password\": ", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(malformed, HttpStatusCode.BadRequest, "bad-request");

        var missing = await ProblemAssert.IsProblemAsync(
            await client.PostAsJsonAsync("/api/identity/sign-in", new { login = "a@b.c" }), HttpStatusCode.BadRequest, "validation");
        Assert.Contains(missing.GetProperty("errors").EnumerateObject(), e => e.Name.Equals("password", StringComparison.OrdinalIgnoreCase));

        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-in",
            new { login = new string('x', 300) + "@b.c", password = "whatever" }), HttpStatusCode.BadRequest, "validation");

        var wrongType = await client.PostAsync("/api/identity/sign-in", new StringContent("login=a", Encoding.UTF8, "text/plain"));
        await ProblemAssert.IsProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound, "not-found");
    }
}
