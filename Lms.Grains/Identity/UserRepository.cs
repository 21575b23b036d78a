using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Identity;

public sealed record UserRow
{
    public Guid Id { get; init; }
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string DisplayName { get; init; } = "";
    public string PasswordHash { get; init; } = "";
    public int FailedSignIns { get; init; }
    public DateTimeOffset? LockoutEnd { get; init; }
    /// <summary>A self sign-up's address until its owner confirms it (then it moves to <see cref="Email"/>).</summary>
    public string? PendingEmail { get; init; }
    /// <summary>When the owner proved they hold this account; null for an account someone else made and nobody has claimed.</summary>
    public DateTimeOffset? ClaimedAt { get; init; }
    public Guid? CreatedByInstitutionId { get; init; }
    public bool PlatformAdmin { get; init; }
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>An account made by an invitation has no password until its owner chooses one.</summary>
    public bool HasPassword => PasswordHash.Length > 0;
}

public sealed record NewUser(
    Guid Id, string? Email, string? NationalId, string DisplayName, string PasswordHash,
    Guid? CreatedByInstitutionId = null, string? PendingEmail = null, bool Claimed = false);

public sealed record MembershipRow
{
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public string InstitutionKind { get; init; } = "";
    public string Role { get; init; } = "";
}

public sealed record PersonRef
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
}

