using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Moocs;
using Lms.Server.Communication.Mail;
using Lms.Server.Courses;
using Lms.Server.Credentials;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Moocs;

public sealed record CatalogueCard(
    Guid Id, string Slug, string Title, string? Summary, Guid InstitutionId, string InstitutionName, string Subject,
    string Language, string Level, int? EffortHoursPerWeek, int? DurationWeeks, int? Credits, decimal? Ects, long PriceVnd,
    string? ImageUrl, DateTimeOffset? NextRunStartsAt, string? NextRunPace);

public sealed record FacetView(string Value, string? Label, int Count);

public sealed record FacetsView(
    IReadOnlyList<FacetView> Subjects, IReadOnlyList<FacetView> Institutions, IReadOnlyList<FacetView> Languages, IReadOnlyList<FacetView> Levels);

public sealed record RunView(
    Guid Id, Guid MoocId, Guid CourseId, string Label, string Pace, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? Cap, int Enrolled,
    int? SeatsLeft, bool Open, bool Published);

public sealed record CatalogueDetail(
    CatalogueCard Course, string? Syllabus, IReadOnlyList<string> Instructors, IReadOnlyList<RunView> Runs,
    IReadOnlyList<Guid> MyRunIds, bool CanManage);

public sealed record CatalogueEntryRequest(
    [property: StringLength(100)] string? Slug,
    [property: Required, StringLength(100, MinimumLength = 2)] string Subject,
    [property: Required, StringLength(10, MinimumLength = 2)] string Language,
    [property: Required, StringLength(20)] string Level,
    [property: StringLength(20000)] string? Syllabus,
    [property: StringLength(2000)] string? Instructors,
    [property: Range(1, 80)] int? EffortHoursPerWeek,
    [property: Range(1, 104)] int? DurationWeeks,
    [property: Range(0, 30)] int? Credits,
    [property: Range(0, 60)] decimal? Ects,
    [property: Range(0, 1_000_000_000)] long PriceVnd,
    [property: StringLength(2000)] string? ImageUrl);

public sealed record RunRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Label,
    [property: Required, StringLength(20)] string Pace,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    [property: Range(1, 1_000_000)] int? Cap,
    Guid? CopyFromRunId);

public sealed record RunSignUpRequest(
    [property: Required, StringLength(200, MinimumLength = 2)] string DisplayName,
    [property: Required, EmailAddress, StringLength(256)] string Email,
    [property: Required, StringLength(Passwords.MaximumLength)] string Password,
    [property: StringLength(5)] string? Language = null);

/// <summary>What happens next after a sign-up: the person confirms their address from the mail.</summary>
public sealed record SignUpView(string Next);

public sealed record EnrolmentView(Guid RunId, Guid CourseId, string Outcome, RunStats Stats);

/// <summary>A run's figures; certificates and credit records in force are counted apart (one pass issues both in a credit-bearing MOOC).</summary>
public sealed record RunStatsView(RunView Run, int Passed, int ActiveLastWeek, int CertificatesIssued, int CreditRecordsIssued, int CredentialsToReview);

public sealed record MyLearningView(MyRunRow Run, string? LetterGrade);

public sealed record MoocManageView(CatalogueCard? Entry, string? Syllabus, string? Instructors, IReadOnlyList<RunView> Runs, string CourseStatus);

