using System.IO.Compression;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Institutions;

/// <summary>
/// An admin on a phone takes a student information system's OneRoster zip: the mistakes are listed in Vietnamese with
/// their file, line and column, the corrected zip is imported, and the school's roster is exported as a zip.
/// </summary>
public sealed class OneRosterBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_admin_on_a_phone_sees_every_mistake_by_file_and_line_then_imports_and_exports_the_roster()
    {
        var adminEmail = $"qt.{Guid.NewGuid():N}@oneroster-browser.test";
        var school = await server.AddSchoolAsync("Trường THPT OneRoster Điện Thoại", (Roles.Admin, "Quản Trị", adminEmail));
        var folder = Directory.CreateTempSubdirectory("lms-oneroster-browser-");
        var clean = new SpecSample();
        var cleanPath = Path.Combine(folder.FullName, "oneroster.zip");
        await File.WriteAllBytesAsync(cleanPath, clean.Zip());
        clean.Set(SpecSample.Users, "u-student-mai", "email", "mai-at-school");
        clean.Set(SpecSample.Enrollments, "e-bao", "role", "pupil");
        var spoiledPath = Path.Combine(folder.FullName, "oneroster-loi.zip");
        await File.WriteAllBytesAsync(spoiledPath, clean.Zip());

        await using var phone = await browser.PhoneAsync(server);
        var page = await phone.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(An_admin_on_a_phone_sees_every_mistake_by_file_and_line_then_imports_and_exports_the_roster), async () =>
        {
            await BrowserFixture.SignInAsync(page, adminEmail);
            await page.GotoAsync($"/institutions/{school.Id}");
            var form = page.GetByTestId("oneroster-form");

            await form.GetByLabel("Tệp OneRoster (.zip)").SetInputFilesAsync(spoiledPath);
            await form.GetByRole(AriaRole.Button, new() { Name = "Nhập OneRoster" }).ClickAsync();
            var problems = page.GetByTestId("oneroster-problems");
            await Expect(problems.GetByTestId("oneroster-problem")).ToHaveCountAsync(2);
            await Expect(problems.Locator("[data-code=invalid-email]")).ToContainTextAsync("users.csv");
            await Expect(problems.Locator("[data-code=invalid-email]")).ToContainTextAsync("không phải địa chỉ e-mail");
            await Expect(problems.Locator("[data-code=invalid-value]")).ToContainTextAsync("enrollments.csv");
            await Expect(problems).ToContainTextAsync("Chưa nhập gì");

            await form.GetByLabel("Tệp OneRoster (.zip)").SetInputFilesAsync(cleanPath);
            await form.GetByRole(AriaRole.Button, new() { Name = "Nhập OneRoster" }).ClickAsync();
            await Expect(page.GetByTestId("oneroster-done")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("oneroster-peopleCreated")).ToHaveTextAsync("8");
            await Expect(page.GetByTestId("oneroster-notices")).ToContainTextAsync("Bỏ qua 1 dòng có status tobedeleted");

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("oneroster-export").ClickAsync());
            var zipPath = Path.Combine(folder.FullName, "xuat.zip");
            await download.SaveAsAsync(zipPath);
            var exported = ExportedSet.Read(await File.ReadAllBytesAsync(zipPath));
            Assert.Equal(9, exported.Users.Count); // the eight and the school's admin
            Assert.Contains(exported.Users, u => u["sourcedId"] == "u-student-an");
        }, page);
        folder.Delete(recursive: true);
    }
}
