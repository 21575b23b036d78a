using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>A quiz the subject's teacher may feed a column from: a quiz of a course given to the class that the teacher teaches.</summary>
public sealed record MarkFeedSource(Guid QuizId, string Title, Guid CourseId, string CourseTitle);

public sealed record MarkFeedsView(IReadOnlyList<MarkFeedSource> Sources, IReadOnlyList<MarkFeedRow> Feeds);

public sealed record MarkFeedRequest(Guid QuizId);

/// <summary>
/// Quiz results feeding a regular (ĐĐGtx) column, when the subject's teacher links a quiz of the class's course to it:
/// each learner's grade becomes a score (<see cref="MarkBookFeed"/> gives the rule), the teacher can still type over a
/// cell, and a locked term stops the feed. Results arrive when the column is linked and each time the teacher refreshes it.
/// </summary>
public static class MarkBookFeedEndpoints
{
    public static void MapMarkBookFeedEndpoints(this RouteGroupBuilder api)
    {
        var feeds = api.MapGroup("/school-years/{yearId:guid}/classes/{classId:guid}/mark-book/{subjectId:guid}/terms/{termId:guid}/feeds")
            .ProducesProblems(403, 404).WithTags("Mark book");
        feeds.MapGet("", List).WithSummary("The quizzes a column can be fed from and the columns fed now (the subject's teacher).");
        feeds.MapPut("/{column}", Link).ProducesProblems(400, 409)
            .WithSummary("Feeds a regular column (tx1…) from a quiz of the class's course and fills it at once (the subject's teacher).");
        feeds.MapPost("/{column}/refresh", Refresh).ProducesProblems(409)
            .WithSummary("Fills a fed column again with the latest quiz results; cells the teacher wrote are kept (the subject's teacher).");
        feeds.MapDelete("/{column}", Unlink).WithSummary("Stops feeding the column; its scores stay (the subject's teacher).");
    }

    private sealed record Keeper(Guid TermId, Guid ClassId, Guid SubjectId, IReadOnlyList<string> Regular, bool Locked);

    /// <summary>Only the subject's teacher in the class feeds its columns; the homeroom teacher and admins get 403 like manual entry.</summary>
    private static async Task<Keeper> KeeperAsync(
        HttpContext http, Guid yearId, Guid classId, Guid subjectId, Guid termId, SchoolYearAccess access, SchoolYearRepository years, MarkBookRepository marks)
    {
        var (_, _, subject, _, keeps) = await MarkBookEndpoints.ReadableAsync(http.User, yearId, classId, subjectId, termId, access, years);
        if (!keeps)
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-your-subject",
                "Only the subject's teacher in this class enters its marks.");
        if (subject.Assessment != SubjectAssessments.Scored)
            throw ProblemException.Invalid("column", "A comment-only subject is rated, not scored: a quiz cannot feed it.", "rating-only");
        var regular = MarkColumns.For(subject.Assessment, subject.PeriodsPerYear).Where(c => c.StartsWith("tx", StringComparison.Ordinal)).ToList();
        var locked = (await marks.LocksAsync(classId)).Any(l => l.TermId == termId);
        return new Keeper(termId, classId, subjectId, regular, locked);
    }

    private static string RegularColumn(Keeper keeper, string column) =>
        keeper.Regular.Contains(column) ? column
            : throw ProblemException.Invalid("column", "Only a regular assessment column (tx1…) is fed from a quiz.", "not-regular-column", column);

    private static ProblemException Locked() =>
        ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "term-locked",
            "The term is locked: a quiz no longer feeds its marks (a change needs a reason, entered by hand).");

    /// <summary>The quizzes of the courses given to the class (enrolled by class) that the caller teaches.</summary>
    private static async Task<IReadOnlyList<MarkFeedSource>> SourcesAsync(
        Guid classId, Guid me, ClassRepository classes, CourseRepository courses, QuizRepository quizzes)
    {
        var sources = new List<MarkFeedSource>();
        foreach (var courseId in await classes.CoursesAsync(classId))
        {
            if ((await courses.ParticipationAsync(courseId, me)).StaffRole is null || await courses.GetAsync(courseId) is not { } course) continue;
            sources.AddRange((await quizzes.ByCourseAsync(courseId)).Select(q => new MarkFeedSource(q.Id, q.Title, courseId, course.Title)));
        }
        return sources;
    }

    private static async Task<MarkFeedsView> List(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years,
        MarkBookRepository marks, MarkBookFeedRepository feeds, ClassRepository classes, CourseRepository courses, QuizRepository quizzes)
    {
        await KeeperAsync(http, yearId, classId, subjectId, termId, access, years, marks);
        return new MarkFeedsView(await SourcesAsync(classId, http.User.Id(), classes, courses, quizzes), await feeds.FeedsAsync(termId, classId, subjectId));
    }

    private static async Task<MarkFeedOutcome> Link(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, string column, MarkFeedRequest request, HttpContext http, SchoolYearAccess access,
        SchoolYearRepository years, MarkBookRepository marks, MarkBookFeedRepository feeds, ClassRepository classes, CourseRepository courses,
        QuizRepository quizzes, MarkBookFeed feed)
    {
        var keeper = await KeeperAsync(http, yearId, classId, subjectId, termId, access, years, marks);
        RegularColumn(keeper, column);
        if (keeper.Locked) throw Locked();
        // A quiz of another class's course, or of a course the teacher does not teach, does not exist for them.
        if ((await SourcesAsync(classId, http.User.Id(), classes, courses, quizzes)).All(s => s.QuizId != request.QuizId))
            throw ProblemException.Invalid("quizId", "The quiz is not one of a course given to this class that you teach.", "quiz-not-of-class",
                request.QuizId.ToString());
        await feeds.LinkAsync(termId, classId, subjectId, column, request.QuizId, http.User.Id());
        return Outcome(await feed.ApplyAsync(termId, classId, subjectId, column, request.QuizId, http.User.Id()));
    }

    private static async Task<MarkFeedOutcome> Refresh(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, string column, HttpContext http, SchoolYearAccess access, SchoolYearRepository years,
        MarkBookRepository marks, MarkBookFeedRepository feeds, MarkBookFeed feed)
    {
        var keeper = await KeeperAsync(http, yearId, classId, subjectId, termId, access, years, marks);
        RegularColumn(keeper, column);
        if (keeper.Locked) throw Locked();
        var link = (await feeds.FeedsAsync(termId, classId, subjectId)).FirstOrDefault(f => f.ColumnKey == column)
                   ?? throw ProblemException.NotFound("A quiz feeding this column");
        return Outcome(await feed.ApplyAsync(termId, classId, subjectId, column, link.QuizId, http.User.Id()));
    }

    /// <summary>The principal may lock the term between the check above and a cell: the feed then stops where it was.</summary>
    private static MarkFeedOutcome Outcome(MarkFeedOutcome outcome) => outcome.Locked ? throw Locked() : outcome;

    private static async Task<IResult> Unlink(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, string column, HttpContext http, SchoolYearAccess access, SchoolYearRepository years,
        MarkBookRepository marks, MarkBookFeedRepository feeds)
    {
        var keeper = await KeeperAsync(http, yearId, classId, subjectId, termId, access, years, marks);
        RegularColumn(keeper, column);
        return await feeds.UnlinkAsync(termId, classId, subjectId, column) ? TypedResults.NoContent() : throw ProblemException.NotFound("A quiz feeding this column");
    }
}
