using System.Globalization;
using System.Text;

namespace Lms.Media.Content;

/// <summary>How the encoder spends the CPU; defaults suit a 2-core server that also runs live classes.</summary>
public sealed class EncoderOptions
{
    /// <summary>x264 preset: veryfast is a fair trade on small servers.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>ffmpeg -threads (0: ffmpeg decides).</summary>
    public int Threads { get; set; }

    /// <summary>Seconds per HLS segment (a multiple of the 2-second keyframe interval).</summary>
    public int SegmentSeconds { get; set; } = 4;

    /// <summary>Seconds between keyframes, identical in every rendition so players switch cleanly.</summary>
    public int KeyframeSeconds { get; set; } = 2;

    /// <summary>
    /// The main encode may take at most the media's duration times this (a 3-rung ladder runs at about 0.65 × the
    /// duration on 2 cores, so 10 leaves room for a loaded server) before ffmpeg is stopped and the job fails.
    /// </summary>
    public double TimeoutFactor { get; set; } = 10;

    /// <summary>The least the main encode is given, whatever the media's duration (a short clip still starts ffmpeg).</summary>
    public TimeSpan MinimumTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan TimeoutFor(double durationSeconds) =>
        TimeSpan.FromSeconds(Math.Max(MinimumTimeout.TotalSeconds, Math.Max(0, durationSeconds) * TimeoutFactor));
}

/// <summary>The thumbnails for the seek bar: one picture every <see cref="IntervalSeconds"/>, tiled 10 × 10 per sheet.</summary>
public sealed record SpritePlan(int IntervalSeconds, int ThumbWidth, int ThumbHeight, int Columns = 10, int Rows = 10)
{
    public static SpritePlan For(double durationSeconds, int displayWidth, int displayHeight)
    {
        var interval = Math.Max(1, (int)Math.Ceiling(durationSeconds / 100));
        const int longSide = 160;
        var (w, h) = displayWidth >= displayHeight
            ? (longSide, Even(longSide * (double)displayHeight / displayWidth))
            : (Even(longSide * (double)displayWidth / displayHeight), longSide);
        return new SpritePlan(interval, w, h);
    }

    private static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
}

/// <summary>
/// Builds and runs the one ffmpeg process that makes a video's whole HLS ladder from one decode
/// (a split filter feeding one H.264 encoder per rung, keyframes on the same 2-second grid), its
/// poster and its thumbnail sprite; and the quick remux of the middle rung into the MP4 download.
/// </summary>
public sealed class HlsEncoder(FfmpegTools tools, EncoderOptions options)
{
    public const string MasterPlaylist = "master.m3u8";
    public const string Poster = "poster.jpg";
    public const string AudioPoster = "poster.png";
    public const string Thumbnails = "thumbnails.vtt";
    public const string VideoDownload = "download.mp4";
    public const string AudioDownload = "download.m4a";
    public const string AudioRendition = "audio";

    private static readonly string AudiovisualFormats = string.Join(',', MediaPolicy.AudiovisualDemuxers);

    /// <summary>
    /// ffmpeg's options before the input of every encode: quiet but for warnings, progress on stdout,
    /// and only files (and pipes) in the allow-listed formats. (<c>-y</c> is the command's Overwrite.)
    /// </summary>
    private static List<string> EncodeOptions(string formats) =>
    [
        "-hide_banner", "-nostdin", "-loglevel", "warning", "-progress", "pipe:1", "-nostats",
        "-protocol_whitelist", "file,pipe", "-format_whitelist", formats,
    ];

    private static string Input(string source) => "file:" + Path.GetFullPath(source);

