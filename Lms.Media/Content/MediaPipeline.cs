using System.Text.Json;

namespace Lms.Media.Content;

public sealed class MediaPipelineOptions
{
    public MediaLimits Limits { get; set; } = new();
    public EncoderOptions Encoder { get; set; } = new();
}

/// <summary>One rendition as published: its folder (holding index.m3u8 and the segments), size and bandwidth.</summary>
public sealed record RenditionManifest(string Name, int Width, int Height, int Kbps);

/// <summary>
/// What the pipeline made, as paths relative to its output folder. Stored with the content
/// version (as JSON); the server turns the paths into URLs.
/// </summary>
public sealed record MediaManifest
{
    public string Kind { get; init; } = "";
    public string SourceFormat { get; init; } = "";
    public double? DurationSeconds { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? Pages { get; init; }
    public string? VideoCodec { get; init; }
    public string? AudioCodec { get; init; }
    public string? Master { get; init; }
    public IReadOnlyList<RenditionManifest> Renditions { get; init; } = [];
    public string? Poster { get; init; }
    public string? Thumbnails { get; init; }
    public string? Download { get; init; }
    public string? Preview { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static MediaManifest? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<MediaManifest>(json, JsonSerializerOptions.Web);
}

/// <summary>A file to process: where it is, what the library item expects it to be, and a folder the pipeline owns.</summary>
/// <param name="ChooseLadder">
/// For the pieces of one recording: given the probed piece, the renditions every piece shares (so
/// that they join); a piece of another size is fitted into them (letterboxed, never stretched).
/// </param>
public sealed record MediaRequest(
    string SourcePath, string ExpectedKind, string WorkDirectory,
    Func<MediaFacts, CancellationToken, Task<IReadOnlyList<Rendition>>>? ChooseLadder = null);

/// <summary>
/// The media pipeline: files in, files and progress out. It copies the upload to a name it chose,
/// looks at its first bytes, probes it with ffprobe (allow-listed demuxers, file protocol only),
/// checks codecs and limits, reads it through once (true duration, truncation), then makes the HLS
/// ladder, poster, thumbnails and download (video), an audio rendition (sound), a first-page
/// preview (PDF) or a thumbnail (picture). Anything refused throws <see cref="MediaRefusedException"/>
/// with a reason a person understands. It knows nothing of HTTP, Orleans or the database.
/// </summary>
public sealed class MediaPipeline(FfmpegTools ffmpeg, PopplerTools poppler, MediaPipelineOptions options)
{
    public const string SourceName = "source";
    public const string OutputFolder = "out";

    private readonly MediaProber _prober = new(ffmpeg);
    private readonly HlsEncoder _encoder = new(ffmpeg, options.Encoder);
    private readonly DocumentPreviewer _documents = new(poppler);

    public HlsEncoder Encoder => _encoder;

    /// <summary>The folder the outputs of a request are written to.</summary>
    public static string OutputDirectory(MediaRequest request) => Path.Combine(request.WorkDirectory, OutputFolder);

    public async Task<MediaManifest> ProcessAsync(MediaRequest request, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(request.WorkDirectory);
        var source = Path.Combine(request.WorkDirectory, SourceName);
        var output = OutputDirectory(request);
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        Directory.CreateDirectory(output);

        // ffmpeg only ever sees a path the pipeline chose, with no extension to guess a format from.
        if (!string.Equals(Path.GetFullPath(request.SourcePath), Path.GetFullPath(source), StringComparison.Ordinal))
            File.Copy(request.SourcePath, source, overwrite: true);

        var sniffed = await ContentSniffer.SniffFileAsync(source, cancellationToken);
        RefuseSniffed(sniffed, request.ExpectedKind);
        return request.ExpectedKind switch
        {
            MediaKinds.Document => await DocumentAsync(source, sniffed, output, cancellationToken),
            MediaKinds.Image => await ImageAsync(source, output, cancellationToken),
            MediaKinds.Video or MediaKinds.Audio => await AudiovisualAsync(source, request, output, progress, cancellationToken),
            _ => throw new ArgumentException($"Unknown kind {request.ExpectedKind}.", nameof(request)),
        };
    }

    /// <summary>Probes and checks a sound or video file without encoding it (a recording's first piece sets the ladder this way).</summary>
    public async Task<MediaFacts> InspectAsync(string source, CancellationToken cancellationToken)
    {
        var probe = await ProbeAsync(source, MediaKinds.Video, cancellationToken);
        return MediaPolicy.CheckAudiovisual(probe, options.Limits);
    }

    private static void RefuseSniffed(SniffedKind sniffed, string expected)
    {
        switch (sniffed)
        {
            case SniffedKind.Empty:
                throw new MediaRefusedException(RefusalCodes.Empty, "The file is empty (0 bytes). Choose the file again and upload it.");
            case SniffedKind.HlsPlaylist:
                throw MediaProber.RefuseReferencing("hls")!;
            case SniffedKind.DashManifest:
                throw MediaProber.RefuseReferencing("dash")!;
            case SniffedKind.ConcatList:
                throw MediaProber.RefuseReferencing("concat")!;
            case SniffedKind.OtherPlaylist:
                throw new MediaRefusedException(RefusalCodes.ReferencesOtherFiles,
                    "This is a playlist or a link to a stream: it only points at other files or addresses. Upload the file itself.");
            case SniffedKind.Text:
                throw new MediaRefusedException(RefusalCodes.Text, expected == MediaKinds.Document
                    ? "This is a plain text file, not a PDF or an Office document."
                    : "This is a text file, not a video, a sound recording or a picture.");
            case SniffedKind.Pdf or SniffedKind.OfficeOpenXml or SniffedKind.OpenDocument or SniffedKind.OfficeLegacy
                when expected != MediaKinds.Document:
                throw new MediaRefusedException(RefusalCodes.WrongKind,
                    "This is a document (PDF or Office), not a video, a sound recording or a picture: add it to the library as a document.");
        }
    }

    private async Task<MediaManifest> DocumentAsync(string source, SniffedKind sniffed, string output, CancellationToken cancellationToken)
    {
        switch (sniffed)
        {
            case SniffedKind.Pdf:
                var pages = await _documents.PreviewPdfAsync(source, output, cancellationToken);
                return new MediaManifest { Kind = MediaKinds.Document, SourceFormat = "pdf", Pages = pages, Preview = DocumentPreviewer.Preview };
            case SniffedKind.OfficeOpenXml:
                return new MediaManifest { Kind = MediaKinds.Document, SourceFormat = "ooxml" };
            case SniffedKind.OpenDocument:
                return new MediaManifest { Kind = MediaKinds.Document, SourceFormat = "odf" };
            case SniffedKind.OfficeLegacy:
                return new MediaManifest { Kind = MediaKinds.Document, SourceFormat = "ole" };
            default:
                throw new MediaRefusedException(RefusalCodes.NotADocument,
                    "This is not a PDF or an Office document (Word, Excel, PowerPoint or OpenDocument).");
        }
    }

    private async Task<ProbeResult> ProbeAsync(string source, string expected, CancellationToken cancellationToken)
    {
        // Both lists are offered so that a picture given as a video (or the reverse) is named as such.
        var probe = await _prober.ProbeAsync(source, [.. MediaPolicy.AudiovisualDemuxers, .. MediaPolicy.ImageDemuxers], cancellationToken);
        var demuxers = probe.DetectedFormat.Split(',');
        var isImage = demuxers.Any(MediaPolicy.ImageDemuxers.Contains);
        if (isImage && expected != MediaKinds.Image)
            throw new MediaRefusedException(RefusalCodes.WrongKind,
                "This is a picture, not a video or a sound recording: add it to the library as an image.");
        if (!isImage && expected == MediaKinds.Image)
            throw new MediaRefusedException(RefusalCodes.WrongKind,
                "This is not a picture (JPEG, PNG, WebP or GIF). Videos and sound recordings are added as such.");
        return probe;
    }

    private async Task<MediaManifest> ImageAsync(string source, string output, CancellationToken cancellationToken)
    {
        var probe = await ProbeAsync(source, MediaKinds.Image, cancellationToken);
        var facts = MediaPolicy.CheckImage(probe, options.Limits);
        var result = await FfmpegRunner.RunAsync(ffmpeg, new FfmpegCommand(
            [
                "-hide_banner", "-nostdin", "-loglevel", "error",
                "-protocol_whitelist", "file,pipe", "-format_whitelist", string.Join(',', MediaPolicy.ImageDemuxers),
            ],
            "file:" + Path.GetFullPath(source),
            ["-frames:v", "1", "-vf", "scale='min(640,iw)':-2", "-q:v", "4", "-update", "1"],
            "preview.jpg"), output, cancellationToken, timeout: TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0 || !File.Exists(Path.Combine(output, "preview.jpg")))
            throw new MediaRefusedException(RefusalCodes.Damaged,
                $"The picture is damaged and cannot be drawn ({MediaProber.FirstError(result.StandardError)}).");
        return new MediaManifest
        {
            Kind = MediaKinds.Image, SourceFormat = probe.DetectedFormat, Width = facts.DisplayWidth, Height = facts.DisplayHeight,
            Preview = "preview.jpg",
        };
    }

    private async Task<MediaManifest> AudiovisualAsync(
        string source, MediaRequest request, string output, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var probe = await ProbeAsync(source, request.ExpectedKind, cancellationToken);
        var facts = MediaPolicy.CheckAudiovisual(probe, options.Limits);
        progress?.Report(0.01);

        // One pass through the file without decoding: the true duration, and a truncated file found before any encoding.
        var duration = await _encoder.MeasureAsync(source, output, cancellationToken);
        if (probe.DurationSeconds is { } claimed && claimed > 0 && duration < claimed * 0.9 && claimed - duration > 1)
            throw new MediaRefusedException(RefusalCodes.Truncated,
                $"The file is incomplete: it says it lasts {MediaPolicy.FormatDuration(claimed)} but holds only {MediaPolicy.FormatDuration(duration)}. Upload the complete file again.");
        if (duration <= 0)
            throw new MediaRefusedException(RefusalCodes.NoMedia, "The file holds no playable video or sound.");
        MediaPolicy.CheckDuration(duration, options.Limits);
        progress?.Report(0.03);
        var encodeProgress = progress is null ? null : new ScaledProgress(progress, 0.03, 0.94);

        // An item expected to be sound keeps only the sound; a video file without a picture becomes sound too.
        if (facts.Kind == MediaKinds.Audio || request.ExpectedKind == MediaKinds.Audio)
        {
            if (facts.Audio is null) throw new MediaRefusedException(RefusalCodes.NoMedia, "The file has no sound.");
            await _encoder.EncodeAudioAsync(source, facts, duration, output, encodeProgress, cancellationToken);
            await _encoder.RemuxDownloadAsync(output, HlsEncoder.AudioRendition, HlsEncoder.AudioDownload, cancellationToken);
            progress?.Report(1);
            return new MediaManifest
            {
                Kind = MediaKinds.Audio, SourceFormat = probe.DetectedFormat, DurationSeconds = duration, AudioCodec = facts.Audio.Codec,
                Master = HlsEncoder.MasterPlaylist,
                Renditions = [new RenditionManifest(HlsEncoder.AudioRendition, 0, 0, 128)],
                Poster = File.Exists(Path.Combine(output, HlsEncoder.AudioPoster)) ? HlsEncoder.AudioPoster : null,
                Download = HlsEncoder.AudioDownload,
            };
        }

        var ladder = request.ChooseLadder is null
            ? Ladder.For(facts.DisplayWidth, facts.DisplayHeight)
            : await request.ChooseLadder(facts, cancellationToken);
        var fit = request.ChooseLadder is not null;
        var (pictureWidth, pictureHeight) = fit ? (ladder[0].Width, ladder[0].Height) : (facts.DisplayWidth, facts.DisplayHeight);
        var sprite = SpritePlan.For(duration, pictureWidth, pictureHeight);
        await _encoder.EncodeVideoAsync(source, facts, ladder, duration, sprite, output, encodeProgress, cancellationToken, fit);
        var middle = Ladder.Middle(ladder);
        await _encoder.RemuxDownloadAsync(output, middle.Name, HlsEncoder.VideoDownload, cancellationToken);
        progress?.Report(1);
        return new MediaManifest
        {
            Kind = MediaKinds.Video, SourceFormat = probe.DetectedFormat, DurationSeconds = duration,
            Width = pictureWidth, Height = pictureHeight,
            VideoCodec = facts.Video!.Codec, AudioCodec = facts.Audio?.Codec,
            Master = HlsEncoder.MasterPlaylist,
            Renditions = ladder.Select(r => new RenditionManifest(r.Name, r.Width, r.Height, r.VideoKbps + (facts.Audio is null ? 0 : r.AudioKbps))).ToList(),
            Poster = HlsEncoder.Poster,
            Thumbnails = HlsEncoder.Thumbnails,
            Download = HlsEncoder.VideoDownload,
        };
    }
}

/// <summary>Maps a step's 0..1 onto its share of the whole, on the reporting thread, never going back.</summary>
internal sealed class ScaledProgress(IProgress<double> inner, double start, double share) : IProgress<double>
{
    private double _last = -1;

    public void Report(double value)
    {
        var scaled = start + Math.Clamp(value, 0, 1) * share;
        lock (this)
        {
            if (scaled <= _last) return;
            _last = scaled;
        }
        inner.Report(scaled);
    }
}
