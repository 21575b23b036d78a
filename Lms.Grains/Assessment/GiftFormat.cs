using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Grains.Assessment;

/// <summary>
/// One question of an import file that cannot be imported, and why: <see cref="Reason"/> in English for API clients,
/// <see cref="Code"/> and <see cref="Args"/> for the web app to word in the reader's language (null where the reason
/// has no code yet).
/// </summary>
public sealed record ImportProblem(int Number, string Question, string Reason, string? Code = null, IReadOnlyDictionary<string, string>? Args = null)
{
    /// <summary>One problem per reason the rules give for a question read from a file.</summary>
    public static IEnumerable<ImportProblem> Of(int number, string question, IEnumerable<QuestionIssue> issues) =>
        issues.Select(i => new ImportProblem(number, question, i.Message, i.Code, i.Args));
}

/// <summary>Why a question cannot be used (QuestionRules): a stable code and its parameters beside the English message.</summary>
public sealed record QuestionIssue(string Code, string Message, IReadOnlyDictionary<string, string> Args);

/// <summary>A question in a file (GIFT, QTI) that cannot be read: a stable code and its parameters beside the English message.</summary>
public class QuestionFormatException(string code, string message, IReadOnlyDictionary<string, string>? args = null) : FormatException(message)
{
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, string> Args { get; } = args ?? new Dictionary<string, string>();
}

/// <summary>A GIFT question that cannot be read.</summary>
public sealed class GiftFormatException(string code, string message, IReadOnlyDictionary<string, string>? args = null)
    : QuestionFormatException(code, message, args);

public sealed record ImportResult(IReadOnlyList<QuestionDraft> Questions, IReadOnlyList<ImportProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}

/// <summary>
/// Moodle's GIFT format: single and multiple choice (with %credit%), true/false, short answer,
/// numerical (value:tolerance and min..max), matching (a -> b), essay ({}), the missing-word form
/// (text after the answers), feedback (#) and general feedback (####), titles (::t::), comments (//),
/// $CATEGORY (its subject, grade and topic: see <see cref="GiftCategory"/>) and the escapes \~ \= \# \{ \} \:.
/// </summary>
public static partial class GiftFormat
{
    // Escaped specials become private-use characters while parsing, and come back in the texts.
    private static readonly (string Escaped, char Placeholder, char Literal)[] Escapes =
    [
        ("\\~", '\uE001', '~'), ("\\=", '\uE002', '='), ("\\#", '\uE003', '#'), ("\\{", '\uE004', '{'),
        ("\\}", '\uE005', '}'), ("\\:", '\uE006', ':'), ("\\\\", '\uE007', '\\'),
    ];

    public static ImportResult Parse(string text)
    {
        var questions = new List<QuestionDraft>();
        var problems = new List<ImportProblem>();
        var category = GiftCategory.None;
        var number = 0;
        foreach (var block in Blocks(text))
        {
            if (block.StartsWith("$CATEGORY:", StringComparison.OrdinalIgnoreCase))
            {
                category = GiftCategory.Parse(block["$CATEGORY:".Length..]);
                continue;
            }
            number++;
            var name = NameOf(block, number);
            try
            {
                var draft = ParseQuestion(block, category);
                var content = QuestionRules.Normalise(draft.Content);
                var issues = QuestionRules.Issues(content);
                if (issues.Count > 0) problems.AddRange(ImportProblem.Of(number, name, issues));
                else questions.Add(draft with { Content = content });
            }
            catch (GiftFormatException e)
            {
                problems.Add(new ImportProblem(number, name, e.Message, e.Code, e.Args));
            }
            catch (FormatException e)
            {
                problems.Add(new ImportProblem(number, name, e.Message));
            }
        }
        if (number == 0) problems.Add(new ImportProblem(0, "", "the file has no questions", "no-questions"));
        return new ImportResult(problems.Count == 0 ? questions : [], problems);
    }

