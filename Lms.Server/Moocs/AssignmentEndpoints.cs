using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Moocs;
using Lms.Server.Courses;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Moocs;

public sealed record CreateAssignmentRequest(
    Guid ModuleId,
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: Required, StringLength(20000, MinimumLength = 1)] string Instructions,
    [property: Required, StringLength(10)] string Submission,
    [property: Required, StringLength(10)] string Review,
    [property: Range(1, 5)] int PeerReviews,
    [property: Required] IReadOnlyList<RubricCriterion> Rubric,
    [property: StringLength(50)] string? Category,
    [property: Range(1, 720)] int? ReviewHours = null,
    DateTimeOffset? ReviewsDueAt = null,
    DateTimeOffset? FinalAt = null,
    bool ExtraReviewsCount = false);

/// <summary>When peer review ends: hours a reviewer has, the review deadline, the deadline after which grades are final.</summary>
public sealed record ReviewScheduleRequest(
    [property: Range(1, 720)] int ReviewHours, DateTimeOffset? ReviewsDueAt, DateTimeOffset? FinalAt, bool ExtraReviewsCount);

/// <summary>Submissions still without a grade; once the review deadline passed, the staff grade them instead of peers.</summary>
public sealed record StaffGradingView(DateTimeOffset? ReviewsDueAt, DateTimeOffset? FinalAt, bool ReviewsClosed, bool Final,
    IReadOnlyList<SubmissionView> Items);

public sealed record ReviewRequest([property: Required] IReadOnlyList<int> Scores, [property: StringLength(4000)] string? Comment);

public sealed record ReviewView(string Role, IReadOnlyList<int> Scores, decimal Total, string? Comment, DateTimeOffset CreatedAt);

public sealed record SubmissionView(
    Guid Id, Guid UserId, string AuthorName, string? Text, string? FileName, long? FileSize, DateTimeOffset SubmittedAt,
    decimal? Score, DateTimeOffset? GradedAt, int ReviewCount, IReadOnlyList<ReviewView> Reviews,
    DateTimeOffset? ReviewDueAt = null, bool ExtraReview = false);

public sealed record AssignmentView(
    Guid Id, Guid CourseId, string Instructions, string Submission, string Review, int PeerReviews,
    IReadOnlyList<RubricCriterion> Rubric, int MaxPoints, bool CanTeach, bool CanSubmit, SubmissionView? Mine, int PeerReviewsDone,
    IReadOnlyCollection<string> FileTypes, int ReviewHours, DateTimeOffset? ReviewsDueAt, DateTimeOffset? FinalAt, bool ExtraReviewsCount,
    bool ReviewsClosed, bool Final);

