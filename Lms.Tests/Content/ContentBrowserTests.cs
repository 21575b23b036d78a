using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Content;

/// <summary>The content library in Chromium on a 360 × 740 phone, against the real server, worker and ffmpeg.</summary>
public sealed class ContentBrowserTests(SqliteLmsServer server, BrowserFixture browser)
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

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string where)
    {
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, $"{where} scrolls sideways on a 360 px screen.");
    }

    /// <summary>Waits until the video element has really played (its clock moved past <paramref name="seconds"/>).</summary>
    private static async Task WaitPlayedAsync(IPage page, double seconds)
    {
        await page.WaitForFunctionAsync(
            $"() => {{ const v = document.querySelector('[data-testid=player-video]'); return v && v.currentTime > {seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}; }}",
            null, new() { Timeout = 60_000, PollingInterval = 100 });
    }

    [Fact]
    public async Task On_a_phone_a_teacher_uploads_a_video_watches_the_progress_and_plays_it()
    {
        var video = await MediaSamples.SmallAsync(20);
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_teacher_uploads_a_video_watches_the_progress_and_plays_it), async () =>
        {
            await SignInAsync(page, LmsServer.Teacher);
            await BrowserFixture.GoToPlaceAsync(page, "Thư viện học liệu");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thư viện học liệu" })).ToBeVisibleAsync();
            await AssertNoSidewaysScrollAsync(page, "The library");
            await page.GetByTestId("add-content").ClickAsync();

            var form = page.GetByTestId("new-content-form");
            await form.GetByLabel("Video").CheckAsync();
            await form.GetByTestId("content-file").SetInputFilesAsync(video);
            await form.GetByLabel("Tiêu đề").FillAsync("Hàm số bậc hai — quay bằng điện thoại");
            await form.GetByLabel("Môn học").FillAsync("Toán");
            await form.GetByLabel("Lớp / cấp học").SelectOptionAsync("10");
            await AssertNoSidewaysScrollAsync(page, "The new item form");
            await form.GetByRole(AriaRole.Button, new() { Name = "Lưu và tải lên" }).ClickAsync();

            // The upload's bar, then the processing's bar, pushed over SignalR while ffmpeg runs.
            await Expect(page).ToHaveURLAsync(new Regex("/library/[0-9a-f-]+$"), new() { Timeout = 60_000 });
            var percents = new List<int>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (await page.GetByTestId("content-status").TextContentAsync() != "Sẵn sàng")
            {
                var bar = page.GetByTestId("processing-progress");
                if (await bar.CountAsync() > 0 && int.TryParse(await bar.GetAttributeAsync("data-percent", new() { Timeout = 1000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null), out var percent))
                    percents.Add(percent);
                Assert.True(DateTime.UtcNow < deadline, $"Still processing after 2 minutes; the bar showed {string.Join(", ", percents)}.");
                await Task.Delay(100);
            }
            Assert.Contains(percents, p => p is > 5 and < 95);
            Assert.Equal(percents.Order(), percents);
            await AssertNoSidewaysScrollAsync(page, "The item page");

            // It plays: hls.js, a quality chooser with the renditions, thumbnails over the seek bar.
            var quality = page.GetByTestId("player-quality");
            await Expect(quality).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(quality.Locator("option")).ToHaveCountAsync(3);
            await page.GetByRole(AriaRole.Button, new() { Name = "Phát" }).First.ClickAsync();
            await WaitPlayedAsync(page, 1.0);
            await page.GetByTestId("player-seek").HoverAsync(new() { Position = new() { X = 150, Y = 10 } });
            await Expect(page.GetByTestId("player-thumbnail")).ToBeVisibleAsync();
            await page.GetByTestId("player-speed").SelectOptionAsync("1.5");
            Assert.Equal(1.5, await page.EvalOnSelectorAsync<double>("[data-testid=player-video]", "v => v.playbackRate"));
            await quality.SelectOptionAsync(new SelectOptionValue { Label = "240p" });
            await WaitPlayedAsync(page, 2.5);
            await AssertNoSidewaysScrollAsync(page, "The player");
        }, page);
    }

    [Fact]
    public async Task A_lesson_recorded_with_the_browsers_media_recorder_goes_up_in_pieces_and_is_published()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_lesson_recorded_with_the_browsers_media_recorder_goes_up_in_pieces_and_is_published), async () =>
        {
            await SignInAsync(page, LmsServer.Teacher);
            // Pieces of 2 s here (a minute in use): Chromium's fake camera and microphone, its real MediaRecorder.
            await page.GotoAsync("/library/record?piece=2");
            await page.GetByLabel("Tiêu đề").FillAsync("Tiết ghi hình thử");
            await page.GetByRole(AriaRole.Button, new() { Name = "Bắt đầu ghi" }).ClickAsync();
            await Expect(page.GetByTestId("record-pieces")).ToHaveTextAsync(new Regex("Đã gửi [2-9]/"), new() { Timeout = 30_000 });
            await AssertNoSidewaysScrollAsync(page, "The record page");
            await page.GetByRole(AriaRole.Button, new() { Name = "Kết thúc" }).ClickAsync();

            var link = page.GetByTestId("recording-item-link");
            await Expect(link).ToBeVisibleAsync(new() { Timeout = 120_000 });
            await link.ClickAsync();
            await Expect(page.GetByTestId("content-status")).ToHaveTextAsync("Sẵn sàng");
            await page.GetByRole(AriaRole.Button, new() { Name = "Phát" }).First.ClickAsync();
            await WaitPlayedAsync(page, 1.0);
            var duration = await page.EvalOnSelectorAsync<double>("[data-testid=player-video]", "v => v.duration");
            Assert.True(duration > 3.5, $"The published recording lasts {duration} s: the pieces were not all joined.");
        }, page);
    }

    [Fact]
    public async Task A_student_watching_a_course_video_past_the_share_completes_it_and_resumes_where_they_stopped()
    {
        // Set up through the API: a processed video in a published course that class 10A1 follows.
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Video ngắn", "private");
        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.SmallAsync(3));
        await ContentClient.WaitProcessedAsync(teacher, itemId);
        var title = "Toán 10 — video " + Guid.NewGuid().ToString("N")[..4];
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title, kind = "blended" }));
        var courseId = course.GetProperty("id").GetString()!;
        var module = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title = "Chương 1" }));
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/content/course-items",
            new { courseId, moduleId = module.GetProperty("id").GetString(), contentId = itemId, title = "Xem video bài giảng" }));
        await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className = "10A1" });
        await teacher.PostAsync($"/api/courses/{courseId}/publish", null);

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_student_watching_a_course_video_past_the_share_completes_it_and_resumes_where_they_stopped), async () =>
        {
            await SignInAsync(page, LmsServer.Student2);
            await page.GetByTestId("course-card").Filter(new() { HasText = title }).GetByTestId("course-link").ClickAsync();
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-percent", "0");
            await page.GetByTestId("outline-item").Filter(new() { HasText = "Xem video bài giảng" }).ClickAsync();
            // Opening a video does not count: watching it does.
            await Expect(page.GetByTestId("watched-share")).ToHaveAttributeAsync("data-share", "0");
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-percent", "0");

            await page.GetByRole(AriaRole.Button, new() { Name = "Phát" }).First.ClickAsync();
            // Played to the end, the share passes 80 % and the course counts the item as seen.
            await Expect(page.GetByTestId("progress")).ToHaveAttributeAsync("data-percent", "100", new() { Timeout = 60_000 });
            var share = int.Parse((await page.GetByTestId("watched-share").GetAttributeAsync("data-share"))!);
            Assert.InRange(share, 80, 100);
            await AssertNoSidewaysScrollAsync(page, "A course video");
        }, page);
    }
}
