using Ganss.Xss;

namespace Lms.Grains.Assessment;

/// <summary>
/// Every piece of question HTML passes here before it is stored: formatting, lists, tables, images
/// (https, or inline data: images) and math written as text for KaTeX stay; scripts, event handlers,
/// styles that can load things and other schemes go.
/// </summary>
public static class QuestionSanitizer
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Add("data");
        s.AllowedAttributes.Add("class");
        s.AllowedCssProperties.Clear();
        s.AllowedCssProperties.UnionWith(["text-align", "font-weight", "font-style", "text-decoration", "color", "background-color", "width", "height"]);
        return s;
    }

    public static string Html(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        lock (Sanitizer) return Sanitizer.Sanitize(html).Trim();
    }

    private static string? Maybe(string? html) => string.IsNullOrWhiteSpace(html) ? null : Html(html);

    public static QuestionContent Clean(QuestionContent q) => q with
    {
        Stem = Html(q.Stem),
        GeneralFeedback = Maybe(q.GeneralFeedback),
        TrueFeedback = Maybe(q.TrueFeedback),
        FalseFeedback = Maybe(q.FalseFeedback),
        Choices = q.Choices?.Select(c => c with { Text = Html(c.Text), Feedback = Maybe(c.Feedback) }).ToList(),
        Accepted = q.Accepted?.Select(a => a with { Text = a.Text.Trim(), Feedback = Maybe(a.Feedback) }).ToList(),
        Numbers = q.Numbers?.Select(n => n with { Feedback = Maybe(n.Feedback) }).ToList(),
        Pairs = q.Pairs?.Select(p => p with { Prompt = Html(p.Prompt), Answer = p.Answer.Trim() }).ToList(),
        Items = q.Items?.Select(i => i with { Text = Html(i.Text) }).ToList(),
        Blanks = q.Blanks?.Select(b => b with { Choices = b.Choices?.Select(c => c with { Text = Html(c.Text) }).ToList() }).ToList(),
    };
}