    private static IEnumerable<string> Blocks(string text)
    {
        var current = new StringBuilder();
        foreach (var raw in text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
            if (line.Trim().Length == 0)
            {
                if (current.Length > 0) yield return current.ToString().Trim();
                current.Clear();
                continue;
            }
            if (line.StartsWith("$CATEGORY:", StringComparison.OrdinalIgnoreCase))
            {
                if (current.Length > 0) yield return current.ToString().Trim();
                current.Clear();
                yield return line.Trim();
                continue;
            }
            current.Append(line).Append('\n');
        }
        if (current.Length > 0) yield return current.ToString().Trim();
    }

    private static string NameOf(string block, int number)
    {
        var m = TitlePattern().Match(block);
        if (m.Success) return Restore(m.Groups[1].Value).Trim();
        var plain = Regex.Replace(block, @"\{.*", "", RegexOptions.Singleline).Trim();
        if (plain.Length == 0) plain = $"#{number}";
        return plain.Length > 60 ? plain[..60] + "…" : plain;
    }

    [GeneratedRegex(@"^\s*::(.*?)::", RegexOptions.Singleline)]
    private static partial Regex TitlePattern();

    private static string Protect(string s)
    {
        foreach (var (escaped, placeholder, _) in Escapes) s = s.Replace(escaped, placeholder.ToString());
        return s;
    }

    // A line break (\n) is read before the escaped backslash comes back, so "\\neq" stays a backslash and "neq".
    private static string Restore(string s)
    {
        s = s.Replace("\\n", "\n");
        foreach (var (_, placeholder, literal) in Escapes) s = s.Replace(placeholder, literal);
        return s;
    }

