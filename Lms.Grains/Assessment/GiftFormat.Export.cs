using System.Globalization;
using System.Text;

namespace Lms.Grains.Assessment;

/// <summary>What a GIFT export wrote, and the questions it could not (GIFT has no ordering or cloze question).</summary>
public sealed record GiftExport(string Text, IReadOnlyList<QuestionDraft> Skipped);

public static partial class GiftFormat
{
    /// <summary>Types GIFT cannot say: an export leaves them out and names them.</summary>
    public static readonly IReadOnlySet<string> Inexpressible = new HashSet<string> { QuestionTypes.Ordering, QuestionTypes.Cloze };

    /// <summary>
    /// The questions as a GIFT file that Moodle and <see cref="Parse"/> read back: grouped under a <c>$CATEGORY</c> of their
    /// subject, grade and first tag; texts written as <c>[html]</c> (the bank keeps sanitised HTML), specials escaped.
    /// </summary>
    public static GiftExport Write(IEnumerable<QuestionDraft> questions)
    {
        var text = new StringBuilder();
        var skipped = new List<QuestionDraft>();
        string? category = null;
        foreach (var question in questions.OrderBy(q => GiftCategory.LineFor(q.Meta), StringComparer.Ordinal))
        {
            if (Inexpressible.Contains(question.Content.Type))
            {
                skipped.Add(question);
                continue;
            }
            var line = GiftCategory.LineFor(question.Meta);
            if (line != category)
            {
                text.Append(line).Append("\n\n");
                category = line;
            }
            text.Append(Question(question)).Append("\n\n");
        }
        return new GiftExport(text.ToString(), skipped);
    }

    private static string Question(QuestionDraft question)
    {
        var c = question.Content;
        var head = $"::{Escape(question.Meta.Title)}::[html]{Escape(c.Stem)} ";
        var answers = c.Type switch
        {
            QuestionTypes.Essay => "",
            QuestionTypes.TrueFalse => TrueFalse(c),
            QuestionTypes.Numerical => "#" + string.Concat((c.Numbers ?? []).Select(n =>
                $"\n={Credit(n.Fraction, 1)}{Number(n.Value)}:{Number(n.Tolerance)}{Feedback(n.Feedback)}")),
            QuestionTypes.Short => string.Concat((c.Accepted ?? []).Select(a => $"\n={Credit(a.Fraction, 1)}{Escape(a.Text)}{Feedback(a.Feedback)}")),
            QuestionTypes.Matching => string.Concat((c.Pairs ?? []).Select(p => $"\n={Escape(p.Prompt)} -> {Escape(p.Answer)}"))
                                      + string.Concat((c.Distractors ?? []).Select(d => $"\n= -> {Escape(d)}")),
            QuestionTypes.Single or QuestionTypes.Multiple => Choices(c),
            _ => throw new ArgumentException($"GIFT cannot say a {c.Type} question.", nameof(question)),
        };
        var general = string.IsNullOrEmpty(c.GeneralFeedback) ? "" : $"\n####{Escape(c.GeneralFeedback)}";
        return head + "{" + answers + general + (answers.Contains('\n') || general.Length > 0 ? "\n" : "") + "}";
    }

    // GIFT gives the first feedback for a wrong answer and the second for a right one.
    private static string TrueFalse(QuestionContent c)
    {
        var right = c.Correct == true ? c.TrueFeedback : c.FalseFeedback;
        var wrong = c.Correct == true ? c.FalseFeedback : c.TrueFeedback;
        var feedback = right is null && wrong is null ? "" : $"#{Escape(wrong ?? "")}#{Escape(right ?? "")}";
        return (c.Correct == true ? "TRUE" : "FALSE") + feedback;
    }

    // Right/wrong (= and ~) when every credit is all or nothing and the type reads back the same; weighted (~%n%) otherwise.
    private static string Choices(QuestionContent c)
    {
        var choices = c.Choices ?? [];
        var rights = choices.Count(x => x.Fraction > 0);
        var plain = choices.All(x => x.Fraction is 0 or 1) && (c.Type == QuestionTypes.Single ? rights == 1 : rights > 1);
        return string.Concat(choices.Select(x => plain
            ? $"\n{(x.Fraction > 0 ? '=' : '~')}{Escape(x.Text)}{Feedback(x.Feedback)}"
            : $"\n~%{Number(Math.Round(x.Fraction * 100, 5))}%{Escape(x.Text)}{Feedback(x.Feedback)}"));
    }

    private static string Credit(double fraction, double whole) =>
        fraction == whole ? "" : $"%{Number(Math.Round(fraction * 100, 5))}%";

    private static string Feedback(string? feedback) => string.IsNullOrEmpty(feedback) ? "" : " #" + Escape(feedback);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>GIFT's specials and the backslash escaped, line breaks as <c>\n</c> (a blank line would end the question).</summary>
    private static string Escape(string text)
    {
        var s = new StringBuilder(text.Length + 8);
        foreach (var ch in text.Replace("\r\n", "\n"))
        {
            if (ch is '~' or '=' or '#' or '{' or '}' or ':' or '\\') s.Append('\\').Append(ch);
            else if (ch == '\n') s.Append("\\n");
            else s.Append(ch);
        }
        return s.ToString();
    }
}
