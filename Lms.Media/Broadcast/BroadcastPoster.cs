using Lms.Media.Content;

namespace Lms.Media.Broadcast;

/// <summary>
/// The picture a closed broadcast shows in the library before it plays: one frame of its first segment (its
/// initialisation part and first fragment put end to end are a playable MP4), taken without encoding anything else.
/// </summary>
public sealed class BroadcastPoster(FfmpegTools tools)
{
    /// <summary>Writes <c>poster.jpg</c> in <paramref name="workDirectory"/> from the start of <paramref name="video"/>; false if ffmpeg could not.</summary>
    public async Task<bool> WriteAsync(string video, string workDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        var result = await FfmpegRunner.RunAsync(tools, new FfmpegCommand(
            ["-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", "mov"],
            "file:" + Path.GetFullPath(video),
            ["-map", "0:v:0", "-frames:v", "1", "-vf", "scale='min(1280,iw)':-2", "-q:v", "3", "-update", "1"],
            "file:" + Path.Combine(workDirectory, HlsEncoder.Poster)), workDirectory, cancellationToken, timeout: TimeSpan.FromSeconds(30));
        return result.ExitCode == 0 && File.Exists(Path.Combine(workDirectory, HlsEncoder.Poster));
    }
}
