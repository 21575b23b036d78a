using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Grains.Data;

/// <summary>
/// Folds Vietnamese text for search: "Nguyễn Văn Đức" and "nguyen van duc" find each other, on
/// every database alike, because the folding happens here and not in each database's collation.
/// Runs of spaces fold to one, so "bui hong dung" finds "Bùi  Hồng Dung" typed with two spaces.
/// </summary>
public static partial class SearchText
{
    public static string Fold(string text)
    {
        var decomposed = PersonText.Clean(text).Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            folded.Append(c switch
            {
                'đ' or 'Đ' => 'd',
                _ => char.ToLowerInvariant(c),
            });
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// <see cref="Fold"/>, and the spelling variants of Vietnamese made one: a syllable whose only vowel is a
    /// final y is spelt with i ("kĩ thuật" = "kỹ thuật", "lí" = "lý", "bác sĩ" = "bác sỹ", "quí" = "quý"), while
    /// y in a diphthong stays ("tay" is not "tai", "huy" stays). For catalogue text and queries alike; names
    /// keep <see cref="Fold"/> (a family name spelt Lý is not spelt Lí).
    /// </summary>
    public static string FoldSpelling(string text) => LoneFinalY().Replace(Fold(text), "$1i");

    // An onset (consonants, qu counted as one) then y, as a whole syllable.
    [GeneratedRegex(@"(?<![\p{L}\p{N}])(ngh|ng|nh|ch|gh|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)y(?![\p{L}\p{N}])")]
    private static partial Regex LoneFinalY();

    /// <summary>A LIKE pattern that matches <paramref name="query"/> anywhere, with LIKE's own wildcards escaped.</summary>
    public static string Contains(string query) => Like(Fold(query));

    /// <summary>A LIKE pattern for text folded with <see cref="FoldSpelling"/>.</summary>
    public static string ContainsSpelling(string query) => Like(FoldSpelling(query));

    private static string Like(string folded) =>
        "%" + folded.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace("[", "\\[") + "%";

    /// <summary>The words of a search, folded: what <see cref="ContainsAll"/> looks for.</summary>
    public static string[] Words(string query) => Fold(query).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// True when every word begins a word of <paramref name="foldedText"/> (text already <see cref="Fold"/>ed, such
    /// as a stored search_name): "dung bui" finds "Bùi Hồng Dung" and "an" finds "Anh", as a person would expect,
    /// but "hoang an" does not find "Hoàng Văn Nam" for the "an" inside "Văn".
    /// </summary>
    public static bool ContainsAll(IReadOnlyList<string> words, string foldedText)
    {
        var starts = foldedText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in words)
            if (!starts.Any(s => s.StartsWith(word, StringComparison.Ordinal))) return false;
        return true;
    }
}
