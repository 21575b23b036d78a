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

    /// <summary>
    /// True when every word of <paramref name="foldedQuery"/> (already <see cref="Fold"/>ed) occurs in
    /// <paramref name="text"/> folded: "dung bui" finds "Bùi Hồng Dung" too, as a person would expect.
    /// </summary>
    public static bool Matches(string foldedQuery, string? text)
    {
        if (text is null) return false;
        var folded = Fold(text);
        foreach (var word in foldedQuery.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (!folded.Contains(word, StringComparison.Ordinal)) return false;
        return true;
    }
}
