using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Identity;

/// <summary>Claiming an account on a phone: the printed code, the password, the first sign-in.</summary>
public sealed class AccountBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_a_phone_a_student_types_the_code_from_the_printed_sheet_chooses_a_password_and_signs_in()
    {
        var adminEmail = $"qt.{Guid.NewGuid():N}@browser.test";
        var school = await server.AddSchoolAsync("Trường phiếu trên điện thoại", (Roles.Admin, "Quản Trị", adminEmail));
        var admin = await server.SignedInAsync(adminEmail);
        var nationalId = "0013" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school.Id}/roster",
            new StringContent($"role,full_name,national_id,class\nstudent,Em Dùng Phiếu,{nationalId},7B\n", Encoding.UTF8, "text/csv")));
        var printed = outcome.GetProperty("invitations")[0].GetProperty("code").GetString()!;

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_student_types_the_code_from_the_printed_sheet_chooses_a_password_and_signs_in), async () =>
        {
            await page.GotoAsync("/sign-in");
            await page.GetByRole(AriaRole.Link, new() { Name = "Có mã kích hoạt hoặc lời mời?" }).ClickAsync();
            await page.GetByLabel("Mã kích hoạt").FillAsync(printed.ToLowerInvariant());
            await page.GetByRole(AriaRole.Button, new() { Name = "Tiếp tục" }).ClickAsync();
            await Expect(page.GetByTestId("code-holder")).ToContainTextAsync("Em Dùng Phiếu");

            var form = page.GetByTestId("set-password-form");
            await form.GetByLabel("Mật khẩu mới", new() { Exact = true }).FillAsync("password123");
            await form.GetByLabel("Nhập lại mật khẩu mới").FillAsync("password123");
            await form.GetByRole(AriaRole.Button, new() { Name = "Lưu mật khẩu và đăng nhập" }).ClickAsync();
            await Expect(form).ToContainTextAsync("quá dễ đoán");

            await form.GetByLabel("Mật khẩu mới", new() { Exact = true }).FillAsync("Hoa-phuong-do-7B");
            await form.GetByLabel("Nhập lại mật khẩu mới").FillAsync("Hoa-phuong-do-7B");
            await form.GetByRole(AriaRole.Button, new() { Name = "Lưu mật khẩu và đăng nhập" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/$"));

            // Signed out and in again with the national ID and the password just chosen.
            await context.ClearCookiesAsync();
            await BrowserFixture.SignInAsync(page, nationalId, "Hoa-phuong-do-7B");
            await Expect(page).ToHaveURLAsync(new Regex("/$"));
        }, page);
        // The printed code worked once.
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/codes/check", new { code = printed }),
            System.Net.HttpStatusCode.BadRequest, "invalid-code");
    }
}
