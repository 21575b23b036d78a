using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Hosting;

/// <summary>The real server over a copy of the built web app, whose files a test can take away (a phone losing the server).</summary>
public sealed class CopiedWebAppServer : SqliteLmsServer
{
    public string WebRoot { get; } = CopyOfBuiltApp();

    protected override IEnumerable<string> ExtraArguments => [$"--Web:Root={WebRoot}"];

    /// <summary>The server no longer has the app's page or its built files (the API still answers).</summary>
    public void RemoveWebApp()
    {
        Directory.Delete(Path.Combine(WebRoot, "assets"), recursive: true);
        foreach (var file in Directory.GetFiles(WebRoot, "index.html*")) File.Delete(file);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(WebRoot, recursive: true);
    }

    private static string CopyOfBuiltApp()
    {
        var dist = Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Web", "dist");
        var copy = Path.Combine(Path.GetTempPath(), "lms-webroot-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.GetFiles(dist, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(dist, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }
}

/// <summary>
/// The service worker (vite-plugin-pwa / Workbox): after a first visit the app starts from the phone even when
/// the server's page and files are gone, and what it keeps is the app only: after a student signs out, the next
/// person on the same phone sees the sign-in page and nothing of hers, and no cache holds an API response.
/// </summary>
public sealed class ServiceWorkerBrowserTests(CopiedWebAppServer server, BrowserFixture browser)
    : IClassFixture<CopiedWebAppServer>, IClassFixture<BrowserFixture>
{
    // Every cache of the site with the paths it holds.
    private const string CachedPaths = """
        async () => {
          const found = {};
          for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            found[name] = (await cache.keys()).map((r) => new URL(r.url).pathname);
          }
          return JSON.stringify(found);
        }
        """;

    [Fact]
    public async Task After_a_first_visit_the_app_starts_from_the_phone_and_keeps_nothing_of_the_signed_out_student()
    {
        await using var context = await browser.PhoneAsync(server);
        var page = await context.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync("service-worker", async () =>
        {
            await BrowserFixture.SignInAsync(page, LmsServer.Student1);
            await Expect(page.GetByTestId("user-menu")).ToContainTextAsync("Lê Hoàng An");
            var courseTitle = (await page.Locator(".course-card-title").First.InnerTextAsync()).Trim();
            // The worker is installed (its precache filled) and controls the page.
            await page.EvaluateAsync("() => navigator.serviceWorker.ready");
            await page.WaitForFunctionAsync("() => navigator.serviceWorker.controller !== null");

            await page.GetByTestId("user-menu").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng xuất" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/sign-in"));

            server.RemoveWebApp();
            var script = await page.Locator("script[type=module]").First.GetAttributeAsync("src");
            var fromServer = await context.APIRequest.GetAsync(script!);
            Assert.Equal(404, fromServer.Status); // the server really no longer has the app's files

            // A new visit: the page and its files come from the service worker's cache; the app starts and,
            // nobody being signed in, shows the sign-in form and nothing of the student who left.
            var response = await page.GotoAsync("/");
            Assert.True(response?.FromServiceWorker, "The page did not come from the service worker.");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Đăng nhập", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByLabel("Email hoặc mã định danh")).ToBeEditableAsync();
            var text = await page.Locator("body").InnerTextAsync();
            Assert.DoesNotContain("Lê Hoàng An", text);
            Assert.DoesNotContain(courseTitle, text);

            // What the phone keeps is the app's own files (the contact book's push handler among them): no API answer, no
            // page the server sent her.
            var caches = JsonSerializer.Deserialize<Dictionary<string, string[]>>(await page.EvaluateAsync<string>(CachedPaths))!;
            Assert.NotEmpty(caches);
            Assert.All(caches.Keys, name => Assert.Matches("^lms-(precache-|assets$)", name));
            Assert.All(caches.Values.SelectMany(paths => paths), path =>
                Assert.Matches(@"^/(assets/[^/]+|index\.html|manifest\.webmanifest|icon(-maskable)?\.svg|contact-push-sw\.js)$", path));
        }, page);
    }
}
