using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Lms.Bench;

/// <summary>
/// ./build.sh bench mooc [--users N] [--reads N] [--seconds S]: starts the built server as a child
/// process (temporary data directory, loopback port, demo seeded), then
/// 1. an enrolment storm: N learners who signed up elsewhere all enrol at once in a run capped at 80% of N;
/// 2. anonymous catalogue reads (search, course, server-rendered page) against the cache, next to
///    uncached searches and /health/live as baselines measured in the same run.
/// Prints one JSON line. Every loop is bounded in count and in time.
/// </summary>
public sealed class MoocBenchmark : IBenchmark
{
    public string Name => "mooc";
    public string Description => "Enrolment storm on a capped run and anonymous catalogue reads (JSON: enrol_per_s, catalogue_reads_per_s, lost…)";

    public async Task<int> RunAsync(string[] args)
    {
        var users = Arg(args, "--users", 200);
        var reads = Arg(args, "--reads", 4000);
        var seconds = Arg(args, "--seconds", 20);
        var cap = Math.Max(1, users * 4 / 5);

        var dll = LocateServer();
        var data = Path.Combine(Path.GetTempPath(), "lms-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                dll, $"--urls={baseUrl}", $"--Data:Directory={data}", "--Demo:Seed=true", "--Logging:LogLevel:Default=Warning",
                "--environment=Production",
            },
        };
        using var server = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseCookies = false };
            using var anonymous = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilLiveAsync(anonymous, TimeSpan.FromSeconds(120));

            // A capped MOOC, made by the demo university's lecturer; learners sign up through the demo MOOC's run.
            var lecturer = await SignInAsync(baseUrl, "giangvien@dhsh.demo.lms.vn");
            var (capped, slug) = await CreateCappedMoocAsync(lecturer, cap);
            var lobby = (await anonymous.GetFromJsonAsync<JsonElement>("/api/catalogue/nhap-mon-lap-trinh-python")).GetProperty("runs")[0].GetProperty("id").GetGuid();
            var learners = await SignUpLearnersAsync(baseUrl, data, lobby, users, TimeSpan.FromSeconds(Math.Max(60, seconds * 6)));

            // 1. The storm: everyone at once.
            var latencies = new double[learners.Count];
            var outcomes = new HttpStatusCode[learners.Count];
            var gate = new TaskCompletionSource();
            var clock = Stopwatch.StartNew();
            var storm = learners.Select(async (client, i) =>
            {
                await gate.Task;
                var t = Stopwatch.StartNew();
                using var response = await client.PostAsync($"/api/moocs/runs/{capped}/enrol", null);
                latencies[i] = t.Elapsed.TotalMilliseconds;
                outcomes[i] = response.StatusCode;
            }).ToList();
            clock.Restart();
            gate.SetResult();
            await Task.WhenAll(storm);
            var stormSeconds = clock.Elapsed.TotalSeconds;
            var acknowledged = outcomes.Count(o => o == HttpStatusCode.Created);
            var refused = outcomes.Count(o => o == HttpStatusCode.Conflict);
            var stats = await lecturer.GetFromJsonAsync<JsonElement>($"/api/moocs/runs/{capped}/stats");
            var stored = stats.GetProperty("run").GetProperty("enrolled").GetInt32();
            // Lost: acknowledged enrolments the server does not have, or places given beyond the cap.
            var lost = Math.Max(0, acknowledged - stored) + Math.Max(0, stored - cap) + outcomes.Count(o => o != HttpStatusCode.Created && o != HttpStatusCode.Conflict);

            // 2. Catalogue reads by strangers (cached), then the same searches made unique (uncached), then /health/live.
            string[] paths = ["/api/catalogue", "/api/catalogue?q=python", $"/api/catalogue/{slug}", "/api/catalogue?credit=true&level=beginner", $"/catalogue/{slug}"];
            var cached = await LoadAsync(anonymous, i => paths[i % paths.Length], reads, TimeSpan.FromSeconds(seconds));
            var uncached = await LoadAsync(anonymous, i => $"/api/catalogue?q=python+{i}", Math.Max(1, reads / 4), TimeSpan.FromSeconds(seconds));
            var health = await LoadAsync(anonymous, _ => "/health/live", reads, TimeSpan.FromSeconds(seconds));

            var result = new Dictionary<string, object>
            {
                ["bench"] = "mooc",
                ["users"] = learners.Count,
                ["cap"] = cap,
                ["enrolments"] = acknowledged,
                ["refused_full"] = refused,
                ["enrol_per_s"] = Math.Round(learners.Count / stormSeconds, 1),
                ["enrol_p95_ms"] = Math.Round(Percentile(latencies, 0.95), 1),
                ["enrol_max_ms"] = Math.Round(latencies.Max(), 1),
                ["catalogue_reads"] = cached.Count,
                ["catalogue_reads_per_s"] = Math.Round(cached.PerSecond, 1),
                ["catalogue_p95_ms"] = Math.Round(cached.P95, 2),
                ["uncached_search_per_s"] = Math.Round(uncached.PerSecond, 1),
                ["uncached_search_p95_ms"] = Math.Round(uncached.P95, 2),
                ["health_reads_per_s"] = Math.Round(health.PerSecond, 1),
                ["cache_speedup"] = Math.Round(cached.PerSecond / Math.Max(1, uncached.PerSecond), 2),
                ["catalogue_vs_health"] = Math.Round(cached.PerSecond / Math.Max(1, health.PerSecond), 2),
                ["read_errors"] = cached.Errors + uncached.Errors + health.Errors,
                ["lost"] = lost,
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            return lost == 0 ? 0 : 1;
        }
        finally
        {
            try { server.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await server.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private sealed record Load(int Count, double PerSecond, double P95, int Errors);

    private static async Task<Load> LoadAsync(HttpClient client, Func<int, string> path, int count, TimeSpan limit)
    {
        const int concurrency = 32;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var next = -1;
        var errors = 0;
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (deadline.Elapsed < limit)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) return;
                var t = Stopwatch.StartNew();
                using var response = await client.GetAsync(path(i), HttpCompletionOption.ResponseContentRead);
                latencies.Add(t.Elapsed.TotalMilliseconds);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            }
        }));
        var all = latencies.ToArray();
        return new Load(all.Length, all.Length / deadline.Elapsed.TotalSeconds, Percentile(all, 0.95), errors);
    }

    private static async Task<(Guid RunId, string Slug)> CreateCappedMoocAsync(HttpClient lecturer, int cap)
    {
        var me = await lecturer.GetFromJsonAsync<JsonElement>("/api/identity/me");
        var university = me.GetProperty("memberships")[0].GetProperty("institutionId").GetGuid();
        var course = await Ok(await lecturer.PostAsJsonAsync("/api/courses",
            new { institutionId = university, title = "Khoá học đo tải " + Guid.NewGuid().ToString("N")[..6], summary = "Đo tải ghi danh.", kind = "mooc" }));
        var id = course.GetProperty("id").GetGuid();
        var module = await Ok(await lecturer.PostAsJsonAsync($"/api/courses/{id}/modules", new { title = "Tuần 1" }));
        await Ok(await lecturer.PostAsJsonAsync($"/api/courses/{id}/modules/{module.GetProperty("id").GetGuid()}/items",
            new { kind = "page", title = "Mở đầu", body = "Xin chào." }));
        var entry = await Ok(await lecturer.PutAsJsonAsync($"/api/moocs/{id}",
            new { subject = "Đo tải", language = "vi", level = "beginner", priceVnd = 0 }));
        var run = entry.GetProperty("runs")[0].GetProperty("id").GetGuid();
        await Ok(await lecturer.PutAsJsonAsync($"/api/moocs/runs/{run}", new { label = "1", pace = "self", cap }));
        (await lecturer.PostAsync($"/api/courses/{id}/publish", null)).EnsureSuccessStatusCode();
        return (run, entry.GetProperty("entry").GetProperty("slug").GetString()!);
    }

    private static async Task<List<HttpClient>> SignUpLearnersAsync(string baseUrl, string data, Guid run, int count, TimeSpan limit)
    {
        var clients = new HttpClient[count];
        var deadline = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            while (deadline.Elapsed < limit)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= count) return;
                var client = NewClient(baseUrl);
                var email = $"bench{i}-{Guid.NewGuid():N}@example.vn";
                (await client.PostAsJsonAsync($"/api/moocs/runs/{run}/sign-up",
                    new { displayName = $"Học viên {i}", email, password = "Bench-hoc-vien-2026!" }))
                    .EnsureSuccessStatusCode();
                // A sign-up works once its address is confirmed: the link is in the server's outbox (no SMTP here).
                (await client.PostAsJsonAsync("/api/identity/confirm-email", new { code = OutboxCode(data, email) })).EnsureSuccessStatusCode();
                (await client.PostAsync($"/api/moocs/runs/{run}/enrol", null)).EnsureSuccessStatusCode();
                clients[i] = client;
            }
        }));
        return clients.Where(c => c is not null).ToList();
    }

    /// <summary>The confirmation code mailed to <paramref name="email"/>, from the .eml files of the outbox folder.</summary>
    private static string OutboxCode(string data, string email)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(data, "outbox", "pending"), "*.eml"))
        {
            var text = File.ReadAllText(file);
            if (text.Contains(email, StringComparison.OrdinalIgnoreCase)
                && System.Text.RegularExpressions.Regex.Match(text, "code=([A-Z0-9]{32})") is { Success: true } match)
                return match.Groups[1].Value;
        }
        throw new InvalidOperationException($"No confirmation for {email} in the outbox.");
    }

    private static HttpClient NewClient(string baseUrl) =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, MaxConnectionsPerServer = 4 })
        {
            BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60),
        };

    private static async Task<HttpClient> SignInAsync(string baseUrl, string login)
    {
        var client = NewClient(baseUrl);
        (await client.PostAsJsonAsync("/api/identity/sign-in", new { login, password = "Demo@2026" })).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task WaitUntilLiveAsync(HttpClient client, TimeSpan limit)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            try
            {
                if ((await client.GetAsync("/health/live")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException("The server did not start.");
    }

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0 ? value : fallback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server built beside this benchmark (the bench project builds it, same configuration).</summary>
    private static string LocateServer()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Lms.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "Lms.Server", "bin", configuration, "net10.0", "Lms.Server.dll");
            if (File.Exists(dll)) return dll;
            throw new FileNotFoundException($"Build the server first: {dll} is missing.");
        }
        throw new FileNotFoundException("Lms.sln was not found above the benchmark.");
    }
}
