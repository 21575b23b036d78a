using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Moocs;

/// <summary>
/// A lecturer on a phone, on the run's page: decides the credentials to review (keep, re-issue, revoke) and
/// grants a learner an extension, which the learner then sees on the course page.
/// </summary>
public sealed class RunStaffBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    private sealed record Learner(HttpClient Client, string Name, string Email, Guid Submission);

    private static async Task<List<JsonElement>> CredentialsAsync(Learner learner, Guid courseId) =>
        (await MoocKit.StandingAsync(learner.Client, courseId)).GetProperty("credentials").EnumerateArray().ToList();

    private static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();

    [Fact]
    public async Task On_a_phone_the_lecturer_keeps_reissues_and_revokes_from_the_run_page_and_grants_an_extension()
    {
        var kit = new MoocKit(server);
        var u = Guid.NewGuid().ToString("N")[..6];
        var mooc = await kit.CreateAsync($"Mạng máy tính {u}", pages: 0, credits: 3, policy: new
        {
            categories = new[] { new { key = "essay", name = "Tiểu luận", weight = 100.0, dropLowest = 0 } }, passMark = 50, requireAllItems = false,
        });
        var essay = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Tiểu luận", "essay");
        var learners = new List<Learner>();
        foreach (var name in new[] { $"An Cấp Lại {u}", $"Bình Thu Hồi {u}", $"Chi Giữ Nguyên {u}" })
        {
            var email = $"sv{Guid.NewGuid():N}@example.vn";
            var client = await kit.SignUpAsync(mooc.RunId, email, name);
            var submission = await MoocKit.SubmitTextAsync(client, essay, "Bài tiểu luận về định tuyến");
            await MoocKit.GradeAsync(mooc.Teacher, submission, 6, 3); // 90
            learners.Add(new Learner(client, name, email, submission));
        }
        var (reissued, revoked, kept) = (learners[0], learners[1], learners[2]);
        var before = new Dictionary<string, List<JsonElement>>();
        foreach (var l in learners) before[l.Name] = await CredentialsAsync(l, mooc.Id);
        Assert.All(before.Values, issued => Assert.Equal(2, issued.Count));

        // The university's admin regrades: two still pass at 70, one fails at 20; three reviews open.
        var admin = await server.SignedInAsync(MoocKit.UniversityAdmin);
        await MoocKit.GradeAsync(admin, reissued.Submission, 5, 2);
        await MoocKit.GradeAsync(admin, revoked.Submission, 1, 1);
        await MoocKit.GradeAsync(admin, kept.Submission, 5, 2);

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await using var learnerContext = await browser.PhoneAsync(server);
        var learnerPage = await learnerContext.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_the_lecturer_keeps_reissues_and_revokes_from_the_run_page_and_grants_an_extension), async () =>
        {
            await BrowserFixture.SignInAsync(page, MoocKit.Lecturer);
            await page.GotoAsync($"/moocs/{mooc.Id}/manage?tab=runs");
            var reviews = page.GetByTestId("credential-review");
            await Expect(reviews).ToHaveCountAsync(3);
            Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"),
                "The run page scrolls sideways on a 360 px screen.");

            // Re-issue with the new grade.
            var first = reviews.Filter(new() { HasText = reissued.Name });
            await first.GetByRole(AriaRole.Radio, new() { Name = "Cấp lại với điểm mới" }).CheckAsync();
            await first.GetByRole(AriaRole.Button, new() { Name = "Ghi nhận quyết định" }).ClickAsync();
            await Expect(reviews).ToHaveCountAsync(2);

            // Revoke (both credentials: the default), with a reason.
            var second = reviews.Filter(new() { HasText = revoked.Name });
            await second.GetByRole(AriaRole.Radio, new() { Name = "Thu hồi" }).CheckAsync();
            await second.GetByRole(AriaRole.Textbox, new() { Name = "Lý do" }).FillAsync("Đạo văn");
            await second.GetByRole(AriaRole.Button, new() { Name = "Ghi nhận quyết định" }).ClickAsync();
            await Expect(reviews).ToHaveCountAsync(1);

            // Keep, with a reason.
            var third = reviews.Filter(new() { HasText = kept.Name });
            await third.GetByRole(AriaRole.Radio, new() { Name = "Giữ nguyên (ghi lý do)" }).CheckAsync();
            await third.GetByRole(AriaRole.Textbox, new() { Name = "Lý do" }).FillAsync("Chấm lại nhầm bài, giữ điểm đã cấp");
            await third.GetByRole(AriaRole.Button, new() { Name = "Ghi nhận quyết định" }).ClickAsync();
            await Expect(reviews).ToHaveCountAsync(0);
        }, page);

        // What the three clicks did, read back through the API.
        var now = await CredentialsAsync(reissued, mooc.Id);
        Assert.Equal(2, now.Count);
        Assert.Empty(now.Select(Id).Intersect(before[reissued.Name].Select(Id)));
        Assert.All(now, c => Assert.Equal(70m, c.GetProperty("grade").GetDecimal()));
        foreach (var old in before[reissued.Name])
        {
            var verified = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/verify/{Id(old)}"));
            Assert.NotEqual(JsonValueKind.Null, verified.GetProperty("credential").GetProperty("supersededBy").ValueKind);
        }
        var transcript = await ProblemAssert.OkAsync<JsonElement>(await revoked.Client.GetAsync("/api/credentials"));
        Assert.All(transcript.EnumerateArray(), e => Assert.NotEqual(JsonValueKind.Null, e.GetProperty("credential").GetProperty("revokedAt").ValueKind));
        Assert.Equal(before[kept.Name].Select(Id).Order(), (await CredentialsAsync(kept, mooc.Id)).Select(Id).Order());
        var all = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{mooc.Id}/credential-reviews?all=true"));
        Assert.Contains(all.GetProperty("items").EnumerateArray(), r => r.GetProperty("decision").GetString() == "keep"
            && r.GetProperty("reason").GetString() == "Chấm lại nhầm bài, giữ điểm đã cấp");

        // The run ended yesterday; the lecturer grants one learner an extension from the run's page.
        var today = DateTimeOffset.UtcNow;
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{mooc.RunId}",
            new { label = "1", pace = "self", startsAt = today.AddDays(-30), endsAt = today.AddDays(-1) }));
        var until = today.AddDays(5).ToString("yyyy-MM-dd");
        await BrowserFixture.ScreenshotOnFailureAsync("run-extension", async () =>
        {
            await page.GotoAsync($"/moocs/{mooc.Id}/manage?tab=runs");
            await page.GetByTestId("extensions-toggle").ClickAsync();
            var form = page.GetByTestId("grant-extension");
            await form.GetByLabel("Học viên").SelectOptionAsync(new SelectOptionValue { Label = kept.Name });
            await form.GetByLabel("Gia hạn đến ngày").FillAsync(until);
            await form.GetByRole(AriaRole.Textbox, new() { Name = "Lý do" }).FillAsync("Ốm, có giấy xác nhận của bệnh viện");
            await form.GetByRole(AriaRole.Button, new() { Name = "Cấp gia hạn" }).ClickAsync();
            await Expect(page.GetByTestId("run-extension")).ToContainTextAsync(kept.Name);
            await Expect(page.GetByTestId("run-extension")).ToContainTextAsync("Ốm, có giấy xác nhận của bệnh viện");
            Assert.False(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth"),
                "The extensions scroll sideways on a 360 px screen.");

            // The learner sees their own extension on the course page.
            await learnerPage.GotoAsync("/sign-in");
            await learnerPage.GetByLabel("Email hoặc mã định danh").FillAsync(kept.Email);
            await learnerPage.GetByLabel("Mật khẩu").FillAsync("Hoc-vien-2026");
            await learnerPage.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            await Expect(learnerPage).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in"));
            await learnerPage.GotoAsync($"/courses/{mooc.Id}");
            await Expect(learnerPage.GetByTestId("my-extension")).ToContainTextAsync("Ốm, có giấy xác nhận của bệnh viện");
        }, page, learnerPage);

        var extensions = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/moocs/runs/{mooc.RunId}/extensions"));
        var granted = Assert.Single(extensions.EnumerateArray());
        Assert.Equal(kept.Name, granted.GetProperty("learnerName").GetString());
        // The whole chosen day, in the browser's zone: the extension reaches past the run's end by days.
        Assert.True(granted.GetProperty("until").GetDateTimeOffset() > today.AddDays(4));
    }
}
