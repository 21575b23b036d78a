using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Performance;

/// <summary>
/// A phone whose scripts have not arrived (or never run) still signs in and sees its courses; when the scripts do
/// arrive, the app takes over the server's page without losing what was typed.
/// </summary>
public sealed class ServerPagesBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task With_javascript_off_a_student_signs_in_through_the_plain_form_and_sees_their_courses()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 360, Height = 780 },
            IsMobile = true,
            HasTouch = true,
            Locale = "vi-VN",
            TimezoneId = "Asia/Ho_Chi_Minh",
            JavaScriptEnabled = false,
        });
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync("server-sign-in-no-js", async () =>
        {
            await page.GotoAsync("/");
            Assert.EndsWith("/sign-in", page.Url);
            await page.GetByLabel("Email hoặc mã định danh").FillAsync(LmsServer.Student1);
            await page.GetByLabel("Mật khẩu").FillAsync("sai mật khẩu");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Email, số điện thoại, mã định danh hoặc mật khẩu không đúng.");
            await Expect(page.GetByLabel("Email hoặc mã định danh")).ToHaveValueAsync(LmsServer.Student1);

            await page.GetByLabel("Mật khẩu").FillAsync(LmsServer.DemoPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
            var first = page.GetByTestId("course-link").First;
            var title = await first.InnerTextAsync();
            var href = await first.GetAttributeAsync("href");
            Assert.StartsWith("/courses/", href);
            await first.ClickAsync();
            await page.WaitForURLAsync("**" + href);
            Assert.False(string.IsNullOrWhiteSpace(title));
        }, page);
    }

    [Fact]
    public async Task The_app_takes_over_the_server_form_keeping_what_was_typed_before_its_scripts_arrived()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        // The app's scripts are held back until the person has typed: a slow network, made certain.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/assets/*.js", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await BrowserFixture.ScreenshotOnFailureAsync("server-sign-in-hand-over", async () =>
        {
            await page.GotoAsync("/sign-in", new() { WaitUntil = WaitUntilState.Commit });
            await page.GetByLabel("Email hoặc mã định danh").FillAsync(LmsServer.Student2);
            await page.GetByLabel("Mật khẩu").FillAsync(LmsServer.DemoPassword);
            await Expect(page.Locator("[data-server-page]")).ToHaveCountAsync(1);
            release.SetResult();

            // The app's own page (its language switch is not in the server's) with the same values in its fields.
            await Expect(page.Locator("[data-server-page]")).ToHaveCountAsync(0);
            await Expect(page.Locator(".sign-in-top > *")).Not.ToHaveCountAsync(0);
            await Expect(page.GetByLabel("Email hoặc mã định danh")).ToHaveValueAsync(LmsServer.Student2);
            await Expect(page.GetByLabel("Mật khẩu")).ToHaveValueAsync(LmsServer.DemoPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
            // Signed in by the app (no page load): the app's shell, not the server's home.
            await Expect(page.GetByTestId("user-menu")).ToBeVisibleAsync();
        }, page);
    }
}
