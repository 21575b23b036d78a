using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Institutions;

/// <summary>A roster import as stored: the rows wait in <see cref="Entries"/> for the job; the outcome stays.</summary>
public sealed record RosterImportRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public Guid CreatedBy { get; init; }
    public string FileName { get; init; } = "";
    public string Language { get; init; } = "vi";
    public int RowCount { get; init; }
    public string? Entries { get; init; }
    public string? Notices { get; init; }
    public string? Outcome { get; init; }
    public string? Problems { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary><see cref="RosterModes.Add"/> or <see cref="RosterModes.Update"/>.</summary>
    public string Mode { get; init; } = RosterModes.Add;
    /// <summary>An update also disables the institution's people the file no longer lists.</summary>
    public bool DisableAbsent { get; init; }
    /// <summary>An update's changes as its job found them (JSON), waiting for the admin to confirm them.</summary>
    public string? Preview { get; init; }
    public string? PreviewHash { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
}

public static class RosterModes
{
    /// <summary>Adds people, roles, classes and links; changes nobody.</summary>
    public const string Add = "add";
    /// <summary>Also renames, changes logins, moves between classes (and optionally disables the absent), after a confirmed preview.</summary>
    public const string Update = "update";
}

/// <summary>One slip of a credentials sheet: a person an import (or an admin's reset) gives a one-time code.</summary>
public sealed record RosterSlipPerson
{
    public Guid UserId { get; init; }
    public string DisplayName { get; init; } = "";
    public string? NationalId { get; init; }
    public string? Email { get; init; }
    public string? ClassName { get; init; }
    public int Line { get; init; }
}

public sealed class RosterImportRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "id, institution_id, created_by, file_name, language, row_count, entries, notices, outcome, problems, created_at, finished_at, " +
        "mode, disable_absent, preview, preview_hash, confirmed_at";

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO roster_imports (id, institution_id, created_by, file_name, language, row_count, entries, notices, created_at, mode, disable_absent) " +
        "VALUES (@Id, @InstitutionId, @CreatedBy, @FileName, @Language, @RowCount, @Entries, @Notices, @CreatedAt, @Mode, @DisableAbsent)");

    public async Task CreateAsync(RosterImportRow row, DbConnection connection, DbTransaction transaction) =>
        await connection.ExecuteAsync(db.Text(InsertSql), row with { CreatedAt = clock.GetUtcNow() }, transaction);

    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM roster_imports WHERE id = @id");

    public async Task<RosterImportRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<RosterImportRow>(GetSql, new { id });
    }

    private static readonly Sql LatestSql = Sql.PerDialect(d => d.First(
        $"SELECT {Columns} FROM roster_imports WHERE institution_id = @institutionId ORDER BY created_at DESC, id DESC"));

    /// <summary>The institution's latest import: what the import page shows when an admin comes back to it.</summary>
    public async Task<RosterImportRow?> LatestAsync(Guid institutionId)
    {
        return await db.SingleOrDefaultAsync<RosterImportRow>(LatestSql, new { institutionId });
    }

    private static readonly Sql FinishSql = Sql.Portable(
        "UPDATE roster_imports SET entries = NULL, outcome = @outcome, problems = @problems, finished_at = @now WHERE id = @id");

    /// <summary>Records the outcome (or the problems found meanwhile) and forgets the rows: they are in the people tables now.</summary>
    public async Task FinishAsync(Guid id, string? outcome, string? problems, DbConnection connection, DbTransaction transaction) =>
        await connection.ExecuteAsync(db.Text(FinishSql), new { id, outcome, problems, now = clock.GetUtcNow() }, transaction);

    private static readonly Sql PreviewSql = Sql.Portable(
        "UPDATE roster_imports SET preview = @preview, preview_hash = @hash, finished_at = @now WHERE id = @id");

    /// <summary>Records an update's preview; the rows stay, for the confirmation to compute the changes again and apply them.</summary>
    public async Task SavePreviewAsync(Guid id, string preview, string hash, DbConnection connection, DbTransaction transaction) =>
        await connection.ExecuteAsync(db.Text(PreviewSql), new { id, preview, hash, now = clock.GetUtcNow() }, transaction);

    private static readonly Sql ConfirmSql = Sql.Portable(
        "UPDATE roster_imports SET confirmed_at = @now, entries = NULL, outcome = @outcome " +
        "WHERE id = @id AND confirmed_at IS NULL AND entries IS NOT NULL AND preview_hash = @hash");

    /// <summary>
    /// Marks an update's preview applied, once: false when it was confirmed already (or never previewed under this
    /// hash). In the transaction that applies it, so two confirmations at once apply it once.
    /// </summary>
    public async Task<bool> ConfirmAsync(Guid id, string hash, string? outcome, DbConnection connection, DbTransaction transaction) =>
        await connection.ExecuteAsync(db.Text(ConfirmSql), new { id, hash, outcome, now = clock.GetUtcNow() }, transaction) == 1;

    private static readonly Sql SlipsSql = Sql.Portable(
        "SELECT p.user_id, u.display_name, u.national_id, u.email, p.class_name, p.line FROM roster_import_people p " +
        "JOIN users u ON u.id = p.user_id " +
        "WHERE p.import_id = @importId AND u.claimed_at IS NULL AND u.email IS NULL AND u.disabled_at IS NULL");

    /// <summary>The people this import created who sign in with a printed code and have not yet chosen a password.</summary>
    public async Task<IReadOnlyList<RosterSlipPerson>> UnclaimedAsync(Guid importId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<RosterSlipPerson>(db.Text(SlipsSql), new { importId })).AsList();
    }

    private static readonly Sql CountsSql = Sql.Portable(
        "SELECT COUNT(*) FROM roster_import_people p JOIN users u ON u.id = p.user_id " +
        "WHERE p.import_id = @importId AND u.claimed_at IS NULL AND u.email IS NULL AND u.disabled_at IS NULL");

    public async Task<int> UnclaimedCountAsync(Guid importId)
    {
        await using var connection = await db.OpenAsync();
        return (int)await connection.ExecuteScalarAsync<long>(db.Text(CountsSql), new { importId });
    }

    private static readonly Sql ResettableSql = Sql.Portable(
        "SELECT u.id AS user_id, u.display_name, u.national_id, u.email, 0 AS line, " +
        "(SELECT MIN(c.name) FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        " WHERE cm.user_id = u.id AND c.institution_id = @institutionId) AS class_name " +
        "FROM users u WHERE u.id = @userId AND u.created_by_institution_id = @institutionId AND u.platform_admin = @no " +
        "AND EXISTS (SELECT 1 FROM memberships m WHERE m.institution_id = @institutionId AND m.user_id = u.id)");

    /// <summary>
    /// A person whose sign-in this institution's admins may reset: one it made and who is still a member. A person
    /// who came with their own account (or another school's) keeps it to themselves.
    /// </summary>
    public async Task<RosterSlipPerson?> ResettableAsync(Guid institutionId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<RosterSlipPerson>(ResettableSql, new { institutionId, userId, no = false });
    }
}