    /// <summary>The ffmpeg command for the ladder; relative outputs land in the working directory.</summary>
    /// <param name="fit">Fit the picture into each rung, letterboxed (a recording's pieces share one ladder); else scale to it.</param>
    public FfmpegCommand VideoCommand(
        string source, MediaFacts facts, IReadOnlyList<Rendition> ladder, double durationSeconds, SpritePlan? sprite, bool poster = true,
        bool fit = false)
    {
        var video = facts.Video ?? throw new ArgumentException("No video stream.", nameof(facts));
        var fps = Ladder.FrameRate(video);
        var gop = fps * options.KeyframeSeconds;
        var branches = ladder.Count + (poster ? 1 : 0) + (sprite is null ? 0 : 1);

        var graph = new StringBuilder(Invariant($"[0:{video.Index}]fps={fps},split={branches}"));
        for (var i = 0; i < branches; i++) graph.Append(Invariant($"[s{i}]"));
        string Scale(int w, int h) => fit
            ? Invariant($"scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2")
            : Invariant($"scale={w}:{h}:flags=bicubic");
        for (var i = 0; i < ladder.Count; i++)
            graph.Append(Invariant($";[s{i}]{Scale(ladder[i].Width, ladder[i].Height)},setsar=1,format=yuv420p[v{i}]"));
        var next = ladder.Count;
        if (poster)
        {
            var middle = Ladder.Middle(ladder);
            // Early, so that this output starts (and progress is reported) soon; past a black first frame.
            var at = Math.Clamp(durationSeconds * 0.1, 0, 3);
            graph.Append(Invariant($";[s{next++}]trim=start={at:0.###},trim=end_frame=1,{Scale(middle.Width, middle.Height)},setsar=1[poster]"));
        }
        if (sprite is not null)
            graph.Append(Invariant(
                $";[s{next}]fps=1/{sprite.IntervalSeconds},{Scale(sprite.ThumbWidth, sprite.ThumbHeight)},setsar=1[thumbs]"));

        var args = new List<string> { "-filter_complex", graph.ToString() };
        for (var i = 0; i < ladder.Count; i++)
        {
            args.AddRange(["-map", $"[v{i}]"]);
            if (facts.Audio is not null) args.AddRange(["-map", Invariant($"0:{facts.Audio.Index}")]);
        }
        args.AddRange([
            "-c:v", "libx264", "-preset", options.Preset, "-pix_fmt", "yuv420p",
            "-g", Invariant($"{gop}"), "-keyint_min", Invariant($"{gop}"), "-sc_threshold", "0",
            "-force_key_frames", Invariant($"expr:gte(t,n_forced*{options.KeyframeSeconds})"),
        ]);
        for (var i = 0; i < ladder.Count; i++)
        {
            var r = ladder[i];
            args.AddRange([
                Invariant($"-b:v:{i}"), Invariant($"{r.VideoKbps}k"),
                Invariant($"-maxrate:v:{i}"), Invariant($"{r.MaxRateKbps}k"),
                Invariant($"-bufsize:v:{i}"), Invariant($"{r.BufferKbps}k"),
                Invariant($"-profile:v:{i}"), Math.Min(r.Width, r.Height) >= 480 ? "high" : "main",
            ]);
            if (facts.Audio is not null) args.AddRange([Invariant($"-b:a:{i}"), Invariant($"{r.AudioKbps}k")]);
        }
        if (facts.Audio is not null) args.AddRange(["-c:a", "aac", "-ac", "2", "-ar", "48000"]);
        if (options.Threads > 0) args.AddRange(["-threads", Invariant($"{options.Threads}")]);
        var streamMap = string.Join(' ', ladder.Select((r, i) =>
            facts.Audio is null ? Invariant($"v:{i},name:{r.Name}") : Invariant($"v:{i},a:{i},name:{r.Name}")));
        args.AddRange([
            // Phones write where and when a video was made into its metadata: none of it is published.
            "-map_metadata", "-1", "-map_chapters", "-1",
            "-f", "hls", "-hls_time", Invariant($"{options.SegmentSeconds}"), "-hls_playlist_type", "vod",
            "-hls_flags", "independent_segments", "-hls_segment_type", "mpegts",
            "-hls_segment_filename", "%v/seg_%05d.ts", "-master_pl_name", MasterPlaylist,
            "-var_stream_map", streamMap, "%v/index.m3u8",
        ]);
        if (poster) args.AddRange(["-map", "[poster]", "-q:v", "3", "-update", "1", Poster]);
        // Single thumbnails, tiled into sheets afterwards: ffmpeg reports no progress until every output
        // has its first frame, and a tiled sheet would only come at the end.
        if (sprite is not null) args.AddRange(["-map", "[thumbs]", "-q:v", "5", "-fps_mode", "passthrough", ThumbnailPattern]);
        return new FfmpegCommand(EncodeOptions(AudiovisualFormats), Input(source), args[..^1], args[^1]);
    }

