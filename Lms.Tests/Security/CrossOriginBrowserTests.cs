using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Security;

/// <summary>
/// In a real browser: a page served by another web server on this machine (another port: another
/// origin, the same site, so the admin's SameSite=Strict cookie goes along) tries to import a roster
/// with the admin's sign-in and to frame the app; the app's own page does the same import and succeeds.
/// </summary>
public sealed class CrossOriginBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    /// <summary>The script of a forged import: a CSV file made in the page, sent as multipart form data.</summary>
    private static string RosterFormData(string email) => $$"""
        const data = new FormData();
        data.append('file', new File(['role,full_name,email\nadmin,Quản Trị Giả,{{email}}\n'], 'danh-sach.csv', { type: 'text/csv' }));
        """;

    [Fact]
    public async Task A_page_on_another_port_cannot_import_a_roster_with_the_admins_cookie_and_the_apps_own_page_can()
    {
        var school = await server.DemoSchoolIdAsync();
        var target = new Uri(server.BaseAddress, $"/api/institutions/{school}/roster");
        var byForm = $"form.{Guid.NewGuid():N}@forged.test";
        var byFetch = $"fetch.{Guid.NewGuid():N}@forged.test";
        await using var site = await OtherOriginSite.StartAsync(new Dictionary<string, string>
        {
            // A form that posts itself as soon as the page opens, its file input filled by the page's script.
            ["/form"] = $$"""
                <!doctype html><html><body>
                <form id="f" method="post" enctype="multipart/form-data" action="{{target}}"><input type="file" name="file" id="file"></form>
                <script>
                  const files = new DataTransfer();
                  files.items.add(new File(['role,full_name,email\nadmin,Quản Trị Giả,{{byForm}}\n'], 'danh-sach.csv', { type: 'text/csv' }));
                  document.getElementById('file').files = files.files;
                  document.getElementById('f').submit();
                </script></body></html>
                """,
            // fetch with the cookie; the answer is opaque to the page, the request is sent all the same.
            ["/fetch"] = $$"""
                <!doctype html><html><body><script>
                  {{RosterFormData(byFetch)}}
                  fetch('{{target}}', { method: 'POST', body: data, mode: 'no-cors', credentials: 'include' })
                    .then(() => document.title = 'sent', () => document.title = 'failed');
                </script></body></html>
                """,
        });

        await using var context = await browser.DesktopAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_page_on_another_port_cannot_import_a_roster_with_the_admins_cookie_and_the_apps_own_page_can), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Admin);

            var answer = await page.RunAndWaitForResponseAsync(
                () => page.GotoAsync(new Uri(site.BaseAddress, "/form").ToString()), r => r.Url == target.ToString());
            Assert.Equal(403, answer.Status);
            var problem = JsonDocument.Parse(await answer.TextAsync()).RootElement;
            Assert.Equal("urn:lms:problem:cross-origin", problem.GetProperty("type").GetString());
            Assert.Equal(site.Origin, problem.GetProperty("origin").GetString());

            await page.GotoAsync(new Uri(site.BaseAddress, "/fetch").ToString());
            await Expect(page).ToHaveTitleAsync("sent");
            var users = server.Get<UserRepository>();
            Assert.Null(await users.FindByLoginAsync(byForm));
            Assert.Null(await users.FindByLoginAsync(byFetch));
            // Both reached the server and were refused there (not lost on the way).
            Assert.Equal(2, server.Log.Entries.Count(e => e.Contains("Refused a cross-origin POST") && e.Contains(site.Origin)
                                                          && e.Contains($"/api/institutions/{school}/roster")));

            // The same request from the app's own page is imported.
            var own = $"own.{Guid.NewGuid():N}@own.test";
            await page.GotoAsync("/");
            var status = await page.EvaluateAsync<int>($$"""
                async () => {
                  {{RosterFormData(own)}}
                  const answer = await fetch('/api/institutions/{{school}}/roster', { method: 'POST', body: data });
                  return answer.status;
                }
                """);
            Assert.Equal(200, status);
            Assert.NotNull(await users.FindByLoginAsync(own));
        }, page);
    }

    [Fact]
    public async Task A_page_of_another_origin_cannot_frame_the_app_and_an_injected_inline_script_does_not_run()
    {
        await using var site = await OtherOriginSite.StartAsync(new Dictionary<string, string>
        {
            ["/frame"] = $"""
                <!doctype html><html><body>
                <iframe id="app" src="{new Uri(server.BaseAddress, "/catalogue")}" onload="document.title = 'loaded'"></iframe>
                </body></html>
                """,
        });
        await using var context = await browser.DesktopAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_page_of_another_origin_cannot_frame_the_app_and_an_injected_inline_script_does_not_run), async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student1);
            await page.GotoAsync(new Uri(site.BaseAddress, "/frame").ToString());
            await Expect(page).ToHaveTitleAsync("loaded");
            var frame = page.Frames.Single(f => f != page.MainFrame);
            Assert.False(frame.Url.StartsWith(server.BaseAddress.ToString(), StringComparison.Ordinal) && await frame.Locator("#root").CountAsync() > 0,
                $"The app was shown in another origin's frame ({frame.Url}).");
            await AssertViolationAsync("frame-ancestors");

            // The app's own page with a script slipped into it (as a stored XSS would be), under the server's own headers: it does not run.
            // (On the context: the app's service worker fetches its pages, and only the context's routes see those.)
            await context.RouteAsync("**/catalogue", async route =>
            {
                var real = await route.FetchAsync();
                var html = (await real.TextAsync()).Replace("</body>", "<script>window.injected = true</script></body>");
                await route.FulfillAsync(new RouteFulfillOptions { Response = real, Body = html });
            });
            await page.GotoAsync("/catalogue");
            Assert.Contains("window.injected = true", await page.ContentAsync());
            Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true"), "The injected inline script ran.");
            await AssertViolationAsync("script-src");
        }, page);
    }

    /// <summary>The browser reports the violation (asynchronously): wait a bounded time for it, and take it so the test is not failed for it.</summary>
    private static async Task AssertViolationAsync(string directive)
    {
        var seen = new List<string>();
        for (var i = 0; i < 100 && !seen.Any(v => v.Contains(directive)); i++)
        {
            seen.AddRange(BrowserFixture.TakeCspViolations());
            if (!seen.Any(v => v.Contains(directive))) await Task.Delay(100);
        }
        Assert.True(seen.Any(v => v.Contains(directive)), $"No {directive} violation reported; saw: {string.Join(" | ", seen)}");
        Assert.All(seen, v => Assert.Contains(directive, v));
    }
}
