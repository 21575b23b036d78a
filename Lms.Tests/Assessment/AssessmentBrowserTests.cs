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
    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync("/");
        await page.GetByLabel("Email hoặc mã định danh").FillAsync(login);
        await page.GetByLabel("Mật khẩu").FillAsync(LmsServer.DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
    }

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
            await SignInAsync(page, LmsServer.Student1);
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

            // It comes back: everything kept is synced.
            await context.SetOfflineAsync(false);
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved", new() { Timeout = 15_000 });
            await Expect(page.GetByTestId("pending-count")).ToHaveTextAsync("0");

            await page.GetByTestId("submit").ClickAsync();
            await page.GetByTestId("confirm-submit").ClickAsync();
            await Expect(page.GetByTestId("review")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("score")).ToHaveTextAsync("3");
            await Expect(page.GetByTestId("passed")).ToHaveTextAsync("Đạt");
        }, page);

        // The server kept the offline answers with the times they were given, and says so on the timeline.
        var attempts = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{course}/gradebook"));
        Assert.Equal(3, attempts.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == "Lê Hoàng An").GetProperty("total").GetDouble());
    }
}
