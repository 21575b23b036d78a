using System.Globalization;
using System.Text;

namespace Lms.Grains.Data;

/// <summary>
/// Folds Vietnamese text for search: "Nguyễn Văn Đức" and "nguyen van duc" find each other, on
/// every database alike, because the folding happens here and not in each database's collation.
/// </summary>
public static class SearchText
{
    public static string Fold(string text)
    {
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
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
}
