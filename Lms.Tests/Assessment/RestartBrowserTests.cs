using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Assessment;

/// <summary>The server is killed and started again while a phone, offline, changes its answers.</summary>
public sealed class RestartBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_phone_that_changes_two_answers_offline_while_the_server_restarts_has_the_changed_answers_graded()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var (teacher, school) = await server.DemoTeacherAsync();
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("valid.gift"))), "file", "valid.gift" } };
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsync($"/api/institutions/{school}/questions/import?tags=restart", form));
        var bank = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/institutions/{school}/questions?tag=restart&take=50"));
        string Id(string title) => bank.GetProperty("items").EnumerateArray().First(q => q.GetProperty("title").GetString() == title).GetProperty("id").GetString()!;
        const string courseTitle = "Toán 10 — Kiểm tra qua một lần khởi động lại";
        var course = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = courseTitle, kind = "blended" }))).GetProperty("id").GetString();
        var module = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules", new { title = "Chương 1" }))).GetProperty("id").GetString();
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules/{module}/quizzes", new
        {
            title = "Kiểm tra 10 phút",
            settings = new { timeLimitSeconds = 600, shuffleOptions = false, reviewAnswers = "immediately" },
            definition = new { sections = new[] { new { title = "", items = new[] {
                new { kind = "fixed", questionId = Id("Đỉnh parabol"), points = 1 },
                new { kind = "fixed", questionId = Id("Đồng biến"), points = 1 },
            } } } },
        }));
        await teacher.PostAsJsonAsync($"/api/courses/{course}/enrolments", new { className = "10A1" });
        await teacher.PostAsync($"/api/courses/{course}/publish", null);

        await using var context = await browser.PhoneAsync(server.BaseAddress);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_phone_that_changes_two_answers_offline_while_the_server_restarts_has_the_changed_answers_graded), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student1);
            await page.GetByTestId("course-card").Filter(new() { HasText = courseTitle }).GetByTestId("course-link").ClickAsync();
            await page.GetByTestId("outline-item").Filter(new() { HasText = "Kiểm tra 10 phút" }).ClickAsync();
            await page.GetByTestId("start-quiz").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/attempts/[0-9a-f-]+$"));

            // Online, two wrong answers are saved.
            await page.GetByRole(AriaRole.Radio, new() { Name = "-2", Exact = true }).CheckAsync();
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved");
            await page.GetByRole(AriaRole.Button, new() { Name = "Câu sau" }).ClickAsync();
            await page.GetByRole(AriaRole.Radio, new() { Name = "Sai" }).CheckAsync();
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved");

            // The network goes; the student changes both; meanwhile the server is killed and started again.
            await context.SetOfflineAsync(true);
            await page.GetByRole(AriaRole.Radio, new() { Name = "Đúng" }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Câu trước" }).ClickAsync();
            await page.GetByRole(AriaRole.Radio, new() { Name = "2", Exact = true }).CheckAsync();
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "offline");
            // Both answers wait in the queue (with whatever else the page queued, such as its own signals).
            await Expect(page.GetByTestId("pending-count")).ToHaveTextAsync(new Regex("^[2-4]$"));
            server.Kill();
            await server.StartAsync();

            // Back online: the queue is synced to the restarted server, and a reload shows the changed answers.
            await context.SetOfflineAsync(false);
            await Expect(page.GetByTestId("connection")).ToHaveAttributeAsync("data-state", "saved", new() { Timeout = 30_000 });
            await Expect(page.GetByTestId("pending-count")).ToHaveTextAsync("0");
            await page.ReloadAsync();
            await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "2", Exact = true })).ToBeCheckedAsync();

            await page.GetByTestId("submit").ClickAsync();
            await page.GetByTestId("confirm-submit").ClickAsync();
            await Expect(page.GetByTestId("review")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("score")).ToHaveTextAsync("2");
        }, page);

        var gradebook = await ProblemAssert.OkAsync<JsonElement>(await (await server.SignedInAsync(LmsServer.Teacher)).GetAsync($"/api/courses/{course}/gradebook"));
        Assert.Equal(2, gradebook.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == "Lê Hoàng An").GetProperty("total").GetDouble());
    }
}
