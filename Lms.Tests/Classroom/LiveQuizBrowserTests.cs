using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// The live quiz in Chromium: a teacher on a desktop picks a bank question and launches it, a student on a
/// 360 × 740 phone answers it on the question's full screen, and both see the results and the leaderboard;
/// after the class the teacher finds every answer in the records and the CSV.
/// </summary>
public sealed class LiveQuizBrowserTests(ClassroomLmsServer server, BrowserFixture browser)
    : IClassFixture<ClassroomLmsServer>, IClassFixture<BrowserFixture>
{
    /// <summary>With LMS_SCREENSHOTS set, keeps what each person saw (for a walk-through), in test-artifacts/screenshots.</summary>
    private static async Task ShowAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("LMS_SCREENSHOTS") is not { Length: > 0 }) return;
        var folder = Path.Combine(BrowserFixture.RepositoryRoot(), "test-artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"livequiz-{name}.png"), FullPage = true });
    }

    private static async Task ExpectNoSidewaysScrollAsync(IPage page, string where)
    {
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, $"{where} scrolls sideways on a 360 px phone.");
    }

    [Fact]
    public async Task A_teacher_launches_a_bank_question_a_student_answers_on_a_phone_and_both_see_the_results_and_the_leaderboard()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Toán 10 — trắc nghiệm trực tiếp trên điện thoại");
        // The school's bank gets the sample GIFT questions under a tag of their own, as a teacher imports them.
        var school = await server.DemoSchoolIdAsync();
        var tag = $"lop-{Guid.NewGuid():N}"[..16];
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("valid.gift"))), "file", "valid.gift" } };
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsync($"/api/institutions/{school}/questions/import?tags={tag}", form));

        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_teacher_launches_a_bank_question_a_student_answers_on_a_phone_and_both_see_the_results_and_the_leaderboard), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await Expect(phone.GetByTestId("live-status")).ToHaveTextAsync("Đang học");
            // Nothing of the quiz shows on the phone before a question is launched.
            await Expect(phone.GetByTestId("live-quiz-student")).ToHaveCountAsync(0);

            // The teacher narrows the bank to the imported tag, searches, previews and launches a question (60 s, speed bonus).
            var panel = teacher.GetByTestId("live-quiz-teacher");
            await panel.GetByLabel("Chủ đề (thẻ)").SelectOptionAsync(tag);
            await Expect(panel.GetByTestId("live-quiz-bank-item")).ToHaveCountAsync(10);
            await panel.GetByLabel("Tìm câu hỏi").FillAsync("parabol");
            await panel.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
            var vertex = panel.GetByTestId("live-quiz-bank-item").Filter(new() { HasText = "Đỉnh parabol" });
            await Expect(vertex).ToBeVisibleAsync();
            await vertex.GetByRole(AriaRole.Button, new() { Name = "Xem trước" }).ClickAsync();
            await Expect(vertex.GetByTestId("live-quiz-preview")).ToContainTextAsync("Đáp án: 2");
            await panel.GetByLabel("Thời gian trả lời").SelectOptionAsync("60");
            await vertex.GetByRole(AriaRole.Button, new() { Name = "Phát câu hỏi Đỉnh parabol cho cả lớp" }).ClickAsync();
            var current = panel.GetByTestId("live-quiz-current");
            await Expect(current).ToHaveAttributeAsync("data-stage", "question");
            await Expect(current.GetByTestId("live-quiz-answered")).ToHaveAttributeAsync("data-answered", "0");

            // On the phone: the question over the whole screen, with its countdown running.
            var quiz = phone.GetByTestId("live-quiz-student");
            await Expect(quiz).ToHaveAttributeAsync("data-stage", "question");
            await Expect(quiz.GetByTestId("live-quiz-question")).ToContainTextAsync("Đỉnh của parabol");
            var countdown = quiz.GetByTestId("live-quiz-countdown");
            await Expect(countdown).ToBeVisibleAsync();
            var startSeconds = int.Parse((await countdown.GetAttributeAsync("data-seconds"))!);
            Assert.InRange(startSeconds, 1, 60);
            var box = await quiz.BoundingBoxAsync();
            Assert.True(box is { Width: >= 359, Height: >= 700 }, $"The question does not fill the phone's screen: {box?.Width} × {box?.Height}");
            await Expect(countdown).Not.ToHaveAttributeAsync("data-seconds", startSeconds.ToString(), new() { Timeout = 5000 });
            await ShowAsync(phone, "phone-question");
            await ExpectNoSidewaysScrollAsync(phone, "The launched question");

            // A wrong choice first, then changed to the right one before time is up.
            await quiz.GetByRole(AriaRole.Radio, new() { Name = "4", Exact = true }).CheckAsync();
            await quiz.GetByTestId("live-quiz-submit").ClickAsync();
            await Expect(quiz.GetByTestId("live-quiz-sent")).ToBeVisibleAsync();
            await quiz.GetByRole(AriaRole.Radio, new() { Name = "2", Exact = true }).CheckAsync();
            await Expect(quiz.GetByTestId("live-quiz-submit")).ToHaveTextAsync("Đổi câu trả lời");
            await quiz.GetByTestId("live-quiz-submit").ClickAsync();
            await Expect(quiz.GetByTestId("live-quiz-sent")).ToBeVisibleAsync();
            await ShowAsync(phone, "phone-answered");

            // The teacher sees the answer arrive: one of one, on "2" (the right option).
            await Expect(current.GetByTestId("live-quiz-answered")).ToHaveAttributeAsync("data-answered", "1");
            await Expect(current.GetByTestId("live-quiz-answered")).ToContainTextAsync("1 / 1");
            var right = current.GetByTestId("live-quiz-bucket").Filter(new() { HasText = "✓" });
            await Expect(right).ToHaveAttributeAsync("data-count", "1");
            await Expect(right).ToContainTextAsync("2");
            await ShowAsync(teacher, "teacher-answers");

            // Results to the room: the phone learns it was right, with its points and rank.
            await current.GetByTestId("live-quiz-reveal").ClickAsync();
            await Expect(current).ToHaveAttributeAsync("data-stage", "results");
            await Expect(current.GetByTestId("live-quiz-summary")).ToContainTextAsync("1 / 1 đúng");
            await Expect(quiz).ToHaveAttributeAsync("data-stage", "results");
            await Expect(quiz.GetByTestId("live-quiz-verdict")).ToHaveAttributeAsync("data-correct", "true");
            await Expect(quiz.GetByTestId("live-quiz-verdict")).ToContainTextAsync("Chính xác!");
            var points = int.Parse((await quiz.GetByTestId("live-quiz-points").GetAttributeAsync("data-points"))!);
            Assert.InRange(points, 500, 1000); // the speed bonus keeps at least half
            await Expect(quiz.GetByTestId("live-quiz-right-answer")).ToHaveTextAsync("2");
            await Expect(quiz.GetByTestId("live-quiz-my-rank")).ToHaveAttributeAsync("data-rank", "1");
            await ShowAsync(phone, "phone-results");
            await ExpectNoSidewaysScrollAsync(phone, "The results");

            // The leaderboard, on both screens; the phone's own row is marked.
            await current.GetByTestId("live-quiz-show-leaderboard").ClickAsync();
            var board = teacher.GetByTestId("live-quiz-leaderboard");
            await Expect(board.GetByTestId("live-quiz-leader")).ToHaveCountAsync(1);
            await Expect(board.GetByTestId("live-quiz-leader").First).ToContainTextAsync("Lê Hoàng An");
            await Expect(board.GetByTestId("live-quiz-leader").First).ToHaveAttributeAsync("data-points", points.ToString());
            await Expect(quiz).ToHaveAttributeAsync("data-stage", "leaderboard");
            var mine = quiz.GetByTestId("live-quiz-leader").Filter(new() { HasText = "Lê Hoàng An" });
            await Expect(mine).ToHaveClassAsync(new Regex("lq-me"));
            await Expect(mine).ToHaveAttributeAsync("data-points", points.ToString());
            await Expect(quiz.GetByTestId("live-quiz-my-rank")).ToContainTextAsync($"Bạn xếp hạng 1 / 1 với {points} điểm");
            await ShowAsync(phone, "phone-leaderboard");
            await ShowAsync(teacher, "teacher-leaderboard");
            await ExpectNoSidewaysScrollAsync(phone, "The leaderboard");

            // After the class: the records in the room and under the session's item, with the CSV.
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc buổi học" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc cho cả lớp" }).ClickAsync();
            var records = teacher.GetByTestId("live-quiz-records");
            await Expect(records.GetByTestId("live-quiz-record-standing")).ToContainTextAsync("Lê Hoàng An");
            await teacher.GotoAsync($"/courses/{course.CourseId}");
            await teacher.GetByTestId("outline-item").Filter(new() { HasText = "Buổi 1: Đồ thị hàm số" }).ClickAsync();
            var item = teacher.GetByTestId("live-item");
            await item.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("1 câu trắc nghiệm") }).ClickAsync();
            records = item.GetByTestId("live-quiz-records");
            await records.GetByTestId("live-quiz-record-question").Locator("summary").ClickAsync();
            var answer = records.GetByTestId("live-quiz-record-answer");
            await Expect(answer).ToContainTextAsync("Lê Hoàng An");
            await Expect(answer).ToContainTextAsync("✓ 2");
            await Expect(answer).ToContainTextAsync(points.ToString());
            await ShowAsync(teacher, "teacher-records");
            var csv = await teacher.APIRequest.GetAsync((await records.GetByTestId("live-quiz-csv").GetAttributeAsync("href"))!);
            Assert.Equal(200, csv.Status);
            var text = await csv.TextAsync();
            Assert.Contains($"1,Đỉnh parabol,Lê Hoàng An,2,yes,100,{points},", text);
        }, teacher, phone);
    }
}
