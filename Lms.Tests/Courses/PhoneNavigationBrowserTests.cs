using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Courses;

/// <summary>
/// The app's places on a 360 px phone are a bar at the bottom of the screen (not a top row of tabs cut off
/// at the edge): every signed-in person reaches each of their places from it, each page fits the width, and
/// the bar never hides the end of a page. On a laptop the same places are a row under the header.
/// </summary>
public sealed class PhoneNavigationBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    // Where the bar is, and whether the end of the page (scrolled to the bottom) is above it.
    private const string Layout = """
        () => {
          const bar = document.querySelector('[data-testid="app-nav"]');
          const nav = bar ? bar.getBoundingClientRect() : { top: -1, bottom: -1 };
          window.scrollTo(0, document.documentElement.scrollHeight);
          const main = document.getElementById('main');
          const last = main && main.lastElementChild ? main.lastElementChild.getBoundingClientRect().bottom : 0;
          return { shell: !!bar, top: nav.top, bottom: nav.bottom, height: window.innerHeight, lastBottom: last,
                   overflow: document.documentElement.scrollWidth > window.innerWidth };
        }
        """;

    [Theory]
    [InlineData(LmsServer.Student1)]
    [InlineData(LmsServer.Teacher)]
    [InlineData(LmsServer.Admin)]
    public async Task On_a_phone_every_place_is_reached_from_the_bottom_bar_and_every_page_fits(string login)
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync($"phone-navigation-{login}", async () =>
        {
            await BrowserFixture.SignInAsync(page, login);
            var nav = page.GetByTestId("app-nav");
            await Expect(nav).ToBeVisibleAsync();
            var more = nav.GetByRole(AriaRole.Button, new() { Name = "Thêm" });
            var places = new List<(string Name, string Href, bool InSheet)>();
            foreach (var link in await nav.GetByRole(AriaRole.Link).AllAsync())
                if (await link.IsVisibleAsync()) places.Add((await link.InnerTextAsync(), (await link.GetAttributeAsync("href"))!, false));
            if (await more.IsVisibleAsync())
            {
                await more.ClickAsync();
                foreach (var link in await page.Locator(".nav-sheet a").AllAsync())
                    places.Add((await link.InnerTextAsync(), (await link.GetAttributeAsync("href"))!, true));
                await more.ClickAsync();
            }
            Assert.True(places.Count >= 4, $"{login} has {places.Count} places in the bar.");
            Assert.True(places.Count <= 5 || await more.IsVisibleAsync(), "More than five places need the More button.");

            foreach (var (name, href, inSheet) in places)
            {
                // From the home page each time: the public catalogue has its own header, not the app's bar.
                await page.GotoAsync("/");
                await Expect(nav).ToBeVisibleAsync();
                var link = nav.GetByRole(AriaRole.Link, new() { Name = name.Trim(), Exact = true });
                if (inSheet)
                {
                    await more.ClickAsync();
                    link = page.Locator(".nav-sheet").GetByRole(AriaRole.Link, new() { Name = name.Trim(), Exact = true });
                }
                await link.ClickAsync();
                var address = new Uri(server.BaseAddress, href).ToString();
                await Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(address) + (href == "/" ? "$" : "")));
                await Expect(page.Locator("h1").First).ToBeVisibleAsync();
                await Expect(page.Locator(".spinner")).ToHaveCountAsync(0);
                var seen = await page.EvaluateAsync<JsonElement>(Layout);
                Assert.False(seen.GetProperty("overflow").GetBoolean(), $"{href} scrolls sideways on a 360 px phone.");
                if (!seen.GetProperty("shell").GetBoolean()) continue;
                var top = seen.GetProperty("top").GetDouble();
                Assert.Equal(seen.GetProperty("height").GetDouble(), seen.GetProperty("bottom").GetDouble(), 1.0);
                Assert.True(top > 600, $"The bar on {href} starts at {top} px, not at the bottom of a 740 px screen.");
                Assert.True(seen.GetProperty("lastBottom").GetDouble() <= top + 1, $"The bar hides the end of {href}.");
            }
        }, page);
    }

    [Fact]
    public async Task On_a_laptop_the_places_are_a_row_under_the_header()
    {
        await using var context = await browser.DesktopAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, LmsServer.Teacher);
        var library = page.GetByTestId("app-nav").GetByRole(AriaRole.Link, new() { Name = "Thư viện học liệu" });
        await Expect(library).ToBeVisibleAsync();
        var box = await library.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Y < 150, $"On a laptop the places sit under the header, not at y = {box.Y}.");
        await Expect(page.GetByTestId("app-nav").GetByRole(AriaRole.Button, new() { Name = "Thêm" })).ToBeHiddenAsync();
    }
}
