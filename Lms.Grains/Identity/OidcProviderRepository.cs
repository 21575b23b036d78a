using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Identity;

/// <summary>An institution's OpenID Connect provider; the client secret stays encrypted at this layer.</summary>
public sealed record OidcProviderRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string DisplayName { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string ClientId { get; init; } = "";
    public string ProtectedClientSecret { get; init; } = "";
    public bool CreatesAccounts { get; init; }
    public string? NewPersonRole { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public IReadOnlyList<string> Domains { get; init; } = [];
}

/// <summary>What an admin sets; a null secret on an update keeps the stored one.</summary>
public sealed record OidcProviderDraft(
    string DisplayName, string Issuer, string ClientId, string? ProtectedClientSecret, bool CreatesAccounts, string? NewPersonRole,
    IReadOnlyList<string> Domains);

/// <summary>The provider that vouches for an e-mail domain, for the sign-in page.</summary>
public sealed record OidcDomainProvider
{
    public Guid ProviderId { get; init; }
    public string DisplayName { get; init; } = "";
    public string InstitutionName { get; init; } = "";
}

/// <summary>Saving a provider: done, or refused because another provider already vouches for one of its domains.</summary>
public abstract record OidcProviderSave
{
    public sealed record Saved(OidcProviderRow Provider) : OidcProviderSave;
    public sealed record DomainTaken(string Domain) : OidcProviderSave;
}

/// <summary>
/// Institutions' OpenID Connect providers, the domains they vouch for, and people's links to provider accounts.
/// Every "only one" rule is the database's (a domain's primary key, the link's unique indexes), so two admins or two
/// sign-ins racing cannot both win.
/// </summary>
public sealed class OidcProviderRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "id, institution_id, display_name, issuer, client_id, protected_client_secret, creates_accounts, new_person_role, updated_at";

    private static readonly Sql ListSql = Sql.Portable($"SELECT {Columns} FROM oidc_providers WHERE institution_id = @institutionId ORDER BY display_name, id");
    private static readonly Sql GetSql = Sql.Portable($"SELECT {Columns} FROM oidc_providers WHERE id = @id");
    private static readonly Sql DomainsSql = Sql.Portable("SELECT domain FROM oidc_provider_domains WHERE provider_id = @id ORDER BY domain");
    private static readonly Sql InstitutionDomainsSql = Sql.Portable(
        "SELECT d.provider_id, d.domain FROM oidc_provider_domains d JOIN oidc_providers p ON p.id = d.provider_id " +
        "WHERE p.institution_id = @institutionId ORDER BY d.domain");

    private sealed record DomainRow(Guid ProviderId, string Domain);

    public async Task<IReadOnlyList<OidcProviderRow>> ListAsync(Guid institutionId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<OidcProviderRow>(db.Text(ListSql), new { institutionId });
        var domains = (await connection.QueryAsync<DomainRow>(db.Text(InstitutionDomainsSql), new { institutionId }))
            .ToLookup(d => d.ProviderId, d => d.Domain);
        return rows.Select(r => r with { Domains = domains[r.Id].ToList() }).ToList();
    }

