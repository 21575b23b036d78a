using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Lms.Bench.Classroom;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Lms.Bench.Network;

/// <summary>
/// <c>./build.sh bench network</c>: what a student on a bad mobile link sees of a live lesson. Lms (its Release
/// build, demo data, SQLite) and coturn run on loopback; the teacher's Chromium presents its fake camera; the
/// student's Chromium (a phone) reaches Lms and coturn only through <see cref="LinkShaper"/>, a relay in this
/// process that limits the rate, delays each way and drops datagrams (this kernel has no <c>netem</c>, and a
/// relay acts on exactly the student's traffic). The lesson is peer to peer forced through TURN (relay only), as
/// for a student behind a carrier's NAT. Per profile, one JSON line: time to the first frame, frames per second
/// and seconds of audio concealment per minute received, and the latency of classroom events (polls the teacher
/// opens, seen appearing in the student's page). Each case is bounded (two minutes).
/// </summary>
public sealed class NetworkBenchmark : IBenchmark
{
    public string Name => "network";
    public string Description => "a student's Chromium on a shaped link (3G, 2G) in a P2P lesson through TURN: first frame, fps, audio gaps, event p99";

    private const string DemoPassword = "Demo@2026";
    private const string TeacherLogin = "giaovien@demo.lms.vn";
    private const string StudentLogin = "hocsinh1@demo.lms.vn";
    private static readonly TimeSpan CaseLimit = TimeSpan.FromMinutes(2);

