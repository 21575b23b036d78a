using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Scorm;

/// <summary>SCORM lessons played in Chromium on a 360 × 740 phone: the package in its own origin, scorm-again as its API.</summary>
public sealed class ScormBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    private async Task<(string CourseId, string ItemId)> LessonAsync(string title, byte[] package)
    {
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var (courseId, moduleId) = await ScormApiTests.CourseAsync(teacher, await server.DemoSchoolIdAsync(), title);
        var view = await ProblemAssert.OkAsync<JsonElement>(await ScormApiTests.UploadAsync(teacher, courseId, moduleId, package));
        return (courseId, view.GetProperty("itemId").GetString()!);
    }

    private static IFrameLocator Sco(IPage page) => page.FrameLocator("[data-testid=scorm-frame]").FrameLocator("#sco");

    [Fact]
    public async Task A_learner_plays_a_scored_scorm_12_lesson_on_a_phone_and_the_score_reaches_the_standing_while_the_package_never_sees_the_apps_cookie()
    {
        var (courseId, itemId) = await LessonAsync("SCORM 1.2 — điện thoại", ScormPackages.Scorm12Scored());
        await using var context = await browser.PhoneAsync(server);
        // A cookie a script of the app's origin could read: the package's page must not see it.
        await context.AddCookiesAsync([new Cookie { Name = "lms-probe", Value = "app-secret", Url = server.BaseAddress.ToString() }]);
        var contentRequests = new List<Microsoft.Playwright.IRequest>();
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_learner_plays_a_scored_scorm_12_lesson_on_a_phone_and_the_score_reaches_the_standing_while_the_package_never_sees_the_apps_cookie), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student1);
            context.Request += (_, request) => { if (new Uri(request.Url).Host == "localhost") lock (contentRequests) contentRequests.Add(request); };
            await page.GotoAsync($"/courses/{courseId}/items/{itemId}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Bắt đầu học" }).ClickAsync();

            var sco = Sco(page);
            await Expect(sco.Locator("#api")).ToHaveTextAsync("api-found");
            var origin = await sco.Locator("#origin").TextContentAsync();
            Assert.StartsWith("http://localhost:", origin);
            Assert.NotEqual(server.BaseAddress.GetLeftPart(UriPartial.Authority), origin);
            await Expect(sco.Locator("#cookie")).ToHaveTextAsync("cookie=");
            await Expect(sco.Locator("#top")).ToHaveTextAsync("top-blocked");
            Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"), "The player scrolls sideways on a phone.");

            await sco.GetByRole(AriaRole.Button, new() { Name = "Nộp bài: (2; −1)" }).ClickAsync();
            await Expect(sco.Locator("#done")).ToBeVisibleAsync();
            var item = page.GetByTestId("scorm-item");
            await Expect(item).ToHaveAttributeAsync("data-completed", "true");
            await Expect(item).ToHaveAttributeAsync("data-score", "80");
            await Expect(item).ToContainTextAsync("Điểm: 80%");
        }, page);

        // No request to the content origin carried a cookie of the app's.
        List<Microsoft.Playwright.IRequest> seen;
        lock (contentRequests) seen = [.. contentRequests];
        Assert.NotEmpty(seen);
        var checkedRequests = 0;
        foreach (var request in seen)
        {
            Dictionary<string, string> headers;
            try
            {
                headers = await request.AllHeadersAsync();
            }
            catch (KeyNotFoundException)
            {
                continue; // Playwright has no raw headers for some requests (served from the browser's cache)
            }
            checkedRequests++;
            Assert.False(headers.TryGetValue("cookie", out var cookie) && cookie.Length > 0, $"{request.Url} was sent cookies: {cookie}");
        }
        Assert.True(checkedRequests > 0, "No request to the content origin could be checked for cookies.");

        // The teacher sees it in the learner's standing: completed, 80 %.
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var studentId = await server.UserIdAsync(LmsServer.Student1);
        var standing = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/standing/{studentId}"));
        var row = standing.GetProperty("standing").GetProperty("items").EnumerateArray()
            .SingleOrDefault(i => i.TryGetProperty("itemId", out var id) && id.GetString() == itemId);
        Assert.True(row.ValueKind == JsonValueKind.Object, "The item is not in the standing: " + standing.GetRawText());
        Assert.True(row.TryGetProperty("score", out var score), row.GetRawText());
        Assert.True(row.GetProperty("completed").GetBoolean());
        Assert.Equal(0.8, score.GetDouble(), 3);
    }

    [Fact]
    public async Task A_scorm_2004_lesson_left_mid_way_resumes_on_another_device_at_the_same_page_with_its_suspend_data()
    {
        var (courseId, itemId) = await LessonAsync("SCORM 2004 — học tiếp", ScormPackages.Scorm2004MultiSco());
        await using (var first = await browser.PhoneAsync(server))
        {
            var page = await first.NewPageAsync();
            await BrowserFixture.ScreenshotOnFailureAsync("scorm-2004-first-device", async () =>
            {
                await BrowserFixture.SignInAsync(page, LmsServer.Student2);
                await page.GotoAsync($"/courses/{courseId}/items/{itemId}");
                await Expect(page.GetByTestId("scorm-sco")).ToHaveCountAsync(2);
                await page.GetByRole(AriaRole.Button, new() { Name = "Bắt đầu học" }).ClickAsync();
                var sco = Sco(page);
                await Expect(sco.Locator("#resumed")).ToHaveTextAsync("entry=ab-initio;data=");
                await Expect(sco.Locator("#page")).ToHaveTextAsync("Trang 1/3");
                await sco.GetByRole(AriaRole.Button, new() { Name = "Trang tiếp" }).ClickAsync();
                await Expect(sco.Locator("#page")).ToHaveTextAsync("Trang 2/3");
                await Expect(page.GetByTestId("scorm-saved")).ToHaveAttributeAsync("data-state", "saved");
            }, page);
        }

        await using var second = await browser.PhoneAsync(server);
        var again = await second.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync("scorm-2004-second-device", async () =>
        {
            await BrowserFixture.SignInAsync(again, LmsServer.Student2);
            await again.GotoAsync($"/courses/{courseId}/items/{itemId}");
            await Expect(again.GetByTestId("scorm-sco").First).ToHaveAttributeAsync("data-status", "incomplete");
            await again.GetByRole(AriaRole.Button, new() { Name = "Học tiếp" }).ClickAsync();
            var sco = Sco(again);
            await Expect(sco.Locator("#resumed")).ToHaveTextAsync("entry=resume;data=p1;");
            await Expect(sco.Locator("#page")).ToHaveTextAsync("Trang 2/3");
        }, again);
    }
}
