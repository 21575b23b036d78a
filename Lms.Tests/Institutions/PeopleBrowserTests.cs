using System.Text.RegularExpressions;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Institutions;

/// <summary>An admin keeps the school's people from a phone, in Chromium, against the real server.</summary>
public sealed class PeopleBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_a_phone_an_admin_finds_a_student_without_diacritics_renames_and_moves_them_and_sees_the_history()
    {
        var school = await PeopleTestSchool.CreateAsync(server, (Roles.Student, "Bùi  Hồng Dung"), (Roles.Student, "Trần Văn An"));
        var dung = await school.IdAsync(0);
        await school.MoveAsync(dung, await school.ClassAsync("10A1"));
        await school.ClassAsync("10A2");
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_an_admin_finds_a_student_without_diacritics_renames_and_moves_them_and_sees_the_history), async () =>
        {
            await BrowserFixture.SignInAsync(page, school.AdminEmail);
            // An admin who teaches nothing is shown where the school's courses are, not only "no courses".
            await page.GetByTestId("school-courses-link").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/institutions/{school.Id}\\?tab=courses$"));
            await page.GotoAsync($"/institutions/{school.Id}?tab=people");
            var people = page.GetByTestId("people-page");
            await people.GetByLabel("Tìm theo tên").FillAsync("bui hong dung");
            await people.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
            await Expect(people.GetByTestId("person")).ToHaveCountAsync(1);
            await Expect(people.GetByTestId("person")).ToContainTextAsync("10A1");

            await people.GetByRole(AriaRole.Button, new() { Name = "Sửa thông tin: Bùi Hồng Dung" }).ClickAsync();
            var dialog = page.GetByTestId("person-dialog");
            await dialog.GetByLabel("Họ và tên").FillAsync("Bùi  Thị Hồng Dung ");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Lưu", Exact = true }).ClickAsync();
            await Expect(dialog.GetByTestId("person-notice")).ToHaveTextAsync("Đã lưu thay đổi.");
            await dialog.GetByLabel("Chuyển sang lớp").SelectOptionAsync(new SelectOptionValue { Label = "10A2" });
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Chuyển lớp" }).ClickAsync();
            await Expect(dialog.GetByTestId("person-notice")).ToContainTextAsync("từ 10A1 sang 10A2");
            await Expect(dialog.GetByTestId("person-history").GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3); // renamed, moved ×2
            await Expect(dialog.GetByTestId("person-history")).ToContainTextAsync("Đổi tên");
            // A wrong ID number is answered in the reader's language, beside its field.
            await dialog.GetByLabel("Mã định danh cá nhân").FillAsync("1208679000");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Lưu", Exact = true }).ClickAsync();
            await Expect(dialog.GetByText(new Regex("Excel thường xoá các số 0 ở đầu"))).ToBeVisibleAsync();
            // The dialog fits the phone's screen.
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Đóng" }).ClickAsync();

            await Expect(people.GetByTestId("person")).ToContainTextAsync("Bùi Thị Hồng Dung");
            await Expect(people.GetByTestId("person")).ToContainTextAsync("10A2");
        }, page);
    }

    [Fact]
    public async Task On_a_phone_an_admin_renames_and_archives_a_class()
    {
        var school = await PeopleTestSchool.CreateAsync(server);
        foreach (var name in new[] { "10A10", "10A2", "10A1" }) await school.ClassAsync(name);
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_an_admin_renames_and_archives_a_class), async () =>
        {
            await BrowserFixture.SignInAsync(page, school.AdminEmail);
            await page.GotoAsync($"/institutions/{school.Id}?tab=classes");
            var cards = page.GetByTestId("class-card");
            await Expect(cards.Locator("h3")).ToHaveTextAsync(["10A1", "10A2", "10A10"]);

            await page.GetByRole(AriaRole.Button, new() { Name = "Đổi tên lớp 10A10" }).ClickAsync();
            await page.GetByLabel("Đổi tên lớp 10A10").FillAsync("10a1");
            await page.GetByRole(AriaRole.Button, new() { Name = "Lưu", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("class-error")).ToContainTextAsync("Đã có lớp tên “10a1”");
            await page.GetByLabel("Đổi tên lớp 10A10").FillAsync("10A3");
            await page.GetByRole(AriaRole.Button, new() { Name = "Lưu", Exact = true }).ClickAsync();
            await Expect(cards.Locator("h3")).ToHaveTextAsync(["10A1", "10A2", "10A3"]);

            await cards.Filter(new() { HasText = "10A2" }).GetByRole(AriaRole.Button, new() { Name = "Lưu trữ", Exact = true }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Lưu trữ lớp" }).ClickAsync();
            await Expect(cards.Locator("h3")).ToHaveTextAsync(["10A1", "10A3"]);
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        }, page);
    }
}
