using System.Globalization;

namespace Lms.Media.Content;

/// <summary>Limits that keep absurd files out; the defaults suit a school's library.</summary>
public sealed class MediaLimits
{
    public int MaxVideoSide { get; set; } = 8192;
    public long MaxVideoPixels { get; set; } = 8192L * 4320;
    public int MinSide { get; set; } = 16;
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromHours(6);
    public int MaxImageSide { get; set; } = 12000;
    public long MaxImagePixels { get; set; } = 80_000_000;
}

/// <summary>What a file is, once it passed the checks: the kind of output to make, and its upright size.</summary>
public sealed record MediaFacts
{
    public required string Kind { get; init; }
    public required string DetectedFormat { get; init; }
    public ProbeStream? Video { get; init; }
    public ProbeStream? Audio { get; init; }

    /// <summary>The picture as shown (after a phone's rotation).</summary>
    public int DisplayWidth { get; init; }
    public int DisplayHeight { get; init; }
    public double? DurationSeconds { get; init; }
}

/// <summary>The allow-lists of containers (by the demuxer ffprobe detected) and codecs, and the limits.</summary>
public static class MediaPolicy
{
    /// <summary>Demuxers for sound and video. None of them opens another file or a URL.</summary>
    public static readonly IReadOnlyList<string> AudiovisualDemuxers =
        ["mov", "matroska", "webm", "avi", "mpegts", "ogg", "mp3", "wav", "flac", "aac", "amr"];

    /// <summary>Single pictures, detected by content (the pipeline's file name has no extension, so image2 never applies).</summary>
    public static readonly IReadOnlyList<string> ImageDemuxers = ["jpeg_pipe", "png_pipe", "webp_pipe", "gif"];

    public static readonly IReadOnlySet<string> VideoCodecs = new HashSet<string>
    {
        "h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video", "mpeg1video", "h263", "mjpeg", "theora",
    };

    public static readonly IReadOnlySet<string> AudioCodecs = new HashSet<string>
    {
        "aac", "mp3", "mp2", "opus", "vorbis", "flac", "alac", "ac3", "eac3", "amr_nb", "amr_wb",
        "pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_mulaw", "pcm_alaw",
    };

    public static readonly IReadOnlySet<string> ImageCodecs = new HashSet<string> { "mjpeg", "png", "webp", "gif" };

    /// <summary>Checks a probed sound or video file; throws a refusal saying why it cannot be used.</summary>
    public static MediaFacts CheckAudiovisual(ProbeResult probe, MediaLimits limits)
    {
        var video = probe.Streams.FirstOrDefault(s => s.IsVideo);
        var audio = probe.Streams.FirstOrDefault(s => s.IsAudio);
        if (video is null && audio is null)
            throw new MediaRefusedException(RefusalCodes.NoMedia, "The file contains neither video nor sound.");
        if (video is not null && !VideoCodecs.Contains(video.Codec ?? ""))
            throw new MediaRefusedException(RefusalCodes.CodecNotAllowed,
                $"The video is encoded as {video.Codec ?? "an unknown codec"}, which we do not accept. Export it as H.264 (MP4) and upload it again.");
        if (audio is not null && !AudioCodecs.Contains(audio.Codec ?? ""))
            throw new MediaRefusedException(RefusalCodes.CodecNotAllowed,
                $"The sound is encoded as {audio.Codec ?? "an unknown codec"}, which we do not accept. Export it as AAC or MP3 and upload it again.");
        CheckDuration(probe.DurationSeconds, limits);

        var (width, height) = video is null ? (0, 0)
            : video.Rotation is 90 or 270 ? (video.Height, video.Width) : (video.Width, video.Height);
        if (video is not null)
        {
            if (width < limits.MinSide || height < limits.MinSide)
                throw new MediaRefusedException(RefusalCodes.Dimensions,
                    $"The video is {width}×{height} pixels, too small to show (at least {limits.MinSide} on each side).");
            if (width > limits.MaxVideoSide || height > limits.MaxVideoSide || (long)width * height > limits.MaxVideoPixels)
                throw new MediaRefusedException(RefusalCodes.Dimensions,
                    $"The video is {width}×{height} pixels, larger than we accept (at most {limits.MaxVideoSide} pixels on a side, about 8K).");
        }
        return new MediaFacts
        {
            Kind = video is null ? MediaKinds.Audio : MediaKinds.Video,
            DetectedFormat = probe.DetectedFormat,
            Video = video,
            Audio = audio,
            DisplayWidth = width,
            DisplayHeight = height,
            DurationSeconds = probe.DurationSeconds,
        };
    }

    public static void CheckDuration(double? seconds, MediaLimits limits)
    {
        if (seconds is { } d && d > limits.MaxDuration.TotalSeconds)
            throw new MediaRefusedException(RefusalCodes.TooLong,
                $"It lasts {FormatDuration(d)}, longer than the {FormatDuration(limits.MaxDuration.TotalSeconds)} we accept. Split it into shorter parts.");
    }

    public static MediaFacts CheckImage(ProbeResult probe, MediaLimits limits)
    {
        var picture = probe.Streams.FirstOrDefault(s => s.Type == "video");
        if (picture is null || !ImageCodecs.Contains(picture.Codec ?? ""))
            throw new MediaRefusedException(RefusalCodes.CodecNotAllowed, "This is not a JPEG, PNG, WebP or GIF picture.");
        if (picture.Width < limits.MinSide || picture.Height < limits.MinSide
            || picture.Width > limits.MaxImageSide || picture.Height > limits.MaxImageSide
            || (long)picture.Width * picture.Height > limits.MaxImagePixels)
            throw new MediaRefusedException(RefusalCodes.Dimensions,
                $"The picture is {picture.Width}×{picture.Height} pixels, outside what we accept ({limits.MinSide} to {limits.MaxImageSide} pixels on a side).");
        return new MediaFacts
        {
            Kind = MediaKinds.Image,
            DetectedFormat = probe.DetectedFormat,
            Video = picture,
            DisplayWidth = picture.Width,
            DisplayHeight = picture.Height,
        };
    }

    public static string FormatDuration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} min")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes} min {t.Seconds:00} s");
    }
}

public static class MediaKinds
{
    public const string Video = "video";
    public const string Audio = "audio";
    public const string Document = "document";
    public const string Image = "image";
}
