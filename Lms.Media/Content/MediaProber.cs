using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FFMpegCore;
using FFMpegCore.Exceptions;

namespace Lms.Media.Content;

public sealed record ProbeStream
{
    public int Index { get; init; }
    public string Type { get; init; } = "";
    public string? Codec { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }

    /// <summary>How far the stored picture is turned when shown (0, 90, 180 or 270 degrees): at 90 or 270 a phone's portrait video is stored sideways.</summary>
    public int Rotation { get; init; }

    public double? AverageFrameRate { get; init; }

    /// <summary>ffprobe's r_frame_rate: the base rate of the stream, what a variable-rate phone video was recorded at.</summary>
    public double? BaseFrameRate { get; init; }
    public int SampleRate { get; init; }
    public int Channels { get; init; }

    /// <summary>Cover art in an audio file, not a video.</summary>
    public bool AttachedPicture { get; init; }

    public bool IsVideo => Type == "video" && !AttachedPicture;
    public bool IsAudio => Type == "audio";
}

/// <summary>What ffprobe found in a file, after it was allowed to open it.</summary>
public sealed record ProbeResult(string DetectedFormat, double? DurationSeconds, long SizeBytes, IReadOnlyList<ProbeStream> Streams);

/// <summary>
/// Runs ffprobe (through FFMpegCore's <see cref="FFProbe"/>) on a file the pipeline named, with only
/// the file protocol and an allow-list of demuxers: a playlist or concat list is detected (ffprobe
/// logs the format it probed) but never opened, and the refusal names what it was.
/// </summary>
public sealed partial class MediaProber(FfmpegTools tools)
{
    public async Task<ProbeResult> ProbeAsync(
        string path, IReadOnlyCollection<string> allowedDemuxers, CancellationToken cancellationToken)
    {
        var ffprobe = tools.FfprobePath ?? throw new InvalidOperationException(tools.MissingAdvice);
        var fullPath = Path.GetFullPath(path);
        var options = new FFOptions { BinaryFolder = Path.GetDirectoryName(ffprobe)!, WorkingDirectory = Path.GetDirectoryName(fullPath)! };
        // FFProbe writes "-loglevel error -print_format json -show_format -sexagesimal -show_streams
        // -show_chapters <path>"; these follow it. The later -v debug wins, and makes ffprobe log the
        // format it detected even when the allow-list then refuses to open it. The path is a full
        // one the pipeline chose, never a URL: without "file:" it is still the file protocol, and
        // -protocol_whitelist allows nothing else.
        var arguments = CommandLine.Join([
            "-hide_banner", "-v", "debug",
            "-protocol_whitelist", "file",
            "-format_whitelist", string.Join(',', allowedDemuxers),
        ]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        IMediaAnalysis analysis;
        try
        {
            analysis = await FFProbe.AnalyseAsync(fullPath, options, arguments, linked.Token);
        }
        catch (FFProbeProcessException failed)
        {
            var log = string.Join('\n', failed.StandardError);
            throw Refusal(Detected(log), log);
        }
        catch (FormatNullException)
        {
            throw Refusal(null, "");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("ffprobe did not finish within 00:02:00.");
        }

        // The format ffprobe opened the file with is the detected container: what the allow-list judged.
        using var json = JsonDocument.Parse(analysis.Json);
        var root = json.RootElement;
        var format = root.GetProperty("format");
        var streams = root.TryGetProperty("streams", out var s) ? s.EnumerateArray().Select(ReadStream).ToList() : [];
        return new ProbeResult(
            analysis.Format.FormatName ?? Detected(string.Join('\n', analysis.StandardError)) ?? "",
            Seconds(format, "duration"),
            (long)(Number(format, "size") ?? new FileInfo(path).Length),
            streams);
    }

    private static string? Detected(string log) => ProbedFormat().Match(log) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The formats that point at other files or URLs: never opened, named in the refusal.</summary>
    public static MediaRefusedException? RefuseReferencing(string demuxer) => demuxer switch
    {
        "hls" or "applehttp" => new(RefusalCodes.Playlist,
            "This is a streaming playlist (HLS, .m3u8): it only points at other files or addresses. Upload the video file itself."),
        "dash" or "webm_dash_manifest" => new(RefusalCodes.Playlist,
            "This is a DASH manifest (.mpd): it only points at other files or addresses. Upload the video file itself."),
        "concat" => new(RefusalCodes.ConcatList,
            "This is an ffmpeg concat list: it only points at other files. Upload the video file itself."),
        "image2" or "image2pipe" => new(RefusalCodes.ReferencesOtherFiles,
            "This is an image sequence pattern, which points at other files. Upload a video file."),
        "sdp" or "rtsp" or "rtp" or "tee" or "lavfi" or "ffmetadata" or "data" => new(RefusalCodes.ReferencesOtherFiles,
            $"This file ({demuxer}) describes a stream or a device elsewhere, not media we can store. Upload a video or audio file."),
        _ => null,
    };

    private static MediaRefusedException Refusal(string? detected, string log)
    {
        if (detected is not null)
        {
            if (RefuseReferencing(detected) is { } referencing) return referencing;
            if (log.Contains("not on whitelist", StringComparison.Ordinal))
                return new MediaRefusedException(RefusalCodes.FormatNotAllowed,
                    $"Files in the {FriendlyFormat(detected)} format are not accepted here. Use MP4, WebM, MOV or MKV for video; MP3, M4A, WAV, OGG or FLAC for audio; JPEG, PNG, WebP or GIF for pictures.");
        }
        if (log.Contains("moov atom not found", StringComparison.Ordinal))
            return new MediaRefusedException(RefusalCodes.Truncated,
                "The file is incomplete: its index is missing, so it was probably cut off while it was being copied or uploaded. Upload the complete file again.");
        if (detected is null)
            return new MediaRefusedException(RefusalCodes.UnknownFormat,
                "We could not recognise this file as a video, a sound recording or a picture.");
        return new MediaRefusedException(RefusalCodes.Damaged, $"The file is damaged and cannot be read ({FirstError(log)}).");
    }

    public static string FriendlyFormat(string demuxer) => demuxer.Split(',')[0] switch
    {
        "mov" => "MP4/MOV",
        "matroska" => "MKV/WebM",
        "asf" => "WMV/ASF",
        "flv" => "FLV",
        var other => other.ToUpperInvariant(),
    };

    /// <summary>The first line of a tool's log that reads like an error, without ffmpeg's "[demuxer @ 0x…]" prefix.</summary>
    public static string FirstError(string log)
    {
        var line = log.Split('\n')
            .Select(l => l.Trim())
            .FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("invalid", StringComparison.OrdinalIgnoreCase))
            ?? log.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0) ?? "no details";
        line = LogPrefix().Replace(line, "");
        return line.Length > 200 ? line[..200] + "…" : line;
    }

    private static ProbeStream ReadStream(JsonElement s)
    {
        var rotation = 0.0;
        if (s.TryGetProperty("side_data_list", out var sideData))
            foreach (var item in sideData.EnumerateArray())
                if (item.TryGetProperty("rotation", out var r) && r.TryGetDouble(out var degrees)) rotation = degrees;
        if (rotation == 0 && s.TryGetProperty("tags", out var tags) && tags.TryGetProperty("rotate", out var rotate)
            && double.TryParse(rotate.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var tagged))
            rotation = -tagged;
        var attached = s.TryGetProperty("disposition", out var disposition)
                       && disposition.TryGetProperty("attached_pic", out var pic) && pic.GetInt32() == 1;
        return new ProbeStream
        {
            Index = s.GetProperty("index").GetInt32(),
            Type = Text(s, "codec_type") ?? "",
            Codec = Text(s, "codec_name"),
            Width = s.TryGetProperty("width", out var w) ? w.GetInt32() : 0,
            Height = s.TryGetProperty("height", out var h) ? h.GetInt32() : 0,
            // ffprobe's display-matrix rotation is counter-clockwise; phones in portrait report -90.
            Rotation = (((int)Math.Round(-rotation / 90.0) * 90 % 360) + 360) % 360,
            AverageFrameRate = Rational(Text(s, "avg_frame_rate")),
            BaseFrameRate = Rational(Text(s, "r_frame_rate")),
            SampleRate = (int)(Number(s, "sample_rate") ?? 0),
            Channels = s.TryGetProperty("channels", out var c) ? c.GetInt32() : 0,
            AttachedPicture = attached,
        };
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return v.ValueKind == JsonValueKind.String
               && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>A time in seconds; FFProbe asks for -sexagesimal, so it comes as "H:MM:SS.micro".</summary>
    private static double? Seconds(JsonElement e, string name)
    {
        if (Text(e, name) is not { } text || !text.Contains(':')) return Number(e, name);
        var parts = text.Split(':');
        return parts.Length == 3
               && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hours)
               && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var minutes)
               && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? hours * 3600 + minutes * 60 + seconds
            : null;
    }

    private static double? Rational(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('/');
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            || d == 0 || n == 0) return null;
        return n / d;
    }

    [GeneratedRegex(@"Format ([A-Za-z0-9_,]+) probed with size=")]
    private static partial Regex ProbedFormat();

    [GeneratedRegex(@"^\[[^\]]*@ 0x[0-9a-f]+\]\s*")]
    private static partial Regex LogPrefix();
}
