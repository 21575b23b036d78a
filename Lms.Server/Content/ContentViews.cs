using System.ComponentModel.DataAnnotations;
using Lms.Grains.Content;
using Lms.Media.Content;

namespace Lms.Server.Content;

public sealed record ContentRequest(
    Guid? InstitutionId,
    [property: StringLength(20)] string? Type,
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(4000)] string? Description,
    [property: StringLength(100)] string? Subject,
    [property: StringLength(50)] string? Grade,
    [property: StringLength(50)] string? CurriculumCode,
    [property: StringLength(10)] string? Language,
    [property: StringLength(30)] string? Licence,
    [property: StringLength(20)] string? Visibility,
    IReadOnlyList<string>? Tags,
    [property: StringLength(2000)] string? Url);

public sealed record CourseItemRequest(
    Guid CourseId,
    Guid ModuleId,
    Guid ContentId,
    [property: StringLength(200)] string? Title);

public sealed record QuotaRequest([property: Range(0, long.MaxValue)] long QuotaBytes);

public sealed record PlayedRange(double Start, double End);

public sealed record WatchRequest(
    [property: Range(0, 1_000_000)] double PositionSeconds,
    [property: Range(0, 1_000_000)] double DurationSeconds,
    IReadOnlyList<PlayedRange>? Played);

public sealed record ContentSummaryView(
    Guid Id, string Type, string Title, string? Description, string? Subject, string? Grade, string Language, string Licence,
    string Visibility, IReadOnlyList<string> Tags, string Status, Guid InstitutionId, string InstitutionName, string OwnerName,
    bool Mine, DateTimeOffset UpdatedAt, double? DurationSeconds, string? ThumbnailUrl, string? Url);

public sealed record RenditionView(string Name, int Width, int Height, int Kbps);

public sealed record MediaView(
    Guid VersionId, int VersionNumber, string Kind, string? HlsUrl, string? PosterUrl, string? ThumbnailsUrl, string? DownloadUrl,
    string? PreviewUrl, string? SourceUrl, string? SourceName, double? DurationSeconds, int? Width, int? Height, int? Pages,
    IReadOnlyList<RenditionView> Renditions);

public sealed record JobView(Guid Id, string Kind, string State, double Progress, int Attempts, string? ErrorCode, string? ErrorMessage);

public sealed record SubtitleView(Guid Id, string Language, string Label, string Url);

public sealed record FailureView(int VersionNumber, string? Code, string Message, DateTimeOffset At);

public sealed record ContentItemView(
    Guid Id, string Type, string Title, string? Description, string? Subject, string? Grade, string? CurriculumCode,
    string Language, string Licence, string Visibility, IReadOnlyList<string> Tags, string Status, Guid InstitutionId,
    string InstitutionName, Guid OwnerId, string OwnerName, bool CanEdit, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? Url, MediaView? Media, JobView? Job, FailureView? LastFailure, IReadOnlyList<SubtitleView> Subtitles, int CourseUses);

public sealed record VersionView(
    Guid Id, int Number, string Status, string SourceName, long SourceBytes, long OutputBytes, double? DurationSeconds,
    string? ErrorCode, string? ErrorMessage, DateTimeOffset CreatedAt, DateTimeOffset? ReadyAt, bool Current);

public sealed record QuotaView(Guid InstitutionId, string InstitutionName, long UsedBytes, long QuotaBytes, int Items, bool CanChange);

public sealed record WatchView(double PositionSeconds, double DurationSeconds, double WatchedSeconds, double WatchedShare, bool Seen, bool Tracked);

public static class ContentViews
{
    public static string FileBase(Guid itemId, Guid versionId) => $"/api/content/items/{itemId}/v/{versionId}/";

    public static ContentSummaryView Summary(ContentItemRow c, Guid userId)
    {
        var manifest = MediaManifest.FromJson(c.CurrentManifest);
        string? thumbnail = null;
        if (manifest is not null && c.CurrentVersionId is { } version)
            thumbnail = (manifest.Poster ?? manifest.Preview) is { } path ? FileBase(c.Id, version) + path : null;
        return new ContentSummaryView(c.Id, c.Type, c.Title, c.Description, c.Subject, c.Grade, c.Language, c.Licence, c.Visibility,
            c.TagList, c.Status, c.InstitutionId, c.InstitutionName, c.OwnerName, c.OwnerId == userId, c.UpdatedAt, c.DurationSeconds,
            thumbnail, c.Url);
    }

    public static MediaView? Media(ContentItemRow item, ContentVersionRow? version)
    {
        var manifest = MediaManifest.FromJson(version?.Manifest);
        if (version is null || manifest is null || version.Status != VersionStatuses.Ready) return null;
        var root = FileBase(item.Id, version.Id);
        string? Url(string? path) => path is null ? null : root + path;
        var hasSource = item.Type is ContentTypes.Document or ContentTypes.Image && version.SourceKey is not null;
        return new MediaView(version.Id, version.Number, manifest.Kind, Url(manifest.Master), Url(manifest.Poster), Url(manifest.Thumbnails),
            manifest.Download is null ? null : Url(manifest.Download) + "?download=1", Url(manifest.Preview),
            hasSource ? $"/api/content/items/{item.Id}/source" : null, version.SourceName, manifest.DurationSeconds,
            manifest.Width, manifest.Height, manifest.Pages,
            manifest.Renditions.Select(r => new RenditionView(r.Name, r.Width, r.Height, r.Kbps)).ToList());
    }

    public static JobView Job(MediaJobRow job) =>
        new(job.Id, job.Kind, job.State, Math.Round(job.Progress, 4), job.Attempts, job.ErrorCode, job.ErrorMessage);

    public static VersionView Version(ContentVersionRow v, Guid? current) =>
        new(v.Id, v.Number, v.Status, v.SourceName, v.SourceBytes, v.OutputBytes, v.DurationSeconds, v.ErrorCode, v.ErrorMessage,
            v.CreatedAt, v.ReadyAt, v.Id == current);
}
