using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// A whole lesson in Chromium with its fake camera: a teacher on a desktop, one student on a phone,
/// one on a laptop; real WebRTC between the browsers, signalled through the real hub.
/// </summary>
public sealed class ClassroomBrowserTests(ClassroomLmsServer server, BrowserFixture browser)
    : IClassFixture<ClassroomLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_a_phone_a_teacher_schedules_a_weekly_live_session_from_the_outline_and_a_student_opens_its_join_link()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Ngữ văn 10 — lịch trực tuyến");
        await using var teacherContext = await browser.PhoneAsync(server);
        await using var studentContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var student = await studentContext.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_schedules_a_weekly_live_session_from_the_outline_and_a_student_opens_its_join_link), async () =>
        {
            await BrowserFixture.SignInAsync(teacher, LmsServer.Teacher);
            await teacher.GotoAsync($"/courses/{course.CourseId}/edit");
            var module = teacher.GetByRole(AriaRole.Region, new() { Name = "Tuần 1" });
            await module.GetByRole(AriaRole.Button, new() { Name = "Thêm mục" }).ClickAsync();
            await module.GetByRole(AriaRole.Radio, new() { Name = "Buổi học trực tuyến", Exact = true }).CheckAsync();
            var form = module.GetByTestId("live-create");
            await form.GetByLabel("Tiêu đề mục").FillAsync("Thứ Hai: Tiếng Việt lớp 10");
            await form.GetByLabel("Thời lượng (phút)").FillAsync("40");
            await form.GetByLabel("Lặp lại hằng tuần").CheckAsync();
            await ShowAsync(teacher, "phone-schedule");
            await form.GetByRole(AriaRole.Button, new() { Name = "Lên lịch" }).ClickAsync();
            await Expect(module.GetByTestId("editor-item").Filter(new() { HasText = "Thứ Hai: Tiếng Việt lớp 10" })).ToBeVisibleAsync();
            var overflow = await teacher.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, "The outline editor scrolls sideways on a 360 px phone.");

            await BrowserFixture.SignInAsync(student, LmsServer.Student1);
            await student.GotoAsync($"/courses/{course.CourseId}");
            await student.GetByTestId("outline-item").Filter(new() { HasText = "Thứ Hai: Tiếng Việt lớp 10" }).ClickAsync();
            var item = student.GetByTestId("live-item");
            await Expect(item).ToContainTextAsync("hằng tuần");
            await item.GetByTestId("join-live").ClickAsync();
            await Expect(student.GetByTestId("live-waiting")).ToContainTextAsync("Giáo viên chưa bắt đầu buổi học");
        }, teacher, student);
    }

    /// <summary>With LMS_SCREENSHOTS set, keeps what each person saw (for a walk-through), in test-artifacts/screenshots.</summary>
    private static async Task ShowAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("LMS_SCREENSHOTS") is not { Length: > 0 }) return;
        var folder = Path.Combine(BrowserFixture.RepositoryRoot(), "test-artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"classroom-{name}.png"), FullPage = true });
    }

    [Fact]
    public async Task A_teacher_and_two_students_hold_a_lesson_with_video_a_poll_a_hand_chat_and_attendance()
    {
        // Other tests hold sessions of the same title on this server: the course's own title tells them apart.
        var courseTitle = "Toán 10 — Lớp học trực tuyến " + Guid.NewGuid().ToString("N")[..4];
        var course = await ClassroomKit.LiveCourseAsync(server, courseTitle);
        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        await using var laptopContext = await browser.DesktopAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        var laptop = await laptopContext.NewPageAsync();
        var room = $"/live/{course.SessionId}";

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_teacher_and_two_students_hold_a_lesson_with_video_a_poll_a_hand_chat_and_attendance), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.ExpectFramesAdvanceAsync(teacher, "local-video");

            // The phone finds the lesson on its "today" list and joins from there.
            await BrowserFixture.SignInAsync(phone, LmsServer.Student1);
            var today = phone.GetByTestId("today-item").Filter(new() { HasText = "Buổi 1: Đồ thị hàm số" }).Filter(new() { HasText = courseTitle });
            await today.GetByRole(AriaRole.Link, new() { Name = "Vào lớp ngay" }).ClickAsync();
            await Expect(phone).ToHaveURLAsync(new Regex($"{room}$"));
            await BrowserRoom.OpenAsync(laptop, LmsServer.Student2, course.SessionId);

            await BrowserRoom.ExpectFramesAdvanceAsync(phone, "teacher-video");
            await BrowserRoom.ExpectFramesAdvanceAsync(laptop, "teacher-video");
            await Expect(teacher.GetByTestId("peer-count")).ToHaveTextAsync("Đang gửi hình đến 2 học sinh");
            // No TURN server on this server: the teacher is told so; students read nothing about servers.
            await Expect(teacher.GetByTestId("no-turn")).ToContainTextAsync("Chưa cấu hình máy chủ TURN");
            await Expect(phone.GetByTestId("media-advice")).ToHaveCountAsync(0);

            // A poll, answered on both devices; the teacher sees the tally.
            var console = teacher.GetByTestId("teacher-console");
            await console.GetByLabel("Câu hỏi").FillAsync("Đồ thị của y = x² là gì?");
            await console.GetByLabel("Lựa chọn 1").FillAsync("Đường thẳng");
            await console.GetByLabel("Lựa chọn 2").FillAsync("Parabol");
            await console.GetByRole(AriaRole.Button, new() { Name = "Mở bình chọn" }).ClickAsync();
            foreach (var student in new[] { phone, laptop })
            {
                var card = student.GetByTestId("poll-card");
                await card.GetByLabel("Parabol").CheckAsync();
                await card.GetByRole(AriaRole.Button, new() { Name = "Gửi câu trả lời" }).ClickAsync();
                await Expect(card.GetByTestId("poll-sent")).ToBeVisibleAsync();
            }
            var tally = teacher.GetByTestId("poll-tally");
            await Expect(tally.GetByTestId("poll-count-1")).ToHaveTextAsync("2");
            await Expect(tally.GetByTestId("poll-count-0")).ToHaveTextAsync("0");
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Đóng và công bố kết quả" }).ClickAsync();
            await Expect(phone.GetByTestId("poll-tally").GetByTestId("poll-count-1")).ToHaveTextAsync("2");

            // A hand raised on the phone, cleared by the teacher.
            await phone.GetByTestId("hand-button").ClickAsync();
            await Expect(phone.GetByTestId("hand-button")).ToHaveAttributeAsync("aria-pressed", "true");
            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Giơ tay (1)" }).ClickAsync();
            var hand = teacher.GetByTestId("hand").Filter(new() { HasText = "Lê Hoàng An" });
            await hand.GetByRole(AriaRole.Button, new() { Name = "Hạ tay của Lê Hoàng An" }).ClickAsync();
            await Expect(phone.GetByTestId("hand-button")).ToHaveAttributeAsync("aria-pressed", "false");
            await Expect(teacher.GetByTestId("no-hands")).ToBeVisibleAsync();

            // Chat both ways.
            await laptop.GetByRole(AriaRole.Textbox, new() { Name = "Tin nhắn", Exact = true }).FillAsync("Em chào cô ạ");
            await laptop.GetByRole(AriaRole.Button, new() { Name = "Gửi", Exact = true }).ClickAsync();
            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Trò chuyện" }).ClickAsync();
            await Expect(teacher.GetByTestId("chat-message").Filter(new() { HasText = "Em chào cô ạ" })).ToBeVisibleAsync();
            await teacher.GetByRole(AriaRole.Textbox, new() { Name = "Tin nhắn", Exact = true }).FillAsync("Chào cả lớp, mở sách trang 42");
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Gửi", Exact = true }).ClickAsync();
            await Expect(phone.GetByTestId("chat-message").Filter(new() { HasText = "mở sách trang 42" })).ToBeVisibleAsync();
            await Expect(phone.GetByTestId("chat-message").Filter(new() { HasText = "Em chào cô ạ" })).ToBeVisibleAsync();

            await ShowAsync(phone, "phone-lesson");
            await ShowAsync(teacher, "teacher-lesson");
            var overflow = await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, "The classroom scrolls sideways on a 360 px phone.");

            // The end: everyone is told, and the teacher sees who came.
            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Điều khiển" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc buổi học" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc cho cả lớp" }).ClickAsync();
            await Expect(phone.GetByTestId("live-status")).ToHaveTextAsync("Đã kết thúc");
            var rows = teacher.GetByTestId("attendance-row");
            await Expect(rows.Filter(new() { HasText = "Lê Hoàng An" })).ToHaveAttributeAsync("data-present", "true");
            await Expect(rows.Filter(new() { HasText = "Phạm Thu Hà" })).ToHaveAttributeAsync("data-present", "true");
            await Expect(teacher.GetByTestId("attendance-csv")).ToBeVisibleAsync();
            await ShowAsync(teacher, "teacher-attendance");

            // Later, from the course: the session's item lists the lesson held, with its attendance.
            await teacher.GotoAsync($"/courses/{course.CourseId}");
            await teacher.GetByTestId("outline-item").Filter(new() { HasText = "Buổi 1: Đồ thị hàm số" }).ClickAsync();
            var item = teacher.GetByTestId("live-item");
            await item.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("2 người tham gia|3 người tham gia") }).ClickAsync();
            await Expect(item.GetByTestId("attendance-row").Filter(new() { HasText = "Lê Hoàng An" })).ToHaveAttributeAsync("data-present", "true");
        }, teacher, phone, laptop);
    }

    [Fact]
    public async Task On_a_phone_a_teacher_chooses_each_students_breakout_group_messages_the_groups_and_brings_everyone_back()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Vật lý 10 — Nhóm thảo luận");
        await using var teacherContext = await browser.PhoneAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        await using var laptopContext = await browser.DesktopAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        var laptop = await laptopContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_chooses_each_students_breakout_group_messages_the_groups_and_brings_everyone_back), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await BrowserRoom.OpenAsync(laptop, LmsServer.Student2, course.SessionId);
            await Expect(phone.GetByTestId("live-status")).ToHaveTextAsync("Đang học");
            await Expect(laptop.GetByTestId("live-status")).ToHaveTextAsync("Đang học");

            // The teacher chooses An for group 3 and Hà for group 1: a random split of two would never use group 3.
            var form = teacher.GetByTestId("breakout-form");
            await form.GetByRole(AriaRole.Radio, new() { Name = "Tự chọn nhóm" }).CheckAsync();
            await Expect(form.GetByTestId("breakout-student")).ToHaveCountAsync(2);
            var start = form.GetByRole(AriaRole.Button, new() { Name = "Chia theo nhóm đã chọn" });
            await Expect(start).ToBeDisabledAsync();
            await form.GetByLabel("Số nhóm").FillAsync("3");
            await form.GetByLabel("Nhóm của Lê Hoàng An").SelectOptionAsync(new SelectOptionValue { Label = "Nhóm 3" });
            await form.GetByLabel("Nhóm của Phạm Thu Hà").SelectOptionAsync(new SelectOptionValue { Label = "Nhóm 1" });
            await Expect(form.GetByTestId("breakout-assigned")).ToContainTextAsync("Đã xếp 2/2 học sinh.");
            await ShowAsync(teacher, "phone-breakout-choose");
            var overflow = await teacher.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, "Choosing breakout groups scrolls sideways on a 360 px phone.");
            await start.ClickAsync();

            // Each student sees their own group and who is in it; the teacher sees all three.
            await Expect(phone.GetByTestId("my-breakout")).ToContainTextAsync("Bạn đang ở nhóm 3.");
            await Expect(laptop.GetByTestId("my-breakout")).ToContainTextAsync("Bạn đang ở nhóm 1.");
            var groups = teacher.GetByTestId("breakouts").GetByTestId("breakout-group");
            await Expect(groups).ToHaveTextAsync(["Nhóm 1: Phạm Thu Hà", "Nhóm 2: —", "Nhóm 3: Lê Hoàng An"]);
            // The teacher's list of people says each student's group, without a reload.
            await teacher.GetByRole(AriaRole.Tab, new() { NameRegex = new Regex("^Thành viên") }).ClickAsync();
            await Expect(teacher.GetByTestId("participant").Filter(new() { HasText = "Lê Hoàng An" })).ToContainTextAsync("Nhóm 3");
            await Expect(teacher.GetByTestId("participant").Filter(new() { HasText = "Phạm Thu Hà" })).ToContainTextAsync("Nhóm 1");
            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Điều khiển" }).ClickAsync();

            // Chat stays inside a group: what An writes in group 3 does not reach Hà in group 1.
            await phone.GetByRole(AriaRole.Textbox, new() { Name = "Tin nhắn", Exact = true }).FillAsync("Nhóm 3 bắt đầu nhé");
            await phone.GetByRole(AriaRole.Button, new() { Name = "Gửi", Exact = true }).ClickAsync();
            await Expect(phone.GetByTestId("chat-message").Filter(new() { HasText = "Nhóm 3 bắt đầu nhé" })).ToBeVisibleAsync();

            // A message to every group.
            await teacher.GetByRole(AriaRole.Textbox, new() { Name = "Nhắn đến tất cả các nhóm" }).FillAsync("Còn 2 phút");
            await teacher.GetByTestId("breakouts").GetByRole(AriaRole.Button, new() { Name = "Gửi" }).ClickAsync();
            await Expect(phone.GetByTestId("breakout-message")).ToContainTextAsync("Còn 2 phút");
            await Expect(laptop.GetByTestId("breakout-message")).ToContainTextAsync("Còn 2 phút");
            await Expect(laptop.GetByTestId("chat-message").Filter(new() { HasText = "Nhóm 3 bắt đầu nhé" })).ToHaveCountAsync(0);
            await ShowAsync(phone, "phone-breakout-student");

            // Everyone comes back.
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Gọi cả lớp về" }).ClickAsync();
            await Expect(phone.GetByTestId("my-breakout")).ToHaveCountAsync(0);
            await Expect(laptop.GetByTestId("my-breakout")).ToHaveCountAsync(0);
            await Expect(teacher.GetByTestId("breakout-form")).ToBeVisibleAsync();
        }, teacher, phone, laptop);
    }
}
