using System.Collections.Concurrent;
using System.Security.Claims;
using Lms.Grains.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Caching.Memory;

namespace Lms.Server.Identity;

/// <summary>
/// Whether a session still counts, asked on every request and hub connection. The answer is
/// cached for a few seconds per session (a request is not a database read), and dropped at once
/// when this server ends the session; another server's cache lags at most <see cref="CacheFor"/>.
/// Open hub connections of an ended session are aborted: here at once, elsewhere by <see cref="SessionSweeper"/>.
/// </summary>
public sealed class SessionGuard(SessionRepository sessions, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private sealed record Connection(Guid SessionId, Guid UserId, HubCallerContext Context);

    private readonly ConcurrentDictionary<string, Connection> _connections = new();

    public static Guid? SessionOf(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(CurrentUser.SessionClaim), out var id) ? id : null;

    public async Task<bool> IsActiveAsync(Guid sessionId, Guid userId)
    {
        var key = ("session", sessionId);
        if (cache.TryGetValue(key, out bool active)) return active;
        active = await sessions.IsActiveAsync(sessionId, userId);
        if (active) await sessions.TouchAsync(sessionId);
        cache.Set(key, active, CacheFor);
        return active;
    }

    /// <summary>This server ended one session: forget its cached answer and close its hub connections.</summary>
    public void Ended(Guid sessionId)
    {
        cache.Remove(("session", sessionId));
        foreach (var c in _connections.Values.Where(c => c.SessionId == sessionId)) c.Context.Abort();
    }

    /// <summary>Ends every session of a person (but <paramref name="except"/>), and closes their hub connections.</summary>
    public async Task EndAllAsync(Guid userId, Guid? except = null)
    {
        var before = await sessions.ActiveOfAsync(userId);
        await sessions.EndAllAsync(userId, except);
        foreach (var s in before.Where(s => s.Id != except)) Ended(s.Id);
    }

    /// <summary>Disables (or enables) an account: a disabled one's sessions end and its hub connections here close at once.</summary>
    public async Task SetDisabledAsync(Guid userId, bool disabled)
    {
        var before = await sessions.ActiveOfAsync(userId);
        await sessions.SetDisabledAsync(userId, disabled);
        foreach (var s in before) Ended(s.Id);
    }

    /// <summary>
    /// Closes a person's hub connections without ending their sessions (their role changed): the
    /// client reconnects and is checked again.
    /// </summary>
    public void Disconnect(Guid userId)
    {
        foreach (var c in _connections.Values.Where(c => c.UserId == userId)) c.Context.Abort();
    }

    public void Connected(HubCallerContext context)
    {
        if (context.User is { } user && SessionOf(user) is { } sessionId && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            _connections[context.ConnectionId] = new Connection(sessionId, userId, context);
    }

    public void Disconnected(HubCallerContext context) => _connections.TryRemove(context.ConnectionId, out _);

    /// <summary>Closes the open connections whose session ended on another server (or was disabled).</summary>
    public async Task SweepAsync()
    {
        foreach (var group in _connections.Values.GroupBy(c => (c.SessionId, c.UserId)).ToList())
            if (!await IsActiveAsync(group.Key.SessionId, group.Key.UserId))
                foreach (var c in group) c.Context.Abort();
    }
}

/// <summary>Refuses every request whose cookie or token names a session that has ended: the caller is then anonymous.</summary>
public sealed class SessionCheckMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, SessionGuard guard)
    {
        if (http.User.Identity?.IsAuthenticated == true)
        {
            var userId = Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : Guid.Empty;
            if (SessionGuard.SessionOf(http.User) is not { } sessionId || !await guard.IsActiveAsync(sessionId, userId))
            {
                if (http.Request.Cookies.ContainsKey(AuthSchemes.CookieName))
                    http.Response.Cookies.Delete(AuthSchemes.CookieName);
                http.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
        }
        await next(http);
    }
}

/// <summary>Keeps the list of open hub connections per session, for every hub.</summary>
public sealed class SessionHubFilter(SessionGuard guard) : IHubFilter
{
    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        guard.Connected(context.Context);
        return next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        guard.Disconnected(context.Context);
        return next(context, exception);
    }
}

/// <summary>Every two seconds, closes hub connections of sessions ended elsewhere.</summary>
public sealed class SessionSweeper(SessionGuard guard, ILogger<SessionSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await guard.SweepAsync();
            }
            catch (System.Data.Common.DbException error)
            {
                log.LogWarning(error, "Checking the sessions of open connections failed");
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Never let the sweep die: revoked sessions would keep their connections. It runs again in two seconds.
                log.LogError(error, "The session sweep failed; it runs again at the next tick");
            }
        }
    }
}

public static class SessionSetup
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddSingleton<SessionRepository>();
        services.AddSingleton<SessionGuard>();
        services.AddSingleton<SessionHubFilter>();
        services.Configure<HubOptions>(o => o.AddFilter<SessionHubFilter>());
        services.AddHostedService<SessionSweeper>();
        return services;
    }
}