    public async Task<int> RunAsync(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var seconds = Value("--seconds") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : 30;
        var wanted = (Value("--profiles") ?? "none,3g,2g").Split(',');
        var profiles = new[] { LinkProfile.None, LinkProfile.ThreeG, LinkProfile.TwoG }.Where(p => wanted.Contains(p.Name)).ToList();
        var chromium = Environment.GetEnvironmentVariable("LMS_CHROMIUM") ?? "/usr/bin/chromium";

        await using var turn = await Coturn.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "lms-bench-network-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        try
        {
            await using var server = await StartServerAsync(data, turn);
            Console.Error.WriteLine($"network: Lms at {server.Address}, coturn on {turn.Port}");
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium, Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--no-first-run", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            });
            foreach (var profile in profiles)
            {
                Console.Error.WriteLine($"network: p2p through TURN on {profile.Name}…");
                using var limit = new CancellationTokenSource(CaseLimit);
                Dictionary<string, object?> figures;
                try
                {
                    figures = await CaseAsync(browser, server.Address, turn, profile, seconds, limit.Token).WaitAsync(CaseLimit + TimeSpan.FromSeconds(10));
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException or PlaywrightException)
                {
                    figures = new() { ["mode"] = "p2p", ["profile"] = profile.Name, ["error"] = e.GetType().Name + ": " + e.Message.Split('\n')[0] };
                }
                Console.WriteLine(JsonSerializer.Serialize(figures));
            }
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
        return 0;
    }

    private static async Task<ChildServer> StartServerAsync(string data, Coturn turn)
    {
        var dll = Path.Combine(ChildServer.RepositoryRoot(), "Lms.Server", "bin", "Release", "net10.0", "Lms.Server.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build Lms.Server in Release first (./build.sh bench builds it).", dll);
        var port = ChildServer.FreePort();
        return await ChildServer.StartAsync("dotnet", [
            dll, $"--urls=http://127.0.0.1:{port}", "--environment=Production", "--Database:Provider=Sqlite",
            $"--ConnectionStrings:Lms=Data Source={Path.Combine(data, "lms.db")}", $"--Data:Directory={data}", "--Demo:Seed=true",
            "--Logging:LogLevel:Default=Warning",
            $"--Media:Ice:Turn:Urls:0=turn:127.0.0.1:{turn.Port}?transport=udp", $"--Media:Ice:Turn:Secret={turn.Secret}",
            "--Media:Ice:ForceRelay=true",
        ], port, "/health/live", TimeSpan.FromMinutes(2));
    }

    private static async Task<Dictionary<string, object?>> CaseAsync(IBrowser browser, Uri lms, Coturn turn, LinkProfile profile, int seconds, CancellationToken stop)
    {
        await using var link = new LinkShaper(profile, turn.Port, lms.Port);
        var teacherToken = await TokenAsync(lms, TeacherLogin);
        var sessionId = await LiveSessionAsync(lms, teacherToken, $"Đo mạng {profile.Name} " + Guid.NewGuid().ToString("N")[..4]);

        // The teacher, on the direct path: signs in, opens the room, starts the lesson (the camera starts with it).
        await using var teacherContext = await browser.NewContextAsync(new() { BaseURL = lms.ToString(), Locale = "vi-VN", ViewportSize = new() { Width = 1280, Height = 800 } });
        var teacher = await teacherContext.NewPageAsync();
        await SignInAsync(teacher, TeacherLogin);
        await teacher.GotoAsync($"/live/{sessionId}");
        await teacher.GetByRole(AriaRole.Button, new() { Name = "Bắt đầu buổi học" }).ClickAsync();
        await Assertions.Expect(teacher.GetByTestId("live-status")).ToHaveTextAsync("Đang học", new() { Timeout = 30_000 });

        // The student, a phone whose every byte goes through the shaped link: the page from the relay's TCP port,
        // the TURN server at the relay's UDP port (the page's ICE servers are pointed there as it makes a connection).
        var viaLink = new Uri($"http://127.0.0.1:{link.TcpPort}/");
        await using var studentContext = await browser.NewContextAsync(new()
        {
            BaseURL = viaLink.ToString(), Locale = "vi-VN", ViewportSize = new() { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true,
        });
        await studentContext.AddInitScriptAsync(StudentProbe.Replace("TURN_PORT", turn.Port.ToString(CultureInfo.InvariantCulture))
            .Replace("LINK_PORT", link.UdpPort.ToString(CultureInfo.InvariantCulture)));
        var student = await studentContext.NewPageAsync();
        student.SetDefaultTimeout(60_000);
        await SignInAsync(student, StudentLogin);

        var clock = Stopwatch.StartNew();
        await student.GotoAsync($"/live/{sessionId}");
        var video = student.GetByTestId("teacher-video");
        double firstFrameMs;
        while (true)
        {
            stop.ThrowIfCancellationRequested();
            var frames = await video.EvaluateAsync<double>("v => v.getVideoPlaybackQuality().totalVideoFrames").ConfigureAwait(false);
            if (frames > 0) { firstFrameMs = clock.Elapsed.TotalMilliseconds; break; }
            await Task.Delay(100, stop);
        }

        // The window: stats before and after, and a poll opened every second by the teacher's own hub connection.
        var before = await student.EvaluateAsync<JsonElement>(ReadStats);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(lms, "/hubs/classroom"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(teacherToken))
            .Build();
        await hub.StartAsync(stop);
        await hub.InvokeAsync<JsonElement>("Join", sessionId, (long?)null, stop);
        var windowEnds = DateTime.UtcNow.AddSeconds(seconds);
        var sent = 0;
        while (DateTime.UtcNow < windowEnds)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await hub.InvokeAsync<JsonElement>("OpenPoll", sessionId, Guid.NewGuid().ToString("N"), $"bench-ping {now}", new[] { "a", "b" }, false, false, stop);
            sent++;
            await Task.Delay(500, stop);
            await hub.InvokeAsync<JsonElement>("ClosePoll", sessionId, Guid.NewGuid().ToString("N"), false, stop);
            await Task.Delay(500, stop);
        }
        // The last pings may still be on the link: give them a round trip or two.
        await Task.Delay(Math.Max(1000, profile.RoundTripMs * 3), stop);
        var after = await student.EvaluateAsync<JsonElement>(ReadStats);
        var latencies = (await student.EvaluateAsync<double[]>("() => window.__pings")).OrderBy(x => x).ToArray();
        var window = (after.GetProperty("t").GetDouble() - before.GetProperty("t").GetDouble()) / 1000;

        double Delta(string name) => after.GetProperty(name).GetDouble() - before.GetProperty(name).GetDouble();
        var samples = Delta("samples");
        var packets = Delta("packets") + Delta("lost");
        return new Dictionary<string, object?>
        {
            ["benchmark"] = "network", ["mode"] = "p2p", ["profile"] = profile.Name,
            ["rate_kbps"] = profile.RateKbps, ["rtt_added_ms"] = profile.RoundTripMs, ["loss_percent"] = profile.LossPercent,
            ["first_frame_ms"] = Math.Round(firstFrameMs),
            ["fps_received"] = Math.Round(Delta("frames") / window, 1),
            ["audio_gap_s_per_min"] = samples > 0 ? Math.Round(Delta("concealed") / samples * 60, 2) : null,
            ["event_p99_ms"] = latencies.Length > 0 ? latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(latencies.Length * 0.99) - 1)] : null,
            ["event_p50_ms"] = latencies.Length > 0 ? latencies[latencies.Length / 2] : null,
            ["events_seen"] = latencies.Length, ["events_sent"] = sent,
            // That the link really acted: the round trip ICE measured, the video's loss as the receiver counted it, what the relay dropped.
            ["ice_rtt_ms"] = after.GetProperty("rtt").GetDouble() > 0 ? Math.Round(after.GetProperty("rtt").GetDouble() * 1000) : null,
            ["video_loss_percent"] = packets > 0 ? Math.Round(Delta("lost") / packets * 100, 1) : null,
            ["video_kbps"] = Math.Round(Delta("bytes") * 8 / 1000 / window),
            ["frame_height"] = after.GetProperty("height").GetDouble(),
            ["relay_dropped_down"] = link.Dropped.Down, ["relay_dropped_up"] = link.Dropped.Up,
            ["candidate"] = after.GetProperty("candidate").GetString(),
            ["window_s"] = Math.Round(window, 1),
        };
    }

    /// <summary>
    /// In the student's page: every RTCPeerConnection is kept (for its statistics) and its TURN address is pointed at
    /// the shaped relay; every poll question "bench-ping &lt;ms&gt;" that appears is timed against the clock it was sent by.
    /// </summary>
    private const string StudentProbe = """
        (() => {
          const Original = window.RTCPeerConnection;
          const viaLink = (config) => config && config.iceServers ? { ...config, iceServers: config.iceServers.map((s) => ({
            ...s, urls: [].concat(s.urls).map((u) => u.replace(':TURN_PORT', ':LINK_PORT')) })) } : config;
          window.__peers = [];
          window.RTCPeerConnection = class extends Original {
            constructor(config) { super(viaLink(config)); window.__peers.push(this); }
            setConfiguration(config) { return super.setConfiguration(viaLink(config)); }
          };
          window.__pings = [];
          const seen = new Set();
          new MutationObserver(() => {
            const now = Date.now();
            for (const h of document.querySelectorAll('h2')) {
              const m = /bench-ping (\d+)/.exec(h.textContent || '');
              if (m && !seen.has(m[1])) { seen.add(m[1]); window.__pings.push(now - Number(m[1])); }
            }
          }).observe(document, { childList: true, subtree: true, characterData: true });
        })();
        """;

    /// <summary>The newest connection's received video and audio so far, and its selected candidate pair.</summary>
    private const string ReadStats = """
        async () => {
          const pc = window.__peers[window.__peers.length - 1];
          const out = { t: performance.now(), frames: 0, packets: 0, lost: 0, bytes: 0, height: 0, samples: 0, concealed: 0, rtt: 0, candidate: '' };
          if (!pc) return out;
          const stats = [...(await pc.getStats()).values()];
          for (const s of stats) {
            if (s.type === 'inbound-rtp' && s.kind === 'video' && (s.framesDecoded || 0) > out.frames) {
              out.frames = s.framesDecoded || 0; out.packets = s.packetsReceived || 0; out.lost = s.packetsLost || 0;
              out.bytes = s.bytesReceived || 0; out.height = s.frameHeight || 0;
            }
            if (s.type === 'inbound-rtp' && s.kind === 'audio' && (s.totalSamplesReceived || 0) > out.samples) {
              out.samples = s.totalSamplesReceived || 0; out.concealed = s.concealedSamples || 0;
            }
          }
          const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
          const pair = transport && stats.find((s) => s.id === transport.selectedCandidatePairId);
          const local = pair && stats.find((s) => s.id === pair.localCandidateId);
          out.rtt = (pair && pair.currentRoundTripTime) || 0;
          out.candidate = local ? local.candidateType : '';
          return out;
        }
        """;

    private static async Task SignInAsync(IPage page, string login)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Email hoặc mã định danh").FillAsync(login);
        await page.GetByLabel("Mật khẩu").FillAsync(DemoPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Khóa học của tôi" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
    }

    private static async Task<string> TokenAsync(Uri lms, string login)
    {
        using var http = new HttpClient { BaseAddress = lms };
        var response = await http.PostAsJsonAsync("/api/identity/token", new { login, password = DemoPassword });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>A course for class 10A1 with a session now, made through the API as the demo teacher would.</summary>
    private static async Task<Guid> LiveSessionAsync(Uri lms, string token, string title)
    {
        using var http = new HttpClient { BaseAddress = lms };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        async Task<JsonElement> Post(string path, object? body)
        {
            var response = await http.PostAsJsonAsync(path, body);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.Content.Headers.ContentLength == 0 ? default : await response.Content.ReadFromJsonAsync<JsonElement>();
        }
        var me = await http.GetFromJsonAsync<JsonElement>("/api/identity/me");
        var school = me.GetProperty("memberships").EnumerateArray().First().GetProperty("institutionId").GetGuid();
        var course = (await Post("/api/courses", new { institutionId = school, title, summary = "Đo mạng", kind = "blended" })).GetProperty("id").GetGuid();
        var module = (await Post($"/api/courses/{course}/modules", new { title = "Tuần 1" })).GetProperty("id").GetGuid();
        await Post($"/api/courses/{course}/enrolments", new { className = "10A1" });
        var publish = await http.PostAsync($"/api/courses/{course}/publish", null);
        publish.EnsureSuccessStatusCode();
        var session = await Post($"/api/classroom/courses/{course}/sessions", new
        {
            moduleId = module, title = "Buổi đo mạng", startsAt = DateTimeOffset.UtcNow.AddMinutes(-5), endsAt = DateTimeOffset.UtcNow.AddMinutes(55),
        });
        return session.GetProperty("id").GetGuid();
    }
}