    private static QuestionDraft ParseQuestion(string raw, GiftCategory category)
    {
        var s = Protect(raw);
        string? title = null;
        var t = TitlePattern().Match(s);
        if (t.Success)
        {
            title = Restore(t.Groups[1].Value).Trim();
            s = s[t.Length..];
        }
        var html = false;
        var format = Regex.Match(s, @"^\s*\[(html|moodle|plain|markdown)\]", RegexOptions.IgnoreCase);
        if (format.Success)
        {
            html = format.Groups[1].Value.Equals("html", StringComparison.OrdinalIgnoreCase);
            s = s[format.Length..];
        }
        var open = s.IndexOf('{');
        if (open < 0) throw new GiftFormatException("no-answer-block", "there is no answer block { … }");
        var close = s.IndexOf('}', open + 1);
        if (close < 0) throw new GiftFormatException("answer-block-unclosed", "the answer block { is not closed with }");
        if (s.IndexOf('{', open + 1) is var again && again >= 0 && again < close)
            throw new GiftFormatException("nested-answer-block", "an answer block opens inside another (escape a literal brace as \\{)");
        var before = s[..open].Trim();
        var after = s[(close + 1)..].Trim();
        if (after.Contains('{')) throw new GiftFormatException("several-answer-blocks", "a question may have only one answer block");
        var body = s[(open + 1)..close].Trim();
        var stemText = after.Length > 0 ? $"{before} _____ {after}" : before;
        var stem = ToHtml(stemText, html);
        if (string.IsNullOrWhiteSpace(before) && after.Length == 0) throw new GiftFormatException("no-question-text", "the question has no text");

        string? generalFeedback = null;
        var general = body.IndexOf("####", StringComparison.Ordinal);
        if (general >= 0)
        {
            generalFeedback = ToHtml(body[(general + 4)..].Trim(), html);
            body = body[..general].Trim();
        }

        var meta = new QuestionMeta
        {
            Title = title ?? Shorten(Regex.Replace(Restore(stemText), "<[^>]*>", "")),
            Subject = category.Subject,
            Level = category.Level,
            Tags = category.Tags,
        };
        QuestionContent content;
        if (body.Length == 0)
        {
            content = new QuestionContent { Type = QuestionTypes.Essay, Stem = stem };
        }
        else if (body.StartsWith('#'))
        {
            content = new QuestionContent { Type = QuestionTypes.Numerical, Stem = stem, Numbers = Numbers(body[1..].Trim()) };
        }
        else if (TrueFalsePattern().Match(body) is { Success: true } tf)
        {
            var feedback = tf.Groups[2].Value.Split('#', StringSplitOptions.None).Skip(1).Select(x => Restore(x).Trim()).ToList();
            var correct = tf.Groups[1].Value.StartsWith('T') || tf.Groups[1].Value.StartsWith('t');
            content = new QuestionContent
            {
                Type = QuestionTypes.TrueFalse, Stem = stem, Correct = correct,
                // GIFT: the first feedback is shown for a wrong answer, the second for a right one.
                TrueFeedback = correct ? feedback.ElementAtOrDefault(1) : feedback.ElementAtOrDefault(0),
                FalseFeedback = correct ? feedback.ElementAtOrDefault(0) : feedback.ElementAtOrDefault(1),
            };
        }
        else
        {
            var answers = Answers(body);
            if (answers.Count == 0) throw new GiftFormatException("no-answers", "the answer block has no answers (start each with = or ~)");
            if (answers.Any(a => a.Right && a.Text.Contains("->")))
            {
                if (answers.Any(a => !a.Right || !a.Text.Contains("->")))
                    throw new GiftFormatException("matching-format", "in a matching question every answer is =prompt -> answer");
                var pairs = answers.Select((a, i) =>
                {
                    var parts = a.Text.Split("->", 2);
                    return new MatchPair { Id = "p" + (i + 1), Prompt = ToHtml(parts[0].Trim(), html), Answer = Restore(parts[1]).Trim() };
                }).ToList();
                content = new QuestionContent
                {
                    Type = QuestionTypes.Matching, Stem = stem,
                    Pairs = pairs.Where(p => p.Prompt.Length > 0).ToList(),
                    Distractors = pairs.Where(p => p.Prompt.Length == 0).Select(p => p.Answer).ToList(),
                };
            }
            else if (answers.All(a => a.Right))
            {
                content = new QuestionContent
                {
                    Type = QuestionTypes.Short, Stem = stem,
                    Accepted = answers.Select(a => new AcceptedAnswer { Text = Restore(a.Text).Trim(), Fraction = a.Fraction ?? 1, Feedback = a.Feedback }).ToList(),
                };
            }
            else
            {
                var weighted = answers.Any(a => !a.Right && a.Fraction is > 0);
                var rightCount = answers.Count(a => a.Right);
                if (!weighted && rightCount == 0) throw new GiftFormatException("no-right-answer", "no answer is marked right (= or a positive %credit%)");
                if (weighted && rightCount > 0) throw new GiftFormatException("mixed-credit-styles", "mix of = and ~%credit% answers: use one style");
                var choices = answers.Select((a, i) => new Choice
                {
                    Id = QuestionRules.OptionId(i), Text = ToHtml(a.Text.Trim(), html), Feedback = a.Feedback,
                    Fraction = a.Right ? a.Fraction ?? 1 : a.Fraction ?? 0,
                }).ToList();
                content = new QuestionContent
                {
                    Type = weighted || rightCount > 1 ? QuestionTypes.Multiple : QuestionTypes.Single, Stem = stem, Choices = choices,
                };
                if (!weighted && rightCount > 1)
                    content = content with { Choices = choices.Select(c => c with { Fraction = c.Fraction > 0 ? 1 : 0 }).ToList() };
            }
        }
        return new QuestionDraft(meta, content with { GeneralFeedback = generalFeedback });
    }

    [GeneratedRegex(@"^(TRUE|FALSE|T|F)\s*((#[^#]*)*)$", RegexOptions.IgnoreCase)]
    private static partial Regex TrueFalsePattern();

    private sealed record Answer(bool Right, double? Fraction, string Text, string? Feedback);

