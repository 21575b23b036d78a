namespace Lms.Grains.Identity;

/// <summary>
/// Vietnamese mobile numbers as people type them ("0912 345 678", "+84 912 345 678", "84912345678",
/// with dots, dashes or brackets) and as they are stored and compared: one normal form, E.164
/// ("+84912345678"). Mobile numbers have nine digits after the country code, the first 3, 5, 7, 8 or 9.
/// </summary>
public static class PhoneNumber
{
    public const int MaxInputLength = 20;

    public static bool TryNormalize(string? text, out string normalized)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxInputLength) return false;
        var digits = new System.Text.StringBuilder(12);
        var plus = false;
        foreach (var c in text.Trim())
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c == '+' && digits.Length == 0 && !plus) plus = true;
            else if (c is not (' ' or '.' or '-' or '(' or ')' or '\u00A0')) return false;
        }
        var s = digits.ToString();
        string national;
        if (s.StartsWith("84", StringComparison.Ordinal) && s.Length == 11) national = s[2..];
        else if (!plus && s.StartsWith('0') && s.Length == 10) national = s[1..];
        else return false;
        if (national[0] is not ('3' or '5' or '7' or '8' or '9')) return false;
        normalized = "+84" + national;
        return true;
    }

    /// <summary>As printed for people in Viet Nam: 0912 345 678.</summary>
    public static string Display(string normalized) =>
        normalized.StartsWith("+84", StringComparison.Ordinal) && normalized.Length == 12
            ? $"0{normalized[3..6]} {normalized[6..9]} {normalized[9..]}"
            : normalized;
}

/// <summary>Finds the account that signs in with a phone number (parents mostly).</summary>
public sealed class PhoneLogins(Data.Db db)
{
    private static readonly Data.Sql FindSql = Data.Sql.Portable("SELECT id FROM users WHERE phone = @phone");

    /// <summary>The account whose phone is <paramref name="login"/>, when it is a phone number in any accepted spelling.</summary>
    public async Task<Guid?> FindAsync(string login)
    {
        if (!PhoneNumber.TryNormalize(login, out var phone)) return null;
        await using var connection = await db.OpenAsync();
        return await Dapper.SqlMapper.QuerySingleOrDefaultAsync<Guid?>(connection, db.Text(FindSql), new { phone });
    }
}
