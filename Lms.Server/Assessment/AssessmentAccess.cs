using System.Collections.Concurrent;
using System.Security.Claims;
using Lms.Grains.Assessment;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Assessment;

public sealed record QuizContext(Quiz Quiz, CourseContext Course);

public sealed record AttemptContext(AttemptRow Attempt, Quiz Quiz, bool Owner, bool Teacher, Guid UserId);

/// <summary>Who may do what with questions, quizzes and attempts; decided on the server for every request.</summary>
public sealed class AssessmentAccess(
    QuizRepository quizzes, AttemptRepository attempts, QuestionRepository questions, InstitutionRepository institutions,
    IServiceProvider services, TimeProvider clock)
{
    // The attempt's owner and quiz never change; whether the owner may still learn in the course is
    // re-checked at most every ten seconds (thousands of answers a second go through here).
    private static readonly ConcurrentDictionary<(Guid Attempt, Guid User), (DateTimeOffset At, AttemptContext Context)> Recent = new();

    private CourseAccess Courses(HttpContext http) => http.RequestServices.GetRequiredService<CourseAccess>();

    /// <summary>Teachers and admins of an institution manage its bank.</summary>
    public async Task<InstitutionRow> BankAsync(ClaimsPrincipal user, Guid institutionId)
    {
        var institution = await institutions.GetAsync(institutionId) ?? throw ProblemException.NotFound("The institution");
        var roles = await institutions.RolesAsync(user.Id(), institution);
        if (!roles.Contains(Roles.Teacher) && !roles.Contains(Roles.Admin))
            throw ProblemException.Forbidden("The question bank is for the institution's teachers.");
        return institution;
    }

    /// <summary>A question the caller may read: their institution's, or one shared by another while they teach somewhere.</summary>
    public async Task<(QuestionRow Question, bool CanEdit)> QuestionAsync(ClaimsPrincipal user, Guid questionId)
    {
        var question = await questions.GetAsync(questionId) ?? throw ProblemException.NotFound("The question");
        var institution = await institutions.GetAsync(question.InstitutionId) ?? throw ProblemException.NotFound("The question");
        var roles = await institutions.RolesAsync(user.Id(), institution);
        var mine = roles.Contains(Roles.Teacher) || roles.Contains(Roles.Admin);
        if (mine) return (question, true);
        if (question.Shared && await TeachesAnywhereAsync(user)) return (question, false);
        throw ProblemException.NotFound("The question");
    }

    private async Task<bool> TeachesAnywhereAsync(ClaimsPrincipal user)
    {
        var memberships = await services.GetRequiredService<UserRepository>().MembershipsAsync(user.Id());
        return memberships.Any(m => m.Role is Roles.Teacher or Roles.Admin);
    }

    // What the caller is in a course, for ten seconds: a class starting a quiz together asks thousands of times at once.
    private static readonly ConcurrentDictionary<(Guid Course, Guid User), (DateTimeOffset At, CourseContext Context)> RecentCourses = new();

    private async Task<CourseContext> CourseAsync(HttpContext http, Guid courseId)
    {
        var key = (courseId, http.User.Id());
        var now = clock.GetUtcNow();
        if (RecentCourses.TryGetValue(key, out var hit) && now - hit.At < TimeSpan.FromSeconds(10)) return hit.Context;
        var context = await Courses(http).ViewAsync(http.User, courseId);
        if (RecentCourses.Count > 100_000) RecentCourses.Clear();
        RecentCourses[key] = (now, context);
        return context;
    }

    public async Task<QuizContext> QuizAsync(HttpContext http, Guid quizId)
    {
        var quiz = await quizzes.GetAsync(quizId) ?? throw ProblemException.NotFound("The quiz");
        var course = await CourseAsync(http, quiz.CourseId);
        return new QuizContext(quiz, course);
    }

    public async Task<QuizContext> TeachQuizAsync(HttpContext http, Guid quizId)
    {
        var context = await QuizAsync(http, quizId);
        if (!context.Course.CanTeach) throw ProblemException.Forbidden("Only the course's teachers may do this.");
        return context;
    }

    /// <summary>The attempt, for its student (who may act on it) or the course's teachers (who may read and grade it).</summary>
    public async Task<AttemptContext> AttemptAsync(HttpContext http, Guid attemptId)
    {
        var userId = http.User.Id();
        var now = clock.GetUtcNow();
        if (Recent.TryGetValue((attemptId, userId), out var hit) && now - hit.At < TimeSpan.FromSeconds(10)) return hit.Context;
        var attempt = await attempts.GetAsync(attemptId) ?? throw ProblemException.NotFound("The attempt");
        var quiz = await quizzes.GetAsync(attempt.QuizId) ?? throw ProblemException.NotFound("The attempt");
        CourseContext course;
        try
        {
            course = await CourseAsync(http, quiz.CourseId);
        }
        catch (ProblemException)
        {
            throw ProblemException.NotFound("The attempt");
        }
        var owner = attempt.UserId == userId && course.CanLearn;
        if (!owner && !course.CanTeach) throw ProblemException.NotFound("The attempt");
        var context = new AttemptContext(attempt, quiz, owner, course.CanTeach, userId);
        if (Recent.Count > 100_000) Recent.Clear();
        Recent[(attemptId, userId)] = (now, context);
        return context;
    }

    /// <summary>
    /// Notes what a start just established (this student owns this attempt at this quiz, in a course they may
    /// learn in), so that their first answer does not look the attempt up again; the same ten seconds apply.
    /// </summary>
    public void RememberStart(QuizContext context, AttemptState state)
    {
        if (state.UserId != context.Course.UserId || !context.Course.CanLearn) return;
        var attempt = new AttemptRow
        {
            Id = state.Id, QuizId = state.QuizId, UserId = state.UserId, Number = state.Number, Status = state.Status, StartedAt = state.StartedAt,
            DeadlineAt = state.DeadlineAt, SubmittedAt = state.SubmittedAt, SubmittedBy = state.SubmittedBy, Score = state.Score,
            MaxScore = state.MaxScore, NeedsGrading = state.NeedsGrading, OverallFeedback = state.OverallFeedback,
        };
        if (Recent.Count > 100_000) Recent.Clear();
        Recent[(state.Id, state.UserId)] = (clock.GetUtcNow(), new AttemptContext(attempt, context.Quiz, Owner: true, context.Course.CanTeach, state.UserId));
    }

    public async Task<AttemptContext> OwnAttemptAsync(HttpContext http, Guid attemptId)
    {
        var context = await AttemptAsync(http, attemptId);
        if (!context.Owner) throw ProblemException.Forbidden("Only the student taking the attempt may change it.");
        return context;
    }
}
