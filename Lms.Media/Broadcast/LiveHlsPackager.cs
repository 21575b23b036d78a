using Lms.Media.Content;

namespace Lms.Media.Broadcast;

/// <summary>One piece of a broadcast made into HLS segments: picture and sound, and the sound alone.</summary>
/// <param name="Reencoded">What had to be encoded again because fMP4 cannot carry it (VP8): empty when everything was copied.</param>
/// <param name="Low">The low rendition's copy of the piece (null when none was asked for, or its encoder failed: <paramref name="LowError"/>).</param>
public sealed record PackagedPiece(
    double DurationSeconds, byte[] Init, byte[] Media, byte[]? AudioInit, byte[]? AudioMedia,
    string VideoCodec, string? AudioCodec, int Width, int Height, IReadOnlyList<string> Reencoded,
    LowPiece? Low = null, string? LowError = null);

/// <summary>A piece encoded again small, for weak links: its initialisation part, its fragments, its picture size.</summary>
public sealed record LowPiece(byte[] Init, byte[] Media, int Width, int Height);

/// <summary>
/// The low rendition: the picture at most <paramref name="Height"/> lines high, <paramref name="Fps"/> frames a second,
/// about <paramref name="Kbps"/> kb/s; the sound is copied. A piece waits at most <paramref name="WaitSeconds"/> for its low
/// copy once its own copy is done (unset: twice the piece's length, or three times what its copy took): the teacher's tab
/// sends one piece after another, so a piece that takes longer than its length to be taken puts the broadcast behind live.
/// </summary>
public sealed record LowRendition(int Height, int Kbps, int Fps, double? WaitSeconds = null)
{
    /// <summary>Lms's default (<c>Classroom:Broadcast:Low*</c>): 240 lines, 200 kb/s, 10 frames a second.</summary>
    public static readonly LowRendition Default = new(240, 200, 10);

    /// <summary>The low picture's size for a source picture: never bigger than it, the same shape, even sides (the encoders' 4:2:0).</summary>
    public (int Width, int Height) SizeFor(int width, int height)
    {
        var h = Math.Min(Height, height) / 2 * 2;
        var w = (int)Math.Round(width * (double)h / height / 2, MidpointRounding.AwayFromZero) * 2;
        return (Math.Max(2, w), Math.Max(2, h));
    }
}

/// <summary>
/// Makes one piece the teacher's browser sent (a self-contained WebM or MP4 that MediaRecorder wrote
/// between a start and a stop) into one HLS segment of fragmented MP4, by one ffmpeg run that copies the
/// streams (<c>-c copy</c>: VP9, H.264, HEVC or AV1 video; Opus or AAC sound), and into a second, sound-only
/// segment (<c>-vn -c:a copy</c>) for weak links. VP8 and sound other than Opus/AAC cannot go into MP4 and
/// are encoded again (H.264 <c>ultrafast</c>, AAC), and the result says so. The piece is placed on the
/// broadcast's timeline at <c>startSeconds</c> (each fragment's decode time is moved; see <see cref="FragmentedMp4"/>).
/// </summary>
public sealed class LiveHlsPackager(FfmpegTools tools, MediaProber prober)
{
    private static readonly HashSet<string> CopiedVideo = ["vp9", "h264", "hevc", "av1"];
    private static readonly HashSet<string> CopiedAudio = ["opus", "aac"];
    private const string FragmentFlags = "+frag_keyframe+empty_moov+default_base_moof";

    /// <summary>The biggest picture a piece may have (a 1080p screen share at most).</summary>
    public const int MaxSide = 1920;