    public async Task EncodeVideoAsync(
        string source, MediaFacts facts, IReadOnlyList<Rendition> ladder, double durationSeconds, SpritePlan? sprite,
        string outputDirectory, IProgress<double>? progress, CancellationToken cancellationToken, bool fit = false)
    {
        Directory.CreateDirectory(outputDirectory);
        var command = VideoCommand(source, facts, ladder, durationSeconds, sprite, fit: fit);
        await RunFfmpegAsync(command, outputDirectory, durationSeconds, progress, cancellationToken);
        if (!File.Exists(Path.Combine(outputDirectory, MasterPlaylist)))
            throw new InvalidOperationException("ffmpeg finished without writing the master playlist.");
        if (sprite is not null)
        {
            var thumbnails = await TileThumbnailsAsync(outputDirectory, sprite, cancellationToken);
            WriteThumbnailTrack(outputDirectory, sprite, durationSeconds, "", thumbnails);
        }
    }

    private const string ThumbnailPattern = "thumb_%05d.jpg";

    /// <summary>Tiles the single thumbnails (files the pipeline wrote) into 10 × 10 sheets; returns how many there were.</summary>
    private async Task<int> TileThumbnailsAsync(string outputDirectory, SpritePlan sprite, CancellationToken cancellationToken)
    {
        var thumbs = Directory.GetFiles(outputDirectory, "thumb_*.jpg");
        if (thumbs.Length == 0) return 0;
        var result = await FfmpegRunner.RunAsync(tools, new FfmpegCommand(
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,pipe", "-f", "image2", "-framerate", "1", "-start_number", "1"],
            ThumbnailPattern,
            ["-vf", Invariant($"tile={sprite.Columns}x{sprite.Rows}"), "-q:v", "5"],
            "sprite_%03d.jpg"), outputDirectory, cancellationToken, timeout: TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"The thumbnails could not be tiled: {MediaProber.FirstError(result.StandardError)}");
        foreach (var thumb in thumbs) File.Delete(thumb);
        return thumbs.Length;
    }

    public async Task EncodeAudioAsync(
        string source, MediaFacts facts, double durationSeconds, string outputDirectory, IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var audio = facts.Audio ?? throw new ArgumentException("No audio stream.", nameof(facts));
        // A waveform picture as the poster, for recordings up to an hour (it keeps the whole, downsampled, sound in memory).
        var waveform = durationSeconds <= 3600;
        var args = new List<string>();
        if (waveform)
        {
            args.AddRange([
                "-filter_complex",
                Invariant($"[0:{audio.Index}]asplit=2[a0][w];[w]aformat=channel_layouts=mono,aresample=2000,showwavespic=s=1280x240:colors=0x1d4ed8[wave]"),
                "-map", "[a0]",
            ]);
        }
        else
        {
            args.AddRange(["-map", Invariant($"0:{audio.Index}")]);
        }
        args.AddRange([
            "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000",
            "-map_metadata", "-1", "-map_chapters", "-1",
            "-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod", "-hls_segment_type", "mpegts",
            "-hls_segment_filename", "%v/seg_%05d.ts", "-master_pl_name", MasterPlaylist,
            "-var_stream_map", "a:0,name:" + AudioRendition, "%v/index.m3u8",
        ]);
        if (waveform) args.AddRange(["-map", "[wave]", "-frames:v", "1", "-update", "1", AudioPoster]);
        var command = new FfmpegCommand(EncodeOptions(AudiovisualFormats), Input(source), args[..^1], args[^1]);
        await RunFfmpegAsync(command, outputDirectory, durationSeconds, progress, cancellationToken);
        if (!File.Exists(Path.Combine(outputDirectory, MasterPlaylist)))
            throw new InvalidOperationException("ffmpeg finished without writing the master playlist.");
    }

