using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Grains.Assessment;

/// <summary>What makes a question well-formed, and how it is tidied before it is stored.</summary>
public static partial class QuestionRules
{
    public const int MaxStemLength = 50_000;

    /// <summary>Fills in missing option ids and, for multiple choice given as right/wrong flags, spreads the credit.</summary>
    public static QuestionContent Normalise(QuestionContent q)
    {
        var choices = q.Choices?.Select((c, i) => c with { Id = string.IsNullOrWhiteSpace(c.Id) ? OptionId(i) : c.Id.Trim() }).ToList();
        if (q.Type == QuestionTypes.Multiple && choices is { Count: > 0 } && choices.All(c => c.Fraction is 0 or 1))
        {
            var right = choices.Count(c => c.Fraction == 1);
            if (right > 0)
                choices = choices.Select(c => c with { Fraction = c.Fraction == 1 ? 1.0 / right : -1.0 / right }).ToList();
        }
        return q with
        {
            Type = q.Type.Trim().ToLowerInvariant(),
            Choices = choices,
            Pairs = q.Pairs?.Select((p, i) => p with { Id = string.IsNullOrWhiteSpace(p.Id) ? "p" + (i + 1) : p.Id.Trim() }).ToList(),
            Items = q.Items?.Select((p, i) => p with { Id = string.IsNullOrWhiteSpace(p.Id) ? "i" + (i + 1) : p.Id.Trim() }).ToList(),
            Blanks = q.Blanks?.Select(b => b with
            {
                Choices = b.Choices?.Select((c, i) => c with { Id = string.IsNullOrWhiteSpace(c.Id) ? OptionId(i) : c.Id.Trim() }).ToList(),
            }).ToList(),
        };
    }

    public static string OptionId(int index) => ((char)('a' + index % 26)).ToString() + (index >= 26 ? (index / 26).ToString(CultureInfo.InvariantCulture) : "");

    /// <summary>Why the question cannot be used; empty when it is fine.</summary>
    public static IReadOnlyList<string> Problems(QuestionContent q)
    {
        var problems = new List<string>();
        if (!QuestionTypes.All.Contains(q.Type)) return [$"unknown question type \"{q.Type}\""];
        if (string.IsNullOrWhiteSpace(q.Stem)) problems.Add("the question has no text");
        if (q.Stem.Length > MaxStemLength) problems.Add("the question text is too long");
        switch (q.Type)
        {
            case QuestionTypes.Single:
                if (q.Choices is not { Count: >= 2 }) problems.Add("a single-choice question needs at least two options");
                else if (!q.Choices.Any(c => c.Fraction >= 0.999)) problems.Add("no option is marked right");
                CheckChoices(q.Choices, problems);
                break;
            case QuestionTypes.Multiple:
                if (q.Choices is not { Count: >= 2 }) problems.Add("a multiple-choice question needs at least two options");
                else if (Math.Abs(q.Choices.Where(c => c.Fraction > 0).Sum(c => c.Fraction) - 1) > 0.02)
                    problems.Add("the right options' credit must add up to 100%");
                CheckChoices(q.Choices, problems);
                break;
            case QuestionTypes.TrueFalse:
                if (q.Correct is null) problems.Add("a true/false question needs its right answer");
                break;
            case QuestionTypes.Short:
                if (q.Accepted is not { Count: > 0 } || q.Accepted.All(a => string.IsNullOrWhiteSpace(a.Text)))
                    problems.Add("a short-answer question needs at least one accepted answer");
                else if (!q.Accepted.Any(a => a.Fraction >= 0.999)) problems.Add("no accepted answer gives full credit");
                break;
            case QuestionTypes.Numerical:
                if (q.Numbers is not { Count: > 0 }) problems.Add("a numerical question needs at least one answer");
                else if (q.Numbers.Any(n => double.IsNaN(n.Value) || double.IsInfinity(n.Value) || n.Tolerance < 0))
                    problems.Add("a numerical answer needs a number and a tolerance of zero or more");
                else if (!q.Numbers.Any(n => n.Fraction >= 0.999)) problems.Add("no numerical answer gives full credit");
                break;
            case QuestionTypes.Matching:
                if (q.Pairs is not { Count: >= 2 }) problems.Add("a matching question needs at least two pairs");
                else if (q.Pairs.Any(p => string.IsNullOrWhiteSpace(p.Prompt) || string.IsNullOrWhiteSpace(p.Answer)))
                    problems.Add("every matching pair needs a prompt and an answer");
                else if (q.Pairs.Select(p => p.Id).Distinct().Count() != q.Pairs.Count) problems.Add("two matching pairs share an id");
                break;
            case QuestionTypes.Ordering:
                if (q.Items is not { Count: >= 2 }) problems.Add("an ordering question needs at least two items");
                else if (q.Items.Any(i => string.IsNullOrWhiteSpace(i.Text))) problems.Add("an ordering item is empty");
                else if (q.Items.Select(p => p.Id).Distinct().Count() != q.Items.Count) problems.Add("two ordering items share an id");
                break;
            case QuestionTypes.Cloze:
                if (q.Blanks is not { Count: > 0 }) { problems.Add("a fill-in-the-blanks question needs at least one blank"); break; }
                var marked = BlankMarkers(q.Stem);
                foreach (var blank in q.Blanks)
                {
                    if (!marked.Contains(blank.Id)) problems.Add($"blank {blank.Id} is not marked in the text as [[{blank.Id}]]");
                    switch (blank.Kind)
                    {
                        case BlankKinds.Text when blank.Accepted is not { Count: > 0 }:
                            problems.Add($"blank {blank.Id} has no accepted answer"); break;
                        case BlankKinds.Numeric when blank.Numbers is not { Count: > 0 }:
                            problems.Add($"blank {blank.Id} has no number"); break;
                        case BlankKinds.Choice when blank.Choices is not { Count: >= 2 } || !blank.Choices.Any(c => c.Fraction >= 0.999):
                            problems.Add($"blank {blank.Id} needs at least two choices, one of them right"); break;
                        case BlankKinds.Text or BlankKinds.Numeric or BlankKinds.Choice: break;
                        default: problems.Add($"blank {blank.Id} has an unknown kind \"{blank.Kind}\""); break;
                    }
                }
                foreach (var id in marked.Where(id => q.Blanks.All(b => b.Id != id)))
                    problems.Add($"the text marks [[{id}]] but there is no such blank");
                break;
        }
        return problems;
    }

    private static void CheckChoices(IReadOnlyList<Choice>? choices, List<string> problems)
    {
        if (choices is null) return;
        if (choices.Any(c => string.IsNullOrWhiteSpace(c.Text))) problems.Add("an option is empty");
        if (choices.Select(c => c.Id).Distinct().Count() != choices.Count) problems.Add("two options share an id");
        if (choices.Any(c => c.Fraction is < -1 or > 1)) problems.Add("an option's credit is outside -100%..100%");
    }

    public static HashSet<string> BlankMarkers(string stem) =>
        BlankMarker().Matches(stem).Select(m => m.Groups[1].Value).ToHashSet();

    [GeneratedRegex(@"\[\[([A-Za-z0-9_-]{1,20})\]\]")]
    public static partial Regex BlankMarker();

    /// <summary>Lower case, no diacritics, for the bank's search column.</summary>
    public static string SearchKey(string title, string stem)
    {
        var text = Regex.Replace(stem, "<[^>]*>", " ");
        var joined = (title + " " + text).Normalize(NormalizationForm.FormC);
        var folded = Data.SearchText.Fold(Regex.Replace(joined, @"\s+", " "));
        return folded.Length > 400 ? folded[..400] : folded;
    }
}
