using Lms.Grains.Courses;
using Lms.Grains.Scorm;
using Lms.Server.Content;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Lms.Server.Scorm;

public sealed record ScoView(string Id, string Title, bool IsSco, string? LessonStatus, string? CompletionStatus, string? SuccessStatus,
    double? Score, double Seconds, bool Completed);

/// <summary>A SCORM item as its viewer sees it: the package's launchable items with the viewer's own progress in each.</summary>
public sealed record ScormItemView(Guid ItemId, Guid PackageId, string Title, string Version, string? Edition, int EntryCount, long UnpackedBytes,
    IReadOnlyList<ScoView> Scos, string ResumeScoId, bool Learner, bool Completed, double? Score);

/// <summary>What the runtime starts a SCO from: saved by earlier sessions (null for a first launch).</summary>
public sealed record ScormResume(string? LessonStatus, string? CompletionStatus, string? SuccessStatus, double? ScoreRaw, double? ScoreMin,
    double? ScoreMax, double? ScoreScaled, double TotalSeconds, string? Location, string? SuspendData, string? ExitMode);

/// <param name="RuntimeUrl">The runtime page on the content origin; the player frames it.</param>
/// <param name="Tracked">False for the course's staff: they try the lesson, nothing is saved.</param>
public sealed record ScormLaunch(string RuntimeUrl, string ContentOrigin, string Version, string ScoId, string Href, string? Parameters,
    string? LaunchData, double? MasteryScore, string LearnerId, string LearnerName, bool Tracked, string SessionId, ScormResume? Resume);

/// <summary>The runtime's data after a commit (LMSCommit, Commit, LMSFinish, Terminate), as the SCO set it.</summary>
public sealed record ScormCommitRequest(string SessionId, string? LessonStatus, string? CompletionStatus, string? SuccessStatus,
    double? ScoreRaw, double? ScoreMin, double? ScoreMax, double? ScoreScaled, string? SessionTime, string? Location, string? SuspendData, string? Exit);

public sealed record ScormCommitResult(bool Completed, double? Score, double TotalSeconds);

public static class ScormEndpoints
{
    private static readonly string[] LessonStatuses = ["passed", "completed", "failed", "incomplete", "browsed", "not attempted"];
    private static readonly string[] CompletionStatuses = ["completed", "incomplete", "not attempted", "unknown"];
    private static readonly string[] SuccessStatuses = ["passed", "failed", "unknown"];
    private static readonly string[] Exits = ["", "time-out", "timeout", "suspend", "logout", "normal"];

    public static void MapScormEndpoints(this RouteGroupBuilder api)
    {
        var course = api.MapGroup("/courses/{courseId:guid}").WithTags("SCORM").ProducesProblems(404);
        course.MapPost("/modules/{moduleId:guid}/scorm", Upload).ProducesProblems(400, 403, 413).DisableAntiforgery()
            .Accepts<Stream>("application/zip")
            .WithSummary("Adds a SCORM 1.2 or 2004 package (the zip as the body; ?title=) as an item at the end of the module (the course's teachers).");
        course.MapGet("/items/{itemId:guid}/scorm", Get).WithSummary("The item's package: its launchable items, with my progress in each.");
        course.MapGet("/items/{itemId:guid}/scorm/launch", Launch).ProducesProblems(400, 503)
            .WithSummary("Starts a SCO (?sco=, else where I left off): the runtime page's address on the content origin, with a short-lived token, and what I saved.");
        course.MapPut("/items/{itemId:guid}/scorm/runtime/{scoId}", Commit).ProducesProblems(400, 403, 409)
            .WithSummary("Saves what the SCO committed (statuses, score, session time, location, suspend data): the course's learners.");
    }

