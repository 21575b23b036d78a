using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Grains.Identity;
using Lms.Server.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

public sealed class IdentityProviderTestsOnSqlite(SqliteLmsServer server, IdentityProviderRelyingParty rp)
    : IdentityProviderTests(server, rp), IClassFixture<SqliteLmsServer>, IClassFixture<IdentityProviderRelyingParty>;

public sealed class IdentityProviderTestsOnPostgres(PostgresLmsServer server, IdentityProviderRelyingParty rp)
    : IdentityProviderTests(server, rp), IClassFixture<PostgresLmsServer>, IClassFixture<IdentityProviderRelyingParty>;

/// <summary>
/// Lms as the OpenID Provider of another school system, with a certified relying party (npm <c>openid-client</c>) as
/// that system: it reads Lms's discovery, sends the person with PKCE (S256), state and nonce, checks the answer and the
/// ID token's signature, and calls userinfo and the refresh grant. The "browser" here is an HttpClient that signs in
/// to Lms and answers the consent form as a phone without scripts would (IdentityProviderBrowserTests uses Chromium).
/// </summary>
public abstract partial class IdentityProviderTests(LmsServer server, IdentityProviderRelyingParty rp)
{
    private const string NationalIdOfStudent1 = "001208000001";

    private sealed record Registered(string Name, Guid Id, string ClientId, string? Secret);

