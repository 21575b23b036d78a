using System.Diagnostics;

namespace Lms.Media.Content;

/// <summary>
/// Where ffmpeg and ffprobe are, and which version. Once found they are kept; while either is
/// missing, every use looks again (a few file checks on PATH), so ffmpeg installed while the server
/// runs is used by the next media job without a restart.
/// </summary>
public sealed class FfmpegTools
{
    private readonly string? _folder;
    private readonly Lock _lock = new();
    private Located? _located;

    private sealed record Located(string Ffmpeg, string Ffprobe, string? Version);

    private FfmpegTools(string? folder) => _folder = folder;

    /// <summary>Looks in <paramref name="folder"/> if given, else on PATH (now, and again on use while not found).</summary>
    public static FfmpegTools Locate(string? folder = null)
    {
        var tools = new FfmpegTools(folder);
        tools.Look();
        return tools;
    }

    public string? FfmpegPath => Look()?.Ffmpeg;
    public string? FfprobePath => Look()?.Ffprobe;
    public string? Version => Look()?.Version;
    public bool Found => Look() is not null;

    /// <summary>What to do about missing tools, in words an operator can act on.</summary>
    public string MissingAdvice => _folder is null
        ? "ffmpeg and ffprobe were not found on PATH. Install them (Debian/Ubuntu: sudo apt-get install -y ffmpeg) or set Media:FfmpegFolder to the folder that holds them."
        : $"ffmpeg and ffprobe were not found in Media:FfmpegFolder ({_folder}). Install them there, or unset Media:FfmpegFolder to use the ones on PATH.";

    private Located? Look()
    {
        if (Volatile.Read(ref _located) is { } located) return located;
        var ffmpeg = Find("ffmpeg", _folder);
        var ffprobe = Find("ffprobe", _folder);
        if (ffmpeg is null || ffprobe is null) return null;
        lock (_lock)
        {
            // The version is read once (it starts ffmpeg), by whoever finds the tools first.
            _located ??= new Located(ffmpeg, ffprobe, ReadVersion(ffmpeg));
            return _located;
        }
    }

    private static string? Find(string tool, string? folder)
    {
        var directories = folder is not null
            ? [folder]
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in directories)
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { tool + ".exe" } : [tool])
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static string? ReadVersion(string ffmpeg)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(ffmpeg, "-hide_banner -version")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return null;
            var firstLine = process.StandardOutput.ReadLine();
            process.WaitForExit(5000);
            // "ffmpeg version 5.1.6-0+deb12u1 Copyright ..." -> "5.1.6-0+deb12u1"
            var parts = firstLine?.Split(' ');
            return parts is { Length: > 2 } ? parts[2] : firstLine;
        }
        catch (Exception)
        {
            return null;
        }
    }
}
