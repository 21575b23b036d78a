using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// A lesson with a quiet stretch, in Chromium: a teacher on a desktop, a student on a phone. The room's sender
/// retires during the quiet (after a second here, a minute in production); what follows must still reach the
/// phone. Then the lesson ends with the phone's page left open, and the next run does not count it.
/// </summary>
public sealed class QuietLessonBrowserTests(QuietSqliteServer server, BrowserFixture browser)
    : IClassFixture<QuietSqliteServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task After_a_quiet_stretch_a_phone_sees_and_answers_the_teachers_poll_and_its_ended_page_is_not_counted_in_the_next_run()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Vật lí 10 — giờ làm bài yên lặng");
        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(After_a_quiet_stretch_a_phone_sees_and_answers_the_teachers_poll_and_its_ended_page_is_not_counted_in_the_next_run), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await Expect(phone.GetByTestId("live-status")).ToHaveTextAsync("Đang học");
            await Expect(teacher.GetByTestId("live-count")).ToHaveTextAsync("2");

            // Nobody clicks anything until the room's sender has retired.
            await QuietRoom.UntilSendersRetiredAsync(course.SessionId, server);

            var console = teacher.GetByTestId("teacher-console");
            await console.GetByLabel("Câu hỏi").FillAsync("Vật rơi tự do có gia tốc không đổi?");
            await console.GetByLabel("Lựa chọn 1").FillAsync("Đúng");
            await console.GetByLabel("Lựa chọn 2").FillAsync("Sai");
            await console.GetByRole(AriaRole.Button, new() { Name = "Mở bình chọn" }).ClickAsync();
            var card = phone.GetByTestId("poll-card");
            await card.GetByLabel("Đúng").CheckAsync();
            await card.GetByRole(AriaRole.Button, new() { Name = "Gửi câu trả lời" }).ClickAsync();
            await Expect(card.GetByTestId("poll-sent")).ToBeVisibleAsync();
            await Expect(teacher.GetByTestId("poll-tally").GetByTestId("poll-count-0")).ToHaveTextAsync("1");

            // A hand up when the lesson ends: the phone's page clears it and the count.
            await phone.GetByTestId("hand-button").ClickAsync();
            await Expect(phone.GetByTestId("hand-button")).ToHaveAttributeAsync("aria-pressed", "true");
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc buổi học" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc cho cả lớp" }).ClickAsync();
            await Expect(phone.GetByTestId("live-status")).ToHaveTextAsync("Đã kết thúc");
            await Expect(phone.GetByTestId("live-count")).ToHaveTextAsync("0");

            // The phone's ended page stays open; the teacher holds the lesson again (it is still within its scheduled time).
            await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = "Bắt đầu buổi học" })).ToHaveCountAsync(0);
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Mở lại buổi học" }).ClickAsync();
            await Expect(teacher.GetByTestId("live-status")).ToHaveTextAsync("Đang học");
            var joinNext = phone.GetByTestId("live-join-next");
            await Expect(joinNext).ToBeVisibleAsync();
            await Expect(teacher.GetByTestId("live-count")).ToHaveTextAsync("1");

            await joinNext.ClickAsync();
            await Expect(phone.GetByTestId("live-status")).ToHaveTextAsync("Đang học");
            await Expect(teacher.GetByTestId("live-count")).ToHaveTextAsync("2");
        }, teacher, phone);
    }
}