    /// <summary>Remuxes one rendition's segments (no re-encode) into a single file people can download and keep.</summary>
    public async Task RemuxDownloadAsync(string outputDirectory, string renditionName, string fileName, CancellationToken cancellationToken)
    {
        var playlist = Path.Combine(outputDirectory, renditionName, "index.m3u8");
        var result = await FfmpegRunner.RunAsync(tools, new FfmpegCommand(
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,pipe", "-format_whitelist", "hls,mpegts"],
            Input(playlist),
            ["-map", "0", "-c", "copy", "-movflags", "+faststart"],
            fileName), outputDirectory, cancellationToken, timeout: TimeSpan.FromHours(1));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"The download could not be made: {MediaProber.FirstError(result.StandardError)}");
    }

    /// <summary>Reads the whole file without decoding it: its true duration (WebM from a browser has none in its header) and whether it ends early.</summary>
    public async Task<double> MeasureAsync(string source, string workingDirectory, CancellationToken cancellationToken)
    {
        double seconds = 0;
        var result = await FfmpegRunner.RunAsync(tools, new FfmpegCommand(
            [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1", "-nostats",
                "-protocol_whitelist", "file,pipe", "-format_whitelist", AudiovisualFormats,
            ],
            Input(source),
            ["-map", "0:v?", "-map", "0:a?", "-c", "copy", "-f", "null"],
            "-", Overwrite: false), workingDirectory, cancellationToken, line =>
        {
            if (TryReadOutTime(line, out var t)) seconds = Math.Max(seconds, t);
        }, timeout: TimeSpan.FromMinutes(30));
        if (IsTruncated(result.StandardError)) throw TruncatedRefusal();
        if (result.ExitCode != 0)
            throw new MediaRefusedException(RefusalCodes.Damaged,
                $"The file is damaged and cannot be read ({MediaProber.FirstError(result.StandardError)}).");
        return seconds;
    }

    /// <summary>The WebVTT track that tells the player which sprite tile shows which moment.</summary>
    /// <param name="count">How many thumbnails were made; the last cue runs to the end.</param>
    public static void WriteThumbnailTrack(string outputDirectory, SpritePlan sprite, double durationSeconds, string prefix, int count)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        var perSheet = sprite.Columns * sprite.Rows;
        for (var i = 0; i < count; i++)
        {
            var sheet = Invariant($"sprite_{i / perSheet + 1:000}.jpg");
            if (!File.Exists(Path.Combine(outputDirectory, sheet))) break;
            var start = i * sprite.IntervalSeconds;
            var end = i == count - 1 ? Math.Max(durationSeconds, start + 0.001) : (i + 1) * sprite.IntervalSeconds;
            if (end <= start) break;
            var x = i % perSheet % sprite.Columns * sprite.ThumbWidth;
            var y = i % perSheet / sprite.Columns * sprite.ThumbHeight;
            vtt.Append(Invariant($"{Timestamp(start)} --> {Timestamp(end)}\n"));
            vtt.Append(Invariant($"{prefix}{sheet}#xywh={x},{y},{sprite.ThumbWidth},{sprite.ThumbHeight}\n\n"));
        }
        File.WriteAllText(Path.Combine(outputDirectory, Thumbnails), vtt.ToString());
    }

    private async Task RunFfmpegAsync(
        FfmpegCommand command, string workingDirectory, double durationSeconds, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var processed = 0.0;
        var timeout = options.TimeoutFor(durationSeconds);
        ToolResult result;
        try
        {
            result = await FfmpegRunner.RunAsync(tools, command, workingDirectory, cancellationToken, line =>
            {
                if (TryReadOutTime(line, out var t) && durationSeconds > 0)
                {
                    processed = Math.Max(processed, t);
                    progress?.Report(Math.Clamp(processed / durationSeconds, 0, 1));
                }
            }, timeout);
        }
        catch (TimeoutException)
        {
            // ffmpeg was killed. The same file would take as long again: the job ends here with the reason, not retried.
            throw new MediaRefusedException(RefusalCodes.EncodeTimeout, Invariant(
                $"Encoding did not finish within {timeout.TotalSeconds:0} s ({options.TimeoutFactor:0.###} × the media's {durationSeconds:0.#} s): it was stopped."));
        }
        if (IsTruncated(result.StandardError)) throw TruncatedRefusal();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg failed ({result.ExitCode}): {MediaProber.FirstError(result.StandardError)}");
        progress?.Report(1);
    }

    /// <summary>ffmpeg's -progress prints out_time_us (microseconds) for the furthest output.</summary>
    public static bool TryReadOutTime(string line, out double seconds)
    {
        seconds = 0;
        if (!line.StartsWith("out_time_us=", StringComparison.Ordinal)) return false;
        if (!long.TryParse(line.AsSpan("out_time_us=".Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var us) || us < 0)
            return false;
        seconds = us / 1_000_000.0;
        return true;
    }

    private static bool IsTruncated(string log) => log.Contains("partial file", StringComparison.Ordinal);

    private static MediaRefusedException TruncatedRefusal() => new(RefusalCodes.Truncated,
        "The file is incomplete: it ends before its own index says it should, so it was probably cut off while it was being copied or uploaded. Upload the complete file again.");

    public static string Timestamp(double seconds)
    {
        var t = TimeSpan.FromSeconds(seconds);
        return Invariant($"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}.{t.Milliseconds:000}");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
