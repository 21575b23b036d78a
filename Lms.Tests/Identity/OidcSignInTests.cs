using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Server.Identity;
using Lms.Server.Web;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

public sealed class OidcSignInTestsOnSqlite(SqliteLmsServer server, OidcProviderServer provider)
    : OidcSignInTests(server, provider), IClassFixture<SqliteLmsServer>, IClassFixture<OidcProviderServer>;

public sealed class OidcSignInTestsOnPostgres(PostgresLmsServer server, OidcProviderServer provider)
    : OidcSignInTests(server, provider), IClassFixture<PostgresLmsServer>, IClassFixture<OidcProviderServer>;

/// <summary>
/// Signing in with the school's OpenID Connect provider, against a real one (npm <c>oidc-provider</c> on loopback).
/// These follow the flow with an HttpClient as a browser without scripts would: Lms's start, the provider's own login
/// and consent forms, the callback (OidcSignInBrowserTests drives Chromium through the same pages).
/// </summary>
public abstract class OidcSignInTests(LmsServer server, OidcProviderServer provider)
{
    private static string Unique() => OidcSignInKit.Unique();

    private readonly OidcSignInKit _kit = new(server, provider);

    private string Text(string key) => server.Get<AppTexts>().T("vi", key);

    private async Task<JsonElement> MeAsync(CookieContainer cookies) =>
        await ProblemAssert.OkAsync<JsonElement>(await server.Client(cookies).GetAsync("/api/identity/me"));

    private void IsRefused(OidcSignInKit.Outcome outcome, string code, HttpStatusCode status = HttpStatusCode.Forbidden)
    {
        Assert.True(outcome.Status == status, $"Expected {(int)status} but got {(int)outcome.Status}: {outcome.Html}");
        Assert.Contains(Text("schoolSignIn.refused." + code), outcome.Html);
        Assert.DoesNotContain(outcome.Cookies.GetCookies(server.BaseAddress), c => c.Name == "lms.auth");
    }

