using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Courses;

/// <summary>The platform as people use it: on a phone, in Chromium, against the real server.</summary>
public sealed class CourseBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{

    [Fact]
    public async Task On_a_phone_a_teacher_publishes_a_course_to_a_class_and_a_student_opens_it()
    {
        const string title = "Tiếng Anh 10 — Unit 1: Family Life";
        await using var teacherContext = await browser.PhoneAsync(server);
        await using var studentContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var student = await studentContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_publishes_a_course_to_a_class_and_a_student_opens_it), async () =>
        {
            await BrowserFixture.SignInAsync(teacher, LmsServer.Teacher);
            await teacher.GetByRole(AriaRole.Link, new() { Name = "Tạo khóa học" }).First.ClickAsync();
            var form = teacher.GetByTestId("create-course-form");
            await form.GetByLabel("Tên khóa học").FillAsync(title);
            await form.GetByLabel("Mô tả ngắn").FillAsync("Từ vựng và ngữ pháp về gia đình.");
            await form.GetByRole(AriaRole.Button, new() { Name = "Tạo khóa học" }).ClickAsync();
            await Expect(teacher).ToHaveURLAsync(new Regex("/courses/[0-9a-f-]+/edit$"));

            await teacher.GetByLabel("Tên chương mới").FillAsync("Getting started");
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Thêm chương" }).ClickAsync();
            var module = teacher.GetByRole(AriaRole.Region, new() { Name = "Getting started" });
            await module.GetByRole(AriaRole.Button, new() { Name = "Thêm mục" }).ClickAsync();
            await module.GetByLabel("Tiêu đề mục").FillAsync("Vocabulary");
            await module.GetByLabel("Văn bản (Markdown)").FillAsync("**household chores**: việc nhà\n\n*breadwinner*: trụ cột gia đình");
            await module.GetByRole(AriaRole.Button, new() { Name = "Lưu mục" }).ClickAsync();
            await Expect(module.GetByTestId("editor-item")).ToHaveCountAsync(1);

            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Thành viên" }).ClickAsync();
            await teacher.GetByLabel("Lớp").SelectOptionAsync("10A1");
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Ghi danh cả lớp" }).ClickAsync();
            await Expect(teacher.GetByTestId("members-result")).ToBeVisibleAsync();
            await Expect(teacher.GetByTestId("member-student")).ToHaveCountAsync(2);

            await teacher.GetByTestId("publish-toggle").ClickAsync();
            await Expect(teacher.GetByTestId("course-status")).ToHaveTextAsync("Đã xuất bản");

            // The student, on their own phone, finds it among their courses and opens it.
            await BrowserFixture.SignInAsync(student, LmsServer.Student1);
            var card = student.GetByTestId("course-card").Filter(new() { HasText = title });
            await card.GetByTestId("course-link").ClickAsync();
            await Expect(student.GetByRole(AriaRole.Heading, new() { Name = title })).ToBeVisibleAsync();
            await Expect(student.GetByTestId("progress")).ToHaveAttributeAsync("data-percent", "0");

            await student.GetByTestId("outline-item").Filter(new() { HasText = "Vocabulary" }).ClickAsync();
            await Expect(student.GetByTestId("item-body").Locator("strong")).ToHaveTextAsync("household chores");
            await Expect(student.GetByTestId("progress")).ToHaveAttributeAsync("data-percent", "100");

            // Nothing on the phone is wider than the phone.
            var overflow = await student.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, "The course page scrolls sideways on a 360 px screen.");
        }, teacher, student);
    }

    [Fact]
    public async Task The_language_switches_to_english_and_back_and_is_remembered()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_language_switches_to_english_and_back_and_is_remembered), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student2);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "vi");

            await page.GetByTestId("lang-switch").SelectOptionAsync("en");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My courses" })).ToBeVisibleAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await page.ReloadAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My courses" })).ToBeVisibleAsync();

            await page.GetByTestId("lang-switch").SelectOptionAsync("vi");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
        }, page);
    }

    [Fact]
    public async Task A_parent_on_a_phone_follows_their_childs_course()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_parent_on_a_phone_follows_their_childs_course), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Parent);
            var child = page.GetByTestId("child-courses");
            await Expect(child.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của Lê Hoàng An" })).ToBeVisibleAsync();
            var card = child.GetByTestId("course-card").Filter(new() { HasText = "Toán 10 — Hàm số bậc hai" });
            await Expect(card.GetByTestId("course-progress")).ToBeVisibleAsync();
            await Expect(card.GetByTestId("course-link")).ToHaveCountAsync(0);
        }, page);
    }

    [Fact]
    public async Task A_wrong_password_is_explained_on_the_sign_in_page()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_wrong_password_is_explained_on_the_sign_in_page), async () =>
        {
            await page.GotoAsync("/");
            await page.GetByLabel("Email hoặc mã định danh").FillAsync(LmsServer.Student3);
            await page.GetByLabel("Mật khẩu").FillAsync("sai-mat-khau");
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            await Expect(page.GetByTestId("sign-in-error")).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/sign-in"));
        }, page);
    }
}
