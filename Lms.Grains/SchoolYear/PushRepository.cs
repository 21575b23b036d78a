using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>A browser that may be sent push notifications: its push service's endpoint and the keys to encrypt to.</summary>
public sealed record PushDevice
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string Endpoint { get; init; } = "";
    public string P256dh { get; init; } = "";
    public string Auth { get; init; } = "";
}

public sealed record VapidKeys
{
    public string PublicKey { get; init; } = "";
    public string PrivateKey { get; init; } = "";
}

/// <summary>Web Push subscriptions per device, and the VAPID keys the server generated for itself.</summary>
public sealed class PushRepository(Db db, TimeProvider clock)
{
    private static readonly Sql InsertSql = Sql.PerDialect(d => d.InsertIgnore("push_subscriptions",
        ["id", "user_id", "endpoint", "p256dh", "auth", "created_at"], ["@id", "@userId", "@endpoint", "@p256dh", "@auth", "@now"], ["endpoint"]));
    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE push_subscriptions SET user_id = @userId, p256dh = @p256dh, auth = @auth WHERE endpoint = @endpoint");

    /// <summary>Keeps a device's subscription for the person signed in on it (a new key pair replaces the old one).</summary>
    public async Task SubscribeAsync(Guid userId, string endpoint, string p256dh, string auth)
    {
        var args = new { id = Guid.CreateVersion7(), userId, endpoint, p256dh, auth, now = clock.GetUtcNow() };
        if (await db.ExecuteAsync(InsertSql, args) == 0) await db.ExecuteAsync(UpdateSql, args);
    }

    private static readonly Sql UnsubscribeSql = Sql.Portable("DELETE FROM push_subscriptions WHERE endpoint = @endpoint AND user_id = @userId");

    public async Task<bool> UnsubscribeAsync(Guid userId, string endpoint) => await db.ExecuteAsync(UnsubscribeSql, new { userId, endpoint }) > 0;

    private static readonly Sql ForgetSql = Sql.Portable("DELETE FROM push_subscriptions WHERE id = @id");

    /// <summary>Forgets a device its push service no longer knows (it answered 404 or 410).</summary>
    public Task ForgetAsync(Guid id) => db.ExecuteAsync(ForgetSql, new { id });

    private static readonly Sql DevicesSql = Sql.Portable(
        "SELECT id, user_id, endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = @userId ORDER BY created_at");

    public Task<IReadOnlyList<PushDevice>> DevicesAsync(Guid userId) => db.QueryAsync<PushDevice>(DevicesSql, new { userId });

    private static readonly Sql KeysSql = Sql.Portable("SELECT public_key, private_key FROM push_vapid_keys WHERE id = 1");
    private static readonly Sql InsertKeysSql = Sql.PerDialect(d => d.InsertIgnore("push_vapid_keys",
        ["id", "public_key", "private_key", "created_at"], ["1", "@PublicKey", "@PrivateKey", "@now"], ["id"]));

    /// <summary>The stored key pair; when there is none, <paramref name="generated"/> is stored, unless another node stored its own first.</summary>
    public async Task<VapidKeys> KeysAsync(Func<VapidKeys> generated)
    {
        if (await db.SingleOrDefaultAsync<VapidKeys>(KeysSql) is { } stored) return stored;
        var fresh = generated();
        await db.ExecuteAsync(InsertKeysSql, new { fresh.PublicKey, fresh.PrivateKey, now = clock.GetUtcNow() });
        return (await db.SingleOrDefaultAsync<VapidKeys>(KeysSql))!;
    }
}
