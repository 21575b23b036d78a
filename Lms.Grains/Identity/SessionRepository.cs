using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Identity;

public static class SessionKinds
{
    public const string Cookie = "cookie";
    public const string Token = "token";
}

public sealed record SessionRow
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string Kind { get; init; } = "";
    public string? Device { get; init; }
    public string? Address { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastSeenAt { get; init; }
}

/// <summary>Sessions and their refresh tokens: the server's word on whether a cookie or token still counts.</summary>
public sealed class SessionRepository(Db db, TimeProvider clock)
{
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO sessions (id, user_id, kind, device, address, created_at, last_seen_at) " +
        "VALUES (@id, @userId, @kind, @device, @address, @now, @now)");

    public async Task<Guid> StartAsync(Guid userId, string kind, string? device, string? address)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(InsertSql), new
        {
            id, userId, kind, now = clock.GetUtcNow(),
            device = device is { Length: > 300 } ? device[..300] : device,
            address = address is { Length: > 64 } ? address[..64] : address,
        });
        return id;
    }

    private static readonly Sql ActiveSql = Sql.Portable(
        "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id " +
        "WHERE s.id = @id AND s.user_id = @userId AND s.ended_at IS NULL AND u.disabled_at IS NULL");

    /// <summary>True while the session was not ended and its account is not disabled.</summary>
    public async Task<bool> IsActiveAsync(Guid id, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(ActiveSql), new { id, userId }) > 0;
    }

    private static readonly Sql TouchSql = Sql.Portable(
        "UPDATE sessions SET last_seen_at = @now WHERE id = @id AND last_seen_at < @before");

    /// <summary>Notes that the session was used (at most once a minute, so that reads stay reads).</summary>
    public async Task TouchAsync(Guid id)
    {
        var now = clock.GetUtcNow();
        await db.ExecuteAsync(TouchSql, new { id, now, before = now.AddMinutes(-1) });
    }

    private static readonly Sql ListSql = Sql.Portable(
        "SELECT id, user_id, kind, device, address, created_at, last_seen_at FROM sessions " +
        "WHERE user_id = @userId AND ended_at IS NULL ORDER BY last_seen_at DESC");

    public async Task<IReadOnlyList<SessionRow>> ActiveOfAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<SessionRow>(db.Text(ListSql), new { userId })).AsList();
    }

    private static readonly Sql EndOneSql = Sql.Portable(
        "UPDATE sessions SET ended_at = @now WHERE id = @id AND user_id = @userId AND ended_at IS NULL");

    /// <summary>Ends one of the person's sessions; false when it was not theirs or already ended.</summary>
    public async Task<bool> EndAsync(Guid id, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(EndOneSql), new { id, userId, now = clock.GetUtcNow() }) == 1;
    }

    private static readonly Sql EndAllSql = Sql.Portable(
        "UPDATE sessions SET ended_at = @now WHERE user_id = @userId AND ended_at IS NULL AND id <> @except");

    /// <summary>Ends every session of the person but <paramref name="except"/> (the one asking, when it stays).</summary>
    public async Task EndAllAsync(Guid userId, Guid? except = null)
    {
        await db.ExecuteAsync(EndAllSql, new { userId, except = except ?? Guid.Empty, now = clock.GetUtcNow() });
    }

    private static readonly Sql InsertRefreshSql = Sql.Portable(
        "INSERT INTO refresh_tokens (id, session_id, created_at) VALUES (@id, @sessionId, @now)");

    public async Task<Guid> IssueRefreshTokenAsync(Guid sessionId)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(InsertRefreshSql, new { id, sessionId, now = clock.GetUtcNow() });
        return id;
    }

    private static readonly Sql UseRefreshSql = Sql.Portable(
        "UPDATE refresh_tokens SET used_at = @now WHERE id = @id AND session_id = @sessionId AND used_at IS NULL");
    private static readonly Sql EndByIdSql = Sql.Portable(
        "UPDATE sessions SET ended_at = @now WHERE id = @sessionId AND ended_at IS NULL");

    /// <summary>
    /// Uses a refresh token (one conditional UPDATE: two racing uses cannot both win). A token used
    /// before means it was copied: the whole session, every token of its family, ends.
    /// </summary>
    public async Task<bool> UseRefreshTokenAsync(Guid id, Guid sessionId)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync();
        if (await connection.ExecuteAsync(db.Text(UseRefreshSql), new { id, sessionId, now }) == 1) return true;
        await connection.ExecuteAsync(db.Text(EndByIdSql), new { sessionId, now });
        return false;
    }

    private static readonly Sql DisableSql = Sql.Portable("UPDATE users SET disabled_at = @at WHERE id = @userId");

    /// <summary>A disabled account's sessions stop at once and it cannot sign in; enabling it again needs a new sign-in.</summary>
    public async Task SetDisabledAsync(Guid userId, bool disabled)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(DisableSql), new { userId, at = disabled ? now : (DateTimeOffset?)null });
        if (disabled) await connection.ExecuteAsync(db.Text(EndAllSql), new { userId, except = Guid.Empty, now });
    }
}
