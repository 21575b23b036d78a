using System.IO.Compression;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Privacy;

/// <summary>On a phone, a student downloads a copy of their data and asks for its erasure; the school's admin sees the request.</summary>
public sealed class PrivacyBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task On_a_phone_a_student_downloads_their_data_and_asks_for_erasure()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(On_a_phone_a_student_downloads_their_data_and_asks_for_erasure), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student1);
            await page.GetByTestId("user-menu").ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Dữ liệu cá nhân của tôi" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dữ liệu cá nhân của tôi" })).ToBeVisibleAsync();

            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-my-data").ClickAsync());
            Assert.EndsWith(".zip", download.SuggestedFilename);
            using (var zip = ZipFile.OpenRead(await download.PathAsync()))
            {
                await using var json = zip.GetEntry("data.json")!.Open();
                var data = await JsonDocument.ParseAsync(json);
                Assert.Equal("Lê Hoàng An", data.RootElement.GetProperty("profile").GetProperty("displayName").GetString());
                Assert.NotNull(zip.GetEntry("memberships.csv"));
            }

            await page.GetByTestId("erasure-reason").FillAsync("Em chuyển trường");
            await page.GetByTestId("ask-erasure").ClickAsync();
            await Expect(page.GetByTestId("erasure-confirm-text")).ToBeVisibleAsync();
            await page.GetByTestId("ask-erasure").ClickAsync();
            await Expect(page.GetByTestId("erasure-asked")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("my-erasure-part")).ToContainTextAsync("Đang chờ");
        }, page);

        // The school's admins now have it to decide.
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var open = await ProblemAssert.OkAsync<JsonElement>(
            await admin.GetAsync($"/api/institutions/{await server.DemoSchoolIdAsync()}/erasure-requests?status=open"));
        var request = Assert.Single(open.GetProperty("items").EnumerateArray());
        Assert.Equal("Em chuyển trường", request.GetProperty("reason").GetString());
    }
}
