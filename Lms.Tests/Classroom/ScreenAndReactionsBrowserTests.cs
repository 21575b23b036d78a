using System.Net.Http.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// The teacher's screen and the students' reactions in Chromium: the fake screen capture the browser is
/// launched with (<see cref="BrowserFixture"/>) travels to a student's phone as its own video, and a
/// reaction tapped on the phone reaches the teacher's room.
/// </summary>
public sealed class ScreenAndReactionsBrowserTests(ClassroomLmsServer server, BrowserFixture browser)
    : IClassFixture<ClassroomLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_teacher_shares_a_screen_a_student_watches_it_and_the_students_reaction_reaches_the_teacher()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa học 10 — Màn hình " + Guid.NewGuid().ToString("N")[..4]);
        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_teacher_shares_a_screen_a_student_watches_it_and_the_students_reaction_reaches_the_teacher), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "teacher-video");
            // Nothing shared yet: the phone shows no screen.
            await Expect(phone.GetByTestId("screen-video")).ToHaveCountAsync(0);

            var share = teacher.GetByRole(AriaRole.Button, new() { Name = "Chia sẻ màn hình" });
            await share.ClickAsync();
            var stop = teacher.GetByRole(AriaRole.Button, new() { Name = "Dừng chia sẻ" });
            await Expect(stop).ToHaveAttributeAsync("aria-pressed", "true");

            // The screen arrives as a second video, with its own frames; the teacher's camera keeps going beside it.
            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "screen-video");
            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "teacher-video");

            // Stopping the share takes the screen away from the phone.
            await stop.ClickAsync();
            await Expect(phone.GetByTestId("screen-video")).ToHaveCountAsync(0, new() { Timeout = 20_000 });

            // A reaction tapped on the phone floats by on the teacher's stage, with who sent it.
            await phone.GetByRole(AriaRole.Button, new() { Name = "Gửi Vỗ tay" }).ClickAsync();
            var reaction = teacher.GetByTestId("reaction").Filter(new() { HasText = "Lê Hoàng An" });
            await Expect(reaction).ToBeVisibleAsync();
            // Without a colour emoji font (as on these machines) the reaction is written as a word, not drawn as an empty box.
            if (!HasEmojiFont()) await Expect(reaction).ToContainTextAsync("Vỗ tay");
            else await Expect(reaction).ToContainTextAsync("👏");

            // The end: the room shows the lesson's records; a lesson still within its time can be held again, never "started" anew.
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc buổi học" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc cho cả lớp" }).ClickAsync();
            var ended = teacher.GetByTestId("live-ended");
            await Expect(ended).ToContainTextAsync("Bản ghi của buổi học");
            await Expect(ended.GetByTestId("attendance-row").Filter(new() { HasText = "Lê Hoàng An" })).ToHaveAttributeAsync("data-present", "true");
            await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = "Bắt đầu buổi học" })).ToHaveCountAsync(0);
            await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = "Mở lại buổi học" })).ToBeVisibleAsync();
        }, teacher, phone);
    }

    [Fact]
    public async Task A_lesson_whose_time_has_passed_offers_no_join_button_in_the_course()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Sinh học 10 — đã qua " + Guid.NewGuid().ToString("N")[..4]);
        await ProblemAssert.OkAsync<System.Text.Json.JsonElement>(await course.Teacher.PostAsJsonAsync($"/api/classroom/courses/{course.CourseId}/sessions", new
        {
            moduleId = course.ModuleId, title = "Buổi 0: Ôn tập", startsAt = DateTimeOffset.UtcNow.AddHours(-3), endsAt = DateTimeOffset.UtcNow.AddHours(-2),
        }));
        await using var phoneContext = await browser.PhoneAsync(server);
        var phone = await phoneContext.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_lesson_whose_time_has_passed_offers_no_join_button_in_the_course), async () =>
        {
            await BrowserFixture.SignInAsync(phone, LmsServer.Student1);
            await phone.GotoAsync($"/courses/{course.CourseId}");
            // The lesson still to come has its join button; the one that is over says so instead.
            await phone.GetByTestId("outline-item").Filter(new() { HasText = "Buổi 1: Đồ thị hàm số" }).ClickAsync();
            await Expect(phone.GetByTestId("live-item").GetByTestId("join-live")).ToBeVisibleAsync();
            await phone.GotoAsync($"/courses/{course.CourseId}");
            await phone.GetByTestId("outline-item").Filter(new() { HasText = "Buổi 0: Ôn tập" }).ClickAsync();
            var item = phone.GetByTestId("live-item");
            await Expect(item.GetByTestId("live-over")).ToContainTextAsync("Buổi học đã qua");
            await Expect(item.GetByTestId("join-live")).ToHaveCountAsync(0);
        }, phone);
    }

    private static bool HasEmojiFont() =>
        Directory.Exists("/usr/share/fonts") && Directory.EnumerateFiles("/usr/share/fonts", "*Emoji*", SearchOption.AllDirectories).Any();
}
