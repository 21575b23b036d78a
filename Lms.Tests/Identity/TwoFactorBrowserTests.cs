using System.Text.RegularExpressions;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Identity;

/// <summary>Two-step sign-in and the password strength meter on a phone.</summary>
public sealed class TwoFactorBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    private static string CodeAt(string secret, int steps) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * steps));

    [Fact]
    public async Task On_a_phone_a_teacher_sets_up_an_authenticator_from_the_account_page_and_signs_in_with_its_code()
    {
        var email = $"gv.{Guid.NewGuid():N}@browser.test";
        await server.AddSchoolAsync("Trường hai bước trên điện thoại", (Roles.Teacher, "Cô Hai Bước", email));

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_sets_up_an_authenticator_from_the_account_page_and_signs_in_with_its_code), async () =>
        {
            await BrowserFixture.SignInAsync(page, email);
            await page.GotoAsync("/account/two-factor");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cài đặt đăng nhập hai bước" }).ClickAsync();
            var enrol = page.GetByTestId("two-factor-enrol");
            await Expect(enrol.GetByRole(AriaRole.Img)).ToBeVisibleAsync();
            var secret = (await page.GetByTestId("totp-secret").InnerTextAsync()).Replace(" ", "");
            await enrol.GetByLabel("Mã 6 số ứng dụng đang hiện").FillAsync(CodeAt(secret, 0));
            await enrol.GetByRole(AriaRole.Button, new() { Name = "Xác nhận và bật" }).ClickAsync();
            await Expect(page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);
            await page.GetByRole(AriaRole.Button, new() { Name = "Tôi đã lưu các mã này" }).ClickAsync();
            await Expect(page.GetByTestId("two-factor-on")).ToContainTextAsync("còn 10 mã dự phòng");

            // Another sign-in: the password, then the code.
            await context.ClearCookiesAsync();
            await page.GotoAsync("/sign-in");
            await page.GetByLabel("Email hoặc mã định danh").FillAsync(email);
            await page.GetByLabel("Mật khẩu").FillAsync(LmsServer.DemoPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            var step = page.GetByTestId("second-step-form");
            await step.GetByLabel("Mã xác thực").FillAsync(CodeAt(secret, 1));
            await step.GetByRole(AriaRole.Button, new() { Name = "Xác nhận" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/$"));
        }, page);
    }

    [Fact]
    public async Task The_meter_calls_a_common_password_weak_and_a_long_passphrase_strong()
    {
        var email = $"hs.{Guid.NewGuid():N}@browser.test";
        await server.AddSchoolAsync("Trường đo mật khẩu", (Roles.Student, "Em Đo Mật Khẩu", email));

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_meter_calls_a_common_password_weak_and_a_long_passphrase_strong), async () =>
        {
            await BrowserFixture.SignInAsync(page, email);
            await page.GotoAsync("/account/password");
            var field = page.GetByLabel("Mật khẩu mới", new() { Exact = true });
            var meter = page.GetByTestId("password-strength");

            await field.FillAsync("matkhau123");
            await Expect(meter).ToHaveAttributeAsync("data-score", new Regex("^[01]$"));
            await Expect(meter.GetByTestId("password-strength-label")).ToHaveTextAsync(new Regex("^(Yếu|Rất yếu)$"));

            await field.FillAsync("con mèo đen nhảy qua hàng rào tre xanh");
            await Expect(meter).ToHaveAttributeAsync("data-score", new Regex("^[34]$"));
            await Expect(meter.GetByTestId("password-strength-label")).ToHaveTextAsync(new Regex("^(Mạnh|Rất mạnh)$"));
        }, page);
    }
}
