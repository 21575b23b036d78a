using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Grains.Assessment;

/// <summary>The outcome of grading one response: a fraction of the question's points, or null when a person must grade it.</summary>
public sealed record GradeResult(double? Fraction, IReadOnlyList<string> Feedback)
{
    public static GradeResult Manual => new(null, []);
}

/// <summary>
/// Automatic grading of every type but essay. Rules (the README repeats them):
/// single choice scores the chosen option's credit; multiple choice adds the credit of every chosen
/// option (wrong ones are negative) and clamps to 0..1, so choosing everything scores 0;
/// short answer takes the best matching accepted answer (<c>*</c> is a wildcard; case-insensitive unless
/// the question says otherwise; spaces are trimmed and runs of spaces count as one); numerical takes the
/// best answer within its tolerance (a comma is read as a decimal point); matching scores the share of
/// prompts matched right; ordering the share of neighbouring pairs kept in the right order; cloze the
/// average over its blanks.
/// </summary>
public static class Grader
{
    /// <summary>
    /// The points a slot earns for a stored response (JSON, or null when unanswered); null when a person must
    /// grade it. An essay left empty needs nobody's judgement: it scores nothing.
    /// </summary>
    public static double? SlotScore(QuestionContent q, string? responseJson, double points)
    {
        QuestionResponse? response = null;
        if (responseJson is not null)
        {
            try { response = AssessmentJson.Read<QuestionResponse>(responseJson); }
            catch (System.Text.Json.JsonException) { }
        }
        var result = Grade(q, response);
        double? score = result.Fraction is { } f ? Math.Round(f * points, 4) : null;
        if (score is null && string.IsNullOrWhiteSpace(response?.Text)) score = 0;
        return score;
    }

    public static GradeResult Grade(QuestionContent q, QuestionResponse? r)
    {
        var feedback = new List<string>();
        double? fraction = q.Type switch
        {
            QuestionTypes.Single => Single(q, r, feedback),
            QuestionTypes.Multiple => Multiple(q, r, feedback),
            QuestionTypes.TrueFalse => TrueFalse(q, r, feedback),
            QuestionTypes.Short => Best(q.Accepted, r?.Text, q.CaseSensitive, feedback),
            QuestionTypes.Numerical => BestNumber(q.Numbers, r?.Text, feedback),
            QuestionTypes.Matching => Matching(q, r),
            QuestionTypes.Ordering => Ordering(q, r),
            QuestionTypes.Cloze => Cloze(q, r, feedback),
            QuestionTypes.Essay => null,
            _ => 0,
        };
        if (fraction is null) return GradeResult.Manual;
        if (!string.IsNullOrWhiteSpace(q.GeneralFeedback)) feedback.Add(q.GeneralFeedback!);
        return new GradeResult(Math.Round(Math.Clamp(fraction.Value, 0, 1), 6), feedback);
    }

    private static double Single(QuestionContent q, QuestionResponse? r, List<string> feedback)
    {
        var chosen = q.Choices?.FirstOrDefault(c => c.Id == r?.Choice);
        if (chosen is null) return 0;
        if (chosen.Feedback is { Length: > 0 } f) feedback.Add(f);
        return chosen.Fraction;
    }

    private static double Multiple(QuestionContent q, QuestionResponse? r, List<string> feedback)
    {
        if (r?.Choices is null || q.Choices is null) return 0;
        var chosen = r.Choices.Distinct().ToHashSet();
        var sum = 0.0;
        foreach (var c in q.Choices.Where(c => chosen.Contains(c.Id)))
        {
            sum += c.Fraction;
            if (c.Feedback is { Length: > 0 } f) feedback.Add(f);
        }
        return sum;
    }

    private static double TrueFalse(QuestionContent q, QuestionResponse? r, List<string> feedback)
    {
        if (r?.Value is not { } value) return 0;
        var f = value ? q.TrueFeedback : q.FalseFeedback;
        if (f is { Length: > 0 }) feedback.Add(f);
        return value == q.Correct ? 1 : 0;
    }

    private static double Best(IReadOnlyList<AcceptedAnswer>? accepted, string? text, bool caseSensitive, List<string>? feedback)
    {
        if (accepted is null || string.IsNullOrWhiteSpace(text)) return 0;
        var given = Tidy(text);
        var best = accepted.Where(a => Matches(a.Text, given, caseSensitive)).OrderByDescending(a => a.Fraction).FirstOrDefault();
        if (best is null) return 0;
        if (feedback is not null && best.Feedback is { Length: > 0 } f) feedback.Add(f);
        return best.Fraction;
    }

