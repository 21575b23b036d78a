using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Grains.Data;

/// <summary>
/// Text typed by people (names, class names, headers) as it is stored and compared: Unicode NFC, so a name
/// typed on a Mac (decomposed) and on Windows (composed) is one name; runs of spaces, tabs and no-break spaces
/// collapsed to one space, so "Bùi  Hồng Dung" is "Bùi Hồng Dung"; trimmed.
/// </summary>
public static partial class PersonText
{
    public static string Clean(string text) =>
        Spaces().Replace(text.Normalize(NormalizationForm.FormC), " ").Trim();

    /// <summary><see cref="Clean"/>, or null for null and blank text.</summary>
    public static string? CleanOrNull(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : Clean(text);

    /// <summary>The key two spellings of one class or header share: cleaned and case-folded ("10a1" is "10A1").</summary>
    public static string Key(string text) => Clean(text).ToUpperInvariant();

    [GeneratedRegex(@"[\s\u00A0\u2007\u202F\uFEFF]+")]
    private static partial Regex Spaces();
}
