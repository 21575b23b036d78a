using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;
using Lms.Grains.Assessment;
using Lms.Grains.Classroom;
using Lms.Grains.Data;
using Lms.Server.Assessment;
using Lms.Server.Problems;

namespace Lms.Server.Classroom;

/// <summary>A bank question as the teacher previews it before launching: what students will see, and the right answer.</summary>
public sealed record LiveQuizPreview(QuestionSummary Summary, JsonElement Question, string RightAnswer, bool Gradable);

public sealed record LiveQuizAnswerView(
    Guid UserId, string DisplayName, string Answer, JsonElement Response, double Fraction, bool Correct, int Points, int TimeMs,
    DateTimeOffset AnsweredAt);

public sealed record LiveQuizQuestionView(
    Guid LaunchId, int Position, Guid QuestionId, int Version, string Title, string Type, string Stem, int? TimeLimitSeconds, bool SpeedBonus,
    DateTimeOffset LaunchedAt, DateTimeOffset? ClosedAt, LiveQuizResults Results, IReadOnlyList<LiveQuizAnswerView> Answers);

/// <summary>A run's live quiz as kept after the class: each question with every answer, and the final leaderboard.</summary>
public sealed record LiveQuizRecord(Guid RunId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    IReadOnlyList<LiveQuizQuestionView> Questions, IReadOnlyList<LiveQuizStanding> Leaderboard);

public static class LiveQuizSetup
{
    /// <summary>The live quiz in the classroom: one line in LmsApp (it uses the assessment's bank, grader and group commit).</summary>
    public static IServiceCollection AddLiveQuiz(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LiveQuizRepository>();
        services.Configure<LiveQuizOptions>(configuration.GetSection(LiveQuizOptions.Section));
        return services;
    }

    public static void MapLiveQuizEndpoints(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/classroom/sessions/{sessionId:guid}").WithTags("Live quiz");
        session.ProducesProblemsOfIdsAndBodies();
        session.MapGet("/quiz/bank", Bank).WithSummary("Search the course's question bank for questions to launch live (teachers).");
        session.MapGet("/quiz/bank/tags", Tags).WithSummary("The tags of the course's question bank (teachers).");
        session.MapGet("/quiz/bank/{questionId:guid}", Preview).WithSummary("A bank question as students will see it, with its right answer (teachers).");
        session.MapGet("/runs/{runId:guid}/quiz", Record).WithSummary("A run's live quiz: each question launched, every answer, the leaderboard (teachers).");
        session.MapGet("/runs/{runId:guid}/quiz.csv", RecordCsv).WithSummary("Every answer of a run's live quiz as CSV (UTF-8, Excel-ready).");
    }

