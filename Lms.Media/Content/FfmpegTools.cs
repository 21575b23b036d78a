using System.Diagnostics;

namespace Lms.Media.Content;

/// <summary>Where ffmpeg and ffprobe are, and which version; found once at start-up.</summary>
public sealed record FfmpegTools(string? FfmpegPath, string? FfprobePath, string? Version)
{
    public bool Found => FfmpegPath is not null && FfprobePath is not null;

    /// <summary>Looks in <paramref name="folder"/> if given, else on PATH.</summary>
    public static FfmpegTools Locate(string? folder = null)
    {
        var ffmpeg = Find("ffmpeg", folder);
        var ffprobe = Find("ffprobe", folder);
        return new FfmpegTools(ffmpeg, ffprobe, ffmpeg is null ? null : ReadVersion(ffmpeg));
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
