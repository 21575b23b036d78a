using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Moocs;

/// <summary>A stranger on a phone: finds the demo university's credit-bearing MOOC, signs up, completes it, gets the certificate.</summary>
public sealed class MoocBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    private static async Task NoSidewaysScrollAsync(IPage page, string where)
    {
        var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, $"{where} scrolls sideways on a 360 px screen.");
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        var folder = Path.Combine(BrowserFixture.RepositoryRoot(), "test-artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"moocs-{name}.png"), FullPage = true });
    }

    [Fact]
    public async Task On_a_phone_a_stranger_finds_a_mooc_signs_up_completes_it_and_verifies_the_certificate()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_stranger_finds_a_mooc_signs_up_completes_it_and_verifies_the_certificate), async () =>
        {
            // Found in the catalogue, without signing in.
            await page.GotoAsync("/catalogue");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Danh mục khoá học", Level = 1 })).ToBeVisibleAsync();
            await page.GetByLabel("Tìm khoá học").FillAsync("python");
            await page.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("catalogue-total")).ToHaveTextAsync("Tìm thấy 1 khoá học");
            await Expect(page.GetByTestId("credit-badge")).ToHaveTextAsync("3 tín chỉ (6 ECTS)");
            await NoSidewaysScrollAsync(page, "The catalogue");
            await ShotAsync(page, "1-catalogue");
            await page.GetByTestId("catalogue-link").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nhập môn lập trình Python" })).ToBeVisibleAsync();
            await NoSidewaysScrollAsync(page, "The course's catalogue page");

            // Signs up, confirms the address from the mail (which signs in and comes back here), then enrols.
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng ký và ghi danh" }).ClickAsync();
            var form = page.GetByTestId("sign-up-form");
            await form.GetByLabel("Họ và tên").FillAsync("Bùi Thị Hồng Nhung");
            await form.GetByLabel("Email").FillAsync("nhung.bui@example.vn");
            await form.GetByLabel("Mật khẩu").FillAsync("Sen-hong-nở-2026!");
            await ShotAsync(page, "2-sign-up");
            await form.GetByRole(AriaRole.Button, new() { Name = "Tạo tài khoản" }).ClickAsync();
            await Expect(page.GetByTestId("sign-up-sent")).ToContainTextAsync("nhung.bui@example.vn");
            await page.GotoAsync($"/confirm-email?code={await server.MailedCodeAsync("nhung.bui@example.vn", "confirm-email")}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận và đăng nhập" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/catalogue/[^/]+$"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Ghi danh", Exact = true }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/courses/[0-9a-f-]+$"));
            await Expect(page.GetByTestId("course-role")).ToHaveTextAsync("Học sinh");

            // Reads every item and hands in the assignment.
            foreach (var title in new[] { "Chương trình đầu tiên", "Tài liệu Python chính thức", "Biến và kiểu dữ liệu" })
            {
                await page.GetByTestId("outline-item").Filter(new() { HasText = title }).ClickAsync();
                await Expect(page.GetByTestId("outline-item").Filter(new() { HasText = title })).ToHaveAttributeAsync("data-seen", "true");
            }
            await page.GetByTestId("outline-item").Filter(new() { HasText = "Bài tập: tính tiền điện" }).ClickAsync();
            await page.GetByLabel("Bài làm (văn bản)").FillAsync("kwh = int(input())\nprint(kwh * 1984)");
            await page.GetByRole(AriaRole.Button, new() { Name = "Nộp bài" }).ClickAsync();
            await Expect(page.GetByTestId("submitted")).ToBeVisibleAsync();
            await NoSidewaysScrollAsync(page, "The assignment");
            await ShotAsync(page, "3-assignment");

            // The lecturer grades it (on their own device, through the API).
            var lecturer = await server.SignedInAsync(MoocKit.Lecturer);
            var courseId = Regex.Match(page.Url, "/courses/([0-9a-f-]+)").Groups[1].Value;
            var course = await ProblemAssert.OkAsync<JsonElement>(await lecturer.GetAsync($"/api/courses/{courseId}"));
            var assignment = course.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("items").EnumerateArray())
                .Single(i => i.GetProperty("kind").GetString() == "assignment").GetProperty("refId").GetGuid();
            var submissions = await ProblemAssert.OkAsync<JsonElement>(await lecturer.GetAsync($"/api/moocs/assignments/{assignment}/submissions"));
            await MoocKit.GradeAsync(lecturer, submissions.GetProperty("items")[0].GetProperty("id").GetGuid(), 5, 4);

            // The learner's progress page: passed, with the certificate and the credit record.
            await page.GotoAsync($"/courses/{courseId}");
            await page.GetByTestId("progress-link").ClickAsync();
            await Expect(page.GetByTestId("passed")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("current-grade")).ToHaveTextAsync("90%");
            await Expect(page.GetByTestId("credential")).ToHaveCountAsync(2);
            await NoSidewaysScrollAsync(page, "The progress page");
            await ShotAsync(page, "4-progress");

            var certificate = page.GetByTestId("credential").Filter(new() { HasText = "Chứng chỉ hoàn thành" });
            var download = await page.RunAndWaitForDownloadAsync(() => certificate.GetByTestId("pdf-link").ClickAsync());
            var path = await download.PathAsync();
            Assert.Equal("%PDF"u8.ToArray(), (await File.ReadAllBytesAsync(path!))[..4]);

            // The public verification page confirms it.
            await certificate.GetByTestId("verify-link").ClickAsync();
            await Expect(page.GetByTestId("verdict")).ToHaveAttributeAsync("data-valid", "true");
            await Expect(page.GetByTestId("holder")).ToHaveTextAsync("Bùi Thị Hồng Nhung");
            await Expect(page.Locator("[data-check=signature]")).ToHaveAttributeAsync("data-passed", "true");
            await NoSidewaysScrollAsync(page, "The verification page");
            await ShotAsync(page, "5-verify");

            // And so does a stranger who opens the link without an account.
            await using var other = await browser.PhoneAsync(server);
            var visitor = await other.NewPageAsync();
            await visitor.GotoAsync(new Uri(page.Url).PathAndQuery);
            await Expect(visitor.GetByTestId("verdict")).ToHaveAttributeAsync("data-valid", "true");
        }, page);
    }

    [Fact]
    public async Task On_a_phone_another_universitys_admin_verifies_and_recognises_a_shared_credit()
    {
        var graduate = await Credentials.Graduates.GraduateAsync(server, "Hà Minh Khôi");
        var receiving = await new MoocKit(server).UniversityIdAsync(MoocKit.OtherUniversityAdmin);
        await ProblemAssert.OkAsync<JsonElement>(await graduate.Learner.PostAsJsonAsync(
            $"/api/credentials/{graduate.Credit.GetProperty("id").GetGuid()}/shares", new { institutionId = receiving, message = "Xin công nhận." }));

        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_another_universitys_admin_verifies_and_recognises_a_shared_credit), async () =>
        {
            await BrowserFixture.SignInAsync(page, MoocKit.OtherUniversityAdmin);
            await page.GetByTestId("user-menu").ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Công nhận tín chỉ: Trường Đại học Phương Nam (demo)" }).ClickAsync();
            var item = page.GetByTestId("inbox-item").Filter(new() { HasText = "Hà Minh Khôi" });
            await Expect(item).ToBeVisibleAsync();
            await NoSidewaysScrollAsync(page, "The recognition inbox");
            await item.GetByRole(AriaRole.Link).ClickAsync();
            await Expect(page.GetByTestId("recognition-verdict")).ToHaveAttributeAsync("data-valid", "true");
            var form = page.GetByTestId("decision-form");
            await form.GetByLabel("Công nhận tương đương học phần").FillAsync("Kinh tế học vi mô 1");
            await form.GetByLabel("Mã học phần").FillAsync("KT101");
            await form.GetByLabel("Số tín chỉ được công nhận").FillAsync("3");
            await ShotAsync(page, "6-recognition");
            await form.GetByRole(AriaRole.Button, new() { Name = "Ghi nhận quyết định" }).ClickAsync();
            await Expect(page.GetByTestId("decision")).ToContainTextAsync("Đã công nhận");
            await NoSidewaysScrollAsync(page, "The recognition page");
        }, page);

        var transcript = await ProblemAssert.OkAsync<JsonElement>(await graduate.Learner.GetAsync("/api/credentials"));
        Assert.Contains(transcript.EnumerateArray().SelectMany(e => e.GetProperty("shares").EnumerateArray()),
            s => s.GetProperty("decision").GetString() == "accepted" && s.GetProperty("recognisedCode").GetString() == "KT101");

        // The lecturer's side, for the record: the MOOC's settings on a phone.
        await using var lecturerContext = await browser.PhoneAsync(server);
        var lecturer = await lecturerContext.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync("mooc-manage", async () =>
        {
            await BrowserFixture.SignInAsync(lecturer, MoocKit.Lecturer);
            await lecturer.GotoAsync($"/moocs/{graduate.Mooc.Id}/manage");
            await Expect(lecturer.GetByTestId("entry-form")).ToBeVisibleAsync();
            await NoSidewaysScrollAsync(lecturer, "The MOOC's catalogue settings");
            await lecturer.GetByRole(AriaRole.Tab, new() { Name = "Đợt học" }).ClickAsync();
            await Expect(lecturer.GetByTestId("run-stats")).ToContainTextAsync("1 đã đạt");
            await NoSidewaysScrollAsync(lecturer, "The MOOC's runs");
            await ShotAsync(lecturer, "7-runs");
        }, lecturer);
    }
}