    public async Task<OidcProviderRow?> GetAsync(Guid id)
    {
        await using var connection = await db.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<OidcProviderRow>(db.Text(GetSql), new { id });
        return row is null ? null : row with { Domains = (await connection.QueryAsync<string>(db.Text(DomainsSql), new { id })).AsList() };
    }

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO oidc_providers (id, institution_id, display_name, issuer, client_id, protected_client_secret, creates_accounts, " +
        "new_person_role, created_at, updated_at) VALUES (@id, @institutionId, @DisplayName, @Issuer, @ClientId, @ProtectedClientSecret, " +
        "@CreatesAccounts, @NewPersonRole, @now, @now)");

    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE oidc_providers SET display_name = @DisplayName, issuer = @Issuer, client_id = @ClientId, " +
        "protected_client_secret = COALESCE(@ProtectedClientSecret, protected_client_secret), creates_accounts = @CreatesAccounts, " +
        "new_person_role = @NewPersonRole, updated_at = @now WHERE id = @id");

    private static readonly Sql DeleteDomainsSql = Sql.Portable("DELETE FROM oidc_provider_domains WHERE provider_id = @id");
    private static readonly Sql TakenSql = Sql.Portable("SELECT provider_id FROM oidc_provider_domains WHERE domain = @domain");
    private static readonly Sql InsertDomainSql = Sql.Portable("INSERT INTO oidc_provider_domains (domain, provider_id) VALUES (@domain, @id)");

    public Task<OidcProviderSave> CreateAsync(Guid institutionId, OidcProviderDraft draft) =>
        SaveAsync(Guid.CreateVersion7(), draft, async (connection, transaction, id, now) =>
            await connection.ExecuteAsync(db.Text(InsertSql), Args(draft, id, now, institutionId), transaction) == 1);

    /// <summary>Null when the provider is not there any more.</summary>
    public async Task<OidcProviderSave?> UpdateAsync(Guid id, OidcProviderDraft draft)
    {
        var updated = true;
        var result = await SaveAsync(id, draft, async (connection, transaction, _, now) =>
            updated = await connection.ExecuteAsync(db.Text(UpdateSql), Args(draft, id, now, Guid.Empty), transaction) == 1);
        return updated ? result : null;
    }

    private static object Args(OidcProviderDraft draft, Guid id, DateTimeOffset now, Guid institutionId) => new
    {
        id, now, institutionId, draft.DisplayName, draft.Issuer, draft.ClientId, draft.ProtectedClientSecret, draft.CreatesAccounts,
        draft.NewPersonRole,
    };

    /// <summary>The row and its domains in one transaction; a domain another provider holds refuses the whole save.</summary>
    private async Task<OidcProviderSave> SaveAsync(Guid id, OidcProviderDraft draft,
        Func<DbConnection, DbTransaction, Guid, DateTimeOffset, Task<bool>> writeRow)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (!await writeRow(connection, transaction, id, now)) return new OidcProviderSave.Saved(new OidcProviderRow { Id = id });
        await connection.ExecuteAsync(db.Text(DeleteDomainsSql), new { id }, transaction);
        foreach (var domain in draft.Domains)
        {
            var holder = await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(TakenSql), new { domain }, transaction);
            if (holder is not null && holder != id) return new OidcProviderSave.DomainTaken(domain);
            try
            {
                await connection.ExecuteAsync(db.Text(InsertDomainSql), new { domain, id }, transaction);
            }
            catch (DbException)
            {
                // Another provider took it between the check and the insert: the primary key decided.
                return new OidcProviderSave.DomainTaken(domain);
            }
        }
        await transaction.CommitAsync();
        return new OidcProviderSave.Saved(new OidcProviderRow
        {
            Id = id, DisplayName = draft.DisplayName, Issuer = draft.Issuer, ClientId = draft.ClientId,
            CreatesAccounts = draft.CreatesAccounts, NewPersonRole = draft.NewPersonRole, UpdatedAt = now, Domains = draft.Domains,
        });
    }

    private static readonly Sql DeleteLinksSql = Sql.Portable("DELETE FROM oidc_links WHERE provider_id = @id");
    private static readonly Sql DeleteSql = Sql.Portable("DELETE FROM oidc_providers WHERE id = @id");

    /// <summary>Removes a provider with its domains and links (connecting it again links people by e-mail again).</summary>
    public Task<bool> DeleteAsync(Guid id) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteLinksSql), new { id }, transaction);
            await connection.ExecuteAsync(db.Text(DeleteDomainsSql), new { id }, transaction);
            return await connection.ExecuteAsync(db.Text(DeleteSql), new { id }, transaction) == 1;
        });

    private static readonly Sql ByDomainSql = Sql.Portable(
        "SELECT p.id AS provider_id, p.display_name, i.name AS institution_name FROM oidc_provider_domains d " +
        "JOIN oidc_providers p ON p.id = d.provider_id JOIN institutions i ON i.id = p.institution_id WHERE d.domain = @domain");

    public async Task<OidcDomainProvider?> ForDomainAsync(string domain) =>
        await db.SingleOrDefaultAsync<OidcDomainProvider>(ByDomainSql, new { domain });

    private static readonly Sql LinkedSql = Sql.Portable("SELECT user_id FROM oidc_links WHERE issuer = @issuer AND subject = @subject");

    /// <summary>The person this provider account was linked to, if any.</summary>
    public async Task<Guid?> LinkedUserAsync(string issuer, string subject) =>
        await db.SingleOrDefaultAsync<Guid?>(LinkedSql, new { issuer, subject });

    private static readonly Sql TouchLinkSql = Sql.Portable(
        "UPDATE oidc_links SET last_used_at = @now WHERE issuer = @issuer AND subject = @subject");

    public async Task TouchLinkAsync(string issuer, string subject) =>
        await db.ExecuteAsync(TouchLinkSql, new { issuer, subject, now = clock.GetUtcNow() });

    private static readonly Sql InsertLinkSql = Sql.Portable(
        "INSERT INTO oidc_links (id, issuer, subject, user_id, provider_id, created_at, last_used_at) " +
        "VALUES (@id, @issuer, @subject, @userId, @providerId, @now, @now)");

    /// <summary>
    /// Links a provider account to an existing person. False when that person already has another subject at this
    /// issuer, or this subject is linked to someone else (the unique indexes decide, races included).
    /// </summary>
    public async Task<bool> LinkAsync(Guid providerId, string issuer, string subject, Guid userId)
    {
        try
        {
            await db.ExecuteAsync(InsertLinkSql, LinkArgs(providerId, issuer, subject, userId));
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private object LinkArgs(Guid providerId, string issuer, string subject, Guid userId) =>
        new { id = Guid.CreateVersion7(), issuer, subject, userId, providerId, now = clock.GetUtcNow() };

    private static readonly Sql InsertMembershipSql = Sql.Portable(
        "INSERT INTO memberships (institution_id, user_id, role, created_at) VALUES (@institutionId, @userId, @role, @createdAt)");

    /// <summary>
    /// Makes a person met for the first time: the account (claimed: the provider vouched for its address, no password),
    /// their role in the provider's institution and the link, all or nothing. False when the address or the subject
    /// was taken meanwhile.
    /// </summary>
    public async Task<bool> CreatePersonAsync(UserRepository users, NewUser user, Guid institutionId, string role,
        Guid providerId, string issuer, string subject)
    {
        try
        {
            return await db.InTransactionAsync(async (connection, transaction) =>
            {
                await users.InsertAsync(user, connection, transaction);
                await connection.ExecuteAsync(db.Text(InsertMembershipSql),
                    new { institutionId, userId = user.Id, role, createdAt = clock.GetUtcNow() }, transaction);
                await connection.ExecuteAsync(db.Text(InsertLinkSql), LinkArgs(providerId, issuer, subject, user.Id), transaction);
                return true;
            });
        }
        catch (DbException)
        {
            return false; // taken meanwhile: the transaction was rolled back with its connection
        }
    }

    private static readonly Sql MemberBelowSql = Sql.PerDialect(d =>
        "SELECT COUNT(*) FROM memberships m JOIN institutions i ON i.id = m.institution_id " +
        $"WHERE m.user_id = @userId AND {d.StartsWith("i.path", "@path")}");

    /// <summary>Whether the person has a role in the institution with this path or one below it (on its roster).</summary>
    public async Task<bool> IsOnRosterAsync(Guid userId, string institutionPath) =>
        await db.ScalarAsync<long>(MemberBelowSql, new { userId, path = institutionPath }) > 0;
}
