using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// Report cards in Chromium against the real server: the homeroom teacher of 10A1, on a laptop, opens the class's cards
/// from Năm học, writes a comment and signs off; the principal signs; An's parent, on a phone, downloads the card's PDF
/// from the child's page and opens its verification page. axe-core checks every page.
/// </summary>
public sealed class ReportCardBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_homeroom_teacher_signs_off_on_a_laptop_and_the_parent_downloads_the_card_on_a_phone()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        foreach (var (column, score) in new[] { ("tx1", 6m), ("tx2", 8m), ("tx3", 7.5m), ("tx4", 9m), ("gk", 5m), ("ck", 10m) })
            await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(
                $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/{w.Maths}/terms/{w.Term1Id}/students/{w.An}/{column}",
                new { score, rating = (string?)null }));
        await using var laptop = await browser.DesktopAsync(server);
        await using var parentPhone = await browser.PhoneAsync(server);
        var teacher = await laptop.NewPageAsync();
        var parent = await parentPhone.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_homeroom_teacher_signs_off_on_a_laptop_and_the_parent_downloads_the_card_on_a_phone), async () =>
        {
            await BrowserFixture.SignInAsync(teacher, w.Email("gvcn"));
            await teacher.GotoAsync("/school-year");
            await teacher.GetByTestId("report-cards-10A1").ClickAsync();
            var an = teacher.GetByTestId("report-card-Lê Hoàng An");
            await Expect(teacher.GetByTestId("report-card-state")).ToHaveTextAsync("Đang soạn");
            await an.Locator("summary").ClickAsync(); // the subjects, folded under the summary line
            await Expect(an).ToContainTextAsync("7,8");
            await an.GetByTestId("comment").FillAsync("Em chăm ngoan, học tốt môn Toán.");
            await an.GetByTestId("save-comment").ClickAsync();
            await Expect(an).ToContainTextAsync("Đã lưu nhận xét");

            await teacher.GetByTestId("sign-homeroom").ClickAsync();
            await Expect(teacher.GetByTestId("report-card-state")).ToHaveTextAsync("GVCN đã ký, chờ hiệu trưởng");
            await Expect(an).ToContainTextAsync("Em chăm ngoan, học tốt môn Toán.");
            await Expect(teacher.GetByTestId("retract")).ToBeVisibleAsync();
        }, teacher);

        // The principal signs (their own screen is the same page; the API here keeps the test to the two people it is about).
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/report-cards/hk1/principal-sign-off", null));

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_homeroom_teacher_signs_off_on_a_laptop_and_the_parent_downloads_the_card_on_a_phone) + "-parent", async () =>
        {
            await BrowserFixture.SignInAsync(parent, w.AnParentEmail);
            await parent.GotoAsync("/school-year");
            await parent.GetByTestId("children").GetByRole(AriaRole.Link, new() { Name = "Lê Hoàng An" }).ClickAsync();
            var card = parent.GetByTestId("report-card-hk1-current");
            await Expect(card).ToContainTextAsync("Học kì I");
            var download = await parent.RunAndWaitForDownloadAsync(() => card.GetByTestId("download-report-card").ClickAsync());
            Assert.EndsWith(".pdf", download.SuggestedFilename);
            var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
            Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);

            // The QR code's address opens the public page: the card is current, with An's name and the maths average.
            var cards = await ProblemAssert.OkAsync<JsonElement[]>(await w.AnParent.GetAsync($"/api/school-year/students/{w.An}/report-cards"));
            await parent.GotoAsync(new Uri(cards[0].GetProperty("verifyUrl").GetString()!).PathAndQuery);
            await Expect(parent.GetByTestId("verify-state")).ToHaveAttributeAsync("data-state", "current");
            await Expect(parent.GetByTestId("verify-student")).ToHaveTextAsync("Lê Hoàng An");
            await Expect(parent.GetByTestId("report-card-verify")).ToContainTextAsync("7,8");
        }, parent);
    }
}
