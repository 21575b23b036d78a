using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>What the tests of sign-in with a school's provider share: a school, its provider connected, a sign-in followed to its end.</summary>
public sealed partial class OidcSignInKit(LmsServer server, OidcProviderServer provider)
{
    public static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A school with its admin and one student on the roster, its e-mail domain, and its admin's API client.</summary>
    public async Task<(Guid School, string Domain, string StudentEmail, HttpClient Admin)> SchoolAsync()
    {
        var domain = $"truong{Unique()}.edu.vn";
        var adminEmail = $"quantri@{domain}";
        var studentEmail = $"hocsinh@{domain}";
        var school = await server.AddSchoolAsync("Trường đăng nhập " + Unique(),
            (Roles.Admin, "Quản Trị Trường", adminEmail), (Roles.Student, "Nguyễn Học Sinh", studentEmail));
        return (school.Id, domain, studentEmail, await server.SignedInAsync(adminEmail));
    }

    /// <summary>Connects the test's provider to the school through the admin API and registers Lms as its client there.</summary>
    public async Task<JsonElement> ConnectAsync(HttpClient admin, Guid school, string domain, bool createsAccounts = false,
        string? newPersonRole = null, string? issuer = null)
    {
        var clientId = "lms-" + Unique();
        var view = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsJsonAsync($"/api/institutions/{school}/sign-in-providers", new
        {
            displayName = "Tài khoản trường", issuer = issuer ?? provider.Issuer, clientId, clientSecret = "bi-mat-" + clientId,
            domains = new[] { domain }, createsAccounts, newPersonRole,
        }));
        await provider.AddClientAsync(clientId, "bi-mat-" + clientId, view.GetProperty("redirectUri").GetString()!);
        return view;
    }

    public sealed record Outcome(HttpStatusCode Status, string Html, CookieContainer Cookies);

    /// <summary>
    /// Follows a sign-in from Lms's start link to its end: redirects, and on the provider's pages its login form (the
    /// account's <paramref name="sub"/>, any password) and its consent form. Ends at the first page of Lms that is not a redirect.
    /// </summary>
    public async Task<Outcome> SignInAtProviderAsync(JsonElement connected, string sub, CookieContainer? cookies = null)
    {
        cookies ??= new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false });
        var url = new Uri(connected.GetProperty("signInUrl").GetString()!);
        var response = await client.GetAsync(url);
        for (var step = 0; step < 20; step++)
        {
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                url = new Uri(url, response.Headers.Location!);
                response = await client.GetAsync(url);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            if (url.Authority == server.BaseAddress.Authority) return new Outcome(response.StatusCode, WebUtility.HtmlDecode(html), cookies);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"The provider answered {(int)response.StatusCode}: {html}\n{provider.Output}");
            var action = FormAction().Match(html).Groups[1].Value;
            var prompt = PromptField().Match(html).Groups[1].Value;
            Dictionary<string, string> fields = prompt == "login"
                ? new() { ["prompt"] = "login", ["login"] = sub, ["password"] = "bat-ky" }
                : new() { ["prompt"] = prompt };
            url = new Uri(url, WebUtility.HtmlDecode(action));
            response = await client.PostAsync(url, new FormUrlEncodedContent(fields));
        }
        throw new InvalidOperationException("The sign-in did not come back to Lms in 20 steps.");
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"prompt\" value=\"([^\"]+)\"")]
    private static partial Regex PromptField();
}
