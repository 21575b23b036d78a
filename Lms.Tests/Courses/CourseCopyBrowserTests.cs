using System.Text;
using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Courses;

/// <summary>A teacher copies a course to another class from a phone; that class's student opens it; the gradebook downloads.</summary>
public sealed class CourseCopyBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    private const string Demo = "Toán 10 — Hàm số bậc hai";

    [Fact]
    public async Task On_a_phone_a_teacher_copies_a_course_to_another_class_and_its_student_opens_it()
    {
        const string title = "Toán 10 — Hàm số bậc hai (10A2)";
        await using var teacherContext = await browser.PhoneAsync(server);
        await using var studentContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var student = await studentContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_copies_a_course_to_another_class_and_its_student_opens_it), async () =>
        {
            await BrowserFixture.SignInAsync(teacher, LmsServer.Teacher);
            await teacher.GetByTestId("course-card").Filter(new() { HasText = Demo }).First.GetByTestId("course-link").ClickAsync();
            await teacher.GetByTestId("copy-course").ClickAsync();

            var dialog = teacher.GetByTestId("copy-dialog");
            await Expect(dialog).ToBeVisibleAsync();
            await Expect(dialog.GetByLabel("Tên bản sao")).ToHaveValueAsync(Demo + " (bản sao)");
            await dialog.GetByLabel("Tên bản sao").FillAsync(title);
            await dialog.GetByLabel("Ghi danh lớp").SelectOptionAsync("10A2");
            await dialog.GetByLabel("Công bố ngay để học sinh của lớp thấy khóa học").CheckAsync();
            Assert.False(await teacher.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"),
                "The copy dialog is wider than a 360 px phone.");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Sao chép", Exact = true }).ClickAsync();

            await Expect(teacher.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
            await Expect(teacher).ToHaveURLAsync(new Regex("/courses/[0-9a-f-]+$"));
            await Expect(teacher.GetByTestId("course-status")).ToHaveTextAsync("Đã xuất bản");
            await Expect(teacher.GetByTestId("outline-item")).ToHaveCountAsync(4);

            // Đỗ Minh Khoa (10A2) finds the copy among their courses, with the same content.
            await BrowserFixture.SignInAsync(student, LmsServer.Student3);
            await student.GetByTestId("course-card").Filter(new() { HasText = title }).GetByTestId("course-link").ClickAsync();
            await student.GetByTestId("outline-item").Filter(new() { HasText = "Định nghĩa" }).ClickAsync();
            await Expect(student.GetByTestId("item-body")).ToContainTextAsync("y = ax² + bx + c");
        }, teacher, student);
    }

    [Fact]
    public async Task The_gradebook_downloads_as_a_vietnamese_csv_from_the_phone()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_gradebook_downloads_as_a_vietnamese_csv_from_the_phone), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Teacher);
            // The demo course itself, not a copy of it made by another test ("… (10A2)").
            await page.GetByTestId("course-card").Filter(new() { HasText = Demo, HasNotText = "(10A2)" }).First.GetByTestId("course-link").ClickAsync();
            var courseUrl = page.Url;
            await page.GotoAsync(courseUrl + "/gradebook");
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("gradebook-csv").ClickAsync());

            Assert.EndsWith(".csv", download.SuggestedFilename);
            var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
            var rows = ExportFiles.CsvRows(bytes, ';');
            Assert.Equal(["STT", "Họ và tên", "Lớp", "Tên đăng nhập"], rows[0][..4]);
            Assert.Contains(rows, r => r[1] == "Lê Hoàng An" && r[2] == "10A1");
            Assert.False(Encoding.UTF8.GetString(bytes).Contains("001208000001"), "A teacher's file carries a national ID.");
        }, page);
    }
}