    [Fact]
    public async Task A_person_on_the_roster_signs_in_with_the_verified_school_address_and_gets_an_ordinary_session()
    {
        var (school, domain, studentEmail, admin) = await _kit.SchoolAsync();
        var connected = await _kit.ConnectAsync(admin, school, domain);
        var sub = "sub-" + Unique();
        await provider.AddAccountAsync(sub, studentEmail.ToUpperInvariant(), emailVerified: true, "Nguyễn Học Sinh");

        var outcome = await _kit.SignInAtProviderAsync(connected, sub);

        Assert.Equal(HttpStatusCode.OK, outcome.Status);
        Assert.Contains("http-equiv=\"refresh\" content=\"0;url=/\"", outcome.Html);
        var me = await MeAsync(outcome.Cookies);
        Assert.Equal(studentEmail, me.GetProperty("email").GetString());
        Assert.Contains(me.GetProperty("memberships").EnumerateArray(), m => m.GetProperty("institutionId").GetGuid() == school);
        // The same kind of session as a password's: listed, and it ends on sign-out.
        var client = server.Client(outcome.Cookies);
        var sessions = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/identity/sessions"));
        Assert.Single(sessions.EnumerateArray(), s => s.GetProperty("current").GetBoolean() && s.GetProperty("kind").GetString() == SessionKinds.Cookie);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/identity/sign-out", null)).StatusCode);
        await ProblemAssert.IsProblemAsync(await server.Client(outcome.Cookies).GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");

        // The link is the provider's subject: after the address changes there, the same person signs in.
        await provider.AddAccountAsync(sub, $"ten.moi@{domain}", emailVerified: true, "Nguyễn Học Sinh");
        var again = await _kit.SignInAtProviderAsync(connected, sub);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(me.GetProperty("id").GetGuid(), (await MeAsync(again.Cookies)).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Someone_not_on_the_roster_is_created_with_the_configured_role_when_the_provider_allows_it_and_refused_otherwise()
    {
        var (school, domain, _, admin) = await _kit.SchoolAsync();
        var connected = await _kit.ConnectAsync(admin, school, domain, createsAccounts: true, newPersonRole: Roles.Teacher);
        var sub = "sub-" + Unique();
        var email = $"giaovien.moi@{domain}";
        await provider.AddAccountAsync(sub, email, emailVerified: true, "Trần Giáo Viên Mới");

        var outcome = await _kit.SignInAtProviderAsync(connected, sub);

        Assert.Equal(HttpStatusCode.OK, outcome.Status);
        var me = await MeAsync(outcome.Cookies);
        Assert.Equal("Trần Giáo Viên Mới", me.GetProperty("displayName").GetString());
        var membership = Assert.Single(me.GetProperty("memberships").EnumerateArray());
        Assert.Equal(school, membership.GetProperty("institutionId").GetGuid());
        Assert.Equal(Roles.Teacher, membership.GetProperty("role").GetString());

        // Another school whose provider only admits its roster.
        var (otherSchool, otherDomain, _, otherAdmin) = await _kit.SchoolAsync();
        var rosterOnly = await _kit.ConnectAsync(otherAdmin, otherSchool, otherDomain);
        var stranger = "sub-" + Unique();
        await provider.AddAccountAsync(stranger, $"nguoi.la@{otherDomain}", emailVerified: true, "Người Lạ");
        IsRefused(await _kit.SignInAtProviderAsync(rosterOnly, stranger), ExternalRefusals.NotOnRoster);
        Assert.Null(await server.Get<UserRepository>().FindByLoginAsync($"nguoi.la@{otherDomain}"));
    }

    [Fact]
    public async Task An_address_outside_the_vouched_domains_or_not_verified_by_the_provider_is_refused()
    {
        var (school, domain, studentEmail, admin) = await _kit.SchoolAsync();
        var connected = await _kit.ConnectAsync(admin, school, domain, createsAccounts: true, newPersonRole: Roles.Student);

        var foreign = "sub-" + Unique();
        await provider.AddAccountAsync(foreign, $"ai.do@gmail{Unique()}.com", emailVerified: true, "Ai Đó");
        IsRefused(await _kit.SignInAtProviderAsync(connected, foreign), ExternalRefusals.ForeignDomain);

        // The roster's own address, but the provider does not vouch that its holder owns it: never linked.
        var unverified = "sub-" + Unique();
        await provider.AddAccountAsync(unverified, studentEmail, emailVerified: false, "Kẻ Mạo Danh");
        IsRefused(await _kit.SignInAtProviderAsync(connected, unverified), ExternalRefusals.UnverifiedEmail);
        var created = "sub-" + Unique();
        await provider.AddAccountAsync(created, $"moi.{Unique()}@{domain}", emailVerified: false, "Chưa Xác Minh");
        IsRefused(await _kit.SignInAtProviderAsync(connected, created), ExternalRefusals.UnverifiedEmail);
    }

    [Fact]
    public async Task A_second_provider_account_claiming_a_linked_persons_address_is_refused()
    {
        var (school, domain, studentEmail, admin) = await _kit.SchoolAsync();
        var connected = await _kit.ConnectAsync(admin, school, domain);
        var first = "sub-" + Unique();
        await provider.AddAccountAsync(first, studentEmail, emailVerified: true, "Nguyễn Học Sinh");
        Assert.Equal(HttpStatusCode.OK, (await _kit.SignInAtProviderAsync(connected, first)).Status);

        var second = "sub-" + Unique();
        await provider.AddAccountAsync(second, studentEmail, emailVerified: true, "Tài Khoản Thứ Hai");
        IsRefused(await _kit.SignInAtProviderAsync(connected, second), ExternalRefusals.OtherAccount);
        // The first one still works.
        Assert.Equal(HttpStatusCode.OK, (await _kit.SignInAtProviderAsync(connected, first)).Status);
    }

    [Fact]
    public async Task A_provider_that_cannot_be_reached_gives_a_clear_message_on_the_sign_in_page()
    {
        var (school, domain, _, admin) = await _kit.SchoolAsync();
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var connected = await _kit.ConnectAsync(admin, school, domain, issuer: $"http://127.0.0.1:{closedPort}");

        var outcome = await _kit.SignInAtProviderAsync(connected, "khong-quan-trong");

        IsRefused(outcome, ExternalRefusals.Unavailable, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("data-testid=\"sign-in-form\"", outcome.Html);
    }

    [Fact]
    public async Task Admins_connect_providers_whose_secret_never_comes_back_and_whose_domains_belong_to_one_provider()
    {
        var (school, domain, studentEmail, admin) = await _kit.SchoolAsync();
        var connected = await _kit.ConnectAsync(admin, school, domain);
        Assert.True(connected.GetProperty("hasClientSecret").GetBoolean());
        var listed = await admin.GetStringAsync($"/api/institutions/{school}/sign-in-providers");
        Assert.DoesNotContain("bi-mat-", listed);
        Assert.DoesNotContain("bi-mat-", (await server.Get<OidcProviderRepository>().GetAsync(connected.GetProperty("id").GetGuid()))!.ProtectedClientSecret);

        // The sign-in page learns which provider vouches for a typed address.
        var hint = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/identity/external/providers?email=ai@{domain.ToUpperInvariant()}"));
        Assert.Equal(connected.GetProperty("id").GetGuid(), Assert.Single(hint.EnumerateArray()).GetProperty("providerId").GetGuid());

        var (otherSchool, _, _, otherAdmin) = await _kit.SchoolAsync();
        var taken = await ProblemAssert.IsProblemAsync(await otherAdmin.PostAsJsonAsync($"/api/institutions/{otherSchool}/sign-in-providers", new
        {
            displayName = "Chiếm tên miền", issuer = "https://login.example.org", clientId = "x", clientSecret = "y",
            domains = new[] { domain.ToUpperInvariant() },
        }), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("domain-taken", taken.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await otherAdmin.PostAsJsonAsync($"/api/institutions/{otherSchool}/sign-in-providers", new
        {
            displayName = "Không an toàn", issuer = "http://login.example.org", clientId = "x", clientSecret = "y", domains = new[] { "khac.edu.vn" },
        }), HttpStatusCode.BadRequest, "validation");
        // Another school's admin, and a student, see nothing of this school's providers.
        await ProblemAssert.IsProblemAsync(await otherAdmin.GetAsync($"/api/institutions/{school}/sign-in-providers"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await (await server.SignedInAsync(studentEmail)).GetAsync($"/api/institutions/{school}/sign-in-providers"),
            HttpStatusCode.Forbidden, "forbidden");
    }
}
