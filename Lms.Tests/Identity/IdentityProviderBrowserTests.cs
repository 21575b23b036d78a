using System.Text.Json;
using System.Text.RegularExpressions;
using System.Net.Http.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Identity;

/// <summary>
/// Another school system (npm <c>openid-client</c> as its relying party) signs a student in with Lms on a phone: the
/// system's link, Lms's own sign-in page, Lms's consent page, and back with an ID token openid-client verified.
/// </summary>
public sealed class IdentityProviderBrowserTests(SqliteLmsServer server, IdentityProviderRelyingParty rp, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<IdentityProviderRelyingParty>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_a_phone_a_student_signs_in_to_the_library_with_Lms_and_agrees_to_share_name_and_email()
    {
        var name = "thuvien" + Guid.NewGuid().ToString("N")[..6];
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var created = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsJsonAsync("/api/identity/provider/clients", new
        {
            displayName = "Thư viện trường", redirectUris = new[] { rp.RedirectUri(name) }, scopes = new[] { "openid", "profile", "email" },
            confidential = true,
        }));
        await rp.AddClientAsync(name, server.BaseAddress, created.GetProperty("client").GetProperty("clientId").GetString()!,
            created.GetProperty("clientSecret").GetString());

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_student_signs_in_to_the_library_with_Lms_and_agrees_to_share_name_and_email), async () =>
        {
            await page.GotoAsync(rp.LoginUrl(name, "openid profile email"));

            // Not signed in to Lms yet: its own sign-in page, which then carries on to the consent.
            await Expect(page.GetByLabel("Email hoặc mã định danh")).ToBeVisibleAsync();
            await page.GetByLabel("Email hoặc mã định danh").FillAsync(LmsServer.Student1);
            await page.GetByLabel("Mật khẩu").FillAsync(LmsServer.DemoPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();

            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thư viện trường muốn dùng tài khoản Lms của bạn" })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("idp-consent-scopes")).ToContainTextAsync("Địa chỉ e-mail của bạn");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đồng ý", Exact = true }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(rp.RedirectUri(name))));
            var result = JsonDocument.Parse(await page.Locator("body").InnerTextAsync()).RootElement;
            Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
            Assert.Equal(LmsServer.Student1, result.GetProperty("userinfo").GetProperty("email").GetString());
        }, page);
    }
}
