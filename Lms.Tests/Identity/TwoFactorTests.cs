using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using OtpNet;

namespace Lms.Tests.Identity;

public sealed class TwoFactorTestsOnSqlite(SqliteLmsServer server) : TwoFactorTests(server), IClassFixture<SqliteLmsServer>;

public sealed class TwoFactorTestsOnPostgres(PostgresLmsServer server) : TwoFactorTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The TOTP second factor through the API: enrolment, the two-step sign-in (cookie and bearer),
/// codes used once, recovery codes, the institution's "admins must use it", an admin's reset.
/// Codes are computed here with Otp.NET from the secret the enrol endpoint returned.
/// </summary>
public abstract class TwoFactorTests(LmsServer server)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A new school with the given people (each can sign in with the demo password).</summary>
    private async Task<(Guid School, string[] Emails)> SchoolAsync(params string[] roles)
    {
        var emails = roles.Select((r, i) => $"{r}{i}.{Unique()}@two-factor.test").ToArray();
        var school = await server.AddSchoolAsync("Trường hai bước " + Unique(),
            roles.Select((r, i) => (r, $"Người {r} {i}", emails[i])).ToArray());
        return (school.Id, emails);
    }

    /// <summary>The code an authenticator shows <paramref name="steps"/> time steps from now.</summary>
    private static string CodeAt(string secret, int steps = 0) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * steps));

    /// <summary>Enrols the signed-in person; returns the secret and the recovery codes. The first code is this step's.</summary>
    private static async Task<(string Secret, string[] Recovery)> EnrolAsync(HttpClient client)
    {
        var enrolment = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsync("/api/identity/two-factor/enrol", null));
        var secret = enrolment.GetProperty("secret").GetString()!;
        var uri = enrolment.GetProperty("otpauthUri").GetString()!;
        Assert.StartsWith("otpauth://totp/", uri);
        Assert.Contains("secret=" + secret, uri);
        Assert.StartsWith("data:image/svg+xml;base64,", enrolment.GetProperty("qrSvgDataUrl").GetString());
        var confirmed = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/two-factor/confirm",
            new { code = CodeAt(secret) }));
        var recovery = confirmed.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, recovery.Distinct().Count());
        return (secret, recovery);
    }

    /// <summary>The password step: a 202 with a ticket, and no session.</summary>
    private async Task<(HttpClient Client, CookieContainer Cookies, string Ticket)> PasswordStepAsync(string email, string path = "/api/identity/sign-in")
    {
        var cookies = new CookieContainer();
        var client = server.Client(cookies);
        var response = await client.PostAsJsonAsync(path, new { login = email, password = LmsServer.DemoPassword });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.TryGetProperty("accessToken", out _));
        Assert.Equal("totp", body.GetProperty("secondFactor").GetString());
        return (client, cookies, body.GetProperty("ticket").GetString()!);
    }

    private static Task<HttpResponseMessage> CodeStepAsync(HttpClient client, string ticket, string code, string path = "/api/identity/sign-in/code") =>
        client.PostAsJsonAsync(path, new { ticket, code });

    private static async Task WrongCodeAsync(HttpResponseMessage response) =>
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "invalid-two-factor-code");

    [Fact]
    public void Otp_net_computes_the_rfc_6238_test_vector()
    {
        // RFC 6238 appendix B: SHA-1, the ASCII secret "12345678901234567890", T = 59 s gives 94287082 (8 digits).
        var totp = new Totp("12345678901234567890"u8.ToArray(), step: 30, mode: OtpHashMode.Sha1, totpSize: 8);
        Assert.Equal("94287082", totp.ComputeTotp(DateTime.UnixEpoch.AddSeconds(59)));
        Assert.Equal("07081804", totp.ComputeTotp(DateTime.UnixEpoch.AddSeconds(1111111109)));
    }

    [Fact]
    public async Task After_enrolment_signing_in_needs_the_code_and_the_password_alone_gives_no_session()
    {
        var (_, emails) = await SchoolAsync(Roles.Teacher);
        var first = await server.SignedInAsync(emails[0]);
        var (secret, _) = await EnrolAsync(first);
        var me = await ProblemAssert.OkAsync<JsonElement>(await first.GetAsync("/api/identity/me"));
        Assert.True(me.GetProperty("twoFactor").GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/identity/sign-out", null)).StatusCode);

        var (client, cookies, ticket) = await PasswordStepAsync(emails[0]);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "lms.auth");
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        // The ticket is no bearer token either.
        var ticketAsBearer = server.Client();
        ticketAsBearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ticket);
        await ProblemAssert.IsProblemAsync(await ticketAsBearer.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");

        // The confirmation used this step's code: the next step's is accepted (the window reaches one step ahead).
        var signedIn = await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(client, ticket, CodeAt(secret, 1)));
        Assert.Equal(emails[0], signedIn.GetProperty("email").GetString());
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "lms.auth");
        await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/identity/me"));
    }

    [Fact]
    public async Task A_wrong_code_a_replayed_code_and_a_recovery_code_used_twice_are_refused()
    {
        var (_, emails) = await SchoolAsync(Roles.Admin);
        var (secret, recovery) = await EnrolAsync(await server.SignedInAsync(emails[0]));

        var (client, _, ticket) = await PasswordStepAsync(emails[0]);
        var window = new[] { CodeAt(secret, -1), CodeAt(secret), CodeAt(secret, 1), CodeAt(secret, 2) };
        var wrong = Enumerable.Range(0, 10).Select(i => $"{(int.Parse(window[1]) + 1 + i) % 1_000_000:D6}").First(c => !window.Contains(c));
        await WrongCodeAsync(await CodeStepAsync(client, ticket, wrong));
        // The code the enrolment was confirmed with is spent, and so is every earlier one.
        await WrongCodeAsync(await CodeStepAsync(client, ticket, window[0]));
        var next = CodeAt(secret, 1);
        await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(client, ticket, next));

        var (again, _, secondTicket) = await PasswordStepAsync(emails[0]);
        await WrongCodeAsync(await CodeStepAsync(again, secondTicket, next));

        await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(again, secondTicket, recovery[3].ToLowerInvariant()));
        var (third, _, thirdTicket) = await PasswordStepAsync(emails[0]);
        await WrongCodeAsync(await CodeStepAsync(third, thirdTicket, recovery[3]));
        var detail = await ProblemAssert.OkAsync<JsonElement>(await again.GetAsync("/api/identity/two-factor"));
        Assert.Equal(9, detail.GetProperty("recoveryCodesLeft").GetInt32());
        // A made-up ticket is refused before any code is looked at.
        await ProblemAssert.IsProblemAsync(await CodeStepAsync(third, thirdTicket + "x", CodeAt(secret, 2)), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task API_clients_take_the_same_two_steps_for_bearer_and_refresh_tokens()
    {
        var (_, emails) = await SchoolAsync(Roles.Teacher);
        var (secret, _) = await EnrolAsync(await server.SignedInAsync(emails[0]));

        var (client, _, ticket) = await PasswordStepAsync(emails[0], "/api/identity/token");
        // A token ticket does not start a browser session.
        await ProblemAssert.IsProblemAsync(await CodeStepAsync(client, ticket, CodeAt(secret, 1)), HttpStatusCode.Unauthorized, "unauthenticated");
        var tokens = await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(client, ticket, CodeAt(secret, 1), "/api/identity/token/code"));
        var api = server.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await api.GetAsync("/api/identity/me"));
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/refresh",
            new { refreshToken = tokens.GetProperty("refreshToken").GetString() }));
    }

    [Fact]
    public async Task Admins_of_an_institution_that_requires_it_can_do_nothing_but_enrol_until_they_have()
    {
        var (school, emails) = await SchoolAsync(Roles.Admin, Roles.Admin, Roles.Teacher);
        var setter = await server.SignedInAsync(emails[0]);
        var policy = $"/api/institutions/{school}/two-factor-policy";
        Assert.False((await ProblemAssert.OkAsync<JsonElement>(await setter.GetAsync(policy))).GetProperty("adminsRequireTwoFactor").GetBoolean());
        var teacher = await server.SignedInAsync(emails[2]);
        await ProblemAssert.IsProblemAsync(await teacher.PutAsJsonAsync(policy, new { adminsRequireTwoFactor = true }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.OkAsync<JsonElement>(await setter.PutAsJsonAsync(policy, new { adminsRequireTwoFactor = true }));

        var admin = await server.SignedInAsync(emails[1]);
        var refused = await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/institutions/{school}"), HttpStatusCode.Forbidden,
            "two-factor-enrolment-required");
        Assert.Equal("two-factor-enrolment-required", refused.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/institutions/{school}/people"), HttpStatusCode.Forbidden,
            "two-factor-enrolment-required");
        var me = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync("/api/identity/me"));
        Assert.True(me.GetProperty("twoFactor").GetProperty("mustEnrol").GetBoolean());
        // Teachers of the school are not asked.
        await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}"));

        var (secret, _) = await EnrolAsync(admin);
        await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}"));
        await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people"));
        // Nor can it be switched off while the school requires it.
        var off = await ProblemAssert.IsProblemAsync(await admin.PostAsJsonAsync("/api/identity/two-factor/disable",
            new { code = CodeAt(secret, 1) }), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("required-by-institution", off.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_admin_resets_a_teachers_second_factor_which_ends_their_sessions_and_is_audited()
    {
        var (school, emails) = await SchoolAsync(Roles.Admin, Roles.Teacher, Roles.Student);
        var teacher = await server.SignedInAsync(emails[1]);
        var (secret, _) = await EnrolAsync(teacher);
        var (phone, _, ticket) = await PasswordStepAsync(emails[1]);
        await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(phone, ticket, CodeAt(secret, 1)));
        var teacherId = await server.UserIdAsync(emails[1]);

        var student = await server.SignedInAsync(emails[2]);
        await ProblemAssert.IsProblemAsync(await student.PostAsync("/api/identity/two-factor/enrol", null), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.DeleteAsync($"/api/institutions/{school}/people/{teacherId}/two-factor"),
            HttpStatusCode.Forbidden, "forbidden");

        var admin = await server.SignedInAsync(emails[0]);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/institutions/{school}/people/{teacherId}/two-factor")).StatusCode);
        foreach (var ended in new[] { teacher, phone })
            await ProblemAssert.IsProblemAsync(await ended.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        var audit = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people/{teacherId}/audit"));
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "two-factor-reset");

        // The password alone signs in again; nothing is left to reset.
        var back = await server.SignedInAsync(emails[1]);
        var me = await ProblemAssert.OkAsync<JsonElement>(await back.GetAsync("/api/identity/me"));
        Assert.False(me.GetProperty("twoFactor").GetProperty("enabled").GetBoolean());
        await ProblemAssert.IsProblemAsync(await admin.DeleteAsync($"/api/institutions/{school}/people/{teacherId}/two-factor"),
            HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Code_guesses_after_a_right_password_are_throttled_like_passwords_but_not_on_the_owners_device()
    {
        var (_, emails) = await SchoolAsync(Roles.Teacher);
        var owner = new CookieContainer();
        var ownerClient = await server.SignedInAsync(emails[0], cookies: owner);
        var (secret, recovery) = await EnrolAsync(ownerClient);
        // The owner's phone signs in once with a code: from then on it is a device the account knows.
        var first = await ownerClient.PostAsJsonAsync("/api/identity/sign-in", new { login = emails[0], password = LmsServer.DemoPassword });
        var firstTicket = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
        await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(ownerClient, firstTicket, CodeAt(secret, 1)));

        // A thief with the password guesses codes from elsewhere until the account's throttle holds.
        var (thief, _, ticket) = await PasswordStepAsync(emails[0]);
        var right = new[] { CodeAt(secret, -1), CodeAt(secret), CodeAt(secret, 1), CodeAt(secret, 2) };
        var guesses = Enumerable.Range(100_000, 50).Select(n => n.ToString()).Where(c => !right.Contains(c)).Take(8);
        foreach (var guess in guesses) await WrongCodeAsync(await CodeStepAsync(thief, ticket, guess));
        // Throttled now: even a right (recovery) code is refused from that client, with the same answer.
        await WrongCodeAsync(await CodeStepAsync(thief, ticket, recovery[0]));

        // The owner's own phone is not kept out.
        var again = await ownerClient.PostAsJsonAsync("/api/identity/sign-in", new { login = emails[0], password = LmsServer.DemoPassword });
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var ownerTicket = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
        // That same recovery code was right and unused: the throttle alone refused it.
        await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(ownerClient, ownerTicket, recovery[0]));
    }

    [Fact]
    public async Task A_password_reset_link_leads_to_the_code_step_not_to_a_session()
    {
        var (_, emails) = await SchoolAsync(Roles.Teacher);
        var (secret, _) = await EnrolAsync(await server.SignedInAsync(emails[0]));
        Assert.Equal(HttpStatusCode.Accepted,
            (await server.Client().PostAsJsonAsync("/api/identity/password-reset", new { email = emails[0] })).StatusCode);
        var link = await server.MailedCodeAsync(emails[0], "password-reset");

        var cookies = new CookieContainer();
        var client = server.Client(cookies);
        var redeemed = await client.PostAsJsonAsync("/api/identity/codes/redeem", new { code = link, newPassword = "Hai-buoc-sau-khi-quen-2026" });
        Assert.Equal(HttpStatusCode.Accepted, redeemed.StatusCode);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "lms.auth");
        var ticket = (await redeemed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetString()!;
        await ProblemAssert.OkAsync<JsonElement>(await CodeStepAsync(client, ticket, CodeAt(secret, 1)));
        await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/identity/me"));
    }

    [Fact]
    public async Task Switching_off_needs_a_current_code_or_the_password()
    {
        var (_, emails) = await SchoolAsync(Roles.Teacher);
        var client = await server.SignedInAsync(emails[0]);
        await EnrolAsync(client);
        await WrongCodeAsync(await client.PostAsJsonAsync("/api/identity/two-factor/disable", new { password = "not-the-password-at-all" }));
        Assert.Equal(HttpStatusCode.NoContent,
            (await client.PostAsJsonAsync("/api/identity/two-factor/disable", new { password = LmsServer.DemoPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK,
            (await server.Client().PostAsJsonAsync("/api/identity/sign-in", new { login = emails[0], password = LmsServer.DemoPassword })).StatusCode);
    }
}
