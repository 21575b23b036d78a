using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Bench.Classroom;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Lms.Bench.Phone;

/// <summary>
/// <c>./build.sh bench phone [--page sign-in|home|course|quiz|live[,…]] [--profile slow3g|fast3g] [--cache cold|warm] [--runs 3]
/// [--server path/to/Lms.Server.dll] [--waterfall]</c>: a cheap phone on 3G. Debian's Chromium (driven by Playwright) with the DevTools
/// protocol's network emulation (latency and throughput) and a 4× CPU slow-down, a 360×780 viewport, against the
/// built server on loopback with the demo data (the bench adds a quiz and starts a live lesson as the teacher). Each
/// page is timed from navigation to "ready for the person" (a form to type in, the courses, the outline, the
/// questions, the live room joined); cold is a new browser profile, warm the second visit of one. One JSON line per
/// page, profile and cache state: the median of the runs, the bytes that crossed the network, requests, the largest
/// script, and the aim of issue 15 it is measured against.
/// </summary>
public sealed class PhoneBenchmark : IBenchmark
{
    public string Name => "phone";
    public string Description => "a phone on slow/fast 3G (Chromium, 4× CPU): sign-in, home, course outline, quiz, live room; cold and warm";

    private sealed record Profile(string Name, int KilobitsPerSecond, int LatencyMs);

    private static readonly Profile[] Profiles = [new("slow3g", 400, 400), new("fast3g", 1600, 150)];

    /// <summary>A page as a person reaches it: who is signed in, where it is, when it is ready, and the aims (slow 3G cold, fast 3G, warm).</summary>
    private sealed record PageSpec(string Name, string? Login, Func<Fixture, string> Path, Func<IPage, Task> Ready, int AimSlowMs);

    private sealed record Fixture(Guid CourseId, Guid AttemptId, Guid SessionId);

    private const string Student = "hocsinh1@demo.lms.vn";
    private const string Teacher = "giaovien@demo.lms.vn";
    private const string Password = "Demo@2026";
    private const int AimFastMs = 2500, AimWarmMs = 1500;
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(90);

