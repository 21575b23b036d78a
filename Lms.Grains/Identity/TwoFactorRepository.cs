using System.Security.Cryptography;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Identity;

public sealed record TotpRow
{
    public Guid UserId { get; init; }
    /// <summary>The shared secret, encrypted by the server; this layer never sees it in clear.</summary>
    public string ProtectedSecret { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Null while enrolment waits for its first code: the factor is not switched on yet.</summary>
    public DateTimeOffset? ConfirmedAt { get; init; }
    public long LastStep { get; init; }

    public bool Enabled => ConfirmedAt is not null;
}

/// <summary>
/// A person's TOTP authenticator and recovery codes. Every "use once" rule is one conditional
/// UPDATE, so two requests racing with the same code cannot both succeed.
/// </summary>
public sealed class TwoFactorRepository(Db db, TimeProvider clock)
{
    /// <summary>How many recovery codes an enrolment hands out.</summary>
    public const int RecoveryCodeCount = 10;

    // The alphabet of printed one-time codes (no 0/O, 1/I/L); 10 characters are about 49 bits.
    private const string RecoveryAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private const int RecoveryCodeLength = 10;

    private static readonly Sql GetSql = Sql.Portable(
        "SELECT user_id, protected_secret, created_at, confirmed_at, last_step FROM user_totp WHERE user_id = @userId");

    public async Task<TotpRow?> GetAsync(Guid userId)
    {
        return await db.SingleOrDefaultAsync<TotpRow>(GetSql, new { userId });
    }

    private static readonly Sql DeletePendingSql = Sql.Portable("DELETE FROM user_totp WHERE user_id = @userId AND confirmed_at IS NULL");
    private static readonly Sql InsertPendingSql = Sql.Portable(
        "INSERT INTO user_totp (user_id, protected_secret, created_at, last_step) VALUES (@userId, @protectedSecret, @now, 0)");

    /// <summary>
    /// Starts (or starts again) an enrolment with a new secret. False when the person already has
    /// a switched-on authenticator (the primary key refuses a second row).
    /// </summary>
    public async Task<bool> StartEnrolmentAsync(Guid userId, string protectedSecret)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(db.Text(DeletePendingSql), new { userId }, transaction);
        try
        {
            await connection.ExecuteAsync(db.Text(InsertPendingSql), new { userId, protectedSecret, now = clock.GetUtcNow() }, transaction);
        }
        catch (System.Data.Common.DbException)
        {
            return false;
        }
        await transaction.CommitAsync();
        return true;
    }

    private static readonly Sql ConfirmSql = Sql.Portable(
        "UPDATE user_totp SET confirmed_at = @now, last_step = @step WHERE user_id = @userId AND confirmed_at IS NULL");
    private static readonly Sql DeleteCodesSql = Sql.Portable("DELETE FROM totp_recovery_codes WHERE user_id = @userId");
    private static readonly Sql InsertCodeSql = Sql.Portable(
        "INSERT INTO totp_recovery_codes (id, user_id, code_hash) VALUES (@id, @userId, @codeHash)");

    /// <summary>
    /// Switches the pending authenticator on (its first code was right, for time step <paramref name="step"/>)
    /// and replaces the recovery codes; returns them in clear, once, or null when nothing was pending.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmAsync(Guid userId, long step)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount)
            .Select(_ => RandomNumberGenerator.GetString(RecoveryAlphabet, RecoveryCodeLength)).ToList();
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (await connection.ExecuteAsync(db.Text(ConfirmSql), new { userId, step, now = clock.GetUtcNow() }, transaction) != 1) return null;
        await connection.ExecuteAsync(db.Text(DeleteCodesSql), new { userId }, transaction);
        foreach (var code in codes)
            await connection.ExecuteAsync(db.Text(InsertCodeSql),
                new { id = Guid.CreateVersion7(), userId, codeHash = OneTimeCodes.HashOf(code) }, transaction);
        await transaction.CommitAsync();
        return codes.Select(c => $"{c[..5]}-{c[5..]}").ToList();
    }

    private static readonly Sql UseStepSql = Sql.Portable(
        "UPDATE user_totp SET last_step = @step WHERE user_id = @userId AND confirmed_at IS NOT NULL AND last_step < @step");

    /// <summary>
    /// Accepts a code for time step <paramref name="step"/> only if no code for this step or a later
    /// one was accepted before: a code seen once (over a shoulder, in a proxy log) is worth nothing after.
    /// </summary>
    public async Task<bool> UseStepAsync(Guid userId, long step)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(UseStepSql), new { userId, step }) == 1;
    }

    private static readonly Sql UseRecoverySql = Sql.Portable(
        "UPDATE totp_recovery_codes SET used_at = @now WHERE user_id = @userId AND code_hash = @codeHash AND used_at IS NULL");

    /// <summary>Uses one recovery code; false when it is not one of the person's, or was used before.</summary>
    public async Task<bool> UseRecoveryCodeAsync(Guid userId, string code)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(UseRecoverySql),
            new { userId, codeHash = OneTimeCodes.HashOf(code), now = clock.GetUtcNow() }) == 1;
    }

    private static readonly Sql RecoveryLeftSql = Sql.Portable(
        "SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = @userId AND used_at IS NULL");

    public async Task<int> RecoveryCodesLeftAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return (int)await connection.ExecuteScalarAsync<long>(db.Text(RecoveryLeftSql), new { userId });
    }

    private static readonly Sql DeleteSql = Sql.Portable("DELETE FROM user_totp WHERE user_id = @userId");

    /// <summary>Switches the second factor off (the person, or an admin's reset): authenticator and recovery codes go. False when there was none.</summary>
    public async Task<bool> RemoveAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(db.Text(DeleteCodesSql), new { userId }, transaction);
        var removed = await connection.ExecuteAsync(db.Text(DeleteSql), new { userId }, transaction) == 1;
        await transaction.CommitAsync();
        return removed;
    }

    private static readonly Sql RequiredSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships m JOIN institutions i ON i.id = m.institution_id " +
        "WHERE m.user_id = @userId AND m.role = @admin AND i.admins_require_two_factor = @yes");

    /// <summary>True when the person is an admin of an institution that requires its admins to use a second factor.</summary>
    public async Task<bool> RequiredOfAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(RequiredSql), new { userId, admin = Roles.Admin, yes = true }) > 0;
    }

    private static readonly Sql StaffSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE user_id = @userId AND (role = @admin OR role = @teacher)");

    /// <summary>Staff (a teacher or admin anywhere) may use a second factor; platform admins are asked separately.</summary>
    public async Task<bool> IsStaffAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(StaffSql), new { userId, admin = Roles.Admin, teacher = Roles.Teacher }) > 0;
    }

    private static readonly Sql PolicySql = Sql.Portable("SELECT admins_require_two_factor FROM institutions WHERE id = @institutionId");
    private static readonly Sql SetPolicySql = Sql.Portable(
        "UPDATE institutions SET admins_require_two_factor = @required WHERE id = @institutionId");

    public async Task<bool> AdminsRequireAsync(Guid institutionId)
    {
        return await db.ScalarAsync<bool>(PolicySql, new { institutionId });
    }

    public async Task SetAdminsRequireAsync(Guid institutionId, bool required)
    {
        await db.ExecuteAsync(SetPolicySql, new { institutionId, required });
    }
}
