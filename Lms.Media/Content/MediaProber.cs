using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

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
/// Runs ffprobe on a file the pipeline named, with only the file protocol and an allow-list of
/// demuxers: a playlist or concat list is detected (ffprobe logs the format it probed) but never
/// opened, and the refusal names what it was.
/// </summary>
public sealed partial class MediaProber(FfmpegTools tools)
{
    public async Task<ProbeResult> ProbeAsync(
        string path, IReadOnlyCollection<string> allowedDemuxers, CancellationToken cancellationToken)
    {
        var ffprobe = tools.FfprobePath ?? throw new InvalidOperationException("ffprobe was not found.");
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var result = await ToolProcess.RunAsync(ffprobe,
        [
            "-hide_banner", "-v", "debug",
            "-protocol_whitelist", "file",
            "-format_whitelist", string.Join(',', allowedDemuxers),
            "-print_format", "json", "-show_format", "-show_streams",
            "-i", "file:" + Path.GetFullPath(path),
        ], directory, cancellationToken, timeout: TimeSpan.FromMinutes(2));

        var detected = ProbedFormat().Match(result.StandardError) is { Success: true } m ? m.Groups[1].Value : null;
        if (result.ExitCode != 0 || string.IsNullOrWhiteSpace(result.StandardOutput))
            throw Refusal(detected, result.StandardError);

        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        if (!root.TryGetProperty("format", out var format)) throw Refusal(detected, result.StandardError);
        var streams = root.TryGetProperty("streams", out var s) ? s.EnumerateArray().Select(ReadStream).ToList() : [];
        return new ProbeResult(
            detected ?? Text(format, "format_name") ?? "",
            Number(format, "duration"),
            (long)(Number(format, "size") ?? new FileInfo(path).Length),
            streams);
    }

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
