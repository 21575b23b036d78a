using Lms.Grains.Content;

namespace Lms.Server.Content;

/// <summary>The content library's storage and limits (<c>Content:*</c>).</summary>
public sealed class ContentOptions
{
    public const string Section = "Content";

    /// <summary>Where files are kept (embedded mode: <c>&lt;Data:Directory&gt;/content</c>).</summary>
    public string Root { get; set; } = "";

    /// <summary>Where uploads in progress are kept until complete (<c>&lt;Data:Directory&gt;/uploads</c>).</summary>
    public string UploadsDirectory { get; set; } = "";

    /// <summary>Storage each institution may use unless an admin above it set another figure.</summary>
    public long QuotaBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    public long MaxVideoBytes { get; set; } = 4L * 1024 * 1024 * 1024;
    public long MaxAudioBytes { get; set; } = 500L * 1024 * 1024;
    public long MaxDocumentBytes { get; set; } = 200L * 1024 * 1024;
    public long MaxImageBytes { get; set; } = 30L * 1024 * 1024;
    public long MaxPieceBytes { get; set; } = 500L * 1024 * 1024;
    public long MaxSubtitleBytes { get; set; } = 1024 * 1024;

    /// <summary>An unfinished upload is forgotten (and its reserved quota freed) this long after its last bytes.</summary>
    public TimeSpan UploadExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A video in a course counts as seen once this share of it was played.</summary>
    public double SeenShare { get; set; } = 0.8;

    public long MaxBytesFor(string type) => type switch
    {
        ContentTypes.Video => MaxVideoBytes,
        ContentTypes.Audio => MaxAudioBytes,
        ContentTypes.Document => MaxDocumentBytes,
        ContentTypes.Image => MaxImageBytes,
        _ => 0,
    };

    /// <summary>File name extensions accepted per type (the file's content is judged again by the pipeline).</summary>
    public static IReadOnlyList<string> ExtensionsFor(string type) => type switch
    {
        ContentTypes.Video => [".mp4", ".m4v", ".mov", ".webm", ".mkv", ".3gp", ".avi", ".ts"],
        ContentTypes.Audio => [".mp3", ".m4a", ".aac", ".wav", ".ogg", ".oga", ".opus", ".flac", ".webm", ".amr"],
        ContentTypes.Document => [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp"],
        ContentTypes.Image => [".jpg", ".jpeg", ".png", ".webp", ".gif"],
        _ => [],
    };
}

/// <summary>The media worker (<c>Media:*</c>): where and how jobs run.</summary>
public sealed class MediaWorkerOptions
{
    public const string Section = "Media";

    /// <summary>Run a worker in this process (embedded mode). Web nodes of a cluster set it false.</summary>
    public bool Worker { get; set; } = true;

    /// <summary>Run as a media worker only: no HTTP, no silo, just the job loop (also <c>--Roles=media</c>).</summary>
    public bool WorkerOnly { get; set; }

    /// <summary>Jobs one worker runs at once; 1 on a 2-core server so transcodes never starve live classes.</summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    public int LeaseSeconds { get; set; } = 60;
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first retry waits this long; each next one twice as long.</summary>
    public int RetryBaseSeconds { get; set; } = 15;

    /// <summary>How often an idle worker looks for jobs queued by another process.</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>Scratch space for ffmpeg (default <c>&lt;Data:Directory&gt;/media-work</c>).</summary>
    public string WorkDirectory { get; set; } = "";

    /// <summary>x264 preset (veryfast by default).</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>ffmpeg threads per job (0: ffmpeg decides).</summary>
    public int Threads { get; set; }

    /// <summary>The main encode is stopped (and its job failed) after the media's duration times this.</summary>
    public double EncodeTimeoutFactor { get; set; } = 10;

    /// <summary>The least wall-clock time the main encode is given, in seconds.</summary>
    public double EncodeTimeoutMinimumSeconds { get; set; } = 120;

    public TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(2, LeaseSeconds));

    /// <summary>True for <c>--Media:WorkerOnly=true</c> or <c>--Roles=media</c>.</summary>
    public static bool IsWorkerOnly(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{Section}:WorkerOnly")
        || (configuration["Roles"] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .SequenceEqual(["media"], StringComparer.OrdinalIgnoreCase);
}
