using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;
using Xunit.v3;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// axe-core in every browser test: each page of a test's browser contexts runs axe (the copy Deque.AxeCore ships)
/// whenever it has settled after a change (a new page, a route change, a dialog), and reports the serious and
/// critical WCAG 2.2 A/AA violations it finds; <see cref="FailOnAccessibilityViolationsAttribute"/> then fails the test
/// with the list. It runs inside the page so that every page a test visits is checked, not only where it ends.
/// </summary>
public static class AccessibilityWatch
{
    private const string Prefix = "axe violation: ";

    /// <summary>The rules' WCAG tags: level A and AA of 2.0, 2.1 and 2.2.</summary>
    private static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

    private static readonly Lazy<string> Axe = new(() => new BundledAxeScriptProvider().GetScript());

    // Runs axe once the page has been quiet for a moment on a new route, then again after later changes (a
    // dialog, a form's errors) at most every fifteen seconds: a live page that changes every second is still
    // checked, without taking the CPU from its media on a loaded machine. One run at a time; findings go to
    // the console.
    private static string Watcher(string appOrigin) => $$"""
        (() => {
          // The app's pages only (not the about:blank a new tab starts with, nor a test's page of another origin).
          if (window.__lmsAxeWatch || typeof axe === 'undefined' || location.origin !== {{JsonSerializer.Serialize(appOrigin)}}) return;
          window.__lmsAxeWatch = true;
          const tags = {{JsonSerializer.Serialize(Tags)}};
          let timer = 0, asked = 0, running = false, pending = false, last = 0, checkedPath = '';
          const check = async () => {
            if (running) { pending = true; return; }
            running = true;
            last = Date.now();
            checkedPath = location.pathname;
            try {
              // axe-core places a sticky or fixed bar (the app's header, a phone's bottom bar) where it is drawn at
              // this scroll position, so on a scrolled page a button passing under it reads as too small
              // (dequelabs/axe-core#3720, open); target size is judged only on an unscrolled page.
              const scrolled = window.scrollY > 0;
              const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'],
                                                        rules: scrolled ? { 'target-size': { enabled: false } } : {} });
              for (const v of result.violations) {
                if (v.impact !== 'serious' && v.impact !== 'critical') continue;
                console.error('{{Prefix}}' + JSON.stringify({
                  page: location.pathname, rule: v.id, impact: v.impact, help: v.help,
                  where: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + (n.failureSummary ? ' (' + n.failureSummary.split('\n').slice(1).join(' ').trim() + ')' : '')),
                }));
              }
            } catch { /* the page went away mid-run */ }
            running = false;
            if (pending) { pending = false; schedule(); }
          };
          const schedule = () => {
            // A page that never stops changing (a countdown) is checked anyway, two seconds after the first change.
            if (timer && Date.now() - asked > 2000) return;
            if (!timer) asked = Date.now();
            clearTimeout(timer);
            const newRoute = location.pathname !== checkedPath;
            timer = setTimeout(() => { timer = 0; void check(); }, newRoute ? 400 : Math.max(400, 15000 - (Date.now() - last)));
          };
          const start = () => {
            new MutationObserver(schedule).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
            schedule();
          };
          if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
        })();
        """;

    /// <summary>Findings per test (its unique id).</summary>
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> Findings = new();

    /// <summary>Makes every page of <paramref name="context"/> from <paramref name="app"/> check itself and report into the current test's findings.</summary>
    public static async Task WatchAsync(IBrowserContext context, Uri app)
    {
        var seen = Findings.GetOrAdd(TestContext.Current.Test?.UniqueID ?? "", _ => new ConcurrentDictionary<string, byte>());
        await context.AddInitScriptAsync(Axe.Value);
        await context.AddInitScriptAsync(Watcher(app.GetLeftPart(UriPartial.Authority)));
        context.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.StartsWith(Prefix, StringComparison.Ordinal))
                seen.TryAdd(Describe(message.Text[Prefix.Length..]), 0);
        };
    }

    private static string Describe(string json)
    {
        using var finding = JsonDocument.Parse(json);
        var root = finding.RootElement;
        var where = string.Join("; ", root.GetProperty("where").EnumerateArray().Select(w => w.GetString()));
        return $"{root.GetProperty("page").GetString()}: {root.GetProperty("rule").GetString()} ({root.GetProperty("impact").GetString()}) " +
               $"{root.GetProperty("help").GetString()} at {where}";
    }

    /// <summary>The violations the current test has met so far, forgotten once read.</summary>
    public static IReadOnlyList<string> Take() => Take(TestContext.Current.Test?.UniqueID ?? "");

    internal static IReadOnlyList<string> Take(string testId) =>
        Findings.TryRemove(testId, out var seen) ? seen.Keys.Order(StringComparer.Ordinal).ToList() : [];
}

/// <summary>Fails any browser test in which a page had a serious or critical accessibility violation (axe-core, WCAG 2.2 AA).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class FailOnAccessibilityViolationsAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        var violations = AccessibilityWatch.Take(test.UniqueID);
        if (violations.Count > 0)
            throw new Xunit.Sdk.XunitException(
                $"Accessibility violations (axe-core, serious or critical, WCAG 2.2 A/AA) in the browser:\n- {string.Join("\n- ", violations)}");
    }
}
