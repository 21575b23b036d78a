using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lms.Media.Content;

namespace Lms.Tests.Content;

/// <summary>
/// Small media made by ffmpeg's test sources (testsrc2, sine) once per test run, into a temp folder:
/// a few seconds each, so that the real pipeline runs in the test suite in seconds.
/// </summary>
public static class MediaSamples
{
    private static readonly string Root = PrepareRoot();
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Made = new();

    public static FfmpegTools Tools { get; } = FfmpegTools.Locate();

    /// <summary>This run's folder; folders left by earlier runs (whose process is gone) are removed.</summary>
    private static string PrepareRoot()
    {
        foreach (var stale in Directory.GetDirectories(Path.GetTempPath(), "lms-media-samples-*"))
        {
            if (!int.TryParse(Path.GetFileName(stale)["lms-media-samples-".Length..], out var pid) || pid == Environment.ProcessId) continue;
            try { Process.GetProcessById(pid); }
            catch (ArgumentException)
            {
                try { Directory.Delete(stale, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        return Path.Combine(Path.GetTempPath(), "lms-media-samples-" + Environment.ProcessId);
    }

    /// <summary>1280×720 landscape H.264 + AAC, 4 s.</summary>
    public static Task<string> LandscapeAsync() => MakeAsync("landscape.mp4",
        "-f lavfi -i testsrc2=s=1280x720:r=30:d=4 -f lavfi -i sine=f=440:d=4:sample_rate=44100 " +
        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest");

    /// <summary>A small 640×360 video, cheap to transcode: for API and browser tests.</summary>
    public static Task<string> SmallAsync(int seconds = 3) => MakeAsync($"small-{seconds}.mp4",
        $"-f lavfi -i testsrc2=s=640x360:r=25:d={seconds} -f lavfi -i sine=f=330:d={seconds} " +
        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest");

    /// <summary>A phone held upright: stored 640×360 with a 90° display rotation (side data), shown 360×640.</summary>
    public static async Task<string> PortraitRotatedAsync()
    {
        var stored = await MakeAsync("portrait-stored.mp4",
            "-f lavfi -i testsrc2=s=640x360:r=30:d=3 -f lavfi -i sine=d=3 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest");
        return await MakeAsync("portrait-rotated.mp4", $"-i {Quote(stored)} -c copy -metadata:s:v:0 rotate=90");
    }

    /// <summary>Variable frame rate: 30 fps, then a half-second gap (as phones do when the light drops).</summary>
    public static Task<string> VariableFrameRateAsync() => MakeAsync("vfr.mp4",
        "-f lavfi -i \"testsrc2=s=480x270:r=30:d=3,setpts='N/30/TB+if(gte(N\\,40)\\,0.5/TB\\,0)'\" -f lavfi -i sine=d=3.5 " +
        "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -fps_mode passthrough -c:a aac");

    /// <summary>WebM VP8 + Opus written as a live stream, as a browser's MediaRecorder writes it: no duration, no cues.</summary>
    public static Task<string> BrowserWebmAsync(string name = "browser.webm", int seconds = 3, int startTone = 440) => MakeAsync(name,
        $"-f lavfi -i testsrc2=s=640x480:r=30:d={seconds} -f lavfi -i sine=f={startTone}:d={seconds}:sample_rate=48000 " +
        "-c:v libvpx -deadline realtime -cpu-used 8 -b:v 800k -c:a libopus -shortest -f webm -live 1");

    public static Task<string> AudioOnlyAsync() => MakeAsync("audio.m4a",
        "-f lavfi -i sine=f=523:d=3 -c:a aac -b:a 96k");

    public static Task<string> JpegAsync() => MakeAsync("picture.jpg", "-f lavfi -i testsrc2=s=800x600 -frames:v 1");

    /// <summary>10000×64 pixels: beyond any screen.</summary>
    public static Task<string> AbsurdlyWideAsync() => MakeAsync("absurd-wide.mp4",
        "-f lavfi -i color=s=10000x64:d=0.2 -c:v libx264 -preset ultrafast");

    public static Task<string> ProResAsync() => MakeAsync("prores.mov", "-f lavfi -i testsrc2=s=64x64:d=0.2 -c:v prores_ks");

    /// <summary>An MP4 cut in half (its index, at the end, is gone).</summary>
    public static async Task<string> TruncatedAsync()
    {
        var whole = await LandscapeAsync();
        return await WriteOnceAsync("truncated.mp4", bytes: File.ReadAllBytes(whole)[..(int)(new FileInfo(whole).Length / 2)]);
    }

    /// <summary>An MP4 with its index first (faststart), cut in half: it probes fine and ends early.</summary>
    public static async Task<string> TruncatedFaststartAsync()
    {
        var whole = await LandscapeAsync();
        var faststart = await MakeAsync("faststart.mp4", $"-i {Quote(whole)} -c copy -movflags +faststart");
        return await WriteOnceAsync("truncated-faststart.mp4", bytes: File.ReadAllBytes(faststart)[..(int)(new FileInfo(faststart).Length / 2)]);
    }

    /// <summary>An HLS playlist named .mp4 that points at a local file.</summary>
    public static async Task<string> PlaylistNamedMp4Async()
    {
        var target = await SmallAsync();
        return await WriteOnceAsync("playlist-disguised.mp4",
            $"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile://{target}\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n");
    }

    public static async Task<string> ConcatListAsync()
    {
        var target = await SmallAsync();
        return await WriteOnceAsync("concat-list.mp4", $"ffconcat version 1.0\nfile '{target}'\nfile '/etc/passwd'\n");
    }

    public static Task<string> EmptyAsync() => WriteOnceAsync("empty.mp4", "");

    /// <summary>A two-page PDF written by hand (objects, cross-reference table and all).</summary>
    public static Task<string> PdfAsync() => WriteOnceAsync("two-pages.pdf", bytes: Pdf(["Bài 1: Hàm số bậc hai", "Trang 2"]));

    public static Task<string> TextAsync() => WriteOnceAsync("notes.mp4", "Ghi chu bai hoc: khong phai video.\n");

    public static string NewFolder(string name)
    {
        var folder = Path.Combine(Root, "work", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Runs ffmpeg once per sample name; later calls reuse the file.</summary>
    public static Task<string> MakeAsync(string name, string arguments) =>
        Made.GetOrAdd(name, _ => new Lazy<Task<string>>(async () =>
        {
            Directory.CreateDirectory(Root);
            var path = Path.Combine(Root, name);
            var temp = Path.Combine(Root, "making-" + name);
            var (code, error) = await RunAsync(Tools.FfmpegPath!, $"-hide_banner -loglevel error -y {arguments} {Quote(temp)}");
            if (code != 0) throw new InvalidOperationException($"ffmpeg could not make {name}: {error}");
            File.Move(temp, path, overwrite: true);
            return path;
        })).Value;

    private static Task<string> WriteOnceAsync(string name, string? text = null, byte[]? bytes = null) =>
        Made.GetOrAdd(name, _ => new Lazy<Task<string>>(() =>
        {
            Directory.CreateDirectory(Root);
            var path = Path.Combine(Root, name);
            File.WriteAllBytes(path, bytes ?? Encoding.UTF8.GetBytes(text ?? ""));
            return Task.FromResult(path);
        })).Value;

    public static async Task<(int Code, string Error)> RunAsync(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        await stdout;
        return (process.ExitCode, await stderr);
    }

    /// <summary>ffprobe's JSON for a file (our outputs, probed by ffprobe itself rather than trusted).</summary>
    public static async Task<JsonElement> ProbeAsync(string path, string extra = "")
    {
        var start = new ProcessStartInfo(Tools.FfprobePath!,
            $"-v error -print_format json -show_format -show_streams {extra} {Quote(path)}")
        {
            RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var json = await stdout;
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffprobe {path}: {await stderr}");
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public static string Quote(string path) => "\"" + path.Replace("\"", "\\\"") + "\"";

    public static double Seconds(JsonElement element, string property) =>
        double.Parse(element.GetProperty(property).GetString()!, CultureInfo.InvariantCulture);

    /// <summary>A minimal valid PDF: one text line per page in Helvetica, with a correct xref table.</summary>
    public static byte[] Pdf(IReadOnlyList<string> pages)
    {
        var objects = new List<string>
        {
            "<< /Type /Catalog /Pages 2 0 R >>",
            $"<< /Type /Pages /Kids [{string.Join(' ', pages.Select((_, i) => $"{4 + i * 2} 0 R"))}] /Count {pages.Count} >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        foreach (var text in pages)
        {
            var ascii = new string(text.Normalize(NormalizationForm.FormD).Where(c => c < 128).ToArray()).Replace("(", "").Replace(")", "");
            var stream = $"BT /F1 24 Tf 72 720 Td ({ascii}) Tj ET";
            var contentNumber = objects.Count + 2;
            objects.Add($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {contentNumber} 0 R >>");
            objects.Add($"<< /Length {stream.Length} >>\nstream\n{stream}\nendstream");
        }
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append($"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }
        var xref = pdf.Length;
        pdf.Append($"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets) pdf.Append($"{offset:D10} 00000 n \n");
        pdf.Append($"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }
}