public static class MoocEndpoints
{
    public static IServiceCollection AddMoocs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCourseStanding();
        services.AddSingleton<ForumRepository>();
        services.AddSingleton<CatalogueCache>();
        services.AddSingleton<ICourseChanged>(sp => sp.GetRequiredService<CatalogueCache>());
        services.AddSingleton<SubmissionFiles>();
        services.AddSingleton<CataloguePages>();
        services.AddSingleton<MoocDemo>();
        return services;
    }

    /// <summary>The server-rendered catalogue and verification pages at the root, and the API under <paramref name="api"/>.</summary>
    public static void MapMoocs(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        CataloguePages.Map(app);

        var catalogue = api.MapGroup("/catalogue").WithTags("Catalogue").AllowAnonymous();
        catalogue.ProducesProblemsOfIdsAndBodies();
        catalogue.MapGet("", Search).WithSummary("Published MOOCs: search, filters (subject, institution, language, level, credit-bearing), paged.");
        catalogue.MapGet("/facets", Facets).WithSummary("The values each filter can take, with counts.");
        catalogue.MapGet("/{slug}", Detail).WithSummary("A published MOOC with its runs.");

        var runs = api.MapGroup("/moocs").WithTags("MOOCs");
        runs.ProducesProblemsOfIdsAndBodies();
        runs.MapPost("/runs/{runId:guid}/sign-up", SignUp).AllowAnonymous()
            .WithSummary("Create a learner account, sign in and enrol in the run, in one step.");
        runs.MapPost("/runs/{runId:guid}/enrol", Enrol).WithSummary("Enrol myself in a run.");
        runs.MapGet("/mine", MyLearning).WithSummary("The MOOC runs I am enrolled in, with my result.");
        runs.MapGet("/{moocId:guid}", Manage).WithSummary("A MOOC's catalogue entry and runs (its teachers).");
        runs.MapPut("/{moocId:guid}", SaveEntry).WithSummary("Create or change a MOOC's catalogue entry (its first run is made with it).");
        runs.MapPost("/{moocId:guid}/runs", CreateRun).WithSummary("A new run: the content of an earlier run copied into a new course.");
        runs.MapPut("/runs/{runId:guid}", UpdateRun).WithSummary("Change a run's label, pace, dates or cap.");
        runs.MapGet("/runs/{runId:guid}/stats", Stats).WithSummary("A run's enrolments, passes and activity.");

        GradingEndpoints.Map(api);
        RunExtensionEndpoints.Map(runs);
        ItemDueEndpoints.Map(api);
        AssignmentEndpoints.Map(api);
        ForumEndpoints.Map(api);
    }

    // ---- Catalogue ----

    private static async Task<Page<CatalogueCard>> Search(
        string? q, string? subject, Guid? institution, string? language, string? level, bool? credit, int? skip, int? take,
        HttpContext http, CatalogueCache cache, MoocRepository moocs)
    {
        if (q is { Length: > 100 }) throw ProblemException.Invalid("q", "The search text is longer than 100 characters.");
        var page = PageRequest.Of(skip, take ?? 12);
        var query = new CatalogueQuery(q, subject, institution, language, level, credit ?? false);
        var key = $"search|{q?.Trim().ToLowerInvariant()}|{subject}|{institution}|{language}|{level}|{credit}|{page.Skip}|{page.Take}";
        http.Response.Headers.CacheControl = "public, max-age=30";
        return await cache.GetAsync(key, async () =>
        {
            var found = await moocs.SearchAsync(query, page);
            var cards = new List<CatalogueCard>();
            foreach (var row in found.Items) cards.Add(Card(row, await moocs.RunsAsync(row.Id)));
            return new Page<CatalogueCard>(cards, found.Total, found.Skip, found.Take);
        });
    }

    private static async Task<FacetsView> Facets(HttpContext http, CatalogueCache cache, MoocRepository moocs)
    {
        http.Response.Headers.CacheControl = "public, max-age=30";
        return await cache.GetAsync("facets", async () =>
        {
            var (subjects, institutions, languages, levels) = await moocs.FacetsAsync();
            static List<FacetView> V(IReadOnlyList<FacetRow> rows) => rows.Select(r => new FacetView(r.Value, r.Label, r.Count)).ToList();
            return new FacetsView(V(subjects), V(institutions), V(languages), V(levels));
        });
    }

    private sealed record CachedEntry(CatalogueRow Row);

    private static async Task<CatalogueDetail> Detail(
        string slug, HttpContext http, CatalogueCache cache, MoocRepository moocs, CourseRepository courses, IGrainFactory grains,
        CourseAccess access)
    {
        var entry = await cache.GetAsync("slug|" + slug, async () => new CachedEntry(await moocs.PublishedBySlugAsync(slug) ?? new CatalogueRow()));
        if (entry.Row.Id == Guid.Empty) throw ProblemException.NotFound("The course");
        var runs = await RunViewsAsync(entry.Row.Id, moocs, courses, grains);
        var mine = new List<Guid>();
        var canManage = false;
        if (http.User.Identity?.IsAuthenticated == true)
        {
            var userId = http.User.Id();
            foreach (var run in runs)
                if (await moocs.IsEnrolledAsync(run.CourseId, userId)) mine.Add(run.Id);
            try
            {
                canManage = (await access.ViewAsync(http.User, entry.Row.Id)).CanTeach;
            }
            catch (ProblemException) { }
        }
        return new CatalogueDetail(Card(entry.Row, await moocs.RunsAsync(entry.Row.Id)), entry.Row.Syllabus, Instructors(entry.Row.Instructors),
            runs.Where(r => r.Published).ToList(), mine, canManage);
    }

    public static IReadOnlyList<string> Instructors(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static CatalogueCard Card(CatalogueRow row, IReadOnlyList<RunRow> runs)
    {
        var (startsAt, pace) = NextRun(runs, DateTimeOffset.UtcNow);
        return new CatalogueCard(row.Id, row.Slug, row.Title, row.Summary, row.InstitutionId, row.InstitutionName, row.Subject, row.Language,
            row.Level, row.EffortHoursPerWeek, row.DurationWeeks, row.Credits, row.Ects, row.PriceVnd, row.ImageUrl, startsAt, pace);
    }

    /// <summary>
    /// The next run a newcomer can join: the open run that has not started yet and starts soonest, with its
    /// start; when none is still to start, an open run already under way, without a start date (it is open now).
    /// </summary>
    public static (DateTimeOffset? StartsAt, string? Pace) NextRun(IReadOnlyList<RunRow> runs, DateTimeOffset now)
    {
        var open = runs.Where(r => r.OpenAt(now)).ToList();
        if (open.Where(r => r.StartsAt > now).OrderBy(r => r.StartsAt).FirstOrDefault() is { } upcoming) return (upcoming.StartsAt, upcoming.Pace);
        return (null, open.OrderByDescending(r => r.StartsAt ?? DateTimeOffset.MinValue).FirstOrDefault()?.Pace);
    }

    private static async Task<List<RunView>> RunViewsAsync(Guid moocId, MoocRepository moocs, CourseRepository courses, IGrainFactory grains)
    {
        var views = new List<RunView>();
        foreach (var run in await moocs.RunsAsync(moocId))
        {
            var stats = await grains.GetGrain<ICourseRunGrain>(run.Id).GetStats();
            var published = (await courses.GetAsync(run.CourseId))?.Status == CourseStatuses.Published;
            views.Add(RunViewOf(run, stats, published));
        }
        return views;
    }

    public static RunView RunViewOf(RunRow run, RunStats stats, bool published) => new(
        run.Id, run.MoocId, run.CourseId, run.Label, run.Pace, run.StartsAt, run.EndsAt, run.EnrolCap, stats.Enrolled,
        run.EnrolCap is { } cap ? Math.Max(0, cap - stats.Enrolled) : null, stats.Open, published);

    // ---- Enrolment ----

    private static async Task<RunRow> OpenRunAsync(Guid runId, MoocRepository moocs, CourseRepository courses)
    {
        var run = await moocs.RunAsync(runId) ?? throw ProblemException.NotFound("The run");
        var mooc = await courses.GetAsync(run.MoocId);
        var runCourse = await courses.GetAsync(run.CourseId);
        if (mooc?.Status != CourseStatuses.Published || runCourse?.Status != CourseStatuses.Published)
            throw ProblemException.NotFound("The run");
        return run;
    }

    private static async Task<Results<Created<EnrolmentView>, Ok<EnrolmentView>>> Enrol(
        Guid runId, HttpContext http, MoocRepository moocs, CourseRepository courses, IGrainFactory grains)
    {
        var run = await OpenRunAsync(runId, moocs, courses);
        var view = await EnrolAsync(run, http.User.Id(), grains);
        return view.Outcome == nameof(EnrolOutcome.Enrolled)
            ? TypedResults.Created($"/api/courses/{run.CourseId}", view)
            : TypedResults.Ok(view);
    }

    private static async Task<EnrolmentView> EnrolAsync(RunRow run, Guid userId, IGrainFactory grains)
    {
        var result = await grains.GetGrain<ICourseRunGrain>(run.Id).Enrol(userId);
        return result.Outcome switch
        {
            EnrolOutcome.Enrolled or EnrolOutcome.AlreadyEnrolled => new EnrolmentView(run.Id, run.CourseId, result.Outcome.ToString(), result.Stats!),
            EnrolOutcome.Full => throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.RunFull, "The run is full.",
                "Every place in this run is taken."),
            EnrolOutcome.Closed => throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.RunClosed, "The run has ended.",
                "This run no longer takes enrolments."),
            _ => throw ProblemException.NotFound("The run"),
        };
    }

    /// <summary>
    /// A stranger becomes a learner: the run is checked (open, not full), then Identity makes an
    /// account that works once its address is confirmed; the confirmation link brings them back to
    /// the course's page to enrol. Nobody is signed in or enrolled on an unconfirmed address.
    /// </summary>
    private static async Task<Accepted<SignUpView>> SignUp(
        Guid runId, RunSignUpRequest request, HttpContext http, MoocRepository moocs, CourseRepository courses, IGrainFactory grains,
        Accounts accounts)
    {
        var run = await OpenRunAsync(runId, moocs, courses);
        var stats = await grains.GetGrain<ICourseRunGrain>(run.Id).GetStats();
        if (!stats.Open) throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.RunClosed, "The run has ended.");
        if (stats.Cap is { } cap && stats.Enrolled >= cap)
            throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.RunFull, "The run is full.", "Every place in this run is taken.");
        var slug = (await moocs.GetAsync(run.MoocId))?.Slug;
        await accounts.SignUpAsync(request.DisplayName, request.Email, request.Password,
            Mailer.LanguageOf(request.Language, http.Request), slug is null ? null : $"/catalogue/{slug}");
        return TypedResults.Accepted((string?)null, new SignUpView("confirm-email"));
    }

    private static async Task<Page<MyLearningView>> MyLearning(int? skip, int? take, HttpContext http, MoocRepository moocs)
    {
        var page = await moocs.MyRunsAsync(http.User.Id(), PageRequest.Of(skip, take));
        return new Page<MyLearningView>(page.Items.Select(r => new MyLearningView(r, r.Grade is { } g ? CredentialIssuer.LetterGrade(g) : null)).ToList(),
            page.Total, page.Skip, page.Take);
    }

    // ---- Managing a MOOC (its teachers) ----

    private static async Task<MoocManageView> Manage(Guid moocId, HttpContext http, CourseAccess access, MoocRepository moocs,
        CourseRepository courses, IGrainFactory grains)
    {
        var context = await access.TeachAsync(http.User, moocId);
        var entry = await moocs.EntryAsync(moocId);
        var runs = entry is null ? [] : await RunViewsAsync(moocId, moocs, courses, grains);
        return new MoocManageView(entry is null ? null : Card(entry, await moocs.RunsAsync(moocId)), entry?.Syllabus, entry?.Instructors, runs,
            context.Course.Status);
    }

    private static async Task<MoocManageView> SaveEntry(
        Guid moocId, CatalogueEntryRequest request, HttpContext http, CourseAccess access, MoocRepository moocs, CourseRepository courses,
        IGrainFactory grains, CatalogueCache cache)
    {
        var context = await access.TeachAsync(http.User, moocId);
        if (context.Course.Kind != CourseKinds.Mooc)
            throw ProblemException.Invalid("kind", "Only a course of kind MOOC goes into the catalogue.", "not-mooc");
        if (await moocs.RunByCourseAsync(moocId) is { } asRun && asRun.MoocId != moocId)
            throw ProblemException.Invalid("moocId", "This course is a later run of another MOOC; edit that MOOC's entry.", "is-run");
        var level = request.Level.Trim().ToLowerInvariant();
        if (!MoocLevels.All.Contains(level))
            throw ProblemException.Invalid("level", $"A level is one of: {string.Join(", ", MoocLevels.All)}.");
        var slug = MoocRepository.SlugOf(string.IsNullOrWhiteSpace(request.Slug) ? context.Course.Title : request.Slug);
        var existing = await moocs.GetAsync(moocId);
        if (string.IsNullOrWhiteSpace(request.Slug) && existing is not null) slug = existing.Slug;
        if (await moocs.SlugTakenAsync(slug, moocId))
        {
            if (!string.IsNullOrWhiteSpace(request.Slug))
                throw ProblemException.Invalid("slug", $"The address {slug} is taken by another course.", "slug-taken", slug);
            slug = $"{slug}-{moocId.ToString("N")[^6..]}";
        }
        if (request.ImageUrl is { Length: > 0 } image && (!Uri.TryCreate(image, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            throw ProblemException.Invalid("imageUrl", "An image needs a full https address.");
        await moocs.SaveAsync(new MoocRow
        {
            Id = moocId, InstitutionId = context.Course.InstitutionId, Slug = slug, Subject = request.Subject.Trim(),
            Language = request.Language.Trim().ToLowerInvariant(), Level = level, Syllabus = Clean(request.Syllabus),
            Instructors = Clean(request.Instructors), EffortHoursPerWeek = request.EffortHoursPerWeek, DurationWeeks = request.DurationWeeks,
            Credits = request.Credits is > 0 ? request.Credits : null, Ects = request.Ects is > 0 ? request.Ects : null,
            PriceVnd = request.PriceVnd, ImageUrl = Clean(request.ImageUrl),
        });
        // The course itself is the MOOC's first run: self-paced, open now.
        if ((await moocs.RunsAsync(moocId)).Count == 0)
            await moocs.CreateRunAsync(moocId, moocId, "1", RunPaces.Self, null, null, null);
        cache.Invalidate();
        return await Manage(moocId, http, access, moocs, courses, grains);
    }

    private static void CheckRun(RunRequest request)
    {
        if (!RunPaces.All.Contains(request.Pace)) throw ProblemException.Invalid("pace", "A run is self-paced (self) or instructor-paced (instructor).");
        if (request.Pace == RunPaces.Instructor && (request.StartsAt is null || request.EndsAt is null))
            throw ProblemException.Invalid("startsAt", "An instructor-paced run has a start and an end date.", "dates-needed");
        if (request.StartsAt is { } s && request.EndsAt is { } e && e <= s)
            throw ProblemException.Invalid("endsAt", "A run ends after it starts.", "ends-before-start");
    }

    private static async Task<Created<RunView>> CreateRun(
        Guid moocId, RunRequest request, HttpContext http, CourseAccess access, MoocRepository moocs, CourseRepository courses,
        CourseCopy copy, IGrainFactory grains, CatalogueCache cache)
    {
        var context = await access.TeachAsync(http.User, moocId);
        CheckRun(request);
        var runs = await moocs.RunsAsync(moocId);
        if (runs.Count == 0) throw ProblemException.Invalid("moocId", "Put the MOOC in the catalogue first.", "no-entry");
        var source = request.CopyFromRunId is { } from
            ? runs.FirstOrDefault(r => r.Id == from) ?? throw ProblemException.Invalid("copyFromRunId", "That run is not this MOOC's.")
            : runs[^1];
        var sourceCourse = await courses.GetAsync(source.CourseId) ?? throw ProblemException.NotFound("The run's course");
        var courseId = await copy.CopyAsync(sourceCourse, http.User.Id());
        if (context.Course.Status == CourseStatuses.Published) await courses.SetStatusAsync(courseId, CourseStatuses.Published);
        var run = await moocs.CreateRunAsync(moocId, courseId, request.Label.Trim(), request.Pace, request.StartsAt, request.EndsAt, request.Cap);
        cache.Invalidate();
        var stats = await grains.GetGrain<ICourseRunGrain>(run.Id).GetStats();
        return TypedResults.Created($"/api/moocs/runs/{run.Id}", RunViewOf(run, stats, context.Course.Status == CourseStatuses.Published));
    }

    internal static async Task<RunRow> TeachRunAsync(Guid runId, HttpContext http, CourseAccess access, MoocRepository moocs)
    {
        var run = await moocs.RunAsync(runId) ?? throw ProblemException.NotFound("The run");
        await access.TeachAsync(http.User, run.MoocId);
        return run;
    }

    private static async Task<RunView> UpdateRun(
        Guid runId, RunRequest request, HttpContext http, CourseAccess access, MoocRepository moocs, CourseRepository courses,
        IGrainFactory grains, CatalogueCache cache)
    {
        var run = await TeachRunAsync(runId, http, access, moocs);
        CheckRun(request);
        await moocs.UpdateRunAsync(runId, request.Label.Trim(), request.Pace, request.StartsAt, request.EndsAt, request.Cap);
        var grain = grains.GetGrain<ICourseRunGrain>(runId);
        await grain.Reload();
        cache.Invalidate();
        var published = (await courses.GetAsync(run.CourseId))?.Status == CourseStatuses.Published;
        return RunViewOf((await moocs.RunAsync(runId))!, await grain.GetStats(), published);
    }

    private static async Task<RunStatsView> Stats(
        Guid runId, HttpContext http, CourseAccess access, MoocRepository moocs, CourseRepository courses, IGrainFactory grains,
        CredentialRepository credentials, CredentialReviewRepository reviews, TimeProvider clock)
    {
        var run = await TeachRunAsync(runId, http, access, moocs);
        var stats = await grains.GetGrain<ICourseRunGrain>(runId).GetStats();
        var published = (await courses.GetAsync(run.CourseId))?.Status == CourseStatuses.Published;
        var active = await moocs.ActiveSinceAsync(run.CourseId, clock.GetUtcNow().AddDays(-7));
        var issued = await credentials.CountInForceAsync(run.CourseId);
        var toReview = (await reviews.ByCourseAsync(run.CourseId, all: false, PageRequest.Of(0, 1))).Total;
        return new RunStatsView(RunViewOf(run, stats, published), stats.Passed, active, issued.GetValueOrDefault(CredentialKinds.Certificate),
            issued.GetValueOrDefault(CredentialKinds.Credit), toReview);
    }

    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
