namespace Lms.Grains.Content;

/// <summary>What a library item is. Media types get a file (and a version per upload); a link is an address.</summary>
public static class ContentTypes
{
    public const string Video = "video";
    public const string Audio = "audio";
    public const string Document = "document";
    public const string Image = "image";
    public const string Link = "link";

    public static readonly IReadOnlyList<string> All = [Video, Audio, Document, Image, Link];

    /// <summary>Types that hold an uploaded file.</summary>
    public static readonly IReadOnlyList<string> WithFile = [Video, Audio, Document, Image];
}

/// <summary>Who may find and use an item: its owner only, its institution's people, or every institution.</summary>
public static class ContentVisibility
{
    public const string Private = "private";
    public const string Institution = "institution";
    public const string Shared = "shared";

    public static readonly IReadOnlyList<string> All = [Private, Institution, Shared];
}

/// <summary>The Creative Commons licences, public domain dedication, or all rights reserved.</summary>
public static class Licences
{
    public const string AllRightsReserved = "all-rights-reserved";

    public static readonly IReadOnlyList<string> All =
        ["cc-by", "cc-by-sa", "cc-by-nd", "cc-by-nc", "cc-by-nc-sa", "cc-by-nc-nd", "cc0", AllRightsReserved];
}

public static class ContentStatuses
{
    /// <summary>Created, no file yet.</summary>
    public const string Draft = "draft";

    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

public static class VersionStatuses
{
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
}

public static class RecordingStatuses
{
    public const string Recording = "recording";
    public const string Finishing = "finishing";
    public const string Published = "published";
    public const string Failed = "failed";
}

public static class PieceStatuses
{
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>The metadata a teacher fills in.</summary>
public sealed record ContentFields
{
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public string? Subject { get; init; }
    public string? Grade { get; init; }
    public string? CurriculumCode { get; init; }
    public string Language { get; init; } = "vi";
    public string Licence { get; init; } = Licences.AllRightsReserved;
    public string Visibility { get; init; } = ContentVisibility.Private;
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string? Url { get; init; }
}

public sealed record ContentItemRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public string InstitutionPath { get; init; } = "";
    public Guid OwnerId { get; init; }
    public string OwnerName { get; init; } = "";
    public string Type { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Description { get; init; }
    public string? Subject { get; init; }
    public string? Grade { get; init; }
    public string? CurriculumCode { get; init; }
    public string Language { get; init; } = "";
    public string Licence { get; init; } = "";
    public string Visibility { get; init; } = "";
    public string? Tags { get; init; }
    public string? Url { get; init; }
    public string Status { get; init; } = "";
    public Guid? CurrentVersionId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The current version's manifest (JSON) and duration, when listed.</summary>
    public string? CurrentManifest { get; init; }
    public double? DurationSeconds { get; init; }

    public IReadOnlyList<string> TagList =>
        string.IsNullOrEmpty(Tags) ? [] : Tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public sealed record ContentVersionRow
{
    public Guid Id { get; init; }
    public Guid ItemId { get; init; }
    public int Number { get; init; }
    public string Status { get; init; } = "";
    public string? SourceKey { get; init; }
    public string SourceName { get; init; } = "";
    public string? SourceType { get; init; }
    public long SourceBytes { get; init; }
    public string? SourceSha1 { get; init; }
    public string? OutputPrefix { get; init; }
    public long OutputBytes { get; init; }
    public string? Manifest { get; init; }
    public double? DurationSeconds { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public Guid? PublishedByJob { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadyAt { get; init; }
}

public sealed record SubtitleRow
{
    public Guid Id { get; init; }
    public Guid ItemId { get; init; }
    public string Language { get; init; } = "";
    public string Label { get; init; } = "";
    public string StoreKey { get; init; } = "";
    public long Bytes { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What to look for in the library; null filters match everything.</summary>
public sealed record ContentQuery
{
    public string? Text { get; init; }
    public string? Type { get; init; }
    public string? Subject { get; init; }
    public string? Grade { get; init; }
    public string? Language { get; init; }
    public string? Licence { get; init; }
    public string? Tag { get; init; }
    public Guid? InstitutionId { get; init; }

    /// <summary>all (everything I may see), mine, or shared (with every institution).</summary>
    public string Scope { get; init; } = "all";
}

public sealed record QuotaUsage(long UsedBytes, long QuotaBytes, int Items);
