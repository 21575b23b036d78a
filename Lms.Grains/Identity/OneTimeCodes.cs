using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Identity;

/// <summary>What a one-time code lets its holder do, and for how long by default.</summary>
public static class CodePurposes
{
    /// <summary>Confirms the address of a self sign-up; <c>data</c> holds the address.</summary>
    public const string ConfirmEmail = "confirm-email";

    /// <summary>A person made by an institution sets their first password (e-mailed link or printed code).</summary>
    public const string Invitation = "invitation";

    /// <summary>Someone who forgot their password sets a new one (e-mailed link).</summary>
    public const string PasswordReset = "password-reset";

    /// <summary>Purposes that end with the holder choosing a password.</summary>
    public static readonly IReadOnlyList<string> SetPassword = [Invitation, PasswordReset];

    public static TimeSpan DefaultLifetime(string purpose) => purpose switch
    {
        ConfirmEmail => TimeSpan.FromDays(2),
        Invitation => TimeSpan.FromDays(30),
        PasswordReset => TimeSpan.FromMinutes(30),
        _ => TimeSpan.FromHours(1),
    };
}

public sealed record RedeemedCode
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string Purpose { get; init; } = "";
    public string? Data { get; init; }
}

/// <summary>
/// One-time codes: long random link tokens for e-mail, short printable codes for a sheet handed
/// out in class. Only a hash is stored; a code is used at most once (one conditional UPDATE
/// decides, so two tabs redeeming the same link cannot both win) and a newer code of the same
/// purpose for the same person replaces the older one.
/// </summary>
public sealed class OneTimeCodes(Db db, TimeProvider clock)
{
    // Upper case letters and digits without 0/O, 1/I/L: read aloud and typed on a phone without mistakes.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

    /// <summary>12 characters of 31: about 59 bits, enough for a code that also expires and is throttled.</summary>
    public const int PrintableLength = 12;

    /// <summary>32 characters: about 158 bits, for links.</summary>
    public const int LinkLength = 32;

    /// <summary>Upper case, without the spaces and dashes a printed code is shown with.</summary>
    public static string Normalize(string code) =>
        new(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    /// <summary>A printable code in groups of four: ABCD-EFGH-JKMN.</summary>
    public static string Grouped(string code) =>
        string.Join('-', Enumerable.Range(0, (code.Length + 3) / 4).Select(i => code.Substring(i * 4, Math.Min(4, code.Length - i * 4))));

    /// <summary>SHA-256 of the normalised code, hex: what is stored instead of a code.</summary>
    public static string HashOf(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    private static readonly Sql RetireSql = Sql.Portable(
        "UPDATE one_time_codes SET used_at = @now WHERE user_id = @userId AND purpose = @purpose AND used_at IS NULL");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO one_time_codes (id, code_hash, user_id, purpose, data, created_at, expires_at) " +
        "VALUES (@id, @hash, @userId, @purpose, @data, @now, @expiresAt)");

    /// <summary>Issues a new code (the older unused ones of this purpose stop working) and returns it in clear, once.</summary>
    public async Task<string> IssueAsync(
        Guid userId, string purpose, string? data = null, int length = LinkLength, TimeSpan? lifetime = null,
        DbConnection? connection = null, DbTransaction? transaction = null)
    {
        var code = RandomNumberGenerator.GetString(Alphabet, length);
        var now = clock.GetUtcNow();
        var owned = connection is null;
        connection ??= await db.OpenAsync();
        try
        {
            await connection.ExecuteAsync(db.Text(RetireSql), new { userId, purpose, now }, transaction);
            await connection.ExecuteAsync(db.Text(InsertSql), new
            {
                id = Guid.CreateVersion7(), hash = HashOf(code), userId, purpose, data, now,
                expiresAt = now + (lifetime ?? CodePurposes.DefaultLifetime(purpose)),
            }, transaction);
        }
        finally
        {
            if (owned) await connection.DisposeAsync();
        }
        return code;
    }

    private static readonly Sql UseSql = Sql.Portable(
        "UPDATE one_time_codes SET used_at = @now " +
        "WHERE code_hash = @hash AND used_at IS NULL AND expires_at > @now AND purpose IN (@purpose1, @purpose2)");
    private static readonly Sql ByHashSql = Sql.Portable(
        "SELECT id, user_id, purpose, data FROM one_time_codes WHERE code_hash = @hash");

    /// <summary>Uses the code if it is one of <paramref name="purposes"/> (one or two), unused and unexpired; null otherwise (and then nothing changed).</summary>
    public async Task<RedeemedCode?> RedeemAsync(string code, IReadOnlyList<string> purposes)
    {
        var normalized = Normalize(code);
        if (normalized.Length is < PrintableLength or > LinkLength) return null;
        var hash = HashOf(normalized);
        await using var connection = await db.OpenAsync();
        var used = await connection.ExecuteAsync(db.Text(UseSql), new { hash, now = clock.GetUtcNow(), purpose1 = purposes.First(), purpose2 = purposes.Last() });
        if (used != 1) return null;
        return await connection.QuerySingleAsync<RedeemedCode>(db.Text(ByHashSql), new { hash });
    }

    private static readonly Sql PeekSql = Sql.Portable(
        "SELECT id, user_id, purpose, data FROM one_time_codes " +
        "WHERE code_hash = @hash AND used_at IS NULL AND expires_at > @now AND purpose IN (@purpose1, @purpose2)");

    /// <summary>The code's holder and purpose if it would be accepted now, without using it (the page greets the person by name).</summary>
    public async Task<RedeemedCode?> PeekAsync(string code, IReadOnlyList<string> purposes)
    {
        var normalized = Normalize(code);
        if (normalized.Length is < PrintableLength or > LinkLength) return null;
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<RedeemedCode>(db.Text(PeekSql),
            new { hash = HashOf(normalized), now = clock.GetUtcNow(), purpose1 = purposes.First(), purpose2 = purposes.Last() });
    }
}
