using System.Text;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

/// <summary>
/// Turns what a person typed into each database's full-text query: the words folded like the
/// indexed text (SearchText), only letters and digits kept (so no query syntax can be injected),
/// every word required, each matching as a prefix ("ham so" finds "hàm số bậc hai").
/// </summary>
public static class FullTextQuery
{
    public const int MaxWords = 8;

    public static IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in SearchText.Fold(text) + " ")
        {
            if (char.IsLetterOrDigit(c)) current.Append(c);
            else if (current.Length > 0)
            {
                if (words.Count < MaxWords && !words.Contains(current.ToString())) words.Add(current.ToString());
                current.Clear();
            }
        }
        return words;
    }

    /// <summary>The query for <paramref name="provider"/>, or null when there are no words to look for.</summary>
    public static string? For(DatabaseProvider provider, string? text)
    {
        var words = Words(text);
        if (words.Count == 0) return null;
        return provider switch
        {
            // FTS5: "word"* is a prefix query; words side by side must all match.
            DatabaseProvider.Sqlite => string.Join(' ', words.Select(w => $"\"{w}\"*")),
            // to_tsquery: word:* is a prefix; & joins.
            DatabaseProvider.Postgres => string.Join(" & ", words.Select(w => $"{w}:*")),
            // CONTAINS: "word*" is a prefix term; AND joins.
            DatabaseProvider.SqlServer => string.Join(" AND ", words.Select(w => $"\"{w}*\"")),
            _ => throw new ArgumentOutOfRangeException(nameof(provider)),
        };
    }

    /// <summary>The text an item is found by: every field a person might type, folded.</summary>
    public static string Document(ContentFields fields, string type) =>
        SearchText.Fold(string.Join(' ', new[]
        {
            fields.Title, fields.Description, fields.Subject, fields.Grade, fields.CurriculumCode, type,
            string.Join(' ', fields.Tags),
        }.Where(s => !string.IsNullOrWhiteSpace(s))));
}