    public async Task<PackagedPiece> PackageAsync(string piecePath, string workDirectory, double startSeconds, CancellationToken cancellationToken,
        LowRendition? low = null)
    {
        var probe = await prober.ProbeAsync(piecePath, ["matroska", "webm", "mov"], cancellationToken);
        var video = probe.Streams.FirstOrDefault(s => s.IsVideo) ?? throw new MediaRefusedException(RefusalCodes.NoMedia, "A broadcast piece has no picture.");
        if (video.Width > MaxSide || video.Height > MaxSide || video.Width < 16 || video.Height < 16)
            throw new MediaRefusedException(RefusalCodes.Dimensions, $"A broadcast piece's picture is {video.Width}×{video.Height}; at most {MaxSide} on a side.");
        var audio = probe.Streams.FirstOrDefault(s => s.IsAudio);
        var reencoded = new List<string>();
        var videoCodec = video.Codec ?? "";
        string[] videoArgs = ["-c:v", "copy"];
        if (!CopiedVideo.Contains(videoCodec))
        {
            videoArgs = ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p"];
            reencoded.Add($"video {videoCodec} → h264");
            videoCodec = "h264";
        }
        var audioCodec = audio?.Codec;
        string[] audioArgs = ["-c:a", "copy"];
        if (audio is not null && !CopiedAudio.Contains(audioCodec ?? ""))
        {
            audioArgs = ["-c:a", "aac", "-b:a", "96k"];
            reencoded.Add($"audio {audioCodec} → aac");
            audioCodec = "aac";
        }

        Directory.CreateDirectory(workDirectory);
        var both = Path.Combine(workDirectory, "av.mp4");
        var soundOnly = Path.Combine(workDirectory, "a.mp4");
        List<string> after = ["-map", "0:v:0", .. audio is null ? Array.Empty<string>() : ["-map", "0:a:0"], .. videoArgs,
            .. audio is null ? Array.Empty<string>() : audioArgs, "-f", "mp4", "-movflags", FragmentFlags];
        if (audio is not null)
            after = [.. after, "file:" + both, "-map", "0:a:0", "-vn", .. audioArgs, "-f", "mp4", "-movflags", FragmentFlags];
        var command = new FfmpegCommand(
            ["-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", "matroska,webm,mov"],
            "file:" + Path.GetFullPath(piecePath), after, "file:" + (audio is null ? both : soundOnly));
        // The low copy is encoded by its own ffmpeg at the same time (all media tools run at low priority): the copies
        // above take a fraction of a second and must not wait for an encoder.
        using var lowStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lowTask = low is null ? null : EncodeLowAsync(piecePath, workDirectory, startSeconds, videoCodec, video.Width, video.Height, audio is not null, audioArgs, low, lowStop.Token, cancellationToken);
        var copying = System.Diagnostics.Stopwatch.StartNew();
        var result = await FfmpegRunner.RunAsync(tools, command, workDirectory, cancellationToken, timeout: TimeSpan.FromMinutes(1));
        // The low copy does not hold the live edge back for long: later than its wait after the copy, the piece goes on
        // without it (the low playlist lists the full segment in its place).
        lowStop.CancelAfter(TimeSpan.FromSeconds(low?.WaitSeconds ?? Math.Max(2 * (probe.DurationSeconds ?? 2), 3 * copying.Elapsed.TotalSeconds)));
        var (lowPiece, lowError) = lowTask is null ? (null, null) : await lowTask;
        if (result.ExitCode != 0)
            throw new MediaRefusedException(RefusalCodes.Damaged, "The broadcast piece could not be packaged: " + result.StandardError.Trim());

        var main = new FragmentedMp4(await File.ReadAllBytesAsync(both, cancellationToken));
        var duration = main.DurationSeconds();
        main.ShiftDecodeTime(startSeconds);
        byte[]? audioInit = null, audioMedia = null;
        if (audio is not null)
        {
            var sound = new FragmentedMp4(await File.ReadAllBytesAsync(soundOnly, cancellationToken));
            sound.ShiftDecodeTime(startSeconds);
            audioInit = sound.Init.ToArray();
            audioMedia = sound.Media();
        }
        return new PackagedPiece(duration, main.Init.ToArray(), main.Media(), audioInit, audioMedia, videoCodec, audioCodec,
            video.Width, video.Height, reencoded, lowPiece, lowError);
    }

    /// <summary>
    /// The piece again, small: VP9 (realtime) when the picture is VP9, so hls.js switches between the variants within one codec,
    /// H.264 otherwise. A failure here is not the piece's: the broadcast goes on, and the low playlist lists the full segment.
    /// </summary>
    private async Task<(LowPiece? Piece, string? Error)> EncodeLowAsync(string piecePath, string workDirectory, double startSeconds, string videoCodec,
        int width, int height, bool hasAudio, string[] audioArgs, LowRendition low, CancellationToken cancellationToken, CancellationToken outer = default)
    {
        var (w, h) = low.SizeFor(width, height);
        var rate = low.Kbps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var max = (low.Kbps * 5 / 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var buffer = (low.Kbps * 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] encoder = videoCodec == "vp9"
            ? ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"]
            : ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency"];
        var output = Path.Combine(workDirectory, "low.mp4");
        List<string> after = ["-map", "0:v:0", .. hasAudio ? ["-map", "0:a:0"] : Array.Empty<string>(),
            "-vf", FormattableString.Invariant($"fps={low.Fps},scale={w}:{h}"), .. encoder,
            "-b:v", rate + "k", "-maxrate", max + "k", "-bufsize", buffer + "k", "-pix_fmt", "yuv420p",
            .. hasAudio ? audioArgs : Array.Empty<string>(), "-f", "mp4", "-movflags", FragmentFlags];
        var command = new FfmpegCommand(
            ["-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist", "file", "-format_whitelist", "matroska,webm,mov"],
            "file:" + Path.GetFullPath(piecePath), after, "file:" + output);
        try
        {
            var result = await FfmpegRunner.RunAsync(tools, command, workDirectory, cancellationToken, timeout: TimeSpan.FromMinutes(1));
            if (result.ExitCode != 0) return (null, result.StandardError.Trim());
            var fragments = new FragmentedMp4(await File.ReadAllBytesAsync(output, cancellationToken));
            fragments.ShiftDecodeTime(startSeconds);
            return (new LowPiece(fragments.Init.ToArray(), fragments.Media(), w, h), null);
        }
        catch (TimeoutException e)
        {
            return (null, e.Message);
        }
        catch (OperationCanceledException) when (!outer.IsCancellationRequested)
        {
            return (null, "the low copy was slower than the piece allows");
        }
    }
}
