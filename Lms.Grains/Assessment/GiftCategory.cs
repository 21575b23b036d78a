using System.Text.RegularExpressions;

namespace Lms.Grains.Assessment;

/// <summary>
/// Where a GIFT file's <c>$CATEGORY:</c> puts the questions after it, read as a Vietnamese teacher writes it:
/// <c>$course$/Toán/Lớp 10/Hàm số</c> is the subject Toán, the grade Lớp 10 and the topic (a tag) Hàm số;
/// <c>$course$/Toán 10/Hàm số</c> says the same with the grade inside the subject's part. Moodle's own parts
/// (<c>$course$</c>, <c>$system$</c>, <c>top</c>, "Default for …") are not places.
/// </summary>
public sealed partial record GiftCategory(string? Subject, string? Level, IReadOnlyList<string> Tags)
{
    public static readonly GiftCategory None = new(null, null, []);

    public static GiftCategory Parse(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => !(p.StartsWith('$') && p.EndsWith('$')) && !p.Equals("top", StringComparison.OrdinalIgnoreCase)
                        && !p.StartsWith("Default for", StringComparison.OrdinalIgnoreCase))
            .ToList();
        string? subject = null, level = null;
        var tags = new List<string>();
        foreach (var part in parts)
        {
            if (level is null && GradePattern().IsMatch(part)) level = part;
            else if (subject is null && SubjectWithGradePattern().Match(part) is { Success: true } both)
            {
                subject = both.Groups["subject"].Value.Trim();
                level ??= "Lớp " + both.Groups["grade"].Value;
            }
            else if (subject is null) subject = part;
            else tags.Add(part);
        }
        // The bank's columns hold a subject of 100 characters and a grade of 50.
        return new GiftCategory(Cut(subject, 100), Cut(level, 50), tags);
    }

    private static string? Cut(string? text, int length) => text is null || text.Length <= length ? text : text[..length];

    /// <summary>The category line that puts a question with this subject, grade and first tag back where it was.</summary>
    public static string LineFor(QuestionMeta meta)
    {
        var parts = new[] { meta.Subject, meta.Level, meta.Tags.FirstOrDefault() }
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Replace('/', '-'));
        return "$CATEGORY: " + string.Join('/', ["$course$", .. parts]);
    }

    [GeneratedRegex(@"^(Lớp|Khối|Grade|Class|Year)\s*\d{1,2}$", RegexOptions.IgnoreCase)]
    private static partial Regex GradePattern();

    [GeneratedRegex(@"^(?<subject>\D+?)\s+(?<grade>[1-9]|1[0-2])$")]
    private static partial Regex SubjectWithGradePattern();
}
