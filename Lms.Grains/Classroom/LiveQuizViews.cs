using System.Globalization;
using System.Text.RegularExpressions;
using Lms.Grains.Assessment;

namespace Lms.Grains.Classroom;

/// <summary>One bar of a question's results: an option (choice questions), true/false, or right/partly/wrong.</summary>
public sealed record LiveQuizBucket(string Key, string Label, int Count, bool Right);

/// <summary>How the class answered one launched question.</summary>
public sealed record LiveQuizResults(
    Guid LaunchId, int Position, string Type, int Answered, int Correct, double AveragePoints, double AverageTimeMs,
    string RightAnswer, IReadOnlyList<LiveQuizBucket> Distribution, string? Feedback);

/// <summary>One player's place: more points first, then less time; equal points share a rank.</summary>
public sealed record LiveQuizStanding(int Rank, Guid UserId, string DisplayName, int Points, int Correct, int Answered, long TimeMs);

/// <summary>What the live quiz shows of a question, its results and the leaderboard (the grain's events and the records share them).</summary>
public static partial class LiveQuizViews
{
    /// <summary>Everyone sees the options in one order; matching answers and ordering items are shuffled (else the answer shows), the same for all.</summary>
    public static IReadOnlyList<string>? OptionOrder(QuestionContent content, Guid launchId) =>
        Drawing.OptionOrder(content, shuffleOptions: false, new Random(BitConverter.ToInt32(launchId.ToByteArray(), 12) & int.MaxValue));

    /// <summary>The question as a student sees it (no right answers): the shape of a quiz attempt's question.</summary>
    public static object StudentView(int position, QuestionContent q, IReadOnlyList<string>? order)
    {
        object? choices = null, prompts = null, answers = null, items = null, blanks = null;
        switch (q.Type)
        {
            case QuestionTypes.Single or QuestionTypes.Multiple when q.Choices is not null:
                var byId = q.Choices.ToDictionary(c => c.Id);
                choices = (order ?? q.Choices.Select(c => c.Id).ToList()).Where(byId.ContainsKey).Select(id => new { id, text = byId[id].Text }).ToList();
                break;
            case QuestionTypes.Matching when q.Pairs is not null:
                prompts = q.Pairs.Select(p => new { id = p.Id, text = p.Prompt }).ToList();
                answers = order ?? q.Pairs.Select(p => p.Answer).Concat(q.Distractors ?? []).Distinct().Order().ToList();
                break;
            case QuestionTypes.Ordering when q.Items is not null:
                var itemsById = q.Items.ToDictionary(i => i.Id);
                items = (order ?? q.Items.Select(i => i.Id).Reverse().ToList()).Where(itemsById.ContainsKey)
                    .Select(id => new { id, text = itemsById[id].Text }).ToList();
                break;
            case QuestionTypes.Cloze when q.Blanks is not null:
                blanks = q.Blanks.Select(b => new
                {
                    id = b.Id, kind = b.Kind,
                    choices = b.Kind == BlankKinds.Choice ? b.Choices?.Select(c => new { id = c.Id, text = c.Text }).ToList() : null,
                }).ToList();
                break;
        }
        return new
        {
            slot = position, section = (string?)null, points = LiveQuizScoring.MaxPoints, type = q.Type, stem = q.Stem,
            choices, prompts, answers, items, blanks,
        };
    }

    /// <summary>How the class answered: per option for choice questions, true/false, right/partly/wrong for the others.</summary>
    public static LiveQuizResults Results(LiveQuizLaunchRow row, QuestionContent q, IReadOnlyList<string>? order, IReadOnlyCollection<LiveQuizAnswerRow> answers)
    {
        var distribution = new List<LiveQuizBucket>();
        switch (q.Type)
        {
            case QuestionTypes.Single or QuestionTypes.Multiple when q.Choices is not null:
            {
                var byId = q.Choices.ToDictionary(c => c.Id);
                var counts = new Dictionary<string, int>();
                foreach (var a in answers)
                {
                    var r = Read(a.Response);
                    foreach (var id in (r.Choices ?? (r.Choice is { } one ? [one] : [])).Distinct())
                        counts[id] = counts.GetValueOrDefault(id) + 1;
                }
                foreach (var id in (order ?? q.Choices.Select(c => c.Id).ToList()).Where(byId.ContainsKey))
                    distribution.Add(new LiveQuizBucket(id, byId[id].Text, counts.GetValueOrDefault(id), byId[id].Fraction > 0));
                break;
            }
            case QuestionTypes.TrueFalse:
            {
                var values = answers.Select(a => Read(a.Response).Value).ToList();
                distribution.Add(new LiveQuizBucket("true", "", values.Count(v => v == true), q.Correct == true));
                distribution.Add(new LiveQuizBucket("false", "", values.Count(v => v == false), q.Correct == false));
                break;
            }
            default:
                distribution.Add(new LiveQuizBucket("correct", "", answers.Count(a => LiveQuizScoring.Correct(a.Fraction)), true));
                distribution.Add(new LiveQuizBucket("partial", "", answers.Count(a => a.Fraction > 0 && !LiveQuizScoring.Correct(a.Fraction)), false));
                distribution.Add(new LiveQuizBucket("wrong", "", answers.Count(a => a.Fraction <= 0), false));
                break;
        }
        return new LiveQuizResults(row.Id, row.Position, q.Type, answers.Count, answers.Count(a => LiveQuizScoring.Correct(a.Fraction)),
            answers.Count == 0 ? 0 : Math.Round(answers.Average(a => a.Points)),
            answers.Count == 0 ? 0 : Math.Round(answers.Average(a => a.TimeMs)),
            Grader.RightAnswer(q), distribution, string.IsNullOrWhiteSpace(q.GeneralFeedback) ? null : q.GeneralFeedback);
    }

