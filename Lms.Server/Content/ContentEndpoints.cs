using System.Text;
using Lms.Grains.Content;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Moocs;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>The content library's HTTP API, under <c>/api/content</c>.</summary>
public static class ContentEndpoints
{
    public static void MapContentEndpoints(this RouteGroupBuilder api)
    {
        var content = api.MapGroup("/content").WithTags("Content library");
        content.MapGet("/items", Search).WithSummary("Browse and search the library: filters, full text, paged.");
        content.MapPost("/items", Create).WithSummary("Add an item to the library (teachers and admins); files are then uploaded with tus.")
            .ProducesProblems(403, 400);

        var item = content.MapGroup("/items/{itemId:guid}").ProducesProblems(404);
        item.MapGet("", Get).WithSummary("An item with its media (player, poster, download), processing state and subtitles.");
        item.MapPut("", Update).ProducesProblems(403, 400).WithSummary("Change an item's description (owner or admin).");
        item.MapDelete("", Delete).WithSummary("Delete an item and its files (owner or admin); refused while a course uses it.")
            .ProducesProblems(403, 409);
        item.MapGet("/versions", Versions).ProducesProblems(403).WithSummary("Every uploaded version of an item (owner or admin).");
        item.MapDelete("/versions/{versionId:guid}", DeleteVersion).ProducesProblems(403, 409).WithSummary("Delete an old version and its files.");
        item.MapPost("/cancel", Cancel).ProducesProblems(403, 409).WithSummary("Stop processing the item's latest upload.");
        item.MapGet("/v/{versionId:guid}/{**path}", ContentFiles.ServeAsync)
            .WithSummary("A published file of a version: HLS playlists and segments, poster, thumbnails, download (range requests).");
        item.MapGet("/source", ContentFiles.ServeSourceAsync).WithSummary("The document or picture as uploaded.");
        item.MapPost("/subtitles", AddSubtitle).ProducesProblems(403).DisableAntiforgery()
            .WithSummary("Add subtitles (WebVTT or SRT) in a language (owner or admin).");
        item.MapGet("/subtitles/{subtitleId:guid}", ContentFiles.ServeSubtitleAsync).WithSummary("A subtitle track (WebVTT).");
        item.MapDelete("/subtitles/{subtitleId:guid}", DeleteSubtitle).ProducesProblems(403).WithSummary("Remove a subtitle track.");

        content.MapPost("/course-items", AddToCourse).ProducesProblems(403, 400).WithSummary("Use a library item in a course (its teachers).");
        content.MapGet("/watch/{courseId:guid}/{courseItemId:guid}", GetWatch).WithSummary("Where I stopped in a course video.")
            .ProducesProblems(404);
        content.MapPut("/watch/{courseId:guid}/{courseItemId:guid}", RecordWatch).ProducesProblems(404, 400)
            .WithSummary("Record my position and the stretches I played; past the seen share the item counts as seen.");

        content.MapGet("/quota", MyQuotas).WithSummary("Storage used and allowed, for each institution I administer.");
        content.MapGet("/quota/{institutionId:guid}", Quota).WithSummary("An institution's storage used and allowed (its admins).")
            .ProducesProblems(403, 404);
        content.MapPut("/quota/{institutionId:guid}", SetQuota).WithSummary("Set an institution's storage quota (admins of an institution above it).")
            .ProducesProblems(403, 404, 400);

        content.MapTusEndpoints();
        content.MapRecordingEndpoints();
        api.MapLessonRecordingEndpoints();
    }

    private static async Task<Page<ContentSummaryView>> Search(
        string? q, string? type, string? subject, string? grade, string? language, string? licence, string? tag, Guid? institutionId,
        string? scope, int? skip, int? take, HttpContext http, ContentRepository repo)
    {
        if (q is { Length: > 200 }) throw ProblemException.Invalid("q", "The search text is longer than 200 characters.");
        if (type is not null && !ContentTypes.All.Contains(type)) throw ProblemException.Invalid("type", $"Unknown type {type}.");
        scope ??= "all";
        if (scope is not ("all" or "mine" or "shared")) throw ProblemException.Invalid("scope", "The scope is all, mine or shared.");
        var userId = http.User.Id();
        var page = await repo.SearchAsync(userId, new ContentQuery
        {
            Text = q, Type = type, Subject = subject, Grade = grade, Language = language, Licence = licence, Tag = tag,
            InstitutionId = institutionId, Scope = scope,
        }, PageRequest.Of(skip, take ?? 24));
        return new Page<ContentSummaryView>(page.Items.Select(i => ContentViews.Summary(i, userId)).ToList(), page.Total, page.Skip, page.Take);
    }

