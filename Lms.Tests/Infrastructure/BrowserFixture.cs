using System.Collections.Concurrent;
using System.Reflection;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.v3;
using static Microsoft.Playwright.Assertions;

[assembly: FailOnCspViolations]
[assembly: FailOnAccessibilityViolations]

namespace Lms.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Microsoft.Playwright (never a downloaded browser). One browser per
/// test class; each test opens its own contexts (a phone, a desktop) so that sessions never mix.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("LMS_CHROMIUM") ?? "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not at {ChromiumPath}: run ./build.sh test (it installs chromium) or set LMS_CHROMIUM.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run",
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            ],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A phone: 360 × 740, touch, Vietnamese, in Vietnam's time zone.</summary>
    public Task<IBrowserContext> PhoneAsync(LmsServer server) => PhoneAsync(server.BaseAddress);

    /// <summary>A phone on a server at <paramref name="baseAddress"/> (a server process of the test's own).</summary>
    public Task<IBrowserContext> PhoneAsync(Uri baseAddress) => PhoneAsync(baseAddress, "vi-VN");

    /// <summary>A phone whose browser speaks <paramref name="locale"/> (the app keeps its own language, Vietnamese at first).</summary>
    public async Task<IBrowserContext> PhoneAsync(Uri baseAddress, string locale) => await WatchAsync(baseAddress, await Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 360, Height = 740 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
        Locale = locale,
        TimezoneId = "Asia/Ho_Chi_Minh",
    }));

    public async Task<IBrowserContext> DesktopAsync(LmsServer server) => await WatchAsync(server.BaseAddress, await Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = server.BaseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        Locale = "vi-VN",
        TimezoneId = "Asia/Ho_Chi_Minh",
    }));

    /// <summary>Content-Security-Policy violations seen by the browser, per test (its unique id).</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Violations = new();

    /// <summary>The context's pages of the app at <paramref name="app"/> check their accessibility (<see cref="AccessibilityWatch"/>), and every page its CSP.</summary>
    private static async Task<IBrowserContext> WatchAsync(Uri app, IBrowserContext context)
    {
        await AccessibilityWatch.WatchAsync(context, app);
        return await WatchCspAsync(context);
    }

    /// <summary>
    /// Every page of the context reports the CSP violations it meets (a blocked script, style, frame,
    /// connection...); <see cref="FailOnCspViolationsAttribute"/> then fails the test that met them.
    /// </summary>
    private static async Task<IBrowserContext> WatchCspAsync(IBrowserContext context)
    {
        var seen = Violations.GetOrAdd(TestContext.Current.Test?.UniqueID ?? "", _ => new ConcurrentQueue<string>());
        await context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile || e.documentURI}:${e.lineNumber}`));
            """);
        context.Console += (_, message) =>
        {
            if (message.Text.StartsWith("CSP violation:", StringComparison.Ordinal)
                || (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal)))
                seen.Enqueue($"{message.Page?.Url}: {message.Text}");
        };
        return context;
    }

    /// <summary>The violations the current test has met so far, forgotten once read (a test that provokes one on purpose).</summary>
    public static IReadOnlyList<string> TakeCspViolations()
    {
        var taken = new List<string>();
        // Drained, not removed: the test's browser contexts keep reporting into the same queue.
        if (Violations.TryGetValue(TestContext.Current.Test?.UniqueID ?? "", out var seen))
            while (seen.TryDequeue(out var violation)) taken.Add(violation);
        return taken;
    }

    internal static IReadOnlyList<string> TakeCspViolations(string testId) =>
        Violations.TryRemove(testId, out var seen) ? seen.ToList() : [];

    /// <summary>Signs in through the sign-in page (in Vietnamese, the default) and waits for "my courses".</summary>
    public static async Task SignInAsync(IPage page, string login, string password = LmsServer.DemoPassword)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Email hoặc mã định danh").FillAsync(login);
        await page.GetByLabel("Mật khẩu").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync();
    }

    /// <summary>
    /// Goes to one of the app's places as a person does: its link in the navigation, behind "Thêm" (More) when a phone's
    /// bottom bar has no room for it.
    /// </summary>
    public static async Task GoToPlaceAsync(IPage page, string name)
    {
        var nav = page.GetByTestId("app-nav");
        var link = nav.GetByRole(AriaRole.Link, new() { Name = name });
        var more = nav.GetByRole(AriaRole.Button, new() { Name = "Thêm" });
        if (!await link.IsVisibleAsync() && await more.IsVisibleAsync()) await more.ClickAsync();
        await link.ClickAsync();
    }

    /// <summary>Runs a browser scenario; if it fails, each page's screenshot is kept under test-artifacts/screenshots.</summary>
    public static async Task ScreenshotOnFailureAsync(string scenario, Func<Task> run, params IPage[] pages)
    {
        try
        {
            await run();
        }
        catch
        {
            var folder = Path.Combine(RepositoryRoot(), "test-artifacts", "screenshots");
            Directory.CreateDirectory(folder);
            for (var i = 0; i < pages.Length; i++)
            {
                try
                {
                    await pages[i].ScreenshotAsync(new PageScreenshotOptions
                    {
                        Path = Path.Combine(folder, $"{scenario}-{i}.png"), FullPage = true,
                    });
                }
                catch (PlaywrightException) { } // a closed page has nothing more to show
            }
            throw;
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lms.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}

/// <summary>Fails any test whose browser met a Content-Security-Policy violation: the policy must break nothing the app does.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class FailOnCspViolationsAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var violations = BrowserFixture.TakeCspViolations(test.UniqueID);
        if (violations.Count > 0)
            throw new Xunit.Sdk.XunitException("Content-Security-Policy violations in the browser:\n" + string.Join("\n", violations.Distinct()));
    }
}