    private static async Task<IResult> Upload(Guid courseId, Guid moduleId, string? title, HttpContext http, CourseAccess access,
        CourseRepository courses, ScormRepository scorm, IContentStore store, IOptions<ScormOptions> options, ILoggerFactory logs)
    {
        var course = await access.TeachAsync(http.User, courseId);
        var limits = options.Value.Limits;
        if (http.Request.ContentLength > limits.MaxPackageBytes)
            throw Refused(StatusCodes.Status413PayloadTooLarge, new ScormRefusal("scorm-too-large", $"The package is larger than {limits.MaxPackageBytes} bytes."));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limits.MaxPackageBytes;

        var work = Path.Combine(Path.GetTempPath(), "lms-scorm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var zip = Path.Combine(work, "package.zip");
            await using (var file = File.Create(zip))
            {
                try
                {
                    await http.Request.Body.CopyToAsync(file, http.RequestAborted);
                }
                catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    throw Refused(StatusCodes.Status413PayloadTooLarge, new ScormRefusal("scorm-too-large", $"The package is larger than {limits.MaxPackageBytes} bytes."));
                }
            }
            ScormManifest manifest;
            try
            {
                manifest = ScormPackageReader.Unpack(zip, Path.Combine(work, "files"), limits);
            }
            catch (ScormRefusal refusal)
            {
                throw Refused(refusal.Code == "scorm-too-large" ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest, refusal);
            }
            var packageId = Guid.CreateVersion7();
            await store.PutDirectoryAsync($"scorm/{packageId:N}", Path.Combine(work, "files"), http.RequestAborted);
            var name = string.IsNullOrWhiteSpace(title) ? manifest.Title : title.Trim();
            if (name.Length > 300) name = name[..300];
            await scorm.AddPackageAsync(packageId, course.Course.InstitutionId, name, manifest, course.UserId);
            var item = await courses.AddItemAsync(courseId, moduleId, ScormRepository.ItemKind, name, null, null, packageId);
            if (item is null)
            {
                await store.DeleteAsync($"scorm/{packageId:N}/");
                throw ProblemException.NotFound("The module");
            }
            logs.CreateLogger("Lms.Scorm").LogInformation("SCORM {Version} package {PackageId} ({Entries} files) added to course {CourseId}",
                manifest.Version, packageId, manifest.EntryCount, courseId);
            return Results.Created($"/api/courses/{courseId}/items/{item.Id}/scorm", await ViewAsync(course, item, scorm));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<ScormItemView> Get(Guid courseId, Guid itemId, HttpContext http, CourseAccess access, CourseRepository courses, ScormRepository scorm)
    {
        var course = await access.ViewAsync(http.User, courseId);
        return await ViewAsync(course, await ItemAsync(courses, courseId, itemId), scorm);
    }

    private static async Task<ScormLaunch> Launch(Guid courseId, Guid itemId, string? sco, HttpContext http, CourseAccess access, CourseRepository courses,
        ScormRepository scorm, ScormTokens tokens, ScormContentServer content, IOptions<ScormOptions> options)
    {
        var course = await access.ViewAsync(http.User, courseId);
        var item = await ItemAsync(courses, courseId, itemId);
        var package = await PackageAsync(scorm, item);
        var launchables = package.Items;
        var rows = course.CanLearn ? await scorm.ForItemAsync(itemId, course.UserId) : [];
        var chosen = sco is null ? launchables.First(l => l.Identifier == ResumeSco(launchables, rows))
            : launchables.FirstOrDefault(l => l.Identifier == sco)
              ?? throw ProblemException.Invalid("sco", "The package has no such item.", "scorm-no-such-sco", sco);
        var origin = content.OriginFor(http.Request)
                     ?? throw new ProblemException(StatusCodes.Status503ServiceUnavailable, ProblemTypes.Unavailable, "SCORM lessons cannot be opened now.",
                         "The SCORM content server is not running; see the server log.", new Dictionary<string, object?> { ["code"] = "scorm-content-down" });
        var appOrigin = $"{http.Request.Scheme}://{http.Request.Host}";
        var token = tokens.Issue(new ScormGrant(package.Id, appOrigin), options.Value.TokenLifetime);
        var saved = rows.FirstOrDefault(r => r.ScoId == chosen.Identifier);
        return new ScormLaunch($"{origin}/runtime/{token}", origin, package.Version, chosen.Identifier,
            string.Join('/', chosen.Href.Split('/').Select(Uri.EscapeDataString)), chosen.Parameters, chosen.LaunchData, chosen.MasteryScore,
            course.UserId.ToString(), http.User.Identity?.Name ?? "", course.CanLearn, Guid.NewGuid().ToString("N"),
            saved is null ? null : new ScormResume(saved.LessonStatus, saved.CompletionStatus, saved.SuccessStatus, saved.ScoreRaw, saved.ScoreMin,
                saved.ScoreMax, saved.ScoreScaled, saved.AllSeconds, saved.Location, saved.SuspendData, saved.ExitMode));
    }

    private static async Task<ScormCommitResult> Commit(Guid courseId, Guid itemId, string scoId, ScormCommitRequest request, HttpContext http,
        CourseAccess access, CourseRepository courses, ScormRepository scorm, IGrainFactory grains)
    {
        var course = await access.ViewAsync(http.User, courseId);
        if (!course.CanLearn) throw ProblemException.Forbidden("Only the course's learners' SCORM data is kept.");
        var item = await ItemAsync(courses, courseId, itemId);
        var package = await PackageAsync(scorm, item);
        if (package.Items.All(l => l.Identifier != scoId)) throw ProblemException.Invalid("scoId", "The package has no such item.", "scorm-no-such-sco", scoId);
        await WorkWindows.RequireOpenAsync(http.RequestServices, courseId, course.UserId, itemId);
        var commit = Validate(scoId, request);
        var row = await scorm.CommitAsync(itemId, course.UserId, commit);
        var grain = grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, course.UserId));
        // Opening the lesson counts it as seen; a finished or scored SCO may be what completes a graded course.
        await grain.MarkSeen(itemId);
        if (row.Completed || row.Score is not null) await grain.GetStanding();
        var state = ScormItemStateSource.StateOf(package.Items, await scorm.ForItemAsync(itemId, course.UserId), true);
        return new ScormCommitResult(state.Completed, state.Score, row.AllSeconds);
    }

    private static ScormCommit Validate(string scoId, ScormCommitRequest r)
    {
        static string? OneOf(string field, string? value, string[] allowed) =>
            string.IsNullOrEmpty(value) ? null
            : allowed.Contains(value) ? value
            : throw ProblemException.Invalid(field, $"{value} is not a SCORM value for {field}.", "scorm-bad-value", value);
        static double? Number(string field, double? value) =>
            value is { } v && (double.IsNaN(v) || double.IsInfinity(v) || Math.Abs(v) > 1e9)
                ? throw ProblemException.Invalid(field, "Not a usable number.", "scorm-bad-value", v.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : value;
        if (string.IsNullOrWhiteSpace(r.SessionId) || r.SessionId.Length > 40) throw ProblemException.Invalid("sessionId", "A session id of at most 40 characters.", "scorm-bad-value");
        if (r.SuspendData is { Length: > 64_000 }) throw ProblemException.Invalid("suspendData", "Suspend data is limited to 64 000 characters.", "scorm-suspend-too-long");
        if (r.Location is { Length: > 1000 }) throw ProblemException.Invalid("location", "The location is limited to 1 000 characters.", "scorm-bad-value");
        var seconds = ScormTime.Seconds(r.SessionTime)
                      ?? throw ProblemException.Invalid("sessionTime", "Neither HHHH:MM:SS nor an ISO 8601 duration.", "scorm-bad-value", r.SessionTime);
        if (r.ScoreScaled is < -1 or > 1) throw ProblemException.Invalid("scoreScaled", "A scaled score is between -1 and 1.", "scorm-bad-value");
        return new ScormCommit(scoId, r.SessionId, OneOf("lessonStatus", r.LessonStatus, LessonStatuses),
            OneOf("completionStatus", r.CompletionStatus, CompletionStatuses), OneOf("successStatus", r.SuccessStatus, SuccessStatuses),
            Number("scoreRaw", r.ScoreRaw), Number("scoreMin", r.ScoreMin), Number("scoreMax", r.ScoreMax), r.ScoreScaled,
            seconds, r.Location, r.SuspendData, OneOf("exit", r.Exit ?? "", Exits));
    }

    private static async Task<ScormItemView> ViewAsync(CourseContext course, ItemRow item, ScormRepository scorm)
    {
        var package = await PackageAsync(scorm, item);
        var rows = course.CanLearn ? await scorm.ForItemAsync(item.Id, course.UserId) : [];
        var launchables = package.Items;
        var scos = launchables.Select(l =>
        {
            var r = rows.FirstOrDefault(x => x.ScoId == l.Identifier);
            return new ScoView(l.Identifier, l.Title, l.IsSco, r?.LessonStatus, r?.CompletionStatus, r?.SuccessStatus, r?.Score, r?.AllSeconds ?? 0,
                r?.Completed ?? false);
        }).ToList();
        var state = ScormItemStateSource.StateOf(launchables, rows, rows.Count > 0);
        return new ScormItemView(item.Id, package.Id, item.Title, package.Version, package.Edition, package.EntryCount, package.UnpackedBytes, scos,
            ResumeSco(launchables, rows), course.CanLearn, state.Completed, state.Score);
    }

    /// <summary>Where the learner left off: the SCO they last saved in, unless it is done and another is not; else the first.</summary>
    private static string ResumeSco(IReadOnlyList<ScormLaunchable> launchables, IReadOnlyList<ScormRuntimeRow> rows)
    {
        var last = rows.OrderByDescending(r => r.UpdatedAt).FirstOrDefault(r => launchables.Any(l => l.Identifier == r.ScoId));
        if (last is not null && !last.Completed) return last.ScoId;
        var next = launchables.FirstOrDefault(l => l.IsSco && !rows.Any(r => r.ScoId == l.Identifier && r.Completed));
        return next?.Identifier ?? last?.ScoId ?? launchables[0].Identifier;
    }

    private static async Task<ItemRow> ItemAsync(CourseRepository courses, Guid courseId, Guid itemId)
    {
        var (_, items) = await courses.OutlineAsync(courseId);
        return items.FirstOrDefault(i => i.Id == itemId && i.Kind == ScormRepository.ItemKind) ?? throw ProblemException.NotFound("The SCORM item");
    }

    private static async Task<ScormPackageRow> PackageAsync(ScormRepository scorm, ItemRow item) =>
        (item.RefId is { } id ? await scorm.GetPackageAsync(id) : null) ?? throw ProblemException.NotFound("The SCORM package");

    private static ProblemException Refused(int status, ScormRefusal refusal)
    {
        var extensions = new Dictionary<string, object?>
        {
            ["code"] = refusal.Code, ["errors"] = new Dictionary<string, string[]> { ["package"] = [refusal.Message] },
        };
        if (refusal.Value is not null) extensions["value"] = refusal.Value;
        return new ProblemException(status, status == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.TooLarge : ProblemTypes.Validation,
            "The SCORM package was refused.", refusal.Message, extensions);
    }
}