    private static async Task<Created<ContentItemView>> Create(
        ContentRequest request, HttpContext http, InstitutionAccess institutions, ContentRepository repo, ContentAccess access,
        MediaJobRepository jobs)
    {
        if (request.InstitutionId is not { } institutionId) throw ProblemException.Invalid("institutionId", "Choose the institution the item belongs to.");
        var type = request.Type?.Trim().ToLowerInvariant() ?? "";
        if (!ContentTypes.All.Contains(type))
            throw ProblemException.Invalid("type", $"An item is one of: {string.Join(", ", ContentTypes.All)}.");
        await institutions.RequireAsync(http.User, institutionId, Roles.Teacher, Roles.Admin);
        var fields = CheckFields(request, type);
        var id = await repo.CreateAsync(institutionId, http.User.Id(), type, fields);
        return TypedResults.Created($"/api/content/items/{id}", await ViewAsync(await access.ViewAsync(http.User, id), repo, jobs));
    }

    private static async Task<ContentItemView> Get(Guid itemId, HttpContext http, ContentAccess access, ContentRepository repo, MediaJobRepository jobs) =>
        await ViewAsync(await access.ViewAsync(http.User, itemId), repo, jobs);

    private static async Task<ContentItemView> Update(
        Guid itemId, ContentRequest request, HttpContext http, ContentAccess access, ContentRepository repo, MediaJobRepository jobs)
    {
        var context = await access.EditAsync(http.User, itemId);
        await repo.UpdateAsync(itemId, context.Item.Type, CheckFields(request, context.Item.Type));
        return await ViewAsync(await access.ViewAsync(http.User, itemId), repo, jobs);
    }

    private static async Task<NoContent> Delete(Guid itemId, HttpContext http, ContentAccess access, ContentRepository repo, IContentStore store)
    {
        await access.EditAsync(http.User, itemId);
        var uses = await repo.CourseUsesAsync(itemId);
        if (uses > 0)
            throw ProblemException.Conflict($"{uses} course item(s) use this item: remove it from those courses first.");
        foreach (var key in await repo.DeleteAsync(itemId))
            await store.DeleteAsync(key);
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<VersionView>> Versions(Guid itemId, HttpContext http, ContentAccess access, ContentRepository repo)
    {
        var context = await access.EditAsync(http.User, itemId);
        return (await repo.VersionsAsync(itemId)).Select(v => ContentViews.Version(v, context.Item.CurrentVersionId)).ToList();
    }

    private static async Task<NoContent> DeleteVersion(
        Guid itemId, Guid versionId, HttpContext http, ContentAccess access, ContentRepository repo, IContentStore store)
    {
        var context = await access.EditAsync(http.User, itemId);
        if (context.Item.CurrentVersionId == versionId)
            throw ProblemException.Conflict("This is the version people see: upload a newer one before deleting it.");
        var version = await repo.GetVersionAsync(versionId);
        if (version is null || version.ItemId != itemId) throw ProblemException.NotFound("The version");
        if (version.Status == VersionStatuses.Processing) throw ProblemException.Conflict("This version is still being processed: cancel it first.");
        await repo.DeleteVersionAsync(itemId, versionId);
        if (version.SourceKey is not null) await store.DeleteAsync(version.SourceKey);
        if (version.OutputPrefix is not null) await store.DeleteAsync(version.OutputPrefix);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Cancel(
        Guid itemId, HttpContext http, ContentAccess access, ContentRepository repo, MediaJobRepository jobs, Db db)
    {
        await access.EditAsync(http.User, itemId);
        var job = await jobs.LatestForItemAsync(itemId);
        if (job is null || MediaJobStates.IsFinal(job.State)) throw ProblemException.Conflict("Nothing is being processed.");
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (!await jobs.CancelAsync(job.Id, connection, transaction)) return false;
            if (await repo.GetVersionAsync(job.SubjectId, connection, transaction) is { } version)
                await repo.FailVersionAsync(connection, transaction, version, VersionStatuses.Cancelled, "cancelled", "Processing was cancelled.");
            return true;
        });
        return TypedResults.NoContent();
    }

