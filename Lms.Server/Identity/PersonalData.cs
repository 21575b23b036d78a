namespace Lms.Server.Identity;

/// <summary>
/// Personal data shown to people who need only to recognise someone, not to identify them
/// (Decree 13/2023/NĐ-CP): a national ID as its first four and last two digits, an e-mail address
/// as its first letter and its domain.
/// </summary>
public static class PersonalData
{
    public static string? MaskNationalId(string? nationalId) =>
        nationalId is null ? null
        : nationalId.Length <= 6 ? new string('*', nationalId.Length)
        : nationalId[..4] + new string('*', nationalId.Length - 6) + nationalId[^2..];

    public static string? MaskEmail(string? email)
    {
        if (email is null) return null;
        var at = email.IndexOf('@');
        return at <= 0 ? "***" : email[0] + "***" + email[at..];
    }
}