    /// <summary>The leaderboard over <paramref name="answers"/>: the sum of points, more first, then less time; equal points share a rank.</summary>
    public static List<LiveQuizStanding> Standings(IEnumerable<LiveQuizAnswerRow> answers)
    {
        var totals = answers.GroupBy(a => a.UserId).Select(g => (
                UserId: g.Key, Name: g.Last().DisplayName, Points: g.Sum(a => a.Points), Correct: g.Count(a => LiveQuizScoring.Correct(a.Fraction)),
                Answered: g.Count(), TimeMs: g.Sum(a => (long)a.TimeMs)))
            .OrderByDescending(t => t.Points).ThenBy(t => t.TimeMs).ThenBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.UserId).ToList();
        var list = new List<LiveQuizStanding>(totals.Count);
        for (var i = 0; i < totals.Count; i++)
        {
            var t = totals[i];
            var rank = i > 0 && totals[i - 1].Points == t.Points ? list[i - 1].Rank : i + 1;
            list.Add(new LiveQuizStanding(rank, t.UserId, t.Name, t.Points, t.Correct, t.Answered, t.TimeMs));
        }
        return list;
    }

    /// <summary>A student's answer in words, for the records (true/false as "true"/"false").</summary>
    public static string Describe(QuestionContent q, string responseJson)
    {
        var r = Read(responseJson);
        string Text(string html) => StripTags(html);
        switch (q.Type)
        {
            case QuestionTypes.Single:
                return q.Choices?.FirstOrDefault(c => c.Id == r.Choice) is { } c ? Text(c.Text) : "";
            case QuestionTypes.Multiple:
                var chosen = r.Choices?.ToHashSet() ?? [];
                return string.Join("; ", q.Choices?.Where(x => chosen.Contains(x.Id)).Select(x => Text(x.Text)) ?? []);
            case QuestionTypes.TrueFalse:
                return r.Value is { } v ? (v ? "true" : "false") : "";
            case QuestionTypes.Short or QuestionTypes.Numerical or QuestionTypes.Essay:
                return r.Text?.Trim() ?? "";
            case QuestionTypes.Matching:
                return string.Join("; ", q.Pairs?.Where(p => r.Pairs?.ContainsKey(p.Id) == true)
                    .Select(p => $"{Text(p.Prompt)} → {r.Pairs![p.Id]}") ?? []);
            case QuestionTypes.Ordering:
                var items = q.Items?.ToDictionary(i => i.Id, i => Text(i.Text)) ?? [];
                return string.Join(" → ", r.Order?.Select(id => items.GetValueOrDefault(id, id)) ?? []);
            case QuestionTypes.Cloze:
                return string.Join("; ", q.Blanks?.Select(b =>
                {
                    var given = r.Blanks?.GetValueOrDefault(b.Id) ?? "";
                    if (b.Kind == BlankKinds.Choice) given = b.Choices?.FirstOrDefault(c => c.Id == given) is { } bc ? Text(bc.Text) : given;
                    return $"[{b.Id}] {given}";
                }) ?? []);
            default:
                return "";
        }
    }

    /// <summary>A stored response (always a JSON object, checked when it was taken).</summary>
    public static QuestionResponse Read(string json)
    {
        try
        {
            return AssessmentJson.Read<QuestionResponse>(json);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            return new QuestionResponse();
        }
    }

    public static string StripTags(string html) =>
        System.Net.WebUtility.HtmlDecode(TagPattern().Replace(html, "")).Trim();

    public static string Seconds(int ms) => (ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex TagPattern();
}
