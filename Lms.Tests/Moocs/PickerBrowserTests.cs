using System.Text.Json;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Moocs;

/// <summary>
/// The app's own file and date pickers: on a phone whose browser is in American English while the app is in
/// Vietnamese, they speak Vietnamese and take dates as dd/mm/yyyy (the browser's own would say "Choose file" and
/// mm/dd/yyyy), and the API still receives ISO dates.
/// </summary>
public sealed class PickerBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_an_english_phone_the_pickers_speak_vietnamese_and_a_date_typed_as_24_12_2026_reaches_the_api_as_2026_12_24()
    {
        var mooc = await new MoocKit(server).CreateAsync("Lịch học " + Guid.NewGuid().ToString("N")[..6]);
        await using var teacherContext = await browser.PhoneAsync(server.BaseAddress, "en-US");
        await using var lecturerContext = await browser.PhoneAsync(server.BaseAddress, "en-US");
        var teacher = await teacherContext.NewPageAsync();
        var page = await lecturerContext.NewPageAsync();
        Assert.Equal("en-US", await page.EvaluateAsync<string>("navigator.language"));
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_an_english_phone_the_pickers_speak_vietnamese_and_a_date_typed_as_24_12_2026_reaches_the_api_as_2026_12_24), async () =>
        {
            // A file (a school teacher's question bank): the button and the empty state in Vietnamese, then the file's name.
            await BrowserFixture.SignInAsync(teacher, LmsServer.Teacher);
            await BrowserFixture.GoToPlaceAsync(teacher, "Ngân hàng câu hỏi");
            await teacher.GetByText("Nhập và xuất câu hỏi").ClickAsync();
            var form = teacher.GetByTestId("import-form");
            await Expect(form.GetByText("Chọn tệp", new() { Exact = true })).ToBeVisibleAsync();
            await Expect(form.GetByText("Chưa chọn tệp nào")).ToBeVisibleAsync();
            await teacher.GetByLabel("Tệp câu hỏi (GIFT hoặc QTI 2.1)").SetInputFilesAsync(ImportTests.Sample("valid.gift"));
            await Expect(form.GetByText("valid.gift")).ToBeVisibleAsync();
            await Expect(form.GetByText("Chưa chọn tệp nào")).ToHaveCountAsync(0);

            // A date (a MOOC lecturer's new run): typed the Vietnamese way into a field that shows the Vietnamese format.
            await BrowserFixture.SignInAsync(page, MoocKit.Lecturer);
            await page.GotoAsync($"/moocs/{mooc.Id}/manage");
            await page.GetByRole(AriaRole.Tab, new() { Name = "Đợt học" }).ClickAsync();
            var newRun = page.Locator("section.card").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Mở đợt học mới" }) });
            await newRun.GetByLabel("Tên đợt").FillAsync("Đợt Giáng sinh");
            var starts = newRun.GetByLabel("Ngày bắt đầu");
            await Expect(starts).ToHaveAttributeAsync("placeholder", "ngày/tháng/năm");
            await starts.FillAsync("24/12/2026");
            await Expect(starts).Not.ToHaveAttributeAsync("aria-invalid", "true");
            var answered = page.WaitForResponseAsync(r => r.Request.Method == "POST" && r.Url.EndsWith($"/api/moocs/{mooc.Id}/runs"));
            await newRun.GetByRole(AriaRole.Button, new() { Name = "Tạo đợt học" }).ClickAsync();
            var response = await answered;
            Assert.True(response.Ok, $"creating the run answered {response.Status}");
            var body = JsonDocument.Parse(response.Request.PostData!).RootElement;
            Assert.StartsWith("2026-12-24", body.GetProperty("startsAt").GetString());

            // What the server stored, read back: the 24th of December, shown again as 24/12/2026.
            var runs = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/moocs/{mooc.Id}"));
            var run = runs.GetProperty("runs").EnumerateArray().Single(r => r.GetProperty("label").GetString() == "Đợt Giáng sinh");
            Assert.Equal(new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero), run.GetProperty("startsAt").GetDateTimeOffset());

            // A day that does not exist is not sent: the field says it is wrong.
            var ends = newRun.GetByLabel("Ngày kết thúc");
            await ends.FillAsync("31/02/2027");
            await Expect(ends).ToHaveAttributeAsync("aria-invalid", "true");
        }, teacher, page);
    }
}