    /// <summary>The platform admin registers a school system whose redirect URIs are the RP's for <paramref name="names"/>.</summary>
    private async Task<Registered> RegisterAsync(string scopes, bool confidential = true, string? secretForRp = null, params string[] names)
    {
        var name = "c" + Guid.NewGuid().ToString("N")[..8];
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var created = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsJsonAsync("/api/identity/provider/clients", new
        {
            displayName = "Thư viện " + name, redirectUris = names.Prepend(name).Select(rp.RedirectUri).ToArray(),
            scopes = scopes.Split(' '), confidential,
        }));
        var client = created.GetProperty("client");
        var secret = created.GetProperty("clientSecret").GetString();
        Assert.Equal(confidential, secret is not null);
        var registered = new Registered(name, client.GetProperty("id").GetGuid(), client.GetProperty("clientId").GetString()!, secret);
        await rp.AddClientAsync(name, server.BaseAddress, registered.ClientId, secret);
        foreach (var other in names) await rp.AddClientAsync(other, server.BaseAddress, registered.ClientId, secretForRp ?? secret);
        return registered;
    }

    private sealed record Outcome(string? ConsentHtml, JsonElement Result);

    /// <summary>
    /// The RP's login link followed to its end with the person's Lms session: on the consent page the person agrees
    /// (ticking the national ID box when <paramref name="shareNationalId"/>), or refuses.
    /// </summary>
    private async Task<Outcome> SignInAsync(CookieContainer lms, string name, string scope, bool shareNationalId = false, bool agree = true)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = lms, AllowAutoRedirect = false });
        string? consent = null;
        var url = new Uri(rp.LoginUrl(name, scope));
        var response = await browser.GetAsync(url);
        for (var step = 0; step < 10; step++)
        {
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                url = new Uri(url, response.Headers.Location!);
                response = await browser.GetAsync(url);
                continue;
            }
            var text = await response.Content.ReadAsStringAsync();
            if (url.AbsolutePath == "/connect/authorize" && response.StatusCode == HttpStatusCode.OK && consent is null)
            {
                consent = text;
                var fields = HiddenField().Matches(text).Select(m => new KeyValuePair<string, string>(
                    WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
                fields.Add(new(ProviderEndpoints.DecisionField, agree ? "accept" : "deny"));
                if (shareNationalId) fields.Add(new(ProviderEndpoints.NationalIdField, "true"));
                url = new Uri(server.BaseAddress, "/connect/authorize");
                response = await browser.PostAsync(url, new FormUrlEncodedContent(fields));
                continue;
            }
            Assert.True(url.AbsolutePath.StartsWith("/callback/", StringComparison.Ordinal),
                $"Ended at {url} ({(int)response.StatusCode}): {text}\n{rp.Output}");
            return new Outcome(consent, JsonDocument.Parse(text).RootElement);
        }
        throw new InvalidOperationException("Too many steps.");
    }

    private async Task<CookieContainer> SessionAsync(string login)
    {
        var cookies = new CookieContainer();
        await server.SignedInAsync(login, cookies: cookies);
        return cookies;
    }

    private static JsonElement Ok(Outcome outcome)
    {
        Assert.True(outcome.Result.GetProperty("ok").GetBoolean(), outcome.Result.ToString());
        return outcome.Result;
    }

    [Fact]
    public async Task Discovery_offers_the_code_flow_with_S256_only_and_the_keys_are_kept_in_the_database()
    {
        var registered = await RegisterAsync("openid profile");
        using var anonymous = server.Client();
        var discovery = await ProblemAssert.OkAsync<JsonElement>(await anonymous.GetAsync("/.well-known/openid-configuration"));
        Assert.Equal(server.BaseAddress.ToString(), discovery.GetProperty("issuer").GetString());
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["code"], discovery.GetProperty("response_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("national_id", discovery.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()));

        var jwks = await ProblemAssert.OkAsync<JsonElement>(await anonymous.GetAsync(new Uri(discovery.GetProperty("jwks_uri").GetString()!)));
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray(), k => k.GetProperty("use").GetString() == "sig");
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        // Another server on the same database (or this one after a restart) loads the very same key: it is stored, not made at start.
        var stored = await new ProviderKeys(server.Get<ProviderClientRepository>(),
            server.Get<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()).LoadAsync();
        Assert.Equal(key.GetProperty("kid").GetString(), stored.Signing.KeyId);
    }

    [Fact]
    public async Task A_student_signs_in_to_a_school_system_with_consent_once_and_gets_a_pairwise_subject()
    {
        var library = await RegisterAsync("openid profile email offline_access");
        var lms = await SessionAsync(LmsServer.Student1);

        var first = await SignInAsync(lms, library.Name, "openid profile email");
        Assert.NotNull(first.ConsentHtml);
        Assert.Contains("Thư viện " + library.Name, first.ConsentHtml);
        var result = Ok(first);
        var sub = result.GetProperty("id_token_claims").GetProperty("sub").GetString()!;
        var userinfo = result.GetProperty("userinfo");
        Assert.Equal(sub, userinfo.GetProperty("sub").GetString());
        Assert.Equal(LmsServer.Student1, userinfo.GetProperty("email").GetString());
        Assert.True(userinfo.TryGetProperty("name", out _));
        Assert.False(userinfo.TryGetProperty("national_id", out _));
        Assert.NotEqual((await server.UserIdAsync(LmsServer.Student1)).ToString(), sub);

        // Remembered: no consent page the second time, the same subject.
        var second = await SignInAsync(lms, library.Name, "openid profile email");
        Assert.Null(second.ConsentHtml);
        Assert.Equal(sub, Ok(second).GetProperty("id_token_claims").GetProperty("sub").GetString());

        // Another school system knows the same person by another subject.
        var canteen = await RegisterAsync("openid");
        var elsewhere = Ok(await SignInAsync(lms, canteen.Name, "openid"));
        Assert.NotEqual(sub, elsewhere.GetProperty("id_token_claims").GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Claims_are_limited_to_the_scopes_asked_registered_and_agreed()
    {
        var canteen = await RegisterAsync("openid email");
        var lms = await SessionAsync(LmsServer.Student2);

        var only = Ok(await SignInAsync(lms, canteen.Name, "openid"));
        var claims = only.GetProperty("userinfo").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["sub"], claims);
        Assert.False(only.GetProperty("id_token_claims").TryGetProperty("email", out _));

        // A scope the client was not registered for is refused by Lms itself: no consent page, no code.
        var refused = await server.Client(lms).GetAsync("/connect/authorize?response_type=code&scope=openid%20profile&state=s&client_id=" +
            canteen.ClientId + "&redirect_uri=" + Uri.EscapeDataString(rp.RedirectUri(canteen.Name)) +
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("invalid_scope", await refused.Content.ReadAsStringAsync());
        Assert.Null(refused.Headers.Location);

        // Refusing the consent gives the client nothing.
        var fresh = await SessionAsync(LmsServer.Student3);
        var denied = await SignInAsync(fresh, canteen.Name, "openid email", agree: false);
        Assert.Equal("access_denied", denied.Result.GetProperty("error").GetString());
        // (The person may have agreed to other tests' systems: the class shares one server.)
        Assert.DoesNotContain(await ProblemAssert.OkAsync<JsonElement[]>(await server.Client(fresh).GetAsync("/api/identity/provider/consents")),
            c => c.GetProperty("clientId").GetGuid() == canteen.Id);
    }

    [Fact]
    public async Task The_national_id_is_shared_only_after_the_person_ticks_its_own_box()
    {
        var portal = await RegisterAsync("openid profile national_id");
        var lms = await SessionAsync(LmsServer.Student1);

        var without = await SignInAsync(lms, portal.Name, "openid profile national_id");
        Assert.Contains("idp-national-id", without.ConsentHtml);
        Assert.False(Ok(without).GetProperty("userinfo").TryGetProperty("national_id", out _));
        Assert.False(without.Result.GetProperty("id_token_claims").TryGetProperty("national_id", out _));

        // Asked again (the national ID is not agreed yet); this time the box is ticked.
        var with = await SignInAsync(lms, portal.Name, "openid profile national_id", shareNationalId: true);
        Assert.NotNull(with.ConsentHtml);
        Assert.Equal(NationalIdOfStudent1, Ok(with).GetProperty("userinfo").GetProperty("national_id").GetString());
        Assert.Equal(NationalIdOfStudent1, with.Result.GetProperty("id_token_claims").GetProperty("national_id").GetString());
    }

    [Fact]
    public async Task A_refresh_token_works_until_the_person_withdraws_consent_and_then_the_system_asks_again()
    {
        var portal = await RegisterAsync("openid profile offline_access");
        var lms = await SessionAsync(LmsServer.Parent);

        var signedIn = Ok(await SignInAsync(lms, portal.Name, "openid profile offline_access"));
        Assert.True(signedIn.GetProperty("has_refresh_token").GetBoolean());
        var sub = signedIn.GetProperty("id_token_claims").GetProperty("sub").GetString();
        var refreshed = await rp.RefreshAsync(portal.Name);
        Assert.True(refreshed.GetProperty("ok").GetBoolean(), refreshed.ToString());
        Assert.Equal(sub, refreshed.GetProperty("userinfo").GetProperty("sub").GetString());
        Assert.True(refreshed.GetProperty("has_refresh_token").GetBoolean());

        // The person's account page lists the system; withdrawing ends its refresh token.
        var account = server.Client(lms);
        var consents = await ProblemAssert.OkAsync<JsonElement>(await account.GetAsync("/api/identity/provider/consents"));
        var consent = Assert.Single(consents.EnumerateArray(), c => c.GetProperty("clientId").GetGuid() == portal.Id);
        Assert.Contains("offline_access", consent.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await account.DeleteAsync($"/api/identity/provider/consents/{portal.Id}")).StatusCode);
        var afterRevocation = await rp.RefreshAsync(portal.Name);
        Assert.False(afterRevocation.GetProperty("ok").GetBoolean());
        Assert.Equal("invalid_grant", afterRevocation.GetProperty("error").GetString());

        var again = await SignInAsync(lms, portal.Name, "openid profile offline_access");
        Assert.NotNull(again.ConsentHtml);
        Assert.Equal(sub, Ok(again).GetProperty("id_token_claims").GetProperty("sub").GetString());
    }

    [Fact]
    public async Task A_wrong_redirect_uri_a_missing_pkce_challenge_and_a_wrong_secret_are_refused()
    {
        var badSecret = "rp" + Guid.NewGuid().ToString("N")[..8];
        var library = await RegisterAsync("openid", confidential: true, secretForRp: "khong-dung", badSecret);
        var lms = await SessionAsync(LmsServer.Student2);
        using var browser = server.Client(lms);

        // An address not registered: answered by Lms itself, never sent there.
        var wrong = await browser.GetAsync("/connect/authorize?response_type=code&scope=openid&client_id=" + library.ClientId +
            "&redirect_uri=" + Uri.EscapeDataString("https://ke-gian.example.org/callback") +
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Null(wrong.Headers.Location);

        // No PKCE (OpenIddict checks it before the client): refused by Lms itself, no code anywhere.
        var noPkce = await browser.GetAsync("/connect/authorize?response_type=code&scope=openid&state=s&client_id=" + library.ClientId +
            "&redirect_uri=" + Uri.EscapeDataString(rp.RedirectUri(library.Name)));
        Assert.Equal(HttpStatusCode.BadRequest, noPkce.StatusCode);
        Assert.Contains("code_challenge", await noPkce.Content.ReadAsStringAsync());
        Assert.Null(noPkce.Headers.Location);

        // The code is issued, but the token endpoint refuses a client that cannot prove itself.
        var outcome = await SignInAsync(lms, badSecret, "openid");
        Assert.False(outcome.Result.GetProperty("ok").GetBoolean());
        Assert.Equal("invalid_client", outcome.Result.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_public_client_signs_in_with_pkce_alone()
    {
        var app = await RegisterAsync("openid profile", confidential: false);
        var lms = await SessionAsync(LmsServer.Student3);
        var result = Ok(await SignInAsync(lms, app.Name, "openid profile"));
        Assert.True(result.GetProperty("userinfo").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task Only_a_platform_admin_registers_systems_and_the_secret_is_shown_once()
    {
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync("/api/identity/provider/clients",
            new { displayName = "Căng tin", redirectUris = new[] { "https://cangtin.example.org/cb" }, scopes = new[] { "openid" } }),
            HttpStatusCode.Forbidden, "forbidden");

        var admin = await server.SignedInAsync(LmsServer.Admin);
        var insecure = await admin.PostAsJsonAsync("/api/identity/provider/clients",
            new { displayName = "Căng tin", redirectUris = new[] { "http://cangtin.example.org/cb" }, scopes = new[] { "openid" } });
        await ProblemAssert.IsProblemAsync(insecure, HttpStatusCode.BadRequest, "validation");
        var created = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsJsonAsync("/api/identity/provider/clients",
            new { displayName = "Căng tin", redirectUris = new[] { "https://cangtin.example.org/cb" }, scopes = new[] { "profile" } }));
        var secret = created.GetProperty("clientSecret").GetString()!;
        var id = created.GetProperty("client").GetProperty("id").GetGuid();
        Assert.Equal(["openid", "profile"], created.GetProperty("client").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var list = await admin.GetStringAsync("/api/identity/provider/clients");
        Assert.Contains(id.ToString(), list);
        Assert.DoesNotContain(secret, list);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/identity/provider/clients/{id}")).StatusCode);
        Assert.Null(await server.Get<ProviderClientRepository>().GetAsync(id));
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\" />")]
    private static partial Regex HiddenField();
}