/// <summary>People and their sign-in state.</summary>
public sealed class UserRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "id, email, national_id, display_name, password_hash, failed_sign_ins, lockout_end, " +
        "pending_email, claimed_at, created_by_institution_id, platform_admin, disabled_at";

    /// <summary>E-mail addresses compare without case; national identifiers are kept as typed digits.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    private static readonly Sql ByEmailSql = Sql.Portable($"SELECT {Columns} FROM users WHERE email = @login");
    private static readonly Sql ByNationalIdSql = Sql.Portable($"SELECT {Columns} FROM users WHERE national_id = @login");

    /// <summary>Finds a person by e-mail (anything with an @) or by national identifier.</summary>
    public async Task<UserRow?> FindByLoginAsync(string login)
    {
        await using var connection = await db.OpenAsync();
        var trimmed = login.Trim();
        return trimmed.Contains('@')
            ? await connection.QuerySingleOrDefaultAsync<UserRow>(db.Text(ByEmailSql), new { login = NormalizeEmail(trimmed) })
            : await connection.QuerySingleOrDefaultAsync<UserRow>(db.Text(ByNationalIdSql), new { login = trimmed });
    }

    private static readonly Sql ByIdSql = Sql.Portable($"SELECT {Columns} FROM users WHERE id = @id");

    public async Task<UserRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<UserRow>(ByIdSql, new { id });
    }

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO users (id, email, national_id, display_name, search_name, password_hash, failed_sign_ins, created_at, " +
        "pending_email, claimed_at, created_by_institution_id, platform_admin) " +
        "VALUES (@Id, @Email, @NationalId, @DisplayName, @SearchName, @PasswordHash, 0, @CreatedAt, " +
        "@PendingEmail, @ClaimedAt, @CreatedByInstitutionId, @PlatformAdmin)");

    public async Task InsertAsync(NewUser user, DbConnection connection, DbTransaction? transaction = null)
    {
        await connection.ExecuteAsync(db.Text(InsertSql), new
        {
            user.Id,
            Email = user.Email is null ? null : NormalizeEmail(user.Email),
            user.NationalId,
            user.DisplayName,
            SearchName = SearchText.Fold(user.DisplayName),
            user.PasswordHash,
            CreatedAt = clock.GetUtcNow(),
            PendingEmail = user.PendingEmail is null ? null : NormalizeEmail(user.PendingEmail),
            ClaimedAt = user.Claimed ? clock.GetUtcNow() : (DateTimeOffset?)null,
            user.CreatedByInstitutionId,
            PlatformAdmin = false,
        }, transaction);
    }

    public async Task InsertAsync(NewUser user)
    {
        await using var connection = await db.OpenAsync();
        await InsertAsync(user, connection);
    }

    /// <summary>How many steps of growing delay <see cref="ClaimSignInAttemptAsync"/> knows; past the last, the last delay repeats.</summary>
    public const int ThrottleSteps = 12;

    private static readonly Sql ClaimAttemptSql = Sql.Portable(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, lockout_end = CASE " +
        string.Concat(Enumerable.Range(1, ThrottleSteps).Select(n => $"WHEN failed_sign_ins + 1 = {n} THEN @until{n} ")) +
        "ELSE @untilMax END " +
        "WHERE id = @id AND (lockout_end IS NULL OR lockout_end <= @now)");

    /// <summary>
    /// Counts a sign-in attempt before its password is checked, in one conditional UPDATE: false (and
    /// nothing counted) while the account is throttled. <paramref name="untilAfter"/> gives, for the
    /// attempt count n (1-based), until when the account is throttled after that attempt (null: not).
    /// Parallel guesses cannot race the counter: each UPDATE sees the last one's count and delay.
    /// </summary>
    public async Task<bool> ClaimSignInAttemptAsync(Guid id, DateTimeOffset now, Func<int, DateTimeOffset?> untilAfter)
    {
        var args = new DynamicParameters(new { id, now, untilMax = untilAfter(ThrottleSteps + 1) });
        for (var n = 1; n <= ThrottleSteps; n++) args.Add($"until{n}", untilAfter(n));
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(ClaimAttemptSql), args) == 1;
    }

    private static readonly Sql SucceededSignInSql = Sql.Portable(
        "UPDATE users SET failed_sign_ins = 0, lockout_end = NULL WHERE id = @id AND (failed_sign_ins <> 0 OR lockout_end IS NOT NULL)");

    public async Task RecordSucceededSignInAsync(Guid id)
    {
        await db.ExecuteAsync(SucceededSignInSql, new { id });
    }

    private static readonly Sql SetPasswordSql = Sql.Portable(
        "UPDATE users SET password_hash = @passwordHash WHERE id = @id");

    public async Task SetPasswordHashAsync(Guid id, string passwordHash)
    {
        await db.ExecuteAsync(SetPasswordSql, new { id, passwordHash });
    }

    private static readonly Sql ConfirmEmailSql = Sql.Portable(
        "UPDATE users SET email = pending_email, pending_email = NULL, claimed_at = @now " +
        "WHERE id = @id AND pending_email = @email AND email IS NULL");

    /// <summary>
    /// Moves a confirmed address from pending to the account's login. False when the address is
    /// no longer pending there, or when someone else holds it by now (the unique index decides).
    /// </summary>
    public async Task<bool> ConfirmEmailAsync(Guid id, string email)
    {
        await using var connection = await db.OpenAsync();
        try
        {
            return await connection.ExecuteAsync(db.Text(ConfirmEmailSql), new { id, email = NormalizeEmail(email), now = clock.GetUtcNow() }) == 1;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private static readonly Sql ClaimSql = Sql.Portable(
        "UPDATE users SET claimed_at = @now WHERE id = @id AND claimed_at IS NULL");

    /// <summary>The owner proved they hold the account (a redeemed invitation or reset link).</summary>
    public async Task MarkClaimedAsync(Guid id)
    {
        await db.ExecuteAsync(ClaimSql, new { id, now = clock.GetUtcNow() });
    }

    private static readonly Sql PlatformAdminSql = Sql.Portable("UPDATE users SET platform_admin = @value WHERE id = @id");

    public async Task SetPlatformAdminAsync(Guid id, bool value)
    {
        await db.ExecuteAsync(PlatformAdminSql, new { id, value });
    }

    private static readonly Sql MembershipsSql = Sql.Portable(
        "SELECT m.institution_id, i.name AS institution_name, i.kind AS institution_kind, m.role " +
        "FROM memberships m JOIN institutions i ON i.id = m.institution_id " +
        "WHERE m.user_id = @userId ORDER BY i.name, m.role");

    public async Task<IReadOnlyList<MembershipRow>> MembershipsAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<MembershipRow>(db.Text(MembershipsSql), new { userId })).AsList();
    }

    private static readonly Sql IsParentSql = Sql.Portable(
        "SELECT COUNT(*) FROM parent_links WHERE parent_id = @parentId AND student_id = @studentId");

    public async Task<bool> IsParentOfAsync(Guid parentId, Guid studentId) =>
        await db.ScalarAsync<long>(IsParentSql, new { parentId, studentId }) > 0;

    private static readonly Sql ChildrenSql = Sql.Portable(
        "SELECT u.id, u.display_name, u.email, u.national_id FROM parent_links p JOIN users u ON u.id = p.student_id " +
        "WHERE p.parent_id = @parentId ORDER BY u.display_name");

    public async Task<IReadOnlyList<PersonRef>> ChildrenAsync(Guid parentId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<PersonRef>(db.Text(ChildrenSql), new { parentId })).AsList();
    }
}