    /// <summary>Whether <paramref name="given"/> matches an accepted answer, where <c>*</c> stands for any characters.</summary>
    public static bool Matches(string pattern, string given, bool caseSensitive)
    {
        var tidy = Tidy(pattern);
        var regex = "^" + string.Join(".*", tidy.Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(given, regex,
            (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) | RegexOptions.Singleline,
            TimeSpan.FromMilliseconds(200));
    }

    private static string Tidy(string text) => Regex.Replace(text.Normalize(NormalizationForm.FormC).Trim(), @"\s+", " ");

    private static double BestNumber(IReadOnlyList<NumericAnswer>? numbers, string? text, List<string>? feedback)
    {
        if (numbers is null || !TryNumber(text, out var x)) return 0;
        var best = numbers.Where(n => Math.Abs(x - n.Value) <= n.Tolerance + 1e-9 * Math.Max(1, Math.Abs(n.Value)))
            .OrderByDescending(n => n.Fraction).FirstOrDefault();
        if (best is null) return 0;
        if (feedback is not null && best.Feedback is { Length: > 0 } f) feedback.Add(f);
        return best.Fraction;
    }

    /// <summary>Reads "3.14", "3,14", " -2e3 "; Vietnamese writes a decimal comma.</summary>
    public static bool TryNumber(string? text, out double value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().Replace(" ", "").Replace('\u2212', '-');
        if (t.Contains(',') && !t.Contains('.')) t = t.Replace(',', '.');
        return double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    private static double Matching(QuestionContent q, QuestionResponse? r)
    {
        if (q.Pairs is not { Count: > 0 } || r?.Pairs is null) return 0;
        var right = q.Pairs.Count(p => r.Pairs.TryGetValue(p.Id, out var a) && a == p.Answer);
        return (double)right / q.Pairs.Count;
    }

    private static double Ordering(QuestionContent q, QuestionResponse? r)
    {
        if (q.Items is not { Count: >= 2 } || r?.Order is null) return 0;
        var position = r.Order.Select((id, i) => (id, i)).GroupBy(x => x.id).ToDictionary(g => g.Key, g => g.First().i);
        var kept = 0;
        for (var i = 0; i + 1 < q.Items.Count; i++)
            if (position.TryGetValue(q.Items[i].Id, out var a) && position.TryGetValue(q.Items[i + 1].Id, out var b) && b == a + 1)
                kept++;
        return (double)kept / (q.Items.Count - 1);
    }

    private static double Cloze(QuestionContent q, QuestionResponse? r, List<string> feedback)
    {
        if (q.Blanks is not { Count: > 0 }) return 0;
        var total = 0.0;
        foreach (var blank in q.Blanks)
        {
            string? given = null;
            r?.Blanks?.TryGetValue(blank.Id, out given);
            total += blank.Kind switch
            {
                BlankKinds.Numeric => BestNumber(blank.Numbers, given, null),
                BlankKinds.Choice => Math.Max(0, blank.Choices?.FirstOrDefault(c => c.Id == given)?.Fraction ?? 0),
                _ => Best(blank.Accepted, given, blank.CaseSensitive, null),
            };
        }
        return total / q.Blanks.Count;
    }

    /// <summary>The right answer in words, for review: what a student sees once the quiz lets them.</summary>
    public static string RightAnswer(QuestionContent q) => q.Type switch
    {
        QuestionTypes.Single or QuestionTypes.Multiple =>
            string.Join("; ", q.Choices?.Where(c => c.Fraction > 0).Select(c => StripTags(c.Text)) ?? []),
        QuestionTypes.TrueFalse => q.Correct == true ? "true" : "false",
        QuestionTypes.Short => q.Accepted?.Where(a => a.Fraction >= 0.999).Select(a => a.Text).FirstOrDefault() ?? "",
        QuestionTypes.Numerical => q.Numbers?.Where(n => n.Fraction >= 0.999)
            .Select(n => n.Tolerance > 0 ? $"{n.Value.ToString(CultureInfo.InvariantCulture)} ± {n.Tolerance.ToString(CultureInfo.InvariantCulture)}" : n.Value.ToString(CultureInfo.InvariantCulture))
            .FirstOrDefault() ?? "",
        QuestionTypes.Matching => string.Join("; ", q.Pairs?.Select(p => $"{StripTags(p.Prompt)} → {StripTags(p.Answer)}") ?? []),
        QuestionTypes.Ordering => string.Join(" → ", q.Items?.Select(i => StripTags(i.Text)) ?? []),
        QuestionTypes.Cloze => string.Join("; ", q.Blanks?.Select(b => $"[{b.Id}] " + b.Kind switch
        {
            BlankKinds.Numeric => b.Numbers?.FirstOrDefault()?.Value.ToString(CultureInfo.InvariantCulture) ?? "",
            BlankKinds.Choice => StripTags(b.Choices?.Where(c => c.Fraction >= 0.999).Select(c => c.Text).FirstOrDefault() ?? ""),
            _ => b.Accepted?.FirstOrDefault()?.Text ?? "",
        }) ?? []),
        _ => "",
    };

    private static string StripTags(string html) => Regex.Replace(html, "<[^>]*>", "").Trim();
}
