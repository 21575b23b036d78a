using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Assessment;

/// <summary>A timed quiz on a phone, with the network cut for part of it, in Chromium against the real server.</summary>
public sealed class AssessmentBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{

    [Fact]
    public async Task A_student_on_a_phone_takes_a_timed_quiz_offline_for_a_while_and_sees_the_result()
    {
        // The teacher's part through the API: a GIFT import, a 3-question timed quiz, a published course for 10A1.
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var tag = "browser-" + Guid.NewGuid().ToString("N")[..6];
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("valid.gift"))), "file", "valid.gift" } };
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsync($"/api/institutions/{school}/questions/import?tags={tag}", form));
        var bank = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/questions?tag={tag}&take=50"));
        string Id(string title) => bank.GetProperty("items").EnumerateArray().First(q => q.GetProperty("title").GetString() == title).GetProperty("id").GetString()!;
        const string courseTitle = "Toán 10 — Kiểm tra trên điện thoại";
        var course = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = courseTitle, kind = "blended" }))).GetProperty("id").GetString();
        var module = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules", new { title = "Chương 1" }))).GetProperty("id").GetString();
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules/{module}/quizzes", new
        {
            title = "Kiểm tra 5 phút",
            settings = new { timeLimitSeconds = 300, shuffleOptions = false, reviewAnswers = "immediately" },
            definition = new { sections = new[] { new { title = "", items = new[] {
                new { kind = "fixed", questionId = Id("Đỉnh parabol"), points = 1 },
                new { kind = "fixed", questionId = Id("Đồng biến"), points = 1 },
                new { kind = "fixed", questionId = Id("Tên gọi"), points = 1 },
            } } } },
        }));
        await teacher.PostAsJsonAsync($"/api/courses/{course}/enrolments", new { className = "10A1" });
        await teacher.PostAsync($"/api/courses/{course}/publish", null);

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_student_on_a_phone_takes_a_timed_quiz_offline_for_a_while_and_sees_the_result), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student1);
            await page.GetByTestId("course-card").Filter(new() { HasText = courseTitle }).GetByTestId("course-link").ClickAsync();
            await page.GetByTestId("outline-item").Filter(new() { HasText = "Kiểm tra 5 phút" }).ClickAsync();
            await page.GetByTestId("start-quiz").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/attempts/[0-9a-f-]+$"));
            await Expect(page.GetByTestId("timer")).ToHaveTextAsync(new Regex(@"^0[45]:\d\d$"));

            await page.GetByRole(AriaRole.Radio, new() { Name = "2", Exact = true }).CheckAsync();
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved");

            // The network goes; the student keeps answering.
            await context.SetOfflineAsync(true);
            await page.GetByRole(AriaRole.Button, new() { Name = "Câu sau" }).ClickAsync();
            await page.GetByRole(AriaRole.Radio, new() { Name = "Đúng" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Câu sau" }).ClickAsync();
            await page.GetByLabel("Câu trả lời của em").FillAsync("parabol");
            await page.GetByLabel("Câu trả lời của em").BlurAsync();
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "offline");
            await Expect(page.GetByTestId("pending-count")).ToHaveTextAsync(new Regex("^[23]$"));
            var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
            Assert.False(overflow, "The attempt page scrolls sideways on a 360 px screen.");

            // Signing out now would lose the queued answers: the page asks, and the student stays.
            var asked = new TaskCompletionSource<string>();
            async void Decline(object? _, IDialog dialog) { asked.TrySetResult(dialog.Message); await dialog.DismissAsync(); }
            page.Dialog += Decline;
            await page.GetByRole(AriaRole.Button, new() { Name = "Lê Hoàng An" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" }).ClickAsync();
            Assert.Contains("chưa gửi", await asked.Task.WaitAsync(TimeSpan.FromSeconds(15)));
            page.Dialog -= Decline;
            await Expect(page.GetByTestId("pending-count")).ToHaveTextAsync(new Regex("^[23]$"));

            // It comes back: everything kept is synced.
            await context.SetOfflineAsync(false);
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved", new() { Timeout = 15_000 });
            await Expect(page.GetByTestId("pending-count")).ToHaveTextAsync("0");

            await page.GetByTestId("submit").ClickAsync();
            await page.GetByTestId("confirm-submit").ClickAsync();
            await Expect(page.GetByTestId("review")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("score")).ToHaveTextAsync("3");
            await Expect(page.GetByTestId("passed")).ToHaveTextAsync("Đạt");

            // A shared school computer: signing out leaves nothing personal in the browser, only the language.
            Assert.True(await StoredPersonalDataAsync(page), "Before signing out the browser holds the person and the attempt.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Lê Hoàng An" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/sign-in"));
            Assert.False(await StoredPersonalDataAsync(page), "After signing out the browser still holds personal data.");
        }, page);

        // The server kept the offline answers with the times they were given, and says so on the timeline.
        var attempts = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{course}/gradebook"));
        Assert.Equal(3, attempts.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == "Lê Hoàng An").GetProperty("total").GetDouble());
    }

    /// <summary>Whether the app keeps anything but the language in localStorage, or its attempt store in IndexedDB.</summary>
    private static Task<bool> StoredPersonalDataAsync(IPage page) => page.EvaluateAsync<bool>("""
        async () => Object.keys(localStorage).some(k => k !== 'lms.lang')
            || (await indexedDB.databases()).some(d => d.name === 'lms-assessment')
        """);

    /// <summary>With LMS_SCREENSHOTS set to a folder, the walk-through keeps a picture of each step there.</summary>
    private static async Task ShotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("LMS_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder)) return;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    [Fact]
    public async Task On_a_phone_a_teacher_imports_a_gift_file_and_builds_a_quiz_that_a_student_takes()
    {
        var school = await server.DemoSchoolIdAsync();
        var api = await server.SignedInAsync(LmsServer.Teacher);
        var courseTitle = "Toán 10 — Ôn tập " + Guid.NewGuid().ToString("N")[..4];
        var course = (await ProblemAssert.OkAsync<JsonElement>(await api.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = courseTitle, kind = "blended" }))).GetProperty("id").GetString();
        await api.PostAsJsonAsync($"/api/courses/{course}/modules", new { title = "Hàm số bậc hai" });
        await api.PostAsJsonAsync($"/api/courses/{course}/enrolments", new { className = "10A1" });
        await api.PostAsync($"/api/courses/{course}/publish", null);

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_imports_a_gift_file_and_builds_a_quiz_that_a_student_takes), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Teacher);
            await BrowserFixture.GoToPlaceAsync(page, "Ngân hàng câu hỏi");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ngân hàng câu hỏi" })).ToBeVisibleAsync();
            await page.GetByText("Nhập và xuất câu hỏi").ClickAsync();

            // A broken file first: nothing is imported, and each broken question is named.
            await page.GetByLabel("Tệp câu hỏi (GIFT hoặc QTI 2.1)").SetInputFilesAsync(ImportTests.Sample("broken.gift"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Nhập câu hỏi" }).ClickAsync();
            await Expect(page.GetByTestId("import-problems")).ToContainTextAsync("Không đóng");
            // Each reason in Vietnamese, worded by the app from the server's code and parameters.
            await Expect(page.GetByTestId("import-problems")).ToContainTextAsync("khối đáp án mở bằng { nhưng chưa đóng bằng }");
            await Expect(page.GetByTestId("import-problems")).ToContainTextAsync("\"mười\" không phải là số");
            // A question the file gives but the question rules refuse: its reason is worded from its code too.
            await Expect(page.GetByTestId("import-problems")).ToContainTextAsync("Ghép thiếu");
            await Expect(page.GetByTestId("import-problems")).ToContainTextAsync("câu ghép đôi cần ít nhất hai cặp");
            await Expect(page.GetByTestId("import-problems")).Not.ToContainTextAsync("a matching question");
            await ShotAsync(page, "01-import-broken");

            var tag = "ôn tập " + Guid.NewGuid().ToString("N")[..4];
            await page.GetByLabel("Tệp câu hỏi (GIFT hoặc QTI 2.1)").SetInputFilesAsync(ImportTests.Sample("valid.gift"));
            await page.GetByLabel("Gắn thêm chủ đề (phân cách bằng dấu phẩy)").FillAsync(tag);
            await page.GetByRole(AriaRole.Button, new() { Name = "Nhập câu hỏi" }).ClickAsync();
            await Expect(page.GetByTestId("import-result")).ToHaveTextAsync("Đã nhập 10 câu hỏi.");
            await ShotAsync(page, "02-bank");

            // The quiz is a course item, made from the outline editor.
            await page.GotoAsync($"/courses/{course}/edit");
            var module = page.GetByRole(AriaRole.Region, new() { Name = "Hàm số bậc hai" });
            await module.GetByRole(AriaRole.Button, new() { Name = "Thêm mục" }).ClickAsync();
            await module.GetByRole(AriaRole.Radio, new() { Name = "Bài kiểm tra" }).CheckAsync();
            await module.GetByLabel("Tên bài kiểm tra").FillAsync("Ôn tập chương");
            await module.GetByRole(AriaRole.Button, new() { Name = "Tạo và soạn câu hỏi" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/quizzes/[0-9a-f-]+/edit$"));

            await page.GetByLabel("Tìm trong ngân hàng").FillAsync("đỉnh parabol");
            await page.GetByRole(AriaRole.Button, new() { Name = "Lọc" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Thêm \"Đỉnh parabol\"" }).First.ClickAsync();
            await page.GetByLabel("Tìm trong ngân hàng").FillAsync("gọi là đường gì");
            await page.GetByRole(AriaRole.Button, new() { Name = "Lọc" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Thêm \"Tên gọi\"" }).First.ClickAsync();
            await Expect(page.GetByTestId("builder-item")).ToHaveCountAsync(2);
            await page.GetByLabel("Thời gian làm bài (phút, để trống nếu không giới hạn)").FillAsync("10");
            await page.GetByTestId("save-quiz").ClickAsync();
            await Expect(page.GetByTestId("quiz-saved")).ToBeVisibleAsync();
            await ShotAsync(page, "03-builder");
            Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"), "The quiz builder scrolls sideways.");
        }, page);

        // The student takes it on their phone; the teacher sees the result in the gradebook and statistics.
        await using var studentContext = await browser.PhoneAsync(server);
        var student = await studentContext.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_imports_a_gift_file_and_builds_a_quiz_that_a_student_takes) + "-student", async () =>
        {
            await BrowserFixture.SignInAsync(student, LmsServer.Student2);
            await student.GetByTestId("course-card").Filter(new() { HasText = courseTitle }).GetByTestId("course-link").ClickAsync();
            await student.GetByTestId("outline-item").Filter(new() { HasText = "Ôn tập chương" }).ClickAsync();
            await ShotAsync(student, "04-quiz-item");
            await student.GetByTestId("start-quiz").ClickAsync();
            await student.GetByRole(AriaRole.Radio, new() { Name = "2", Exact = true }).CheckAsync();
            await ShotAsync(student, "05-attempt");
            await student.GetByRole(AriaRole.Button, new() { Name = "Câu sau" }).ClickAsync();
            await student.GetByLabel("Câu trả lời của em").FillAsync("hyperbol");
            await student.GetByLabel("Câu trả lời của em").BlurAsync();
            await Expect(student.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved", new() { Timeout = 15_000 });
            await student.GetByTestId("submit").ClickAsync();
            await student.GetByTestId("confirm-submit").ClickAsync();
            await Expect(student.GetByTestId("score")).ToHaveTextAsync("1");
            await ShotAsync(student, "06-review");
            Assert.False(await student.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"), "The review scrolls sideways.");
        }, student);

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_imports_a_gift_file_and_builds_a_quiz_that_a_student_takes) + "-results", async () =>
        {
            await page.GotoAsync($"/courses/{course}/gradebook");
            await Expect(page.GetByTestId("gradebook-row").Filter(new() { HasText = "Phạm Thu Hà" })).ToContainTextAsync("1");
            await ShotAsync(page, "07-gradebook");
            Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"), "The gradebook scrolls sideways.");
            await page.GetByTestId("gradebook").GetByRole(AriaRole.Link, new() { Name = "Ôn tập chương" }).ClickAsync();
            await page.GetByRole(AriaRole.Tab, new() { Name = "Thống kê" }).ClickAsync();
            await Expect(page.GetByTestId("histogram")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("question-stats").Locator("tbody tr")).ToHaveCountAsync(2);
            await ShotAsync(page, "08-statistics");
            await page.GetByRole(AriaRole.Tab, new() { Name = "Bài làm" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Diễn biến" }).First.ClickAsync();
            await Expect(page.GetByTestId("timeline")).ToContainTextAsync("Bắt đầu làm bài");
            await ShotAsync(page, "09-timeline");
        }, page);
    }
}
