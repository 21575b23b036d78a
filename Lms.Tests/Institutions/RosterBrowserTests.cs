using System.Text;
using System.Text.RegularExpressions;
using Lms.Bench.Institutions;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Institutions;

/// <summary>
/// The start of a year in a browser: an admin imports the school's file on a laptop, sees every problem in
/// Vietnamese, imports the corrected file and watches it finish (also after a reload), downloads the slips;
/// a student types the code from a slip on a phone and chooses a password.
/// </summary>
public sealed partial class RosterBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"Login: (\d{12}) .*?([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})", RegexOptions.Singleline)]
    private static partial Regex FirstSlip();

    [Fact]
    public async Task An_admin_imports_on_a_laptop_and_a_student_signs_in_on_a_phone_with_a_slips_code()
    {
        var adminEmail = $"qt.{Guid.NewGuid():N}@browser.test";
        var school = await server.AddSchoolAsync("Trường THCS Phiếu In", (Roles.Admin, "Quản Trị", adminEmail));
        var prefix = "00" + Random.Shared.Next(10, 99);
        var folder = Directory.CreateTempSubdirectory("lms-roster-browser-");
        var spoiledPath = Path.Combine(folder.FullName, "danh-sach-loi.csv");
        var spoiled = new SchoolRosterFile(teachers: 5, students: 120, classes: 4, parents: 60, mistakes: true, idPrefix: prefix);
        await File.WriteAllTextAsync(spoiledPath, spoiled.Text, new UTF8Encoding(false));
        var cleanPath = Path.Combine(folder.FullName, "danh-sach.csv");
        var clean = new SchoolRosterFile(teachers: 5, students: 120, classes: 4, parents: 60, idPrefix: prefix);
        await File.WriteAllTextAsync(cleanPath, clean.Text, new UTF8Encoding(false));

        await using var laptop = await browser.DesktopAsync(server);
        var page = await laptop.NewPageAsync();
        string login = "", code = "";
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(An_admin_imports_on_a_laptop_and_a_student_signs_in_on_a_phone_with_a_slips_code), async () =>
        {
            await BrowserFixture.SignInAsync(page, adminEmail);
            await page.GotoAsync($"/institutions/{school.Id}");
            var form = page.GetByTestId("roster-form");

            // Every planted problem at once, in Vietnamese, with its line.
            await form.GetByLabel("Tệp danh sách (CSV)").SetInputFilesAsync(spoiledPath);
            await form.GetByRole(AriaRole.Button, new() { Name = "Nhập danh sách" }).ClickAsync();
            var problems = page.GetByTestId("roster-problems");
            await Expect(problems.GetByTestId("roster-problem")).ToHaveCountAsync(spoiled.Planted.Count);
            await Expect(problems).ToContainTextAsync("Excel đã bỏ các số 0 ở đầu");
            await Expect(problems).ToContainTextAsync("không phải là địa chỉ email");
            await Expect(page.GetByTestId("roster-notices")).ToContainTextAsync("Bỏ qua cột \"STT\"");

            // The corrected file: the job runs and finishes, and the page finds it again after a reload.
            await form.GetByLabel("Tệp danh sách (CSV)").SetInputFilesAsync(cleanPath);
            await form.GetByRole(AriaRole.Button, new() { Name = "Nhập danh sách" }).ClickAsync();
            var job = page.GetByTestId("roster-job");
            await Expect(job).ToContainTextAsync($"({clean.Rows} người)");
            await Expect(job).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 120_000 });
            await Expect(job.GetByTestId("roster-created")).ToHaveTextAsync(clean.Rows.ToString());
            await page.ReloadAsync();
            await Expect(page.GetByTestId("roster-job")).ToHaveAttributeAsync("data-state", "succeeded");
            await Expect(page.GetByTestId("roster-slips-waiting")).ToContainTextAsync(clean.WithoutEmail.ToString());

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("roster-slips").ClickAsync());
            var pdfPath = Path.Combine(folder.FullName, "phieu.pdf");
            await download.SaveAsAsync(pdfPath);
            using var pdf = PdfDocument.Open(pdfPath);
            var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
            var slip = FirstSlip().Match(text);
            Assert.True(slip.Success, text[..Math.Min(600, text.Length)]);
            (login, code) = (slip.Groups[1].Value, slip.Groups[2].Value);

            // Later: the school's file with a name corrected and a student moved, uploaded in update mode. The preview
            // lists both and writes nothing; Apply makes them.
            var updatedPath = Path.Combine(folder.FullName, "danh-sach-cap-nhat.csv");
            var updated = SchoolRosterFile.EditRow(clean.Text, clean.StudentId(0), row => row[1] = "Nguyễn Thị Đổi Tên");
            updated = SchoolRosterFile.EditRow(updated, clean.StudentId(1), row => row[5] = "10A1");
            await File.WriteAllTextAsync(updatedPath, updated, new UTF8Encoding(false));
            await form.GetByLabel("Cập nhật theo tệp (xem trước mọi thay đổi)").CheckAsync();
            await form.GetByLabel("Tệp danh sách (CSV)").SetInputFilesAsync(updatedPath);
            await form.GetByRole(AriaRole.Button, new() { Name = "Xem trước các thay đổi" }).ClickAsync();
            var preview = page.GetByTestId("roster-preview");
            await Expect(preview.GetByTestId("roster-preview-count-renamed")).ToHaveTextAsync("1", new() { Timeout = 120_000 });
            await Expect(preview.GetByTestId("roster-preview-count-moved")).ToHaveTextAsync("1");
            await Expect(preview.GetByTestId("roster-preview-count-new")).ToHaveTextAsync("0");
            await Expect(preview.GetByTestId("roster-change")).ToHaveCountAsync(2);
            await Expect(preview).ToContainTextAsync("Nguyễn Thị Đổi Tên");
            await preview.GetByTestId("roster-confirm").ClickAsync();
            await Expect(page.GetByTestId("roster-applied")).ToContainTextAsync("Đã áp dụng");
            var people = await server.Get<PeopleRepository>().ListAsync(school.Id,
                new PeopleQuery(null, "doi ten", null, NameOrder.GivenName, PageRequest.Of(0, 10)));
            Assert.Equal("Nguyễn Thị Đổi Tên", Assert.Single(people.Items).DisplayName);
        }, page);

        await using var phone = await browser.PhoneAsync(server);
        var mobile = await phone.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(An_admin_imports_on_a_laptop_and_a_student_signs_in_on_a_phone_with_a_slips_code) + "-phone", async () =>
        {
            await mobile.GotoAsync("/sign-in");
            await mobile.GetByRole(AriaRole.Link, new() { Name = "Có mã kích hoạt hoặc lời mời?" }).ClickAsync();
            await mobile.GetByLabel("Mã kích hoạt").FillAsync(code);
            await mobile.GetByRole(AriaRole.Button, new() { Name = "Tiếp tục" }).ClickAsync();
            var form = mobile.GetByTestId("set-password-form");
            await form.GetByLabel("Mật khẩu mới", new() { Exact = true }).FillAsync("Hoa-sua-no-2026");
            await form.GetByLabel("Nhập lại mật khẩu mới").FillAsync("Hoa-sua-no-2026");
            await form.GetByRole(AriaRole.Button, new() { Name = "Lưu mật khẩu và đăng nhập" }).ClickAsync();
            await Expect(mobile).ToHaveURLAsync(new Regex("/$"));
            await phone.ClearCookiesAsync();
            await BrowserFixture.SignInAsync(mobile, login, "Hoa-sua-no-2026");
        }, mobile);
        folder.Delete(recursive: true);
    }
}