    private static async Task<Created<SubtitleView>> AddSubtitle(
        Guid itemId, IFormFile file, [Microsoft.AspNetCore.Mvc.FromForm] string? language, [Microsoft.AspNetCore.Mvc.FromForm] string? label,
        HttpContext http, ContentAccess access, ContentRepository repo, StorageQuota quota, IContentStore store, IOptions<ContentOptions> options)
    {
        var context = await access.EditAsync(http.User, itemId);
        if (context.Item.Type is not (ContentTypes.Video or ContentTypes.Audio))
            throw ProblemException.Invalid("file", "Subtitles go with videos and sound recordings.");
        if (file.Length == 0 || file.Length > options.Value.MaxSubtitleBytes)
            throw ProblemException.Invalid("file", "A subtitle file is between 1 byte and 1 MB.");
        var lang = string.IsNullOrWhiteSpace(language) ? "vi" : language.Trim().ToLowerInvariant();
        if (lang.Length > 10 || !lang.All(c => char.IsAsciiLetterLower(c) || c == '-'))
            throw ProblemException.Invalid("language", "The language is a code such as vi or en.");
        string text;
        using (var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            text = await reader.ReadToEndAsync();
        var vtt = Subtitles.ToWebVtt(text) ?? throw ProblemException.Invalid("file", "This is not a WebVTT or SRT subtitle file.");
        var id = Guid.CreateVersion7();
        var key = $"items/{itemId}/subtitles/{id}.vtt";
        var bytes = Encoding.UTF8.GetBytes(vtt);
        await store.PutAsync(key, new MemoryStream(bytes));
        var name = string.IsNullOrWhiteSpace(label) ? lang : label.Trim();
        // Subtitles count against the institution's storage like any file: their row is written under its quota lock.
        var reservation = await quota.ReserveAsync(context.Item.InstitutionId, bytes.Length, options.Value.QuotaBytes, (connection, transaction) =>
            repo.AddSubtitleAsync(connection, transaction, id, itemId, lang, name.Length > 100 ? name[..100] : name, key, bytes.Length, context.UserId));
        if (reservation is { Granted: false, Usage: var usage })
        {
            await store.DeleteAsync(key);
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.QuotaExceeded, "Storage quota exceeded",
                "The institution's storage is full: the subtitles cannot be kept.",
                new Dictionary<string, object?> { ["usedBytes"] = usage.UsedBytes, ["quotaBytes"] = usage.QuotaBytes });
        }
        return TypedResults.Created($"/api/content/items/{itemId}/subtitles/{id}",
            new SubtitleView(id, lang, name, $"/api/content/items/{itemId}/subtitles/{id}"));
    }

    private static async Task<NoContent> DeleteSubtitle(
        Guid itemId, Guid subtitleId, HttpContext http, ContentAccess access, ContentRepository repo, IContentStore store)
    {
        await access.EditAsync(http.User, itemId);
        var subtitle = (await repo.SubtitlesAsync(itemId)).FirstOrDefault(s => s.Id == subtitleId) ?? throw ProblemException.NotFound("The subtitles");
        await repo.DeleteSubtitleAsync(itemId, subtitleId);
        await store.DeleteAsync(subtitle.StoreKey);
        return TypedResults.NoContent();
    }

    private static async Task<Created<CourseItemCreated>> AddToCourse(
        CourseItemRequest request, HttpContext http, CourseAccess courses, ContentAccess access, ContentRepository repo)
    {
        await courses.TeachAsync(http.User, request.CourseId);
        var content = await access.ViewAsync(http.User, request.ContentId);
        var item = content.Item;
        var title = string.IsNullOrWhiteSpace(request.Title) ? item.Title : request.Title.Trim();
        var added = await repo.AddCourseItemAsync(request.CourseId, request.ModuleId, item.Type, title,
                        item.Type == ContentTypes.Link ? item.Url : null, item.Id)
                    ?? throw ProblemException.NotFound("The module");
        return TypedResults.Created($"/api/courses/{request.CourseId}", new CourseItemCreated(added.Id, added.Kind, added.Title, item.Id));
    }

    public sealed record CourseItemCreated(Guid Id, string Kind, string Title, Guid RefId);

    private static async Task<(CourseContext Course, ItemRow Item)> CourseVideoAsync(Guid courseId, Guid courseItemId, HttpContext http, CourseAccess courses, CourseRepository courseRepo)
    {
        var course = await courses.ViewAsync(http.User, courseId);
        var (_, items) = await courseRepo.OutlineAsync(courseId);
        var item = items.FirstOrDefault(i => i.Id == courseItemId && i.RefId is not null && i.Kind is ContentTypes.Video or ContentTypes.Audio)
                   ?? throw ProblemException.NotFound("The video");
        return (course, item);
    }

