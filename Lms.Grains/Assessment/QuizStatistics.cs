namespace Lms.Grains.Assessment;

public sealed record ChoiceCount(string Key, string Label, int Count, bool Right);

public sealed record QuestionStatistics(
    Guid QuestionId, string Title, string Type, int Responses, double? FacilityIndex, double? DiscriminationIndex,
    double? StandardDeviation, IReadOnlyList<ChoiceCount> Distribution);

public sealed record HistogramBin(int From, int To, int Count);

public sealed record QuizStatisticsView(
    int Attempts, double? AverageScorePercent, double? MedianPercent, IReadOnlyList<HistogramBin> Histogram, IReadOnlyList<QuestionStatistics> Questions);

/// <summary>
/// Per-quiz statistics as psychometricians read them (the way Moodle's quiz statistics report defines them):
/// facility index = mean score on the question as a percent of its points; discrimination index = the
/// correlation (×100) between the score on the question and the score on the rest of the attempt;
/// the distribution of the responses; a histogram of attempt scores in tenths. Over every submitted attempt.
/// </summary>
public static class QuizStatistics
{
    public static QuizStatisticsView Compute(
        IReadOnlyList<AttemptListRow> attempts, IReadOnlyList<SlotRow> slots, IReadOnlyList<AnswerRow> answers,
        Func<Guid, int, QuestionContent> content, Func<Guid, string> title)
    {
        var submitted = attempts.Where(a => a.Status == AttemptStatuses.Submitted).ToList();
        var percents = submitted.Select(a => a.MaxScore > 0 ? 100 * (a.Score ?? 0) / a.MaxScore : 0).OrderBy(x => x).ToList();
        var histogram = Enumerable.Range(0, 10).Select(i => new HistogramBin(i * 10, i * 10 + 10,
            percents.Count(p => (int)Math.Min(9, Math.Floor(p / 10)) == i))).ToList();
        var totals = submitted.ToDictionary(a => a.Id, a => a.Score ?? 0);
        var current = answers.GroupBy(a => a.AttemptId).ToDictionary(g => g.Key, g => AnswerOrder.Current(g));

        var questions = new List<QuestionStatistics>();
        foreach (var group in slots.Where(s => totals.ContainsKey(s.AttemptId)).GroupBy(s => s.QuestionId))
        {
            var list = group.ToList();
            var latest = list.MaxBy(s => s.Version)!;
            var q = content(group.Key, latest.Version);
            var graded = list.Where(s => s.Score is not null && s.Points > 0).ToList();
            var x = graded.Select(s => s.Score!.Value / s.Points).ToList();
            var rest = graded.Select(s => totals[s.AttemptId] - s.Score!.Value).ToList();
            double? facility = x.Count > 0 ? Math.Round(100 * x.Average(), 1) : null;
            double? sd = x.Count > 1 ? Math.Round(100 * Sd(x), 1) : null;
            double? discrimination = Correlation(x, rest) is { } r ? Math.Round(100 * r, 1) : null;
            var responses = list.Select(s => current.TryGetValue(s.AttemptId, out var c) && c.TryGetValue(s.Slot, out var a) ? a.Response : null).ToList();
            questions.Add(new QuestionStatistics(group.Key, title(group.Key), q.Type, list.Count, facility, discrimination, sd, Distribution(q, responses)));
        }
        return new QuizStatisticsView(submitted.Count,
            percents.Count > 0 ? Math.Round(percents.Average(), 1) : null,
            percents.Count > 0 ? Math.Round(percents[percents.Count / 2], 1) : null,
            histogram, questions);
    }

    private static double Sd(IReadOnlyList<double> x)
    {
        var mean = x.Average();
        return Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Count - 1));
    }

    public static double? Correlation(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count < 2) return null;
        var mx = x.Average();
        var my = y.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx <= 0 || syy <= 0 ? null : sxy / Math.Sqrt(sxx * syy);
    }

    private static IReadOnlyList<ChoiceCount> Distribution(QuestionContent q, IReadOnlyList<string?> responses)
    {
        var parsed = responses.Select(r =>
        {
            if (r is null) return null;
            try { return AssessmentJson.Read<QuestionResponse>(r); } catch (System.Text.Json.JsonException) { return null; }
        }).ToList();
        var blank = parsed.Count(p => p is null);
        var result = new List<ChoiceCount>();
        switch (q.Type)
        {
            case QuestionTypes.Single or QuestionTypes.Multiple:
                foreach (var c in q.Choices ?? [])
                    result.Add(new ChoiceCount(c.Id, System.Text.RegularExpressions.Regex.Replace(c.Text, "<[^>]*>", ""),
                        parsed.Count(p => p?.Choice == c.Id || (p?.Choices?.Contains(c.Id) ?? false)), c.Fraction > 0));
                break;
            case QuestionTypes.TrueFalse:
                result.Add(new ChoiceCount("true", "true", parsed.Count(p => p?.Value == true), q.Correct == true));
                result.Add(new ChoiceCount("false", "false", parsed.Count(p => p?.Value == false), q.Correct == false));
                break;
            case QuestionTypes.Short or QuestionTypes.Numerical:
                foreach (var g in parsed.Where(p => !string.IsNullOrWhiteSpace(p?.Text)).GroupBy(p => p!.Text!.Trim()).OrderByDescending(g => g.Count()).Take(8))
                    result.Add(new ChoiceCount(g.Key, g.Key, g.Count(), Grader.Grade(q, g.First()).Fraction >= 0.999));
                break;
            default:
                var right = parsed.Count(p => p is not null && Grader.Grade(q, p).Fraction >= 0.999);
                result.Add(new ChoiceCount("right", "right", right, true));
                result.Add(new ChoiceCount("partial-or-wrong", "partial-or-wrong", parsed.Count(p => p is not null) - right, false));
                break;
        }
        result.Add(new ChoiceCount("", "no-answer", blank, false));
        return result;
    }
}