/// <summary>Debian's coturn on a free loopback port with the TURN REST secret Lms mints with (as the tests run it).</summary>
public sealed class Coturn : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    public int Port { get; }
    public string Secret { get; }

    private Coturn(Process process, string folder, int port, string secret)
    {
        _process = process;
        _folder = folder;
        Port = port;
        Secret = secret;
    }

    public static async Task<Coturn> StartAsync()
    {
        var binary = new[] { "/usr/bin/turnserver", "/usr/sbin/turnserver" }.FirstOrDefault(File.Exists)
                     ?? throw new InvalidOperationException("coturn is not installed: apt-get install -y coturn");
        var folder = Path.Combine(Path.GetTempPath(), "lms-bench-turn-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var port = ChildServer.FreePort();
        var secret = "bench-" + Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(binary,
        [
            "-n", "--no-cli", "--no-tls", "--no-dtls", "--log-file=stdout", "--simple-log",
            $"--listening-port={port}", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--allow-loopback-peers",
            "--use-auth-secret", $"--static-auth-secret={secret}", "--realm=lms.bench",
            $"--pidfile={Path.Combine(folder, "turnserver.pid")}", $"--userdb={Path.Combine(folder, "turndb")}",
        ]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start turnserver.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 400 && !process.HasExited; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new Coturn(process, folder, port, secret);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"turnserver did not start on port {port}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
