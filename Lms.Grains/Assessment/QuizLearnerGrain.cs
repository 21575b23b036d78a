
namespace Lms.Grains.Assessment;

[GenerateSerializer, Immutable]
public sealed record StartResult(
    [property: Id(0)] Guid? AttemptId,
    [property: Id(1)] bool Resumed,
    [property: Id(2)] string? Error,
    [property: Id(3)] string? Message);

public static class StartErrors
{
    public const string NotOpen = "quiz-not-open";
    public const string Closed = "quiz-closed";
    public const string NoAttemptsLeft = "no-attempts-left";
    public const string DrawFailed = "draw-failed";
    public const string Empty = "quiz-empty";
}

/// <summary>
/// One learner and one quiz: starts attempts one at a time (two devices pressing "start" together get
/// the same attempt), resuming the one in progress. Keyed by <see cref="QuizLearnerKey"/>.
/// </summary>
public interface IQuizLearnerGrain : IGrainWithStringKey
{
    Task<StartResult> StartOrResume(string? deviceId);
}

public static class QuizLearnerKey
{
    public static string For(Guid quizId, Guid userId) => $"{quizId:N}/{userId:N}";

    public static (Guid QuizId, Guid UserId) Parse(string key)
    {
        var parts = key.Split('/');
        return (Guid.ParseExact(parts[0], "N"), Guid.ParseExact(parts[1], "N"));
    }
}

public sealed class QuizLearnerGrain(
    AttemptRepository attempts, QuestionRepository questions, QuizRepository quizzes, TimeProvider clock) : Grain, IQuizLearnerGrain
{
    public async Task<StartResult> StartOrResume(string? deviceId)
    {
        var (quizId, userId) = QuizLearnerKey.Parse(this.GetPrimaryKeyString());
        var quiz = await quizzes.GetAsync(quizId) ?? throw new InvalidOperationException("No such quiz.");
        var mine = await attempts.ForLearnerAsync(quizId, userId);
        foreach (var open in mine.Where(a => a.Status == AttemptStatuses.InProgress))
        {
            var state = await GrainFactory.GetGrain<IQuizAttemptGrain>(open.Id).SubmitIfOverdue();
            if (state.InProgress) return new StartResult(open.Id, true, null, null);
        }
        var now = clock.GetUtcNow();
        var s = quiz.Settings;
        if (s.OpenAt is { } openAt && now < openAt) return new StartResult(null, false, StartErrors.NotOpen, $"The quiz opens at {openAt:u}.");
        if (s.CloseAt is { } closeAt && now >= closeAt) return new StartResult(null, false, StartErrors.Closed, $"The quiz closed at {closeAt:u}.");
        if (s.AttemptsAllowed > 0 && mine.Count >= s.AttemptsAllowed)
            return new StartResult(null, false, StartErrors.NoAttemptsLeft, $"All {s.AttemptsAllowed} attempt(s) have been used.");
        if (!quiz.Definition.Sections.Any(x => x.Items.Count > 0))
            return new StartResult(null, false, StartErrors.Empty, "The quiz has no questions yet.");

        var number = mine.Count == 0 ? 1 : mine.Max(a => a.Number) + 1;
        var seed = Drawing.SeedFor(quizId, userId, number);
        IReadOnlyList<SlotPlan> plan;
        try
        {
            plan = await Drawing.DrawAsync(quiz, seed, questions);
        }
        catch (DrawException e)
        {
            return new StartResult(null, false, StartErrors.DrawFailed, e.Message);
        }
        DateTimeOffset? deadline = s.TimeLimitSeconds is { } limit and > 0 ? now.AddSeconds(limit) : null;
        if (s.CloseAt is { } close && (deadline is null || close < deadline)) deadline = close;
        var attempt = new AttemptRow
        {
            Id = Guid.CreateVersion7(), QuizId = quizId, UserId = userId, Number = number, Seed = seed,
            Status = AttemptStatuses.InProgress, StartedAt = now, DeadlineAt = deadline, MaxScore = plan.Sum(p => p.Points),
        };
        var slots = plan.Select(p => new SlotRow
        {
            AttemptId = attempt.Id, Slot = p.Slot, Section = p.Section, QuestionId = p.QuestionId, Version = p.Version, Points = p.Points,
            OptionOrder = p.OptionOrder is null ? null : AssessmentJson.Write(p.OptionOrder),
        }).ToList();
        await attempts.InsertAttemptAsync(attempt, slots, [new EventRow
        {
            Id = Guid.CreateVersion7(), AttemptId = attempt.Id, At = now, Kind = EventKinds.Started, DeviceId = deviceId,
            Detail = $"attempt {number}, seed {seed}",
        }]);
        return new StartResult(attempt.Id, false, null, null);
    }
}

/// <summary>A learner's grade on a quiz over their attempts: the API later features (MOOC completion, weighted grading) build on.</summary>
public static class QuizGrades
{
    public static LearnerQuizGrade For(Guid quizId, Guid userId, QuizSettings settings, double quizMax, IEnumerable<AttemptListRow> attempts)
    {
        var submitted = attempts.Where(a => a.Status == AttemptStatuses.Submitted).OrderBy(a => a.Number).ToList();
        if (submitted.Count == 0) return new LearnerQuizGrade(quizId, userId, 0, null, quizMax, null, false, false);
        double? Percent(AttemptListRow a) => a.MaxScore > 0 ? 100 * (a.Score ?? 0) / a.MaxScore : 0;
        var percent = settings.GradingMethod switch
        {
            GradingMethods.Last => Percent(submitted[^1]),
            GradingMethods.Average => submitted.Average(a => Percent(a) ?? 0),
            _ => submitted.Max(a => Percent(a) ?? 0),
        };
        var max = quizMax > 0 ? quizMax : submitted[^1].MaxScore;
        var pending = settings.GradingMethod switch
        {
            GradingMethods.Last => submitted[^1].NeedsGrading,
            _ => submitted.Any(a => a.NeedsGrading),
        };
        var p = Math.Round(percent ?? 0, 2);
        return new LearnerQuizGrade(quizId, userId, submitted.Count, Math.Round(max * p / 100, 2), max, p, !pending && p >= settings.PassMark, pending);
    }

    /// <summary>The quiz's nominal maximum: its slots' points (a random draw counts its points per question drawn).</summary>
    public static double MaxPoints(QuizDefinition definition) =>
        definition.Sections.SelectMany(s => s.Items).Sum(i => i.Kind == SlotKinds.Random ? i.Points * i.Count : i.Points);
}
