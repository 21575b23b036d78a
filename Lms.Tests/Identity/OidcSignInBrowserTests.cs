using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Identity;

/// <summary>
/// Signing in with the school account on a phone, through the real redirects and the provider's own login and consent
/// pages (npm <c>oidc-provider</c> on loopback).
/// </summary>
public sealed class OidcSignInBrowserTests(SqliteLmsServer server, OidcProviderServer provider, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<OidcProviderServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_a_phone_a_student_types_the_school_address_chooses_the_school_account_and_arrives_signed_in()
    {
        var kit = new OidcSignInKit(server, provider);
        var (school, domain, studentEmail, admin) = await kit.SchoolAsync();
        await kit.ConnectAsync(admin, school, domain);
        var sub = "sub-" + OidcSignInKit.Unique();
        await provider.AddAccountAsync(sub, studentEmail, emailVerified: true, "Nguyễn Học Sinh");

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_student_types_the_school_address_chooses_the_school_account_and_arrives_signed_in), async () =>
        {
            await page.GotoAsync("/sign-in");
            var schoolAccount = page.GetByRole(AriaRole.Link, new() { Name = "Đăng nhập bằng tài khoản trường" });
            await page.GetByLabel("Email hoặc mã định danh").FillAsync(studentEmail);
            await Expect(schoolAccount).ToBeVisibleAsync();
            await schoolAccount.ClickAsync();

            // The provider's own pages, on its own origin.
            await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(provider.Issuer) + "/interaction/"));
            await page.Locator("input[name=login]").FillAsync(sub);
            await page.Locator("input[name=password]").FillAsync("mat-khau-o-nha-cung-cap");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(server.BaseAddress.ToString()) + "$"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
        }, page);
    }
}
