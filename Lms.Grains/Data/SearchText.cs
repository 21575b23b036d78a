using System.Globalization;
using System.Text;

namespace Lms.Grains.Data;

/// <summary>
/// Folds Vietnamese text for search: "Nguyễn Văn Đức" and "nguyen van duc" find each other, on
/// every database alike, because the folding happens here and not in each database's collation.
/// Runs of spaces fold to one, so "bui hong dung" finds "Bùi  Hồng Dung" typed with two spaces.
/// </summary>
public static class SearchText
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

    /// <summary>A LIKE pattern that matches <paramref name="query"/> anywhere, with LIKE's own wildcards escaped.</summary>
    public static string Contains(string query) =>
        "%" + Fold(query).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace("[", "\\[") + "%";

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