/// <summary>The assignment item kind: create (teachers), submit text or a file (learners), review with the rubric (teachers or peers).</summary>
public static class AssignmentEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/courses/{courseId:guid}/assignments", Create).WithTags("Assignments").WithSummary("Add an assignment to a module.")
            .ProducesProblems(404, 400);
        var group = api.MapGroup("/moocs/assignments/{assignmentId:guid}").WithTags("Assignments");
        group.ProducesProblemsOfIdsAndBodies();
        group.MapGet("", Get).WithSummary("An assignment, with my submission and its reviews.");
        group.MapPost("/submission", Submit).DisableAntiforgery()
            .WithSummary("Hand in (multipart: text and/or file); replaces the last one until it is reviewed.");
        group.MapGet("/submissions", Submissions).WithSummary("Every submission, ungraded first (teachers).");
        group.MapGet("/peer-review", NextPeerReview)
            .WithSummary("The classmate's submission handed to me to review (extra=true: an optional one beyond those needed).");
        group.MapPut("/review-schedule", SetSchedule).WithSummary("Hours a reviewer has, the review deadline and the final deadline (teachers).");
        group.MapGet("/staff-grading", StaffGrading)
            .WithSummary("Submissions without a grade; after the review deadline the teachers grade these instead of peers.");
        api.MapPost("/moocs/submissions/{submissionId:guid}/reviews", AddReview).ProducesProblems(404, 400).WithTags("Assignments")
            .WithSummary("Review a submission with the rubric (its teachers, or a peer who has handed in).");
        api.MapGet("/moocs/submissions/{submissionId:guid}/file", File).ProducesProblems(404).WithTags("Assignments")
            .WithSummary("The submitted file (its author, the teachers, peer reviewers).");
    }

    private static async Task<Created<ItemView>> Create(
        Guid courseId, CreateAssignmentRequest request, HttpContext http, CourseAccess access, CourseRepository courses,
        AssignmentRepository assignments, GradingRepository grading)
    {
        await access.TeachAsync(http.User, courseId);
        if (!SubmissionTypes.All.Contains(request.Submission))
            throw ProblemException.Invalid("submission", $"A submission is one of: {string.Join(", ", SubmissionTypes.All)}.");
        if (!ReviewModes.All.Contains(request.Review))
            throw ProblemException.Invalid("review", $"A review is one of: {string.Join(", ", ReviewModes.All)}.");
        if (request.Rubric.Count is 0 or > 20 || request.Rubric.Any(c => string.IsNullOrWhiteSpace(c.Criterion) || c.Criterion.Length > 200 || c.Points is < 1 or > 100))
            throw ProblemException.Invalid("rubric", "A rubric has 1 to 20 criteria, each named, worth 1 to 100 points.", "rubric-invalid");
        var category = MoocEndpoints.Clean(request.Category);
        if (category is not null && (await grading.PolicyAsync(courseId))?.Categories.Any(c => c.Key == category) != true)
            throw ProblemException.Invalid("category", $"The grading policy has no category {category}.", "unknown-category", category);
        var schedule = CheckSchedule(new ReviewSchedule(request.ReviewHours ?? ReviewSchedule.DefaultHours, request.ReviewsDueAt, request.FinalAt,
            request.ExtraReviewsCount));
        var assignment = await assignments.CreateAsync(courseId, request.Instructions.Trim(), request.Submission, request.Review,
            request.PeerReviews, request.Rubric.Select(c => c with { Criterion = c.Criterion.Trim(), Description = MoocEndpoints.Clean(c.Description) }).ToList(),
            schedule);
        var item = await courses.AddItemAsync(courseId, request.ModuleId, AssignmentRepository.ItemKind, request.Title.Trim(), null, null, assignment.Id)
                   ?? throw ProblemException.NotFound("The module");
        if (category is not null)
            await grading.SaveRuleAsync(new ItemRuleRow { ItemId = item.Id, CourseId = courseId, Required = true, Category = category });
        return TypedResults.Created($"/api/moocs/assignments/{assignment.Id}",
            new ItemView(item.Id, item.Kind, item.Title, item.Body, item.Url, item.Position, false, item.RefId));
    }

    private static async Task<(AssignmentRow Assignment, CourseContext Context)> ViewAsync(
        Guid assignmentId, HttpContext http, CourseAccess access, AssignmentRepository assignments)
    {
        var assignment = await assignments.GetAsync(assignmentId) ?? throw ProblemException.NotFound("The assignment");
        return (assignment, await access.ViewAsync(http.User, assignment.CourseId));
    }

    private static ReviewSchedule CheckSchedule(ReviewSchedule schedule)
    {
        if (schedule is { ReviewsDueAt: { } due, FinalAt: { } final } && final < due)
            throw ProblemException.Invalid("finalAt", "Grades become final at or after the review deadline.", "final-before-reviews");
        return schedule;
    }

    private static async Task<AssignmentView> Get(Guid assignmentId, HttpContext http, CourseAccess access, AssignmentRepository assignments,
        TimeProvider clock)
    {
        var (a, context) = await ViewAsync(assignmentId, http, access, assignments);
        var mine = context.CanLearn ? await assignments.SubmissionAsync(a.Id, context.UserId) : null;
        var now = clock.GetUtcNow();
        return new AssignmentView(a.Id, a.CourseId, a.Instructions, a.Submission, a.Review, a.PeerReviews, a.Criteria(), a.MaxPoints(),
            context.CanTeach, context.CanLearn, mine is null ? null : await SubmissionViewAsync(mine, assignments),
            context.CanLearn ? await assignments.ReviewsDoneByAsync(a.Id, context.UserId) : 0, SubmissionFiles.Extensions,
            a.ReviewHours, a.ReviewsDueAt, a.FinalAt, a.ExtraReviewsCount, a.ReviewsClosed(now), a.IsFinal(now));
    }

    private static async Task<AssignmentView> SetSchedule(Guid assignmentId, ReviewScheduleRequest request, HttpContext http, CourseAccess access,
        AssignmentRepository assignments, TimeProvider clock)
    {
        var (a, context) = await ViewAsync(assignmentId, http, access, assignments);
        if (!context.CanTeach) throw ProblemException.Forbidden("Only the course's teachers set the review deadlines.");
        // Once final, a grade a credential may rest on must not be reopened by moving the deadline.
        if (a.IsFinal(clock.GetUtcNow())) throw GradeFinal(a);
        await assignments.SetScheduleAsync(a.Id, CheckSchedule(new ReviewSchedule(request.ReviewHours, request.ReviewsDueAt, request.FinalAt,
            request.ExtraReviewsCount)));
        return await Get(assignmentId, http, access, assignments, clock);
    }

    private static async Task<StaffGradingView> StaffGrading(Guid assignmentId, HttpContext http, CourseAccess access,
        AssignmentRepository assignments, TimeProvider clock)
    {
        var (a, context) = await ViewAsync(assignmentId, http, access, assignments);
        if (!context.CanTeach) throw ProblemException.Forbidden("Only the course's teachers grade instead of peers.");
        var now = clock.GetUtcNow();
        var closed = a.Review == ReviewModes.Teacher || a.ReviewsClosed(now);
        var items = new List<SubmissionView>();
        // While peers are still at work nothing is the staff's to grade yet.
        if (closed)
            foreach (var s in await assignments.UngradedAsync(a.Id)) items.Add(await SubmissionViewAsync(s, assignments));
        return new StaffGradingView(a.ReviewsDueAt, a.FinalAt, closed, a.IsFinal(now), items);
    }

    private static ProblemException GradeFinal(AssignmentRow a) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.GradeFinal, "The grades are final.",
            $"Grades of this assignment became final on {a.FinalAt:u}; they no longer change.",
            new Dictionary<string, object?> { ["finalAt"] = a.FinalAt });

    private static ProblemException ReviewsClosed(AssignmentRow a) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.ReviewsClosed, "Peer review has ended.",
            $"Peer review of this assignment ended on {a.ReviewsDueAt:u}; the teachers grade what is left.",
            new Dictionary<string, object?> { ["reviewsDueAt"] = a.ReviewsDueAt });

    private static async Task<SubmissionView> SubmissionViewAsync(SubmissionRow s, AssignmentRepository assignments, bool withReviews = true) =>
        new(s.Id, s.UserId, s.AuthorName, s.Text, s.FileName, s.FileSize, s.SubmittedAt, s.Score, s.GradedAt, s.ReviewCount,
            withReviews
                ? (await assignments.ReviewsAsync(s.Id)).Select(r => new ReviewView(r.Role,
                    JsonSerializer.Deserialize<List<int>>(r.Scores) ?? [], r.Total, r.Comment, r.CreatedAt)).ToList()
                : []);

    private static async Task<SubmissionView> Submit(
        Guid assignmentId, HttpContext http, CourseAccess access, AssignmentRepository assignments, SubmissionFiles files,
        IGrainFactory grains, IServiceProvider services)
    {
        var (a, context) = await ViewAsync(assignmentId, http, access, assignments);
        if (!context.CanLearn) throw ProblemException.Forbidden("Only the course's learners hand in work.");
        await RequireOpenAsync(http, context, a.Id, services);
        if (!http.Request.HasFormContentType) throw ProblemException.Invalid("file", "Send the work as a multipart form (text and/or file).");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var text = MoocEndpoints.Clean(form["text"].ToString());
        if (text is { Length: > 100_000 }) throw ProblemException.Invalid("text", "The text is longer than 100,000 characters.");
        var file = form.Files.GetFile("file");
        if (a.Submission == SubmissionTypes.Text && file is not null) throw ProblemException.Invalid("file", "This assignment takes text, not a file.");
        if (a.Submission == SubmissionTypes.File && file is null) throw ProblemException.Invalid("file", "This assignment takes a file.", "file-needed");
        if (text is null && file is null) throw ProblemException.Invalid("text", "Write something or attach a file.", "empty-submission");
        (string Key, long Size)? stored = null;
        string? type = null;
        if (file is not null)
        {
            type = SubmissionFiles.TypeOf(file.FileName)
                   ?? throw ProblemException.Invalid("file", $"Files of type {Path.GetExtension(file.FileName)} are not accepted.", "file-type",
                       Path.GetExtension(file.FileName));
            if (file.Length > SubmissionFiles.MaxBytes)
                throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.", "At most 20 MB.");
            await using var stream = file.OpenReadStream();
            stored = await files.SaveAsync(stream, http.RequestAborted)
                     ?? throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.", "At most 20 MB.");
        }
        var fileName = file is null ? null : Path.GetFileName(file.FileName);
        if (fileName is { Length: > 255 }) fileName = fileName[^255..];
        if (!await assignments.SubmitAsync(a.Id, context.UserId, text, stored?.Key, fileName, type, stored?.Size))
            throw ProblemException.Conflict("Your work has been reviewed already and can no longer change.");
        // Handing in may complete the course.
        await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(a.CourseId, context.UserId)).GetStanding();
        return await SubmissionViewAsync((await assignments.SubmissionAsync(a.Id, context.UserId))!, assignments);
    }

    private static async Task RequireOpenAsync(HttpContext http, CourseContext context, Guid assignmentId, IServiceProvider services)
    {
        var (_, items) = await services.GetRequiredService<CourseRepository>().OutlineAsync(context.Course.Id);
        var item = items.FirstOrDefault(i => i.RefId == assignmentId);
        if (item is null) return;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var availability in services.GetServices<IItemAvailability>())
            if ((await availability.LockedAsync(context.Course.Id, now)).TryGetValue(item.Id, out var opens))
                throw ProblemException.Conflict($"This assignment opens on {opens:u}.");
        // After the run's end or the item's due date only a learner the staff extended may still hand in.
        await WorkWindows.RequireOpenAsync(services, context.Course.Id, context.UserId, item.Id);
    }

    private static async Task<Page<SubmissionView>> Submissions(
        Guid assignmentId, int? skip, int? take, HttpContext http, CourseAccess access, AssignmentRepository assignments)
    {
        var (a, context) = await ViewAsync(assignmentId, http, access, assignments);
        if (!context.CanTeach) throw ProblemException.Forbidden("Only the course's teachers see every submission.");
        var page = await assignments.SubmissionsAsync(a.Id, PageRequest.Of(skip, take));
        var views = new List<SubmissionView>();
        foreach (var s in page.Items) views.Add(await SubmissionViewAsync(s, assignments));
        return new Page<SubmissionView>(views, page.Total, page.Skip, page.Take);
    }

    private static async Task<Results<Ok<SubmissionView>, NoContent>> NextPeerReview(
        Guid assignmentId, bool? extra, HttpContext http, CourseAccess access, AssignmentRepository assignments, PeerReviewAllocator allocator,
        TimeProvider clock)
    {
        var (a, context) = await ViewAsync(assignmentId, http, access, assignments);
        await RequirePeerAsync(a, context, assignments);
        var now = clock.GetUtcNow();
        if (a.IsFinal(now)) throw GradeFinal(a);
        if (a.ReviewsClosed(now)) throw ReviewsClosed(a);
        var next = await allocator.NextAsync(a, context.UserId, extra == true);
        // Peers review anonymously: the author's name and reviews are not shown.
        return next is null
            ? TypedResults.NoContent()
            : TypedResults.Ok((await SubmissionViewAsync(next.Submission, assignments, withReviews: false)) with
            {
                AuthorName = "", UserId = Guid.Empty, ReviewDueAt = next.DueAt, ExtraReview = next.Kind == AllocationKinds.Extra,
            });
    }

    private static async Task RequirePeerAsync(AssignmentRow a, CourseContext context, AssignmentRepository assignments)
    {
        if (a.Review != ReviewModes.Peer) throw ProblemException.Forbidden("This assignment is reviewed by the teachers.");
        if (!context.CanLearn) throw ProblemException.Forbidden("Peer review is for the course's learners.");
        if (await assignments.SubmissionAsync(a.Id, context.UserId) is null)
            throw ProblemException.Forbidden("Hand in your own work before reviewing others'.");
    }

    private static async Task<SubmissionView> AddReview(
        Guid submissionId, ReviewRequest request, HttpContext http, CourseAccess access, AssignmentRepository assignments, IGrainFactory grains,
        TimeProvider clock)
    {
        var submission = await assignments.SubmissionByIdAsync(submissionId) ?? throw ProblemException.NotFound("The submission");
        var (a, context) = await ViewAsync(submission.AssignmentId, http, access, assignments);
        string role;
        if (context.CanTeach) role = ReviewModes.Teacher;
        else
        {
            await RequirePeerAsync(a, context, assignments);
            if (submission.UserId == context.UserId) throw ProblemException.Forbidden("You cannot review your own work.");
            role = ReviewModes.Peer;
        }
        var criteria = a.Criteria();
        if (request.Scores.Count != criteria.Count || request.Scores.Where((s, i) => s < 0 || s > criteria[i].Points).Any())
            throw ProblemException.Invalid("scores", "Give one score per rubric criterion, from 0 to its points.", "scores-invalid");
        var now = clock.GetUtcNow();
        if (a.IsFinal(now)) throw GradeFinal(a);
        if (role == ReviewModes.Peer && a.ReviewsClosed(now)) throw ReviewsClosed(a);
        switch (await assignments.AddReviewAsync(submissionId, context.UserId, role, request.Scores, MoocEndpoints.Clean(request.Comment), a))
        {
            case ReviewOutcome.AlreadyReviewed:
                throw ProblemException.Conflict("You have already reviewed this submission.");
            case ReviewOutcome.NotAllocated:
                throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.ReviewNotAllocated, "Not yours to review.",
                    "This submission was not handed to you; ask for the next one to review.");
            case ReviewOutcome.TakenBack:
                throw new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.ReviewTakenBack, "The review was taken back.",
                    $"Your time for this review ({a.ReviewHours} h) ran out and it was handed to another reviewer.",
                    new Dictionary<string, object?> { ["reviewHours"] = a.ReviewHours });
        }
        // A grade may complete the learner's course (and issue their certificate).
        await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(a.CourseId, submission.UserId)).GetStanding();
        var updated = (await assignments.SubmissionByIdAsync(submissionId))!;
        return role == ReviewModes.Teacher
            ? await SubmissionViewAsync(updated, assignments)
            : (await SubmissionViewAsync(updated, assignments, withReviews: false)) with { AuthorName = "", UserId = Guid.Empty };
    }

    private static async Task<IResult> File(
        Guid submissionId, HttpContext http, CourseAccess access, AssignmentRepository assignments, SubmissionFiles files)
    {
        var submission = await assignments.SubmissionByIdAsync(submissionId) ?? throw ProblemException.NotFound("The submission");
        var (a, context) = await ViewAsync(submission.AssignmentId, http, access, assignments);
        var allowed = context.CanTeach || submission.UserId == context.UserId;
        if (!allowed && a.Review == ReviewModes.Peer && context.CanLearn && await assignments.SubmissionAsync(a.Id, context.UserId) is not null)
            allowed = true;
        if (!allowed || submission.FileKey is null) throw ProblemException.NotFound("The file");
        var stream = files.Open(submission.FileKey) ?? throw ProblemException.NotFound("The file");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(stream, submission.FileType ?? "application/octet-stream", submission.FileName ?? "submission");
    }
}
