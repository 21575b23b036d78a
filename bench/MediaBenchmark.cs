using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Lms.Media.Content;

namespace Lms.Bench;

/// <summary>
/// <c>./build.sh bench media</c>: in one run, on the same generated input (60 s of 1080p30 by
/// default), the media pipeline's wall time against the same ladder written as one hand-made
/// ffmpeg command, and as one ffmpeg process per rendition; then a lesson recorded in pieces
/// (a 10-minute class, 1-minute WebM pieces) through the real server (a child process), its queue and worker, and
/// how long after the class ended its recording was published.
/// Options: --seconds N (input length), --class-minutes N, --piece-seconds N, --pace X (the
/// simulated class runs X times faster than real time; default 1 = real time), --repeat N (rounds
/// of the three ladder runs, medians reported), --skip-recording.
/// </summary>
public sealed class MediaBenchmark : IBenchmark
{
    public string Name => "media";
    public string Description => "pipeline vs hand-written ffmpeg vs one process per rendition; recording published after class end";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { WriteIndented = false };

    public async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 60);
        var classMinutes = Option(args, "--class-minutes", 10.0);
        var pieceSeconds = Option(args, "--piece-seconds", 60);
        var pace = Option(args, "--pace", 1.0);
        var repeat = Math.Max(1, Option(args, "--repeat", 1));
        var tools = FfmpegTools.Locate();
        if (!tools.Found)
        {
            Console.Error.WriteLine("ffmpeg and ffprobe are needed (apt-get install ffmpeg).");
            return 1;
        }
        var root = Path.Combine(Path.GetTempPath(), "lms-bench-media-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            Console.Error.WriteLine($"Generating {seconds} s of 1080p30 (testsrc2 + sine)…");
            var input = Path.Combine(root, "input.mp4");
            await FfmpegAsync(tools, root,
                $"-f lavfi -i testsrc2=s=1920x1080:r=30:d={seconds} -f lavfi -i sine=f=440:d={seconds}:sample_rate=48000 " +
                $"-c:v libx264 -preset ultrafast -crf 20 -pix_fmt yuv420p -c:a aac -b:a 128k -shortest {input}");

            var cpus = Environment.ProcessorCount;
            var pipeline = new MediaPipeline(tools, PopplerTools.Locate(), new MediaPipelineOptions());
            MediaManifest? manifest = null;
            var raws = new List<double>();
            var ourTimes = new List<double>();
            var perRenditions = new List<double>();
            var cpu = new Dictionary<string, List<double>> { ["raw"] = [], ["pipeline"] = [], ["per_rendition"] = [] };
            // Each round runs the three one after the other, in a rotating order, on the same input;
            // with --repeat N the medians are reported (the machine may be busy with other work).
            for (var round = 0; round < repeat; round++)
            {
                var steps = new List<Func<Task>>
                {
                    async () =>
                    {
                        Console.Error.WriteLine("Hand-written ffmpeg command (one process, split filter)…");
                        raws.Add(await TimeAsync(() => RawCommandLineAsync(tools, input, Path.Combine(root, $"raw-{round}")), cpu["raw"]));
                        Console.Error.WriteLine($"  {raws[^1]:0.0} s");
                    },
                    async () =>
                    {
                        Console.Error.WriteLine("Our pipeline (probe, checks, ladder + poster + thumbnails, MP4 download)…");
                        ourTimes.Add(await TimeAsync(async () => manifest = await pipeline.ProcessAsync(
                            new MediaRequest(input, MediaKinds.Video, Path.Combine(root, $"pipeline-{round}")), null, CancellationToken.None),
                            cpu["pipeline"]));
                        Console.Error.WriteLine($"  {ourTimes[^1]:0.0} s");
                    },
                    async () =>
                    {
                        Console.Error.WriteLine("One ffmpeg process per rendition, one after the other…");
                        perRenditions.Add(await TimeAsync(() => PerRenditionAsync(tools, input, Path.Combine(root, $"per-rendition-{round}")),
                            cpu["per_rendition"]));
                        Console.Error.WriteLine($"  {perRenditions[^1]:0.0} s");
                    },
                };
                for (var i = 0; i < steps.Count; i++) await steps[(i + round) % steps.Count]();
                foreach (var folder in Directory.GetDirectories(root)) Directory.Delete(folder, recursive: true);
            }
            var raw = Median(raws);
            var ours = Median(ourTimes);
            var perRendition = Median(perRenditions);

            var ladder = new Dictionary<string, object?>
            {
                ["benchmark"] = "media",
                ["input"] = $"{seconds} s 1920x1080 30 fps H.264 + AAC (testsrc2)",
                ["ladder"] = string.Join("/", manifest!.Renditions.Select(r => r.Name)),
                ["preset"] = "veryfast",
                ["repeat"] = repeat,
                ["cpus"] = cpus,
                ["media_s"] = seconds,
                ["pipeline_s"] = Round(ours),
                ["raw_cli_s"] = Round(raw),
                ["per_rendition_s"] = Round(perRendition),
                ["realtime_factor"] = Round(seconds / ours),
                ["pipeline_over_raw"] = Round(ours / raw, 3),
                ["per_rendition_over_pipeline"] = Round(perRendition / ours, 3),
            };
            // CPU seconds spent by the ffmpeg processes (user + system, from getrusage of waited-for
            // children): the work done, which other load on a shared machine barely changes.
            if (cpu["pipeline"].Count > 0)
            {
                ladder["pipeline_cpu_s"] = Round(Median(cpu["pipeline"]));
                ladder["raw_cli_cpu_s"] = Round(Median(cpu["raw"]));
                ladder["per_rendition_cpu_s"] = Round(Median(cpu["per_rendition"]));
                ladder["pipeline_over_raw_cpu"] = Round(Median(cpu["pipeline"]) / Median(cpu["raw"]), 3);
                ladder["per_rendition_over_pipeline_cpu"] = Round(Median(cpu["per_rendition"]) / Median(cpu["pipeline"]), 3);
            }
            Console.WriteLine(JsonSerializer.Serialize(ladder, Json));

            if (args.Contains("--skip-recording")) return 0;
            var recording = await RecordingAsync(tools, root, classMinutes, pieceSeconds, pace);
            Console.WriteLine(JsonSerializer.Serialize(recording, Json));
            foreach (var (key, value) in recording) ladder.TryAdd(key, value);
            ladder["benchmark"] = "media-summary";
            Console.WriteLine(JsonSerializer.Serialize(ladder, Json));
            return 0;
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The 1080/720/360 ladder as a person would write it: one process, one decode, split.</summary>
    private static Task RawCommandLineAsync(FfmpegTools tools, string input, string output)
    {
        Directory.CreateDirectory(output);
        return FfmpegAsync(tools, output,
            $"-i {input} -filter_complex \"[0:v]split=3[a][b][c];[a]scale=1920:1080[v0];[b]scale=1280:720[v1];[c]scale=640:360[v2]\" " +
            "-map [v0] -map 0:a -map [v1] -map 0:a -map [v2] -map 0:a " +
            "-c:v libx264 -preset veryfast -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 " +
            "-b:v:0 5000k -maxrate:v:0 5500k -bufsize:v:0 10000k -b:v:1 2800k -maxrate:v:1 3080k -bufsize:v:1 5600k " +
            "-b:v:2 800k -maxrate:v:2 880k -bufsize:v:2 1600k -c:a aac -b:a 128k -ac 2 -ar 48000 " +
            "-f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename %v/seg_%05d.ts -master_pl_name master.m3u8 " +
            "-var_stream_map \"v:0,a:0 v:1,a:1 v:2,a:2\" %v/index.m3u8");
    }

    /// <summary>The same ladder as three ffmpeg processes, each decoding the source again.</summary>
    private static async Task PerRenditionAsync(FfmpegTools tools, string input, string output)
    {
        foreach (var (name, w, h, kbps) in new[] { ("1080p", 1920, 1080, 5000), ("720p", 1280, 720, 2800), ("360p", 640, 360, 800) })
        {
            var folder = Path.Combine(output, name);
            Directory.CreateDirectory(folder);
            await FfmpegAsync(tools, folder,
                $"-i {input} -vf scale={w}:{h} -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 " +
                $"-b:v {kbps}k -maxrate {kbps * 11 / 10}k -bufsize {kbps * 2}k -c:a aac -b:a 128k -ac 2 -ar 48000 " +
                "-f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename seg_%05d.ts index.m3u8");
        }
    }

    /// <summary>
    /// A class recorded in pieces through the real server: each piece PUT when its minute ends,
    /// transcoded by the worker as it arrives; the class ends with the last piece; the clock stops
    /// when the recording is published (one VOD, one MP4, a library item and a course item).
    /// </summary>
    private static async Task<Dictionary<string, object?>> RecordingAsync(
        FfmpegTools tools, string root, double classMinutes, int pieceSeconds, double pace)
    {
        var pieces = (int)Math.Ceiling(classMinutes * 60 / pieceSeconds);
        Console.Error.WriteLine($"Generating a {pieceSeconds} s browser-style WebM piece (1280x720 VP8 + Opus, no duration)…");
        var piece = Path.Combine(root, "piece.webm");
        await FfmpegAsync(tools, root,
            $"-f lavfi -i testsrc2=s=1280x720:r=30:d={pieceSeconds} -f lavfi -i sine=f=330:d={pieceSeconds}:sample_rate=48000 " +
            $"-c:v libvpx -deadline realtime -cpu-used 8 -b:v 1500k -c:a libopus -b:a 64k -shortest -f webm -live 1 {piece}");
        var bytes = await File.ReadAllBytesAsync(piece);

        var data = Path.Combine(root, "server");
        Directory.CreateDirectory(data);
        using var server = StartServer(data, out var address);
        try
        {
            await WaitReadyAsync(address);
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(address) };
            (await http.PostAsJsonAsync("/api/identity/sign-in", new { login = "giaovien@demo.lms.vn", password = "Demo@2026" })).EnsureSuccessStatusCode();
            var me = await http.GetFromJsonAsync<JsonElement>("/api/identity/me");
            var school = me.GetProperty("memberships").EnumerateArray().First(m => m.GetProperty("role").GetString() == "teacher")
                .GetProperty("institutionId").GetString();
            var course = await Ok(await http.PostAsJsonAsync("/api/courses", new { institutionId = school, title = "Bench class", kind = "blended" }));
            var courseId = course.GetProperty("id").GetString();
            var recording = await Ok(await http.PostAsJsonAsync("/api/content/recordings", new { title = "Bench class recording", courseId, sessionId = "bench" }));
            var recordingId = recording.GetProperty("id").GetString();

            Console.Error.WriteLine($"A {classMinutes} min class in {pieces} pieces of {pieceSeconds} s, at {pace}× real time…");
            var clock = Stopwatch.StartNew();
            var backlog = 0;
            var classEnd = 0.0;
            for (var i = 0; i < pieces; i++)
            {
                // Piece i is recorded from i·P to (i+1)·P and uploaded when it ends.
                var due = TimeSpan.FromSeconds((i + 1) * pieceSeconds / pace);
                if (clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
                if (i == pieces - 1)
                {
                    classEnd = clock.Elapsed.TotalSeconds;
                    var state = await http.GetFromJsonAsync<JsonElement>($"/api/content/recordings/{recordingId}");
                    backlog = i - state.GetProperty("pieces").EnumerateArray().Count(p => p.GetProperty("status").GetString() == "ready");
                }
                var content = new ByteArrayContent(bytes);
                content.Headers.ContentType = new MediaTypeHeaderValue("video/webm");
                (await http.PutAsync($"/api/content/recordings/{recordingId}/pieces/{i}", content)).EnsureSuccessStatusCode();
                Console.Error.WriteLine($"  piece {i + 1}/{pieces} sent at {clock.Elapsed.TotalSeconds:0.0} s");
            }
            await Ok(await http.PostAsJsonAsync($"/api/content/recordings/{recordingId}/finish", new { pieceCount = pieces }));

            JsonElement published;
            var limit = TimeSpan.FromMinutes(30);
            while (true)
            {
                published = await http.GetFromJsonAsync<JsonElement>($"/api/content/recordings/{recordingId}");
                var status = published.GetProperty("status").GetString();
                if (status == "published") break;
                if (status == "failed" || clock.Elapsed > limit + TimeSpan.FromSeconds(classMinutes * 60 / pace))
                    throw new InvalidOperationException($"The recording was not published: {published}");
                await Task.Delay(200);
            }
            var after = clock.Elapsed.TotalSeconds - classEnd;
            var item = await http.GetFromJsonAsync<JsonElement>($"/api/content/items/{published.GetProperty("itemId").GetString()}");
            Console.Error.WriteLine($"  published {after:0.0} s after the class ended");
            return new Dictionary<string, object?>
            {
                ["benchmark"] = "media-recording",
                ["class_minutes"] = classMinutes,
                ["piece_s"] = pieceSeconds,
                ["pieces"] = pieces,
                ["pace"] = pace,
                ["recording_input"] = "1280x720 30 fps VP8 + Opus WebM pieces (as MediaRecorder writes them)",
                ["backlog_pieces_at_end"] = backlog,
                ["published_duration_s"] = Round(item.GetProperty("media").GetProperty("durationSeconds").GetDouble()),
                ["publish_after_end_s"] = Round(after),
            };
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }
    }

    /// <summary>The real server (its web API, queue and in-process media worker) as a child process, on a free port.</summary>
    internal static Process StartServer(string data, out string address)
    {
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            address = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        }
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = data, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     LocateServer(), $"--urls={address}", $"--Data:Directory={data}", "--Demo:Seed=true", "--environment=Production",
                     "--Logging:LogLevel:Default=Error", "--Media:PollSeconds=0.5",
                 })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("  server: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(string address)
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The server did not start.");
            await Task.Delay(250);
        }
    }

    private static string LocateServer()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "Lms.sln"))) continue;
            var dll = Path.Combine(dir.FullName, "Lms.Server", "bin", configuration, "net10.0", "Lms.Server.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the server first: {dll} is missing.");
        }
        throw new FileNotFoundException("Lms.sln was not found above the benchmark.");
    }

    internal static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task FfmpegAsync(FfmpegTools tools, string workingDirectory, string arguments)
    {
        var start = new ProcessStartInfo(tools.FfmpegPath!, "-hide_banner -nostdin -y -loglevel error " + arguments)
        {
            WorkingDirectory = workingDirectory, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments}: {await error}");
    }

    private static async Task<double> TimeAsync(Func<Task> work, List<double>? cpu = null)
    {
        var before = ChildrenCpuSeconds();
        var watch = Stopwatch.StartNew();
        await work();
        var elapsed = watch.Elapsed.TotalSeconds;
        if (cpu is not null && before is { } start && ChildrenCpuSeconds() is { } end) cpu.Add(end - start);
        return elapsed;
    }

    /// <summary>User + system CPU seconds of this process's finished children (Linux getrusage); null elsewhere.</summary>
    private static double? ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var usage = new long[18];
        if (getrusage(-1, usage) != 0) return null;
        return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, [Out] long[] usage);

    private static double Round(double value, int digits = 2) => Math.Round(value, digits);

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static T Option<T>(string[] args, string name, T fallback) where T : IParsable<T>
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && T.TryParse(args[index + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