    private static readonly PageSpec[] Pages =
    [
        new("sign-in", null, _ => "/sign-in", page => Visible(page, "form #login"), 4000),
        new("home", Student, _ => "/", page => Visible(page, "[data-testid=course-link]"), 5000),
        new("course", Student, f => $"/courses/{f.CourseId}", page => Visible(page, "[data-testid=outline-item]"), 6000),
        new("quiz", Student, f => $"/attempts/{f.AttemptId}", page => Visible(page, "[data-testid=question]"), 6000),
        new("live", Student, f => $"/live/{f.SessionId}", page => page.Locator("[data-testid=live-status].live-live").First
            .WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = (float)PageTimeout.TotalMilliseconds }), 8000),
    ];

    private static Task Visible(IPage page, string selector) =>
        page.Locator(selector).First.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = (float)PageTimeout.TotalMilliseconds });

    public async Task<int> RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var runs = int.TryParse(Value("--runs"), out var r) && r is > 0 and <= 9 ? r : 3;
        // Each filter takes one name or several separated by commas (--page course,quiz).
        bool Chosen(string option, string name) => (Value(option) ?? Value(option + "s")) is not { } only || only.Split(',').Contains(name);
        var pages = Pages.Where(p => Chosen("--page", p.Name)).ToList();
        var profiles = Profiles.Where(p => Chosen("--profile", p.Name)).ToList();
        var caches = new[] { "cold", "warm" }.Where(c => Chosen("--cache", c)).ToList();
        var waterfall = args.Contains("--waterfall");
        if (pages.Count == 0 || profiles.Count == 0 || caches.Count == 0)
        {
            Console.Error.WriteLine($"phone: --page {string.Join('|', Pages.Select(p => p.Name))}, --profile {string.Join('|', Profiles.Select(p => p.Name))}, --cache cold|warm");
            return 2;
        }

        var root = ChildServer.RepositoryRoot();
        var dll = Value("--server") ?? Path.Combine(root, "Lms.Server", "bin", "Release", "net10.0", "Lms.Server.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build Lms.Server in Release first (./build.sh bench builds it).", dll);
        var data = Path.Combine(Path.GetTempPath(), "lms-bench-phone-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var port = ChildServer.FreePort();
        try
        {
            await using var server = await ChildServer.StartAsync("dotnet", [
                dll, $"--urls=http://127.0.0.1:{port}", "--environment=Production", $"--Data:Directory={data}", "--Demo:Seed=true",
                "--Logging:LogLevel:Default=Warning", $"--Web:Root={Path.Combine(root, "Lms.Web", "dist")}",
                // Every run signs in again from the same address: the sign-in rate limit is not what is measured.
                "--Identity:SignInLimit:PerMinute=100000",
            ], port, "/health/live", TimeSpan.FromMinutes(3));
            Console.Error.WriteLine($"phone: Lms at {server.Address}; preparing the quiz and the live lesson…");
            var (fixture, teacherRoom) = await PrepareAsync(server.Address, pages);
            await using var _ = teacherRoom;

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("LMS_CHROMIUM") ?? "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
            });
            foreach (var page in pages)
                foreach (var profile in profiles)
                    foreach (var cache in caches)
                    {
                        var samples = new List<Sample>();
                        for (var i = 0; i < runs; i++)
                        {
                            var sample = await MeasureAsync(browser, server.Address, page, fixture, profile, cache == "warm", waterfall);
                            Console.Error.WriteLine($"phone: {page.Name} {profile.Name} {cache} run {i + 1}: {sample.Ms:0} ms, {sample.Bytes} bytes, {sample.Requests} requests");
                            samples.Add(sample);
                        }
                        var median = samples.OrderBy(s => s.Ms).ElementAt(samples.Count / 2);
                        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                        {
                            ["bench"] = "phone", ["page"] = page.Name, ["profile"] = profile.Name, ["cache"] = cache,
                            ["ms_median"] = Math.Round(median.Ms), ["bytes"] = median.Bytes, ["requests"] = median.Requests,
                            ["largest_script_bytes"] = median.LargestScript,
                            ["aim_ms"] = cache == "warm" ? AimWarmMs : profile.Name == "slow3g" ? page.AimSlowMs : AimFastMs,
                            ["runs"] = samples.Count, ["ms_all"] = samples.Select(s => Math.Round(s.Ms)).ToArray(),
                        }));
                    }
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    private sealed record Sample(double Ms, long Bytes, int Requests, long LargestScript);

    /// <summary>One visit: a new browser profile (cold), or the second visit of one (warm); timed from navigation to ready.</summary>
    private static async Task<Sample> MeasureAsync(IBrowser browser, Uri address, PageSpec spec, Fixture fixture, Profile profile, bool warm, bool waterfall)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(), ViewportSize = new ViewportSize { Width = 360, Height = 780 }, DeviceScaleFactor = 2,
            IsMobile = true, HasTouch = true, Locale = "vi-VN", TimezoneId = "Asia/Ho_Chi_Minh",
        });
        if (spec.Login is not null)
        {
            // The API request context shares the browser profile's cookies: signed in, nothing of the app loaded yet.
            var signedIn = await context.APIRequest.PostAsync("/api/identity/sign-in", new() { DataObject = new { login = spec.Login, password = Password } });
            if (!signedIn.Ok) throw new InvalidOperationException($"Sign-in as {spec.Login}: {signedIn.Status}");
        }
        var page = await context.NewPageAsync();
        var path = spec.Path(fixture);
        if (warm)
        {
            await page.GotoAsync(path, new() { Timeout = (float)PageTimeout.TotalMilliseconds });
            await spec.Ready(page);
            // A second visit comes later: the service worker the first one registered has installed by then.
            await page.EvaluateAsync(ServiceWorkerReady);
            await page.GotoAsync("about:blank");
        }

        var cdp = await context.NewCDPSessionAsync(page);
        var requests = 0;
        long bytes = 0, largestScript = 0;
        var scripts = new HashSet<string>();
        var gate = new object();
        var timeline = new Waterfall();
        cdp.Event("Network.requestWillBeSent").OnEvent += (_, e) =>
        {
            lock (gate)
            {
                requests++;
                if (e is { } v) timeline.Sent(v);
            }
        };
        cdp.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            JsonElement? json = e;
            if (json is not { } v) return;
            lock (gate)
            {
                if (v.GetProperty("type").GetString() == "Script") scripts.Add(v.GetProperty("requestId").GetString()!);
                timeline.Answered(v);
            }
        };
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            JsonElement? json = e;
            if (json is not { } v) return;
            var length = (long)v.GetProperty("encodedDataLength").GetDouble();
            lock (gate)
            {
                bytes += length;
                if (scripts.Contains(v.GetProperty("requestId").GetString()!)) largestScript = Math.Max(largestScript, length);
                timeline.Finished(v);
            }
        };
        await cdp.SendAsync("Network.enable");
        var throughput = profile.KilobitsPerSecond * 1000 / 8;
        await cdp.SendAsync("Network.emulateNetworkConditions", new()
        {
            ["offline"] = false, ["latency"] = profile.LatencyMs, ["downloadThroughput"] = throughput, ["uploadThroughput"] = throughput,
        });
        await cdp.SendAsync("Emulation.setCPUThrottlingRate", new() { ["rate"] = 4 });

        var clock = Stopwatch.StartNew();
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit, Timeout = (float)PageTimeout.TotalMilliseconds });
        await spec.Ready(page);
        await PaintedAsync(page);
        var ms = clock.Elapsed.TotalMilliseconds;
        lock (gate)
        {
            if (waterfall) Console.Error.Write(timeline.Describe($"{spec.Name} {profile.Name} {(warm ? "warm" : "cold")}: ready at {ms:0} ms"));
            return new Sample(ms, bytes, requests, largestScript);
        }
    }

    /// <summary>The page's service worker active (installed, its files cached), or 30 s gone by.</summary>
    private const string ServiceWorkerReady = """
        () => Promise.race([
          'serviceWorker' in navigator ? navigator.serviceWorker.ready.then(() => true) : Promise.resolve(false),
          new Promise(resolve => setTimeout(() => resolve(false), 30000)),
        ])
        """;

    /// <summary>
    /// Ready also means styled and on screen: every stylesheet of the page has arrived (a page the server rendered is
    /// laid out before its stylesheet is, but not painted), then one animation frame (the next paint).
    /// </summary>
    private static Task PaintedAsync(IPage page) => page.EvaluateAsync("""
        () => new Promise(resolve => {
          const styled = () => [...document.querySelectorAll('link[rel=stylesheet]')].every(link => link.sheet !== null);
          const tick = () => styled() ? requestAnimationFrame(() => resolve(true)) : setTimeout(tick, 20);
          tick();
        })
        """);

    /// <summary>
    /// Through the API as the demo teacher: the demo course, a quiz of five questions in it with the student's attempt
    /// open, and a live lesson in it started in the teacher's room (a SignalR client of this process that stays joined).
    /// </summary>
    private static async Task<(Fixture, IAsyncDisposable)> PrepareAsync(Uri address, IReadOnlyList<PageSpec> pages)
    {
        var teacher = await SignedInAsync(address, Teacher);
        var student = await SignedInAsync(address, Student);
        var courseId = (await student.GetFromJsonAsync<JsonElement>("/api/courses")).GetProperty("items")[0].GetProperty("id").GetGuid();
        var course = await teacher.GetFromJsonAsync<JsonElement>($"/api/courses/{courseId}");
        var moduleId = course.GetProperty("modules")[0].GetProperty("id").GetGuid();
        var school = course.GetProperty("institutionId").GetGuid();

        var attemptId = Guid.Empty;
        if (pages.Any(p => p.Name == "quiz"))
        {
            var gift = string.Join("\n\n", Enumerable.Range(1, 5).Select(i =>
                $"::Câu {i}:: {i} + {i} bằng bao nhiêu? {{={i + i} ~{i + i + 1} ~{i * i + 3} ~{i}}}"));
            var form = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(gift)), "file", "bench.gift" } };
            var imported = await Ok(await teacher.PostAsync($"/api/institutions/{school}/questions/import?tags=bench-phone", form));
            var questions = imported.GetProperty("ids").EnumerateArray().Select(x => x.GetString()!).ToList();
            var quiz = await Ok(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules/{moduleId}/quizzes", new
            {
                title = "Kiểm tra nhanh (bench)", settings = new { timeLimitSeconds = 7200, attemptsAllowed = 1 },
                definition = new { sections = new[] { new { title = "Phần 1", items = questions.Select(q => new { kind = "fixed", questionId = q, points = 1 }).ToArray() } } },
            }));
            var attempt = await Ok(await student.PostAsJsonAsync($"/api/quizzes/{quiz.GetProperty("quizId").GetString()}/attempts", new { deviceId = "bench-phone" }));
            attemptId = attempt.GetProperty("id").GetGuid();
        }

        var sessionId = Guid.Empty;
        IAsyncDisposable room = new NoRoom();
        if (pages.Any(p => p.Name == "live"))
        {
            var session = await Ok(await teacher.PostAsJsonAsync($"/api/classroom/courses/{courseId}/sessions", new
            {
                moduleId, title = "Buổi học (bench)", startsAt = DateTimeOffset.UtcNow.AddMinutes(-5), endsAt = DateTimeOffset.UtcNow.AddHours(3),
            }));
            sessionId = session.GetProperty("id").GetGuid();
            var token = (await Ok(await new HttpClient { BaseAddress = address }.PostAsJsonAsync("/api/identity/token", new { login = Teacher, password = Password })))
                .GetProperty("accessToken").GetString();
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(address, "/hubs/classroom"), o => o.AccessTokenProvider = () => Task.FromResult(token))
                .Build();
            await connection.StartAsync();
            await connection.InvokeAsync<JsonElement>("Join", sessionId, (long?)null);
            await connection.InvokeCoreAsync<JsonElement>("Start", [sessionId, Guid.NewGuid().ToString("N")]);
            room = connection;
        }
        return (new Fixture(courseId, attemptId, sessionId), room);
    }

    private sealed class NoRoom : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static async Task<HttpClient> SignedInAsync(Uri address, string login)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        (await client.PostAsJsonAsync("/api/identity/sign-in", new { login, password = Password })).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