    private static List<Answer> Answers(string body)
    {
        var answers = new List<Answer>();
        var starts = new List<int>();
        for (var i = 0; i < body.Length; i++)
            if (body[i] is '=' or '~') starts.Add(i);
        if (starts.Count == 0) return answers;
        if (body[..starts[0]].Trim().Length > 0) throw new GiftFormatException("text-before-answers", $"unexpected text \"{Restore(body[..starts[0]].Trim())}\" before the first answer", new Dictionary<string, string> { ["text"] = Restore(body[..starts[0]].Trim()) });
        for (var k = 0; k < starts.Count; k++)
        {
            var from = starts[k];
            var to = k + 1 < starts.Count ? starts[k + 1] : body.Length;
            var right = body[from] == '=';
            var token = body[(from + 1)..to].Trim();
            double? fraction = null;
            var pct = Regex.Match(token, @"^%(-?\d+(?:\.\d+)?)%");
            if (pct.Success)
            {
                fraction = double.Parse(pct.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
                if (fraction is < -1 or > 1) throw new GiftFormatException("credit-out-of-range", $"credit {pct.Groups[1].Value}% is outside -100..100", new Dictionary<string, string> { ["credit"] = pct.Groups[1].Value });
                token = token[pct.Length..];
            }
            string? feedback = null;
            var hash = token.IndexOf('#');
            if (hash >= 0)
            {
                feedback = Restore(token[(hash + 1)..]).Trim();
                token = token[..hash];
            }
            if (token.Trim().Length == 0 && !(right && token.Contains("->"))) throw new GiftFormatException("empty-answer", "an answer is empty");
            answers.Add(new Answer(right, fraction, token.Trim(), string.IsNullOrEmpty(feedback) ? null : feedback));
        }
        return answers;
    }

    private static List<NumericAnswer> Numbers(string body)
    {
        var list = new List<NumericAnswer>();
        var parts = body.Contains('=') ? body.Split('=', StringSplitOptions.RemoveEmptyEntries) : [body];
        foreach (var p in parts)
        {
            var token = p.Trim();
            if (token.Length == 0) continue;
            double fraction = 1;
            var pct = Regex.Match(token, @"^%(-?\d+(?:\.\d+)?)%");
            if (pct.Success)
            {
                fraction = double.Parse(pct.Groups[1].Value, CultureInfo.InvariantCulture) / 100;
                token = token[pct.Length..];
            }
            string? feedback = null;
            var hash = token.IndexOf('#');
            if (hash >= 0)
            {
                feedback = Restore(token[(hash + 1)..]).Trim();
                token = token[..hash].Trim();
            }
            double value, tolerance;
            if (token.Contains(".."))
            {
                var range = token.Split("..", 2);
                if (!Num(range[0], out var min) || !Num(range[1], out var max) || max < min)
                    throw new GiftFormatException("not-a-range", $"\"{token}\" is not a range of numbers min..max", new Dictionary<string, string> { ["value"] = token });
                value = (min + max) / 2;
                tolerance = (max - min) / 2;
            }
            else
            {
                var vt = token.Split(':', 2);
                if (!Num(vt[0], out value)) throw new GiftFormatException("not-a-number", $"\"{token}\" is not a number", new Dictionary<string, string> { ["value"] = token });
                tolerance = 0;
                if (vt.Length == 2 && !Num(vt[1], out tolerance)) throw new GiftFormatException("not-a-tolerance", $"\"{vt[1]}\" is not a tolerance", new Dictionary<string, string> { ["value"] = vt[1] });
            }
            list.Add(new NumericAnswer { Value = value, Tolerance = Math.Abs(tolerance), Fraction = fraction, Feedback = string.IsNullOrEmpty(feedback) ? null : feedback });
        }
        if (list.Count == 0) throw new GiftFormatException("numerical-needs-number", "a numerical question needs a number after #");
        return list;
    }

    private static bool Num(string s, out double value) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static string ToHtml(string gift, bool html)
    {
        var text = Restore(gift);
        return html ? text : text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\n", "<br>");
    }

    private static string Shorten(string s)
    {
        s = Regex.Replace(s, @"\s+", " ").Trim();
        return s.Length > 80 ? s[..80] + "…" : s;
    }
}