    private static async Task<WatchView> GetWatch(
        Guid courseId, Guid courseItemId, HttpContext http, CourseAccess courses, CourseRepository courseRepo, WatchRepository watch,
        IGrainFactory grains, IOptions<ContentOptions> options)
    {
        var (course, item) = await CourseVideoAsync(courseId, courseItemId, http, courses, courseRepo);
        if (!course.CanLearn) return new WatchView(0, 0, 0, 0, false, Tracked: false);
        var row = await watch.GetAsync(course.UserId, courseItemId);
        var progress = await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, course.UserId)).GetProgress();
        return new WatchView(row?.PositionSeconds ?? 0, row?.DurationSeconds ?? 0, row?.WatchedSeconds ?? 0, row?.WatchedShare ?? 0,
            progress.SeenItemIds.Contains(item.Id), Tracked: true);
    }

    private static async Task<WatchView> RecordWatch(
        Guid courseId, Guid courseItemId, WatchRequest request, HttpContext http, CourseAccess courses, CourseRepository courseRepo,
        ContentRepository repo, WatchRepository watch, GradingRepository grading, IGrainFactory grains, IOptions<ContentOptions> options)
    {
        var (course, item) = await CourseVideoAsync(courseId, courseItemId, http, courses, courseRepo);
        if (!course.CanLearn) return new WatchView(request.PositionSeconds, request.DurationSeconds, 0, 0, false, Tracked: false);
        if (request.Played is { Count: > 500 }) throw ProblemException.Invalid("played", "Report at most 500 stretches at a time.");
        // The duration the server measured wins over the player's.
        var content = await repo.GetAsync(item.RefId!.Value);
        var duration = content?.CurrentVersionId is { } versionId && (await repo.GetVersionAsync(versionId))?.DurationSeconds is { } measured
            ? measured : request.DurationSeconds;
        if (duration <= 0) throw ProblemException.Invalid("durationSeconds", "The video's duration is not known yet.");
        var before = (await watch.GetAsync(course.UserId, courseItemId))?.WatchedShare ?? 0;
        var row = await watch.RecordAsync(course.UserId, courseId, courseItemId, item.RefId!.Value, request.PositionSeconds, duration,
            (request.Played ?? []).Where(p => p.End > p.Start).Select(p => (p.Start, p.End)).ToList());
        var grain = grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, course.UserId));
        var seen = (await grain.GetProgress()).SeenItemIds.Contains(item.Id);
        if (!seen && row.WatchedShare >= options.Value.SeenShare)
            seen = (await grain.MarkSeen(item.Id)) is not null;
        // A graded course's rule may ask for another share than "seen": crossing it may complete the
        // course, so its standing is evaluated then (and the certificate issued if it now passes).
        else if (await grading.PolicyAsync(courseId) is not null
                 && (await grading.RulesAsync(courseId)).GetValueOrDefault(item.Id)?.MinPercent is { } min
                 && before * 100 < min && row.WatchedShare * 100 >= min)
            await grain.GetStanding();
        return new WatchView(row.PositionSeconds, row.DurationSeconds, row.WatchedSeconds, Math.Round(row.WatchedShare, 4), seen, Tracked: true);
    }

    private static async Task<IReadOnlyList<QuotaView>> MyQuotas(
        HttpContext http, UserRepository users, InstitutionRepository institutions, ContentRepository repo, IOptions<ContentOptions> options)
    {
        var result = new List<QuotaView>();
        foreach (var membership in (await users.MembershipsAsync(http.User.Id())).Where(m => m.Role == Roles.Admin))
        {
            var usage = await repo.UsageAsync(membership.InstitutionId, options.Value.QuotaBytes);
            var institution = await institutions.GetAsync(membership.InstitutionId);
            var canChange = institution?.ParentId is { } parent
                            && (await institutions.RolesAsync(http.User.Id(), (await institutions.GetAsync(parent))!)).Contains(Roles.Admin);
            result.Add(new QuotaView(membership.InstitutionId, membership.InstitutionName, usage.UsedBytes, usage.QuotaBytes, usage.Items, canChange));
        }
        return result;
    }

    private static async Task<QuotaView> Quota(
        Guid institutionId, HttpContext http, InstitutionAccess access, InstitutionRepository institutions, ContentRepository repo,
        IOptions<ContentOptions> options)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var usage = await repo.UsageAsync(institutionId, options.Value.QuotaBytes);
        return new QuotaView(institutionId, institution.Name, usage.UsedBytes, usage.QuotaBytes, usage.Items,
            await CanChangeQuotaAsync(http, institution, institutions));
    }

    private static async Task<QuotaView> SetQuota(
        Guid institutionId, QuotaRequest request, HttpContext http, InstitutionAccess access, InstitutionRepository institutions,
        ContentRepository repo, IOptions<ContentOptions> options)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (!await CanChangeQuotaAsync(http, institution, institutions))
            throw ProblemException.Forbidden("An institution's quota is set by an admin of the institution above it.");
        await repo.SetQuotaAsync(institutionId, request.QuotaBytes);
        var usage = await repo.UsageAsync(institutionId, options.Value.QuotaBytes);
        return new QuotaView(institutionId, institution.Name, usage.UsedBytes, usage.QuotaBytes, usage.Items, true);
    }

    private static async Task<bool> CanChangeQuotaAsync(HttpContext http, InstitutionRow institution, InstitutionRepository institutions)
    {
        if (institution.ParentId is not { } parentId) return false;
        var parent = await institutions.GetAsync(parentId);
        return parent is not null && (await institutions.RolesAsync(http.User.Id(), parent)).Contains(Roles.Admin);
    }

    public static async Task<ContentItemView> ViewAsync(ContentContext context, ContentRepository repo, MediaJobRepository jobs)
    {
        var c = context.Item;
        var versions = ContentTypes.WithFile.Contains(c.Type) ? await repo.VersionsAsync(c.Id) : [];
        var current = versions.FirstOrDefault(v => v.Id == c.CurrentVersionId);
        var latest = versions.FirstOrDefault();
        var job = latest is not null && (latest.Status == VersionStatuses.Processing || context.CanEdit)
            ? await jobs.LatestForItemAsync(c.Id) : null;
        FailureView? failure = null;
        if (context.CanEdit && latest is { Status: VersionStatuses.Failed or VersionStatuses.Cancelled } failed)
            failure = new FailureView(failed.Number, failed.ErrorCode, failed.ErrorMessage ?? "", failed.CreatedAt);
        var subtitles = c.Type is ContentTypes.Video or ContentTypes.Audio
            ? (await repo.SubtitlesAsync(c.Id)).Select(s => new SubtitleView(s.Id, s.Language, s.Label, $"/api/content/items/{c.Id}/subtitles/{s.Id}")).ToList()
            : [];
        return new ContentItemView(c.Id, c.Type, c.Title, c.Description, c.Subject, c.Grade, c.CurriculumCode, c.Language, c.Licence,
            c.Visibility, c.TagList, c.Status, c.InstitutionId, c.InstitutionName, c.OwnerId, c.OwnerName, context.CanEdit, c.CreatedAt,
            c.UpdatedAt, c.Url, ContentViews.Media(c, current), job is null ? null : ContentViews.Job(job), failure, subtitles,
            context.CanEdit ? await repo.CourseUsesAsync(c.Id) : 0);
    }

    private static ContentFields CheckFields(ContentRequest request, string type)
    {
        var licence = string.IsNullOrWhiteSpace(request.Licence) ? Licences.AllRightsReserved : request.Licence.Trim().ToLowerInvariant();
        if (!Licences.All.Contains(licence)) throw ProblemException.Invalid("licence", $"The licence is one of: {string.Join(", ", Licences.All)}.");
        var visibility = string.IsNullOrWhiteSpace(request.Visibility) ? ContentVisibility.Private : request.Visibility.Trim().ToLowerInvariant();
        if (!ContentVisibility.All.Contains(visibility))
            throw ProblemException.Invalid("visibility", $"The visibility is one of: {string.Join(", ", ContentVisibility.All)}.");
        var language = string.IsNullOrWhiteSpace(request.Language) ? "vi" : request.Language.Trim().ToLowerInvariant();
        if (!language.All(ch => char.IsAsciiLetterLower(ch) || ch == '-')) throw ProblemException.Invalid("language", "The language is a code such as vi or en.");
        var tags = (request.Tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (tags.Count > 20 || tags.Any(t => t.Length > 50)) throw ProblemException.Invalid("tags", "At most 20 tags of up to 50 characters each.");
        string? url = null;
        if (type == ContentTypes.Link)
        {
            if (!Uri.TryCreate(request.Url?.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw ProblemException.Invalid("url", "A link needs a full http or https address.");
            url = uri.ToString();
        }
        return new ContentFields
        {
            Title = request.Title.Trim(), Description = Clean(request.Description), Subject = Clean(request.Subject),
            Grade = Clean(request.Grade), CurriculumCode = Clean(request.CurriculumCode), Language = language, Licence = licence,
            Visibility = visibility, Tags = tags, Url = url,
        };
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