    private static async Task<Page<QuestionSummary>> Bank(
        Guid sessionId, string? q, string? type, string? subject, string? level, string? tag, int? skip, int? take,
        HttpContext http, ClassroomAccess access, QuestionRepository questions)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        var page = await questions.SearchAsync(context.Course.Course.InstitutionId,
            new BankFilter(q, type, subject, level, tag), PageRequest.Of(skip, take));
        return new Page<QuestionSummary>(page.Items.Select(BankEndpoints.Summary).ToList(), page.Total, page.Skip, page.Take);
    }

    private static async Task<IReadOnlyList<string>> Tags(Guid sessionId, HttpContext http, ClassroomAccess access, QuestionRepository questions)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        return await questions.TagsAsync(context.Course.Course.InstitutionId);
    }

    private static async Task<LiveQuizPreview> Preview(Guid sessionId, Guid questionId, HttpContext http, ClassroomAccess access, QuestionRepository questions)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        var row = await questions.GetAsync(questionId);
        if (row is null || (row.InstitutionId != context.Course.Course.InstitutionId && !row.Shared)) throw ProblemException.NotFound("The question");
        var content = await questions.ContentAsync(row.Id, row.CurrentVersion);
        var view = JsonSerializer.SerializeToElement(LiveQuizViews.StudentView(0, content, LiveQuizViews.OptionOrder(content, row.Id)), JsonSerializerOptions.Web);
        return new LiveQuizPreview(BankEndpoints.Summary(row), view, Grader.RightAnswer(content), row.Type != QuestionTypes.Essay);
    }

    private static async Task<(LiveRunRow Run, LiveQuizRecord Record, IReadOnlyDictionary<Guid, QuestionContent> Contents)> LoadAsync(
        Guid sessionId, Guid runId, HttpContext http, ClassroomAccess access, LiveSessionRepository sessions, LiveQuizRepository quizzes,
        QuestionRepository questions)
    {
        await access.TeachAsync(http.User, sessionId);
        var run = await sessions.RunAsync(runId);
        if (run is null || run.SessionId != sessionId) throw ProblemException.NotFound("The run");
        var (launches, answers) = await quizzes.RunAsync(runId);
        var contents = new Dictionary<Guid, QuestionContent>();
        var views = new List<LiveQuizQuestionView>();
        foreach (var launch in launches)
        {
            var content = await questions.ContentAsync(launch.QuestionId, launch.Version);
            contents[launch.Id] = content;
            var mine = answers.Where(a => a.LaunchId == launch.Id).ToList();
            var results = LiveQuizViews.Results(launch, content, LiveQuizViews.OptionOrder(content, launch.Id), mine);
            views.Add(new LiveQuizQuestionView(launch.Id, launch.Position, launch.QuestionId, launch.Version, launch.Title, content.Type, content.Stem,
                launch.TimeLimitSeconds, launch.SpeedBonus, launch.LaunchedAt, launch.ClosedAt ?? run.EndedAt, results,
                mine.OrderByDescending(a => a.Points).ThenBy(a => a.TimeMs).Select(a => new LiveQuizAnswerView(a.UserId, a.DisplayName,
                    LiveQuizViews.Describe(content, a.Response), JsonDocument.Parse(a.Response).RootElement.Clone(), a.Fraction,
                    LiveQuizScoring.Correct(a.Fraction), a.Points, a.TimeMs, a.AnsweredAt)).ToList()));
        }
        return (run, new LiveQuizRecord(run.Id, run.StartedAt, run.EndedAt, views, LiveQuizViews.Standings(answers)), contents);
    }

    private static async Task<LiveQuizRecord> Record(Guid sessionId, Guid runId, HttpContext http, ClassroomAccess access,
        LiveSessionRepository sessions, LiveQuizRepository quizzes, QuestionRepository questions) =>
        (await LoadAsync(sessionId, runId, http, access, sessions, quizzes, questions)).Record;

    private static async Task<IResult> RecordCsv(Guid sessionId, Guid runId, string? tz, HttpContext http, ClassroomAccess access,
        LiveSessionRepository sessions, LiveQuizRepository quizzes, QuestionRepository questions)
    {
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrWhiteSpace(tz) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(tz);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw ProblemException.Invalid("tz", "Name a time zone such as Asia/Ho_Chi_Minh.");
        }
        var (run, record, _) = await LoadAsync(sessionId, runId, http, access, sessions, quizzes, questions);
        var ranks = record.Leaderboard.ToDictionary(s => s.UserId);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        // Students type some of these answers: a cell starting with =, +, - or @ is escaped so a spreadsheet never runs it.
        using (var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape }))
        {
            foreach (var header in new[] { "question", "title", "student", "answer", "correct", "score_percent", "points", "seconds", "answered_at", "total_points", "rank" })
                csv.WriteField(header);
            await csv.NextRecordAsync();
            foreach (var question in record.Questions)
            foreach (var answer in question.Answers)
            {
                csv.WriteField(question.Position);
                csv.WriteField(question.Title);
                csv.WriteField(answer.DisplayName);
                csv.WriteField(answer.Answer);
                csv.WriteField(answer.Correct ? "yes" : "no");
                csv.WriteField(Math.Round(answer.Fraction * 100, 1).ToString("0.#", CultureInfo.InvariantCulture));
                csv.WriteField(answer.Points);
                csv.WriteField(LiveQuizViews.Seconds(answer.TimeMs));
                csv.WriteField(TimeZoneInfo.ConvertTime(answer.AnsweredAt, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
                csv.WriteField(ranks[answer.UserId].Points);
                csv.WriteField(ranks[answer.UserId].Rank);
                await csv.NextRecordAsync();
            }
        }
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"live-quiz-{run.StartedAt:yyyy-MM-dd-HHmm}.csv");
    }
}
