using System.ComponentModel.DataAnnotations;
using Lms.Grains.Assessment;
using Lms.Server.Courses;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Assessment;

public sealed record QuizRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    QuizSettings? Settings,
    QuizDefinition? Definition);

public sealed record SlotSpecView(QuizSlotSpec Spec, string? QuestionTitle, string? QuestionType, int? Available);

public sealed record SectionView(string Title, IReadOnlyList<SlotSpecView> Items);

public sealed record QuizView(
    Guid Id, Guid CourseId, string CourseTitle, string Title, QuizSettings Settings, double MaxPoints, int QuestionCount,
    bool CanTeach, bool CanLearn, IReadOnlyList<SectionView>? Sections, IReadOnlyList<AttemptSummary> MyAttempts,
    LearnerQuizGrade? MyGrade, int? AttemptsLeft, DateTimeOffset ServerNow, Guid InstitutionId);

public sealed record AttemptSummary(
    Guid Id, int Number, string Status, DateTimeOffset StartedAt, DateTimeOffset? DeadlineAt, DateTimeOffset? SubmittedAt,
    double? Score, double MaxScore, bool NeedsGrading, bool ScoreVisible);

public sealed record CreatedQuiz(Guid QuizId, Guid ItemId);

public static class QuizEndpoints
{
    public static void MapQuizEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/courses/{courseId:guid}/modules/{moduleId:guid}/quizzes", Create).ProducesProblems(403, 404, 400).WithTags("Quizzes")
            .WithSummary("Add a quiz to a module (a course item of kind \"quiz\").");
        var quiz = api.MapGroup("/quizzes/{quizId:guid}").ProducesProblems(404).WithTags("Quizzes");
        quiz.MapGet("", Get).WithSummary("A quiz: settings and sections for its teachers; for a student their attempts and grade.");
        quiz.MapPut("", Update).ProducesProblems(403, 400).WithSummary("Change a quiz's title, settings and sections.");
        quiz.MapGet("/my-grade", MyGrade).ProducesProblems(403).WithSummary("My grade on the quiz by its grading method, and whether I passed.");
        quiz.MapGet("/grades/{userId:guid}", LearnerGrade).ProducesProblems(403).WithSummary("A learner's grade on the quiz (teachers).");
    }

    public static QuizSettings CheckSettings(QuizSettings? s)
    {
        s ??= new QuizSettings();
        if (!GradingMethods.All.Contains(s.GradingMethod)) throw ProblemException.Invalid("settings.gradingMethod", $"The grading method is one of: {string.Join(", ", GradingMethods.All)}.");
        if (!ReviewWhen.All.Contains(s.ReviewScores) || !ReviewWhen.All.Contains(s.ReviewAnswers))
            throw ProblemException.Invalid("settings.review", $"Review is one of: {string.Join(", ", ReviewWhen.All)}.");
        if (s.Layout is not ("one" or "all")) throw ProblemException.Invalid("settings.layout", "The layout is \"one\" (a question per screen) or \"all\".");
        if (s.TimeLimitSeconds is < 0 or > 7 * 24 * 3600) throw ProblemException.Invalid("settings.timeLimitSeconds", "The time limit is at most a week.");
        if (s.AttemptsAllowed is < 0 or > 100) throw ProblemException.Invalid("settings.attemptsAllowed", "Attempts allowed is 0 (unlimited) to 100.");
        if (s.PassMark is < 0 or > 100) throw ProblemException.Invalid("settings.passMark", "The pass mark is a percent, 0 to 100.");
        if (s.OpenAt is { } o && s.CloseAt is { } c && c <= o) throw ProblemException.Invalid("settings.closeAt", "The quiz must close after it opens.");
        return s with
        {
            Description = string.IsNullOrWhiteSpace(s.Description) ? null : QuestionSanitizer.Html(s.Description),
            TimeLimitSeconds = s.TimeLimitSeconds is 0 ? null : s.TimeLimitSeconds,
            OverallFeedback = s.OverallFeedback?.Select(b => b with { Text = QuestionSanitizer.Html(b.Text) }).ToList(),
        };
    }

    private static async Task<QuizDefinition> CheckDefinitionAsync(QuizDefinition? d, Guid institutionId, QuestionRepository questions, HttpContext http, AssessmentAccess access)
    {
        d ??= new QuizDefinition { Sections = [new QuizSection { Title = "" }] };
        if (d.Sections.Count > 50) throw ProblemException.Invalid("definition.sections", "At most 50 sections.");
        var seen = new HashSet<Guid>();
        foreach (var item in d.Sections.SelectMany(s => s.Items))
        {
            if (item.Points is <= 0 or > 1000) throw ProblemException.Invalid("definition.points", "Each question is worth more than 0 and at most 1000 points.");
            if (item.Kind == SlotKinds.Fixed)
            {
                if (item.QuestionId is not { } id) throw ProblemException.Invalid("definition.questionId", "A fixed question names its question.");
                if (!seen.Add(id)) throw ProblemException.Invalid("definition.questionId", "A question is in the quiz twice.");
                var (row, _) = await access.QuestionAsync(http.User, id);
                if (row.InstitutionId != institutionId && !row.Shared) throw ProblemException.NotFound("The question");
            }
            else if (item.Kind == SlotKinds.Random)
            {
                if (item.Count is < 1 or > 200) throw ProblemException.Invalid("definition.count", "A random draw takes 1 to 200 questions.");
                if ((item.Tags?.Count ?? 0) == 0 && item.Subject is null && item.Type is null && item.MinDifficulty is null && item.MaxDifficulty is null)
                    throw ProblemException.Invalid("definition.tags", "A random draw needs at least one filter (tags, subject, type or difficulty).");
                var available = (await questions.CandidatesAsync(institutionId, item)).Count(c => !seen.Contains(c.Id));
                if (available < item.Count)
                    throw ProblemException.Invalid("definition.count", $"The bank has only {available} question(s) for a random draw of {item.Count}.");
            }
            else throw ProblemException.Invalid("definition.kind", "A quiz item is \"fixed\" or \"random\".");
        }
        return d;
    }

    private static async Task<Created<CreatedQuiz>> Create(
        Guid courseId, Guid moduleId, QuizRequest request, HttpContext http, CourseAccess courses, AssessmentAccess access,
        QuizRepository quizzes, QuestionRepository questions)
    {
        var course = await courses.TeachAsync(http.User, courseId);
        var settings = CheckSettings(request.Settings);
        var definition = await CheckDefinitionAsync(request.Definition, course.Course.InstitutionId, questions, http, access);
        var created = await quizzes.CreateAsync(courseId, moduleId, request.Title.Trim(), settings, definition)
                      ?? throw ProblemException.NotFound("The module");
        return TypedResults.Created($"/api/quizzes/{created.QuizId}", new CreatedQuiz(created.QuizId, created.ItemId));
    }

    private static async Task<QuizView> Update(
        Guid quizId, QuizRequest request, HttpContext http, AssessmentAccess access, QuizRepository quizzes, QuestionRepository questions,
        AttemptRepository attempts, TimeProvider clock)
    {
        var context = await access.TeachQuizAsync(http, quizId);
        var settings = CheckSettings(request.Settings);
        var definition = await CheckDefinitionAsync(request.Definition, context.Quiz.InstitutionId, questions, http, access);
        await quizzes.UpdateAsync(quizId, request.Title.Trim(), settings, definition);
        return await ViewAsync(await access.TeachQuizAsync(http, quizId), http, quizzes, questions, attempts, clock, fresh: true);
    }

    private static async Task<QuizView> Get(Guid quizId, HttpContext http, AssessmentAccess access, QuizRepository quizzes,
        QuestionRepository questions, AttemptRepository attempts, TimeProvider clock) =>
        await ViewAsync(await access.QuizAsync(http, quizId), http, quizzes, questions, attempts, clock);

    public static bool Visible(string when, Quiz quiz, DateTimeOffset now) => when switch
    {
        ReviewWhen.Immediately => true,
        ReviewWhen.AfterClose => quiz.Settings.CloseAt is { } c && now >= c,
        _ => false,
    };

    private static async Task<QuizView> ViewAsync(QuizContext context, HttpContext http, QuizRepository quizzes, QuestionRepository questions,
        AttemptRepository attempts, TimeProvider clock, bool fresh = false)
    {
        var quiz = fresh ? (await quizzes.GetAsync(context.Quiz.Id, fresh: true))! : context.Quiz;
        var now = clock.GetUtcNow();
        var course = context.Course;
        List<SectionView>? sections = null;
        if (course.CanTeach)
        {
            sections = [];
            foreach (var s in quiz.Definition.Sections)
            {
                var items = new List<SlotSpecView>();
                foreach (var item in s.Items)
                {
                    if (item.Kind == SlotKinds.Fixed && item.QuestionId is { } id)
                    {
                        var row = await questions.GetAsync(id);
                        items.Add(new SlotSpecView(item, row?.Title, row?.Type, null));
                    }
                    else items.Add(new SlotSpecView(item, null, item.Type, (await questions.CandidatesAsync(quiz.InstitutionId, item)).Count));
                }
                sections.Add(new SectionView(s.Title, items));
            }
        }
        var mine = course.CanLearn ? await attempts.ForLearnerAsync(quiz.Id, course.UserId) : [];
        var scoresVisible = Visible(quiz.Settings.ReviewScores, quiz, now);
        var summaries = mine.Select(a => new AttemptSummary(a.Id, a.Number, a.Status, a.StartedAt, a.DeadlineAt, a.SubmittedAt,
            scoresVisible ? a.Score : null, a.MaxScore, a.NeedsGrading, scoresVisible)).ToList();
        var max = QuizGrades.MaxPoints(quiz.Definition);
        LearnerQuizGrade? grade = course.CanLearn && scoresVisible
            ? QuizGrades.For(quiz.Id, course.UserId, quiz.Settings, max, mine.Select(ToList))
            : null;
        int? left = quiz.Settings.AttemptsAllowed > 0 ? Math.Max(0, quiz.Settings.AttemptsAllowed - mine.Count) : null;
        return new QuizView(quiz.Id, quiz.CourseId, course.Course.Title, quiz.Title, quiz.Settings, max,
            quiz.Definition.Sections.SelectMany(s => s.Items).Sum(i => i.Kind == SlotKinds.Random ? i.Count : 1),
            course.CanTeach, course.CanLearn, sections, summaries, grade, left, now, quiz.InstitutionId);
    }

    public static AttemptListRow ToList(AttemptRow a) => new()
    {
        Id = a.Id, QuizId = a.QuizId, UserId = a.UserId, Number = a.Number, Status = a.Status, StartedAt = a.StartedAt,
        DeadlineAt = a.DeadlineAt, SubmittedAt = a.SubmittedAt, SubmittedBy = a.SubmittedBy, Score = a.Score, MaxScore = a.MaxScore,
        NeedsGrading = a.NeedsGrading,
    };

    private static async Task<LearnerQuizGrade> MyGrade(Guid quizId, HttpContext http, AssessmentAccess access, AttemptRepository attempts)
    {
        var context = await access.QuizAsync(http, quizId);
        if (!context.Course.CanLearn) throw ProblemException.Forbidden("Grades are kept for the course's students.");
        var mine = await attempts.ForLearnerAsync(quizId, context.Course.UserId);
        return QuizGrades.For(quizId, context.Course.UserId, context.Quiz.Settings, QuizGrades.MaxPoints(context.Quiz.Definition), mine.Select(ToList));
    }

    private static async Task<LearnerQuizGrade> LearnerGrade(Guid quizId, Guid userId, HttpContext http, AssessmentAccess access, AttemptRepository attempts)
    {
        var context = await access.TeachQuizAsync(http, quizId);
        var theirs = await attempts.ForLearnerAsync(quizId, userId);
        return QuizGrades.For(quizId, userId, context.Quiz.Settings, QuizGrades.MaxPoints(context.Quiz.Definition), theirs.Select(ToList));
    }

}
