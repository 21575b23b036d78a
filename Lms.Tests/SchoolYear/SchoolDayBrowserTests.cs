using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// A school day on phones, in Chromium, against the real server: the maths teacher takes the roll with one tap, the
/// parent sees the unexcused absence and asks for leave, the homeroom teacher approves it, and the parent sees the
/// absence excused.
/// </summary>
public sealed class SchoolDayBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_roll_taken_on_a_phone_reaches_the_parent_whose_leave_request_the_homeroom_teacher_approves()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await w.TimetableAsync();
        await using var teacherPhone = await browser.PhoneAsync(server);
        await using var parentPhone = await browser.PhoneAsync(server);
        await using var homeroomPhone = await browser.PhoneAsync(server);
        var teacher = await teacherPhone.NewPageAsync();
        var parent = await parentPhone.NewPageAsync();
        var homeroom = await homeroomPhone.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_roll_taken_on_a_phone_reaches_the_parent_whose_leave_request_the_homeroom_teacher_approves), async () =>
        {
            // The teacher's day (the roll day: a week ago), then the roll of 10A1's first period: one tap marks An absent.
            await BrowserFixture.SignInAsync(teacher, w.Email("gvtoan"));
            await teacher.GotoAsync("/school-year");
            await teacher.GetByTestId("school-day-date").FillAsync(w.Day);
            await teacher.GetByTestId("roll-10A1-1").ClickAsync();
            await Expect(teacher.GetByTestId("roll-page")).ToBeVisibleAsync();
            await teacher.GetByTestId("roll-student-Lê Hoàng An").ClickAsync();
            await Expect(teacher.GetByTestId("roll-saved")).ToHaveTextAsync("Đã lưu");
            await Expect(teacher.GetByTestId("roll-summary")).ToContainTextAsync("vắng 1");

            // The parent is told, opens the child (switching from the other child's page) and sees the absence unexcused.
            await BrowserFixture.SignInAsync(parent, w.AnParentEmail);
            await parent.GotoAsync("/school-year");
            await Expect(parent.GetByTestId("notices")).ToContainTextAsync("Lê Hoàng An vắng không phép tiết 1 (Toán)");
            await parent.GetByTestId("children").GetByRole(AriaRole.Link, new() { Name = "Đỗ Minh Chi" }).ClickAsync();
            await parent.GetByTestId("child-switch").GetByRole(AriaRole.Link, new() { Name = "Lê Hoàng An" }).ClickAsync();
            var absence = parent.GetByTestId($"absence-{w.Day}-1");
            await Expect(absence).ToContainTextAsync("Vắng không phép");

            await parent.GetByTestId("leave-open").ClickAsync();
            var form = parent.GetByTestId("leave-form");
            await form.GetByLabel("Từ ngày").FillAsync(w.Day);
            await form.GetByLabel("Đến ngày").FillAsync(w.Day);
            await parent.GetByTestId("leave-reason").FillAsync("Cháu bị sốt, gia đình xin phép cho cháu nghỉ.");
            await parent.GetByTestId("leave-send").ClickAsync();
            await Expect(parent.GetByTestId("leave-list")).ToContainTextAsync("Chờ duyệt");

            // The homeroom teacher approves it from their day.
            await BrowserFixture.SignInAsync(homeroom, w.Email("gvcn"));
            await homeroom.GotoAsync("/school-year");
            await homeroom.GetByTestId("leave-requests-10A1").ClickAsync();
            await homeroom.GetByTestId("approve-Lê Hoàng An").ClickAsync();
            await Expect(homeroom.GetByTestId("leave-Lê Hoàng An")).ToContainTextAsync("Đã duyệt");

            await parent.ReloadAsync();
            await Expect(absence).ToContainTextAsync("Vắng có phép");
            await Expect(parent.GetByTestId("leave-list")).ToContainTextAsync("Đã duyệt");
        }, teacher, parent, homeroom);
    }
}
