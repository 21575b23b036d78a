using System.Text;

namespace Lms.Grains.Data;

/// <summary>
/// Vietnamese alphabetical order, the one place lists of names and classes are sorted by. Letters
/// come in the order of the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …, with f j w z where
/// Latin puts them), so "Anh" &lt; "Ăn" &lt; "Ân" and every Đ comes after every D. Tone marks only
/// decide between words with the same letters, in CLDR's order (none, huyền, hỏi, ngã, sắc, nặng),
/// so "An" &lt; "Án" &lt; "Anh". Case decides last. Written out rather than left to the platform's
/// collation so that the order is the same on every server (ICU versions, Windows NLS); a test checks
/// that it agrees with .NET's "vi-VN" culture where ICU provides it.
/// </summary>
public sealed class VietnameseOrder : IComparer<string>
{
    public static readonly VietnameseOrder Instance = new();

    private const string Alphabet = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

    // Combining marks that make a letter of its own (ă, â, ê, ô, ơ, ư) and the five tones, by code point.
    private const char Breve = '\u0306', Circumflex = '\u0302', Horn = '\u031B';
    private static readonly char[] Tones = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var order = string.CompareOrdinal(Key(x), Key(y));
        return order != 0 ? order : string.CompareOrdinal(x.Normalize(NormalizationForm.FormC), y.Normalize(NormalizationForm.FormC));
    }

    /// <summary>
    /// A key whose ordinal order is this order, so that a list computes each item's key once instead of
    /// weighing both sides of every comparison: the letters' weights, then (after a U+0001 that is lower
    /// than any weight, so "An" comes before "Anh") the tones, then the case.
    /// </summary>
    public static string Key(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var letters = new StringBuilder(decomposed.Length);
        var tones = new StringBuilder(decomposed.Length);
        var cases = new StringBuilder(decomposed.Length);
        for (var i = 0; i < decomposed.Length; i++)
        {
            var c = decomposed[i];
            var lower = char.ToLowerInvariant(c);
            var tone = 0;
            var modifier = '\0';
            while (i + 1 < decomposed.Length && char.GetUnicodeCategory(decomposed[i + 1]) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                var mark = decomposed[++i];
                var toneIndex = Array.IndexOf(Tones, mark);
                if (toneIndex >= 0) tone = toneIndex + 1;
                else modifier = mark;
            }
            var letter = (lower, modifier) switch
            {
                ('a', Breve) => "ă",
                ('a', Circumflex) => "â",
                ('e', Circumflex) => "ê",
                ('o', Circumflex) => "ô",
                ('o', Horn) => "ơ",
                ('u', Horn) => "ư",
                _ => lower.ToString(),
            };
            var index = Alphabet.IndexOf(letter, StringComparison.Ordinal);
            // As in Unicode collation: spaces, then punctuation, then digits, then letters; other scripts after ours.
            var weight = char.IsWhiteSpace(c) ? 2
                : char.IsAsciiDigit(c) ? 10 + (c - '0')
                : index >= 0 ? 100 + index
                : char.IsLetter(c) ? Math.Min(200 + lower, char.MaxValue)
                : 3;
            letters.Append((char)weight);
            tones.Append((char)(tone + 2));
            cases.Append(char.IsUpper(c) ? '\u0003' : '\u0002');
        }
        return letters.Append('\u0001').Append(tones).Append('\u0001').Append(cases).Append('\u0001').ToString();
    }
}

/// <summary>
/// Class names in the order a school writes them: numbers by value, text in Vietnamese order without
/// case, so 10A1, 10A2, 10A10, 11A1 (not 10A1, 10A10, 10A2).
/// </summary>
public sealed class ClassNameOrder : IComparer<string>
{
    public static readonly ClassNameOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var a = Chunks(PersonText.Clean(x));
        var b = Chunks(PersonText.Clean(y));
        for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            var (p, q) = (a[i], b[i]);
            int order;
            if (char.IsAsciiDigit(p[0]) && char.IsAsciiDigit(q[0]))
            {
                var (pn, qn) = (p.TrimStart('0'), q.TrimStart('0'));
                order = pn.Length != qn.Length ? pn.Length.CompareTo(qn.Length) : string.CompareOrdinal(pn, qn);
            }
            else
            {
                order = VietnameseOrder.Instance.Compare(p.ToLowerInvariant(), q.ToLowerInvariant());
            }
            if (order != 0) return order;
        }
        var byLength = a.Count.CompareTo(b.Count);
        return byLength != 0 ? byLength : VietnameseOrder.Instance.Compare(x, y);
    }

    private static List<string> Chunks(string text)
    {
        var chunks = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
            if (i == text.Length || char.IsAsciiDigit(text[i]) != char.IsAsciiDigit(text[i - 1]))
            {
                chunks.Add(text[start..i]);
                start = i;
            }
        return chunks;
    }
}

/// <summary>How a list of people is ordered.</summary>
public enum NameOrder
{
    /// <summary>As Vietnamese class lists are: by given name (the last word), then surname (the first), then middle names.</summary>
    GivenName,
    /// <summary>By the name as written: surname, middle names, given name.</summary>
    Surname,
}

/// <summary>Compares full Vietnamese names word by word in <see cref="VietnameseOrder"/>, given name first or surname first.</summary>
public sealed class PersonNameOrder(NameOrder order) : IComparer<string>
{
    public static readonly PersonNameOrder GivenNameFirst = new(NameOrder.GivenName);
    public static readonly PersonNameOrder SurnameFirst = new(NameOrder.Surname);

    public static PersonNameOrder For(NameOrder order) => order == NameOrder.Surname ? SurnameFirst : GivenNameFirst;

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return string.CompareOrdinal(SortKey(x), SortKey(y));
    }

    // Keys are pure functions of the name, and a school's names come back on every page of its list: remember
    // them (bounded: forgotten all at once when full, then learnt again).
    private const int RememberedKeys = 50_000;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _keys = new(StringComparer.Ordinal);

    /// <summary>The name's key (its words' <see cref="VietnameseOrder.Key"/>s in compared order): sort a list by it, ordinally.</summary>
    public string SortKey(string name)
    {
        if (_keys.TryGetValue(name, out var key)) return key;
        key = string.Concat(Words(name).Select(VietnameseOrder.Key));
        if (_keys.Count >= RememberedKeys) _keys.Clear();
        _keys[name] = key;
        return key;
    }

    /// <summary>The words in the order they are compared: given, surname, middle names (or as written).</summary>
    private List<string> Words(string name)
    {
        var words = PersonText.Clean(name).Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (order == NameOrder.Surname || words.Count < 2) return words;
        var given = words[^1];
        words.RemoveAt(words.Count - 1);
        words.Insert(0, given);
        return words;
    }
}
