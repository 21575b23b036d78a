using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Performance;

/// <summary>
/// A page's first data and files are asked for by the small early script (Lms.Web/src/early.ts) while the main
/// script is still on its way, and the app then takes those answers instead of asking again: the course, the
/// attempt and who is signed in are each asked for once.
/// </summary>
public sealed class EarlyStartBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_course_asks_for_its_outline_and_files_before_the_main_script_has_arrived_and_only_once()
    {
        await using var context = await browser.PhoneAsync(server);
        await SignInAsync(context, LmsServer.Student1);
        var courses = await (await context.APIRequest.GetAsync("/api/courses")).JsonAsync();
        var courseId = courses!.Value.GetProperty("items")[0].GetProperty("id").GetString();
        var page = await context.NewPageAsync();
        var sent = Record(page);
        var mainScript = await HoldAsync(page, "**/assets/index-*.js");

        await BrowserFixture.ScreenshotOnFailureAsync("early-start-course", async () =>
        {
            await page.GotoAsync($"/courses/{courseId}", new() { WaitUntil = WaitUntilState.Commit });
            // With the main script held back, only the early script can have asked for these.
            await UntilAsync(sent, $"/api/courses/{courseId}", "/api/identity/me", "/assets/CoursePage-", "/assets/Shell-");
            mainScript.SetResult();

            await Expect(page.GetByTestId("outline-item").First).ToBeVisibleAsync();
            Assert.Single(sent, url => url.EndsWith($"/api/courses/{courseId}", StringComparison.Ordinal));
            Assert.Single(sent, url => url.EndsWith("/api/identity/me", StringComparison.Ordinal));
        }, page);
    }

    [Fact]
    public async Task A_quiz_attempt_is_asked_for_once_with_the_device_id_the_page_keeps_using()
    {
        await using var context = await browser.PhoneAsync(server);
        await SignInAsync(context, LmsServer.Student2);
        var attemptId = await OpenAttemptAsync(context);
        var page = await context.NewPageAsync();
        var sent = Record(page);
        var mainScript = await HoldAsync(page, "**/assets/index-*.js");

        await BrowserFixture.ScreenshotOnFailureAsync("early-start-attempt", async () =>
        {
            await page.GotoAsync($"/attempts/{attemptId}", new() { WaitUntil = WaitUntilState.Commit });
            await UntilAsync(sent, $"/api/attempts/{attemptId}?", "/assets/AttemptPage-");
            mainScript.SetResult();

            await Expect(page.GetByTestId("question").First).ToBeVisibleAsync();
            var asked = Assert.Single(sent, url => url.Contains($"/api/attempts/{attemptId}?", StringComparison.Ordinal));
            // The early script made this device's id; the page kept it (its answers go with the same id).
            var device = await page.EvaluateAsync<string>("() => localStorage.getItem('lms.deviceId')");
            Assert.Contains($"deviceId={device}", asked);
        }, page);
    }

    private static async Task SignInAsync(IBrowserContext context, string login)
    {
        // The API request context shares the browser profile's cookies: signed in, nothing of the app loaded yet.
        var signedIn = await context.APIRequest.PostAsync("/api/identity/sign-in", new() { DataObject = new { login, password = LmsServer.DemoPassword } });
        Assert.True(signedIn.Ok, $"sign-in as {login}: {signedIn.Status}");
    }

    /// <summary>As the demo teacher: a one-question quiz in the student's first course; as the student (the context): its attempt.</summary>
    private async Task<string> OpenAttemptAsync(IBrowserContext student)
    {
        using var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var courses = await (await student.APIRequest.GetAsync("/api/courses")).JsonAsync();
        var courseId = courses!.Value.GetProperty("items")[0].GetProperty("id").GetString();
        var course = JsonDocument.Parse(await teacher.GetStringAsync($"/api/courses/{courseId}")).RootElement;
        var moduleId = course.GetProperty("modules")[0].GetProperty("id").GetString();
        var school = course.GetProperty("institutionId").GetString();
        var gift = "::Câu 1:: 2 + 2 bằng bao nhiêu? {=4 ~5 ~3}";
        var form = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(gift)), "file", "early.gift" } };
        var imported = JsonDocument.Parse(await (await teacher.PostAsync($"/api/institutions/{school}/questions/import?tags=early-start", form)).EnsureSuccessStatusCode().Content.ReadAsStringAsync()).RootElement;
        var questionId = imported.GetProperty("ids")[0].GetString();
        var created = await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{moduleId}/quizzes", new
        {
            title = "Kiểm tra (early start)", settings = new { timeLimitSeconds = 3600, attemptsAllowed = 1 },
            definition = new { sections = new[] { new { title = "Phần 1", items = new[] { new { kind = "fixed", questionId, points = 1 } } } } },
        });
        var quizId = JsonDocument.Parse(await created.EnsureSuccessStatusCode().Content.ReadAsStringAsync()).RootElement.GetProperty("quizId").GetString();
        var attempt = await student.APIRequest.PostAsync($"/api/quizzes/{quizId}/attempts", new() { DataObject = new { deviceId = "early-start-setup" } });
        Assert.True(attempt.Ok, $"attempt: {attempt.Status} {await attempt.TextAsync()}");
        return (await attempt.JsonAsync())!.Value.GetProperty("id").GetString()!;
    }

    private static ConcurrentQueue<string> Record(IPage page)
    {
        var sent = new ConcurrentQueue<string>();
        page.Request += (_, request) => sent.Enqueue(request.Url);
        return sent;
    }

    /// <summary>Holds back the matching files until the test releases them (a slow network, made certain).</summary>
    private static async Task<TaskCompletionSource> HoldAsync(IPage page, string glob)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync(glob, async route =>
        {
            await release.Task.WaitAsync(Bounded);
            await route.ContinueAsync();
        });
        return release;
    }

    /// <summary>Until a request containing each of the given parts has been sent (at most <see cref="Bounded"/>).</summary>
    private static async Task UntilAsync(ConcurrentQueue<string> sent, params string[] parts)
    {
        var deadline = DateTime.UtcNow + Bounded;
        while (!parts.All(part => sent.Any(url => url.Contains(part, StringComparison.Ordinal))))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not asked for while the main script was held back: {string.Join(", ", parts.Where(part => !sent.Any(url => url.Contains(part, StringComparison.Ordinal))))}; sent: {string.Join(" ", sent)}");
            await Task.Delay(50);
        }
    }
}
