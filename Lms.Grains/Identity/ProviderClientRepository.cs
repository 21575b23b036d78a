using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Identity;

/// <summary>A school system that signs people in with their Lms account (Lms as its OpenID Connect provider).</summary>
public sealed record ProviderClientRow
{
    public Guid Id { get; init; }
    public string ClientId { get; init; } = "";
    public string DisplayName { get; init; } = "";
    /// <summary>One per line.</summary>
    public string RedirectUris { get; init; } = "";
    /// <summary>Space separated.</summary>
    public string AllowedScopes { get; init; } = "";
    public string? SecretHash { get; init; }
    public string SubjectSalt { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }

    public bool Confidential => SecretHash is not null;
    public IReadOnlyList<string> RedirectUriList => RedirectUris.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> ScopeList => AllowedScopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A person's consent to one client: the scopes they agreed to share, and since when.</summary>
public sealed record ProviderConsentRow
{
    public Guid ClientId { get; init; }
    public string ClientName { get; init; } = "";
    public string Scopes { get; init; } = "";
    public DateTimeOffset GrantedAt { get; init; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// The clients a platform admin registered, people's consents to them, the provider's keys, and the single use of
/// authorization codes and refresh tokens. OpenIddict keeps nothing itself (its degraded mode); these rows are what
/// its handlers check.
/// </summary>
public sealed class ProviderClientRepository(Db db, TimeProvider clock)
{
    private const string Columns = "id, client_id, display_name, redirect_uris, allowed_scopes, secret_hash, subject_salt, created_at";

    private static readonly Sql ListSql = Sql.Portable($"SELECT {Columns} FROM idp_clients ORDER BY display_name, id");
    private static readonly Sql ByClientIdSql = Sql.Portable($"SELECT {Columns} FROM idp_clients WHERE client_id = @clientId");
    private static readonly Sql ByIdSql = Sql.Portable($"SELECT {Columns} FROM idp_clients WHERE id = @id");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO idp_clients (id, client_id, display_name, redirect_uris, allowed_scopes, secret_hash, subject_salt, created_by, created_at) " +
        "VALUES (@Id, @ClientId, @DisplayName, @RedirectUris, @AllowedScopes, @SecretHash, @SubjectSalt, @createdBy, @CreatedAt)");
    private static readonly Sql DeleteConsentsOfClientSql = Sql.Portable("DELETE FROM idp_consents WHERE client_id = @id");
    private static readonly Sql DeleteClientSql = Sql.Portable("DELETE FROM idp_clients WHERE id = @id");

    public Task<IReadOnlyList<ProviderClientRow>> ListAsync() => db.QueryAsync<ProviderClientRow>(ListSql);

    public Task<ProviderClientRow?> FindAsync(string clientId) => db.SingleOrDefaultAsync<ProviderClientRow>(ByClientIdSql, new { clientId });

    public Task<ProviderClientRow?> GetAsync(Guid id) => db.SingleOrDefaultAsync<ProviderClientRow>(ByIdSql, new { id });

    public async Task<ProviderClientRow> CreateAsync(ProviderClientRow client, Guid createdBy)
    {
        var row = client with { CreatedAt = clock.GetUtcNow() };
        await db.ExecuteAsync(InsertSql, new
        {
            row.Id, row.ClientId, row.DisplayName, row.RedirectUris, row.AllowedScopes, row.SecretHash, row.SubjectSalt, createdBy, row.CreatedAt,
        });
        return row;
    }

    /// <summary>Removes a client and every consent to it; its tokens stop working at the next refresh or userinfo call.</summary>
    public Task<bool> DeleteAsync(Guid id) => db.InTransactionAsync(async (connection, transaction) =>
    {
        await connection.ExecuteAsync(db.Text(DeleteConsentsOfClientSql), new { id }, transaction);
        return await connection.ExecuteAsync(db.Text(DeleteClientSql), new { id }, transaction) == 1;
    });

    private static readonly Sql ConsentSql = Sql.Portable(
        "SELECT c.client_id, k.display_name AS client_name, c.scopes, c.granted_at FROM idp_consents c " +
        "JOIN idp_clients k ON k.id = c.client_id WHERE c.user_id = @userId AND c.client_id = @clientId");
    private static readonly Sql ConsentsSql = Sql.Portable(
        "SELECT c.client_id, k.display_name AS client_name, c.scopes, c.granted_at FROM idp_consents c " +
        "JOIN idp_clients k ON k.id = c.client_id WHERE c.user_id = @userId ORDER BY k.display_name, c.client_id");
    private static readonly Sql WidenConsentSql = Sql.Portable(
        "UPDATE idp_consents SET scopes = @scopes WHERE user_id = @userId AND client_id = @clientId");
    private static readonly Sql InsertConsentSql = Sql.PerDialect(d => d.InsertIgnore("idp_consents",
        ["user_id", "client_id", "scopes", "granted_at"], ["@userId", "@clientId", "@scopes", "@now"], ["user_id", "client_id"]));
    private static readonly Sql RevokeConsentSql = Sql.Portable("DELETE FROM idp_consents WHERE user_id = @userId AND client_id = @clientId");

    public Task<ProviderConsentRow?> ConsentAsync(Guid userId, Guid clientId) =>
        db.SingleOrDefaultAsync<ProviderConsentRow>(ConsentSql, new { userId, clientId });

    public Task<IReadOnlyList<ProviderConsentRow>> ConsentsAsync(Guid userId) => db.QueryAsync<ProviderConsentRow>(ConsentsSql, new { userId });

    /// <summary>
    /// Records that the person agreed to share <paramref name="scopes"/> with the client. Widening a consent keeps its
    /// date (tokens given before stay valid for what they had); a first consent, or one after a revocation, is new.
    /// </summary>
    public async Task<ProviderConsentRow> GrantAsync(Guid userId, Guid clientId, IEnumerable<string> scopes)
    {
        var current = await ConsentAsync(userId, clientId);
        var all = string.Join(' ', (current?.ScopeList ?? []).Union(scopes).Order(StringComparer.Ordinal));
        if (await db.ExecuteAsync(WidenConsentSql, new { userId, clientId, scopes = all }) == 0)
            await db.ExecuteAsync(InsertConsentSql, new { userId, clientId, scopes = all, now = clock.GetUtcNow() });
        return (await ConsentAsync(userId, clientId))!;
    }

    public async Task<bool> RevokeAsync(Guid userId, Guid clientId) => await db.ExecuteAsync(RevokeConsentSql, new { userId, clientId }) == 1;

    private static readonly Sql KeySql = Sql.Portable("SELECT protected_key FROM idp_keys WHERE purpose = @purpose");
    private static readonly Sql InsertKeySql = Sql.PerDialect(d => d.InsertIgnore("idp_keys",
        ["purpose", "protected_key", "created_at"], ["@purpose", "@protectedKey", "@now"], ["purpose"]));

    /// <summary>The stored key for <paramref name="purpose"/>; the first caller's <paramref name="make"/> wins a race between servers.</summary>
    public async Task<string> KeyAsync(string purpose, Func<string> make)
    {
        if (await db.ScalarAsync<string>(KeySql, new { purpose }) is { } stored) return stored;
        await db.ExecuteAsync(InsertKeySql, new { purpose, protectedKey = make(), now = clock.GetUtcNow() });
        return (await db.ScalarAsync<string>(KeySql, new { purpose }))!;
    }

    private static readonly Sql RedeemSql = Sql.PerDialect(d => d.InsertIgnore("idp_redeemed",
        ["token_id", "expires_at"], ["@tokenId", "@expiresAt"], ["token_id"]));
    private static readonly Sql ForgetExpiredSql = Sql.Portable("DELETE FROM idp_redeemed WHERE expires_at < @now");

    /// <summary>
    /// Marks an authorization code or refresh token used; false when it was used before (a replay, or two servers
    /// racing: the primary key lets one win). Rows past the token's own expiry are pruned on the way.
    /// </summary>
    public async Task<bool> RedeemAsync(string tokenId, DateTimeOffset expiresAt)
    {
        await db.ExecuteAsync(ForgetExpiredSql, new { now = clock.GetUtcNow() });
        return await db.ExecuteAsync(RedeemSql, new { tokenId, expiresAt }) == 1;
    }
}
