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

    /// <summary>Why the question cannot be used, in English; empty when it is fine.</summary>
    public static IReadOnlyList<string> Problems(QuestionContent q) => Issues(q).Select(i => i.Message).ToList();

    /// <summary>Why the question cannot be used, each with a stable code and parameters the web app words; empty when it is fine.</summary>
    public static IReadOnlyList<QuestionIssue> Issues(QuestionContent q)
    {
        var problems = new List<QuestionIssue>();
        if (!QuestionTypes.All.Contains(q.Type)) return [Issue("unknown-type", $"unknown question type \"{q.Type}\"", ("type", q.Type))];
        if (string.IsNullOrWhiteSpace(q.Stem)) problems.Add(Issue("no-question-text", "the question has no text"));
        if (q.Stem.Length > MaxStemLength) problems.Add(Issue("text-too-long", "the question text is too long"));
        switch (q.Type)
        {
            case QuestionTypes.Single:
                if (q.Choices is not { Count: >= 2 }) problems.Add(Issue("single-needs-two-options", "a single-choice question needs at least two options"));
                else if (!q.Choices.Any(c => c.Fraction >= 0.999)) problems.Add(Issue("no-option-right", "no option is marked right"));
                CheckChoices(q.Choices, problems);
                break;
            case QuestionTypes.Multiple:
                if (q.Choices is not { Count: >= 2 }) problems.Add(Issue("multiple-needs-two-options", "a multiple-choice question needs at least two options"));
                else if (Math.Abs(q.Choices.Where(c => c.Fraction > 0).Sum(c => c.Fraction) - 1) > 0.02)
                    problems.Add(Issue("credit-not-100", "the right options' credit must add up to 100%"));
                CheckChoices(q.Choices, problems);
                break;
            case QuestionTypes.TrueFalse:
                if (q.Correct is null) problems.Add(Issue("truefalse-needs-answer", "a true/false question needs its right answer"));
                break;
            case QuestionTypes.Short:
                if (q.Accepted is not { Count: > 0 } || q.Accepted.All(a => string.IsNullOrWhiteSpace(a.Text)))
                    problems.Add(Issue("short-needs-answer", "a short-answer question needs at least one accepted answer"));
                else if (!q.Accepted.Any(a => a.Fraction >= 0.999)) problems.Add(Issue("no-full-credit-answer", "no accepted answer gives full credit"));
                break;
            case QuestionTypes.Numerical:
                if (q.Numbers is not { Count: > 0 }) problems.Add(Issue("numerical-needs-answer", "a numerical question needs at least one answer"));
                else if (q.Numbers.Any(n => double.IsNaN(n.Value) || double.IsInfinity(n.Value) || n.Tolerance < 0))
                    problems.Add(Issue("numerical-answer-invalid", "a numerical answer needs a number and a tolerance of zero or more"));
                else if (!q.Numbers.Any(n => n.Fraction >= 0.999)) problems.Add(Issue("no-full-credit-number", "no numerical answer gives full credit"));
                break;
            case QuestionTypes.Matching:
                if (q.Pairs is not { Count: >= 2 }) problems.Add(Issue("matching-needs-two-pairs", "a matching question needs at least two pairs"));
                else if (q.Pairs.Any(p => string.IsNullOrWhiteSpace(p.Prompt) || string.IsNullOrWhiteSpace(p.Answer)))
                    problems.Add(Issue("matching-pair-incomplete", "every matching pair needs a prompt and an answer"));
                else if (q.Pairs.Select(p => p.Id).Distinct().Count() != q.Pairs.Count) problems.Add(Issue("matching-ids-repeated", "two matching pairs share an id"));
                break;
            case QuestionTypes.Ordering:
                if (q.Items is not { Count: >= 2 }) problems.Add(Issue("ordering-needs-two-items", "an ordering question needs at least two items"));
                else if (q.Items.Any(i => string.IsNullOrWhiteSpace(i.Text))) problems.Add(Issue("ordering-item-empty", "an ordering item is empty"));
                else if (q.Items.Select(p => p.Id).Distinct().Count() != q.Items.Count) problems.Add(Issue("ordering-ids-repeated", "two ordering items share an id"));
                break;
            case QuestionTypes.Cloze:
                if (q.Blanks is not { Count: > 0 }) { problems.Add(Issue("cloze-needs-blank", "a fill-in-the-blanks question needs at least one blank")); break; }
                var marked = BlankMarkers(q.Stem);
                foreach (var blank in q.Blanks)
                {
                    if (!marked.Contains(blank.Id))
                        problems.Add(Issue("blank-not-marked", $"blank {blank.Id} is not marked in the text as [[{blank.Id}]]", ("blank", blank.Id)));
                    switch (blank.Kind)
                    {
                        case BlankKinds.Text when blank.Accepted is not { Count: > 0 }:
                            problems.Add(Issue("blank-no-answer", $"blank {blank.Id} has no accepted answer", ("blank", blank.Id))); break;
                        case BlankKinds.Numeric when blank.Numbers is not { Count: > 0 }:
                            problems.Add(Issue("blank-no-number", $"blank {blank.Id} has no number", ("blank", blank.Id))); break;
                        case BlankKinds.Choice when blank.Choices is not { Count: >= 2 } || !blank.Choices.Any(c => c.Fraction >= 0.999):
                            problems.Add(Issue("blank-needs-choices", $"blank {blank.Id} needs at least two choices, one of them right", ("blank", blank.Id))); break;
                        case BlankKinds.Text or BlankKinds.Numeric or BlankKinds.Choice: break;
                        default:
                            problems.Add(Issue("blank-unknown-kind", $"blank {blank.Id} has an unknown kind \"{blank.Kind}\"", ("blank", blank.Id), ("kind", blank.Kind)));
                            break;
                    }
                }
                foreach (var id in marked.Where(id => q.Blanks.All(b => b.Id != id)))
                    problems.Add(Issue("marker-without-blank", $"the text marks [[{id}]] but there is no such blank", ("blank", id)));
                break;
        }
        return problems;
    }

    private static void CheckChoices(IReadOnlyList<Choice>? choices, List<QuestionIssue> problems)
    {
        if (choices is null) return;
        if (choices.Any(c => string.IsNullOrWhiteSpace(c.Text))) problems.Add(Issue("option-empty", "an option is empty"));
        if (choices.Select(c => c.Id).Distinct().Count() != choices.Count) problems.Add(Issue("option-ids-repeated", "two options share an id"));
        if (choices.Any(c => c.Fraction is < -1 or > 1)) problems.Add(Issue("option-credit-out-of-range", "an option's credit is outside -100%..100%"));
    }

    private static QuestionIssue Issue(string code, string message, params (string Name, string Value)[] args) =>
        new(code, message, args.ToDictionary(a => a.Name, a => a.Value));

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
