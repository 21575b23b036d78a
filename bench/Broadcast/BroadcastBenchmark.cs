using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Bench.Classroom;
using Lms.Grains.Classroom;
using Lms.Media.Broadcast;
using Lms.Media.Content;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Bench.Broadcast;

/// <summary>
/// <c>./build.sh bench broadcast [--viewers 500,2000,5000] [--seconds 60]</c>: one live lesson in broadcast mode fed
/// by ffmpeg at the browser's rate (<c>-re</c>, 1280×720 15 fps VP9 + Opus WebM pieces of 2 s, as the teacher's
/// MediaRecorder sends them), and for each N a crowd of N simulated hls.js viewers in a separate process, first
/// against Lms (playlists and segments through its API, with the viewer token), then against Debian's nginx
/// serving the same live folder from disk. One JSON line per N, then one for the end: how long after the lesson
/// ended its recording (the same segments, closed as a VOD playlist) was ready.
/// </summary>
public sealed class BroadcastBenchmark : IBenchmark
{
    public string Name => "broadcast";
    public string Description => "broadcast mode: N simulated HLS viewers of one live lesson, Lms vs nginx on the same segments";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "--viewers-child") return await HlsViewers.MainAsync(args[1..]);
        if (args.Contains("--low-rendition-only")) return await LowRenditionOnlyAsync();
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var crowds = (Value("--viewers") ?? "500,2000,5000").Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var seconds = double.Parse(Value("--seconds") ?? "60", CultureInfo.InvariantCulture);
        var nginx = NginxPath() ?? throw new InvalidOperationException("nginx is needed as the baseline: sudo apt-get install -y nginx");

        var seed = await Seed.CreateAsync(1);
        var work = Path.Combine(seed.DataDirectory, "feed");
        Directory.CreateDirectory(work);
        try
        {
            await using var server = await ClassroomBenchmark.StartServerAsync(seed, "--Classroom:Broadcast:PieceSeconds=2");
            var room = await seed.SessionAsync("Chào cờ đầu tuần — toàn trường");
            await using var teacher = ClassroomBenchmark.Hub(new Uri(server.Address, "/hubs/classroom"), seed.Teacher.Token);
            await teacher.StartAsync();
            await teacher.InvokeAsync<JoinResult>("Join", room, (long?)null);
            await teacher.InvokeAsync<CommandResult>("Start", room, Guid.NewGuid().ToString("N"));
            using var http = new HttpClient { BaseAddress = server.Address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", seed.Teacher.Token);
            (await http.PutAsJsonAsync($"/api/classroom/sessions/{room}/broadcast", new { on = true })).EnsureSuccessStatusCode();

            using var stop = new CancellationTokenSource();
            var feed = new Feed(http, room, work);
            var feeding = feed.RunAsync(stop.Token);
            var view = await WaitForSegmentsAsync(http, room, 3, feeding);
            var masterUrl = view.GetProperty("masterUrl").GetString()!;
            var playlist = new Uri(server.Address, masterUrl[..(masterUrl.LastIndexOf('/') + 1)] + "av.m3u8");
            var runId = view.GetProperty("runId").GetGuid();
            var folder = Path.Combine(seed.DataDirectory, "content", "broadcast", room.ToString("N"), runId.ToString("N"));
            Console.Error.WriteLine($"broadcast: live at {playlist}; segments on disk in {folder}");

            // What the low rendition costs: one of the feed's own pieces packaged by the server's own packager with the low
            // rendition and without it (the server's default settings), in CPU seconds of its ffmpeg runs.
            var low = await LowRenditionCostAsync(feed.Kept ?? throw new InvalidOperationException("No piece of the feed was kept."), work);
            var packagingBefore = ChildCpuSeconds(server.ProcessId);
            var feedBefore = feed.Sent;
            low["benchmark"] = "broadcast-low-rendition";
            Print(low);

            await using var baseline = await StartNginxAsync(nginx, folder, work);
            foreach (var viewers in crowds)
            {
                Console.Error.WriteLine($"broadcast: {viewers} viewers of Lms for {seconds} s…");
                var cpuBefore = CpuSeconds(server.ProcessId);
                var ours = await CrowdAsync(playlist, viewers, seconds);
                var cpu = CpuSeconds(server.ProcessId) - cpuBefore;
                Console.Error.WriteLine($"broadcast: {viewers} viewers of nginx for {seconds} s…");
                var theirs = await CrowdAsync(new Uri(baseline.Address, "/av.m3u8"), viewers, seconds);
                Print(new Dictionary<string, object?>
                {
                    ["benchmark"] = "broadcast",
                    ["viewers"] = viewers,
                    ["seconds"] = Round(ours.Seconds),
                    ["segments_per_s"] = Round(ours.Segments / ours.Seconds),
                    ["bytes_per_s"] = Math.Round(ours.Bytes / ours.Seconds),
                    ["segment_p99_ms"] = Round(ours.SegmentP99Ms),
                    ["stalled"] = ours.Stalled,
                    ["errors"] = ours.Errors,
                    ["cpu_s_per_viewer_min"] = Math.Round(cpu / viewers / (ours.Seconds / 60), 5),
                    ["latency_p95_s"] = Round(ours.LatencyP95S),
                    ["nginx_bytes_per_s"] = Math.Round(theirs.Bytes / theirs.Seconds),
                    ["nginx_segment_p99_ms"] = Round(theirs.SegmentP99Ms),
                    ["nginx_stalled"] = theirs.Stalled,
                    ["nginx_latency_p95_s"] = Round(theirs.LatencyP95S),
                    ["bytes_per_s_vs_nginx"] = theirs.Bytes > 0 ? Math.Round(ours.Bytes / ours.Seconds / (theirs.Bytes / theirs.Seconds), 2) : null,
                    ["feed_pieces"] = feed.Sent,
                    ["feed_input"] = Feed.Input,
                });
            }

            // The end of the lesson: the last piece goes up, the broadcast is closed and published as the lesson's recording.
            // Measured until a player can play it from the library: the item's master, its VOD playlist and its last segment.
            await stop.CancelAsync();
            await feeding;
            // Everything the server's packager ran during the crowds (copies, sound only, and the low rendition), per minute of lesson.
            var packaging = ChildCpuSeconds(server.ProcessId) - packagingBefore;
            var lessonMinutes = (feed.Sent - feedBefore) * 2 / 60.0;
            Print(new Dictionary<string, object?>
            {
                ["benchmark"] = "broadcast-packaging",
                ["pieces"] = feed.Sent - feedBefore,
                ["server_packaging_cpu_s_per_lesson_min"] = lessonMinutes > 0 ? Round(packaging / lessonMinutes) : null,
            });
            var ended = Stopwatch.StartNew();
            var closed = await MediaBenchmark.Ok(await http.PostAsJsonAsync($"/api/classroom/sessions/{room}/broadcast/end", new { title = "Chào cờ — bản ghi" }));
            var (vod, itemId) = await PlayableInLibraryAsync(http, room, ended);
            var playable = ended.Elapsed;
            Print(new Dictionary<string, object?>
            {
                ["benchmark"] = "broadcast-end",
                ["publish_after_end_s"] = Round(playable.TotalSeconds),
                ["library_item"] = itemId,
                ["recording_segments"] = vod.Split('\n').Count(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal)),
                ["recording_s"] = Round(vod.Split('\n').Where(l => l.StartsWith("#EXTINF:", StringComparison.Ordinal))
                    .Sum(l => double.Parse(l[8..].TrimEnd(','), CultureInfo.InvariantCulture))),
                ["closed_segments"] = closed.GetProperty("segments").GetInt32(),
                ["reencoded"] = false,
            });
        }
        finally
        {
            seed.Delete();
        }
        return 0;
    }

    /// <summary>Waits (bounded) until the session's recording is published and its media plays from the library: returns its VOD playlist and item.</summary>
    private static async Task<(string Vod, Guid ItemId)> PlayableInLibraryAsync(HttpClient http, Guid room, Stopwatch since)
    {
        while (true)
        {
            if (since.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("The recording was not in the library two minutes after the end.");
            var state = await MediaBenchmark.Ok(await http.GetAsync($"/api/classroom/sessions/{room}/recording"));
            var published = state.GetProperty("recordings").EnumerateArray()
                .FirstOrDefault(r => r.GetProperty("status").GetString() == "published" && r.GetProperty("itemId").ValueKind == JsonValueKind.String);
            if (published.ValueKind == JsonValueKind.Object)
            {
                var itemId = published.GetProperty("itemId").GetGuid();
                var item = await MediaBenchmark.Ok(await http.GetAsync($"/api/content/items/{itemId}"));
                if (item.GetProperty("media") is { ValueKind: JsonValueKind.Object } media && media.GetProperty("hlsUrl").GetString() is { } master)
                {
                    var folder = master[..(master.LastIndexOf('/') + 1)];
                    (await http.GetAsync(master)).EnsureSuccessStatusCode();
                    var vod = await http.GetStringAsync(folder + "av.m3u8");
                    var last = vod.Split('\n').Last(l => l.Length > 0 && !l.StartsWith('#'));
                    (await http.GetAsync(folder + last)).EnsureSuccessStatusCode();
                    return (vod, itemId);
                }
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// CPU seconds per minute of lesson of the low rendition: the server's own <see cref="LiveHlsPackager"/> packages a 2 s piece
    /// of the feed with the server's default low rendition and without it; the difference is what the low copy costs (its
    /// ffmpeg, start-up included). Each is the median of five runs; the CPU is that of this process's finished children.
    /// </summary>
    private static async Task<Dictionary<string, object?>> LowRenditionCostAsync(string piece, string work)
    {
        var tools = FfmpegTools.Locate();
        var packager = new LiveHlsPackager(tools, new MediaProber(tools));
        // What the copy costs when it is let finish: the server's wait for it (LowWaitSeconds) is about keeping live, not cost.
        var low = LowRendition.Default with { WaitSeconds = 60 };
        const int pieceSeconds = 2; // the feed's pieces, as the server's default PieceSeconds
        async Task<double> MedianCpuAsync(LowRendition? rendition)
        {
            var runs = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var before = ChildCpuSeconds(Environment.ProcessId);
                var packaged = await packager.PackageAsync(piece, Path.Combine(work, "low-" + Guid.NewGuid().ToString("N")[..8]), 0, CancellationToken.None, rendition);
                if (rendition is not null && packaged.Low is null) throw new InvalidOperationException("The low rendition failed: " + packaged.LowError);
                runs.Add(ChildCpuSeconds(Environment.ProcessId) - before);
            }
            return runs.Order().ElementAt(runs.Count / 2);
        }
        var copy = await MedianCpuAsync(null);
        var withLow = await MedianCpuAsync(low);
        var sample = await packager.PackageAsync(piece, Path.Combine(work, "low-sample"), 0, CancellationToken.None, low);
        return new Dictionary<string, object?>
        {
            ["cpu_s_per_lesson_min_low"] = Round(Math.Max(0, withLow - copy) / pieceSeconds * 60),
            ["cpu_s_per_lesson_min_copy"] = Round(copy / pieceSeconds * 60),
            ["low"] = $"{sample.Low!.Width}x{sample.Low.Height} {low.Fps} fps {low.Kbps} kb/s {sample.VideoCodec}",
            ["low_kbps_measured"] = Math.Round(sample.Low.Media.Length * 8 / 1000.0 / sample.DurationSeconds),
            ["full"] = $"{sample.Width}x{sample.Height}",
            ["full_kbps_measured"] = Math.Round(sample.Media.Length * 8 / 1000.0 / sample.DurationSeconds),
            ["piece_s"] = pieceSeconds,
            ["budget_cpu_s_per_min"] = 0.3 * 60,
        };
    }

    /// <summary>
    /// <c>bench broadcast --low-rendition-only</c>: the low rendition's cost alone, with no server and no crowd, on a piece made
    /// by the feed's own encoder settings (the second 2 s piece of 1280×720 15 fps VP9 + Opus).
    /// </summary>
    private static async Task<int> LowRenditionOnlyAsync()
    {
        var work = Path.Combine(Path.GetTempPath(), "lms-bench-low-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var start = new ProcessStartInfo("ffmpeg") { WorkingDirectory = work, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in ("-hide_banner -nostdin -loglevel error -f lavfi -i testsrc2=s=1280x720:r=15:d=6 -f lavfi -i sine=f=440:sample_rate=48000:d=6 " +
                               "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 -b:v 1200k -g 30 -keyint_min 30 -c:a libopus -b:a 64k " +
                               "-f segment -segment_time 2 -segment_format webm -reset_timestamps 1 piece%05d.webm").Split(' '))
                start.ArgumentList.Add(a);
            using var ffmpeg = Process.Start(start)!;
            var errors = await ffmpeg.StandardError.ReadToEndAsync();
            await ffmpeg.WaitForExitAsync();
            if (ffmpeg.ExitCode != 0) throw new InvalidOperationException("The piece's ffmpeg failed: " + errors);
            var low = await LowRenditionCostAsync(Path.Combine(work, "piece00001.webm"), work);
            low["benchmark"] = "broadcast-low-rendition";
            Print(low);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<JsonElement> WaitForSegmentsAsync(HttpClient http, Guid room, int count, Task feeding)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (feeding.IsCompleted) await feeding; // the feed failed: say why
            var view = await MediaBenchmark.Ok(await http.GetAsync($"/api/classroom/sessions/{room}/broadcast"));
            if (view.GetProperty("segments").GetInt32() >= count) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The broadcast had no {count} segments after two minutes: {view}");
            await Task.Delay(500);
        }
    }

    /// <summary>The crowd in its own process (this program again), so that its work is not the server's.</summary>
    private static async Task<ViewerFigures> CrowdAsync(Uri playlist, int viewers, double seconds)
    {
        var (file, args) = ChildServer.Self();
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args.Concat(["broadcast", "--viewers-child", playlist.ToString(), viewers.ToString(CultureInfo.InvariantCulture),
                     seconds.ToString(CultureInfo.InvariantCulture)]))
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"The viewers failed: {await error}");
        return JsonSerializer.Deserialize<ViewerFigures>(output.Trim().Split('\n')[^1])!;
    }

    /// <summary>Debian's nginx on a free loopback port, serving the broadcast's folder with the same cache headers as Lms.</summary>
    private static async Task<ChildServer> StartNginxAsync(string nginx, string folder, string work)
    {
        var port = ChildServer.FreePort();
        var config = Path.Combine(work, "nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            master_process on;
            worker_processes 2;
            pid {{work}}/nginx.pid;
            error_log stderr error;
            events { worker_connections 16384; }
            http {
              access_log off;
              sendfile on;
              tcp_nopush on;
              keepalive_requests 100000;
              client_body_temp_path {{work}}/nginx-body;
              proxy_temp_path {{work}}/nginx-proxy;
              fastcgi_temp_path {{work}}/nginx-fastcgi;
              uwsgi_temp_path {{work}}/nginx-uwsgi;
              scgi_temp_path {{work}}/nginx-scgi;
              types { application/vnd.apple.mpegurl m3u8; video/mp4 m4s mp4; }
              server {
                listen 127.0.0.1:{{port}};
                root {{folder}};
                location ~ \.m3u8$ { add_header Cache-Control "public, max-age=1"; }
                location / { add_header Cache-Control "public, max-age=31536000, immutable"; }
              }
            }
            """);
        // As root nginx hands its workers to "nobody": the folders above the segments must let them through.
        if (!OperatingSystem.IsWindows())
            for (var dir = new DirectoryInfo(folder); dir is not null && dir.FullName != Path.GetTempPath().TrimEnd('/'); dir = dir.Parent)
                File.SetUnixFileMode(dir.FullName, File.GetUnixFileMode(dir.FullName) | UnixFileMode.OtherExecute | UnixFileMode.OtherRead);
        return await ChildServer.StartAsync(nginx, ["-c", config, "-p", work], port, "/av.m3u8", TimeSpan.FromSeconds(30));
    }

    private static string? NginxPath() => new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>User + system CPU seconds of a process so far (Linux /proc).</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    /// <summary>The CPU seconds of a process's children that have finished and been waited for (its ffmpeg runs).</summary>
    private static double ChildCpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double Round(double v) => Math.Round(v, 2);

    private static void Print(Dictionary<string, object?> line) => Console.WriteLine(JsonSerializer.Serialize(line));

    /// <summary>
    /// The teacher's browser, played by ffmpeg in real time: self-contained 2 s WebM pieces (VP9 + Opus, a keyframe at
    /// each start, as MediaRecorder writes them between a start and a stop), each sent when the next one begins.
    /// </summary>
    private sealed class Feed(HttpClient http, Guid room, string work)
    {
        public const string Input = "1280x720 15 fps VP9 (realtime) + Opus WebM pieces of 2 s, ffmpeg -re";
        public int Sent;
        public string? Kept;

        public async Task RunAsync(CancellationToken stop)
        {
            var start = new ProcessStartInfo("ffmpeg") { WorkingDirectory = work, RedirectStandardError = true, UseShellExecute = false, RedirectStandardInput = true };
            foreach (var a in ("-hide_banner -nostdin -loglevel error -re -f lavfi -i testsrc2=s=1280x720:r=15 -re -f lavfi -i sine=f=440:sample_rate=48000 " +
                               "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 -b:v 1200k -g 30 -keyint_min 30 -c:a libopus -b:a 64k " +
                               "-f segment -segment_time 2 -segment_format webm -reset_timestamps 1 piece%05d.webm").Split(' '))
                start.ArgumentList.Add(a);
            using var ffmpeg = Process.Start(start)!;
            var errors = ffmpeg.StandardError.ReadToEndAsync(CancellationToken.None);
            var next = 0;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    // A piece is whole once ffmpeg has begun the one after it.
                    if (File.Exists(Path.Combine(work, $"piece{next + 1:00000}.webm"))) await SendAsync(next++);
                    else if (ffmpeg.HasExited) throw new InvalidOperationException("The feed's ffmpeg stopped: " + await errors);
                    else await Task.Delay(50, CancellationToken.None);
                }
            }
            finally
            {
                if (!ffmpeg.HasExited)
                {
                    ffmpeg.Kill();
                    await ffmpeg.WaitForExitAsync(CancellationToken.None);
                }
            }
            // What was whole when the lesson ended goes up too.
            while (File.Exists(Path.Combine(work, $"piece{next + 1:00000}.webm"))) await SendAsync(next++);
        }

        private async Task SendAsync(int index)
        {
            var path = Path.Combine(work, $"piece{index:00000}.webm");
            var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
            content.Headers.ContentType = new MediaTypeHeaderValue("video/webm");
            var response = await http.PutAsync($"/api/classroom/sessions/{room}/broadcast/pieces/{index}", content);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"Piece {index}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            // One piece is kept for the low rendition's measure.
            if (Kept is null && index > 0) File.Move(path, Kept = Path.Combine(work, "kept.webm"));
            else File.Delete(path);
            Sent++;
        }
    }
}
