using System.ComponentModel.DataAnnotations;
using Lms.Grains.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.Identity;

public sealed record SignInRequest(
    [property: Required, StringLength(256)] string Login,
    [property: Required, StringLength(Passwords.MaximumLength)] string Password,
    bool RememberMe = true);

public sealed record RefreshRequest([property: Required] string RefreshToken);

public sealed record ChangePasswordRequest(
    [property: Required, StringLength(Passwords.MaximumLength)] string CurrentPassword,
    [property: Required, StringLength(Passwords.MaximumLength)] string NewPassword);

public sealed record SessionView(Guid Id, string Kind, string? Device, string? Address, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, bool Current);

public sealed record DisableRequest(bool Disabled);

public sealed record MembershipView(Guid InstitutionId, string InstitutionName, string InstitutionKind, string Role);

public sealed record MeView(
    Guid Id, string DisplayName, string? Email, string? NationalId,
    IReadOnlyList<MembershipView> Memberships, IReadOnlyList<PersonRef> Children, bool PlatformAdmin,
    TwoFactorStatus? TwoFactor = null);

/// <summary>
/// Whether the person may use a second factor (staff), has it on, and must set it up before
/// anything else (an admin of an institution that requires it).
/// </summary>
public sealed record TwoFactorStatus(bool Available, bool Enabled, bool MustEnrol);

public static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/identity").WithTags("Identity");

        group.MapPost("/sign-in", SignInWithCookie).ProducesProblems(400, 429, 401).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Sign in with e-mail or national identifier and password; sets the session cookie.");
        group.MapPost("/token", SignInWithToken).ProducesProblems(400, 429, 401).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Sign in for API clients; returns a bearer access token and a refresh token.");
        group.MapPost("/refresh", Refresh).ProducesProblems(400, 429, 401).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Exchange a refresh token for a new access token.");
        group.MapPost("/sign-out", (Delegate)SignOut).AllowAnonymous()
            .WithSummary("End this session (the cookie or token stops working on every server).");
        group.MapPost("/sign-out-everywhere", SignOutEverywhere).WithSummary("End every session of mine, this one included.");
        group.MapGet("/sessions", Sessions).WithSummary("My active sessions: device, address, last used.");
        group.MapDelete("/sessions/{sessionId:guid}", EndSession).ProducesProblems(404).WithSummary("End one of my sessions.");
        group.MapPut("/users/{userId:guid}/disabled", SetDisabled).ProducesProblems(403, 404, 400)
            .WithSummary("Disable or enable an account (platform admins, or admins of the institution that made it); its sessions end at once.");
        group.MapGet("/me", Me).WithSummary("Who is signed in, and their roles in each institution.");
        group.MapPost("/change-password", ChangePassword).ProducesProblems(400).WithSummary("Change one's own password.");
        group.MapAccountEndpoints();
        group.MapTwoFactorEndpoints();
    }

    /// <summary>A right password gives a session, or, when the person has a second factor, only a ticket for the code step (202).</summary>
    private static async Task<Results<Ok<MeView>, Accepted<SecondStepView>>> SignInWithCookie(
        SignInRequest request, SignInService signIn, UserRepository users, SecondStepTickets tickets, HttpContext http)
    {
        var result = await signIn.CheckAsync(request.Login, request.Password, http);
        return result switch
        {
            SignInResult.Succeeded ok => TypedResults.Ok(await SignInWithCookieAsync(http, users, ok.User, request.RememberMe)),
            SignInResult.SecondFactorNeeded next =>
                TypedResults.Accepted((string?)null, tickets.Issue(next.User.Id, SessionKinds.Cookie, request.RememberMe)),
            _ => throw WrongLogin(),
        };
    }

    /// <summary>Starts a browser session for someone who has just proved who they are.</summary>
    public static async Task<MeView> SignInWithCookieAsync(HttpContext http, UserRepository users, UserRow user, bool remember)
    {
        var sessionId = await http.RequestServices.GetRequiredService<SessionRepository>()
            .StartAsync(user.Id, SessionKinds.Cookie, DeviceOf(http), AddressOf(http));
        await http.SignInAsync(AuthSchemes.Cookie, CurrentUser.For(user.Id, user.DisplayName, AuthSchemes.Cookie, sessionId),
            new AuthenticationProperties { IsPersistent = remember });
        return await MeAsync(http, users, user.Id);
    }

    private static string? DeviceOf(HttpContext http) => http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null;

    private static string? AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    /// <summary>API clients take the same two steps as the browser: with a second factor, a ticket (202) and then <c>/token/code</c>.</summary>
    private static async Task<Results<SignInHttpResult, Accepted<SecondStepView>>> SignInWithToken(
        SignInRequest request, SignInService signIn, SessionRepository sessions, SecondStepTickets tickets, HttpContext http)
    {
        var result = await signIn.CheckAsync(request.Login, request.Password, http);
        return result switch
        {
            SignInResult.Succeeded ok => await StartTokenSessionAsync(http, sessions, ok.User),
            SignInResult.SecondFactorNeeded next => TypedResults.Accepted((string?)null, tickets.Issue(next.User.Id, SessionKinds.Token, false)),
            _ => throw WrongLogin(),
        };
    }

    /// <summary>Starts an API client's session (a bearer token and a single-use refresh token) for someone who has just proved who they are.</summary>
    public static async Task<SignInHttpResult> StartTokenSessionAsync(HttpContext http, SessionRepository sessions, UserRow user)
    {
        var sessionId = await sessions.StartAsync(user.Id, SessionKinds.Token, DeviceOf(http), AddressOf(http));
        return TypedResults.SignIn(CurrentUser.For(user.Id, user.DisplayName, AuthSchemes.Bearer, sessionId,
            await sessions.IssueRefreshTokenAsync(sessionId)), authenticationScheme: AuthSchemes.Bearer);
    }

    /// <summary>
    /// A refresh token is used once: the answer carries the next one. Presenting a used one again
    /// means it was copied, and ends the session with every token it gave out.
    /// </summary>
    private static async Task<SignInHttpResult> Refresh(
        RefreshRequest request, IOptionsMonitor<BearerTokenOptions> options, UserRepository users, SessionRepository sessions,
        SessionGuard guard, TimeProvider clock)
    {
        var ticket = options.Get(AuthSchemes.Bearer).RefreshTokenProtector.Unprotect(request.RefreshToken);
        var principal = ticket?.Principal;
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires || principal is null
            || !Guid.TryParse(principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var userId)
            || SessionGuard.SessionOf(principal) is not { } sessionId
            || !Guid.TryParse(principal.FindFirst(CurrentUser.RefreshClaim)?.Value, out var refreshId))
            throw RefreshRefused();
        if (!await sessions.UseRefreshTokenAsync(refreshId, sessionId))
        {
            guard.Ended(sessionId);
            throw RefreshRefused();
        }
        if (!await sessions.IsActiveAsync(sessionId, userId) || await users.GetAsync(userId) is not { } user)
            throw RefreshRefused();
        return TypedResults.SignIn(CurrentUser.For(user.Id, user.DisplayName, AuthSchemes.Bearer, sessionId,
            await sessions.IssueRefreshTokenAsync(sessionId)), authenticationScheme: AuthSchemes.Bearer);
    }

    private static ProblemException RefreshRefused() =>
        new(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "The refresh token is not valid any more; sign in again.");

    private static async Task<NoContent> SignOut(HttpContext http, SessionRepository sessions, SessionGuard guard)
    {
        if (SessionGuard.SessionOf(http.User) is { } sessionId && Guid.TryParse(http.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var userId))
        {
            await sessions.EndAsync(sessionId, userId);
            guard.Ended(sessionId);
        }
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SignOutEverywhere(HttpContext http, SessionGuard guard)
    {
        await guard.EndAllAsync(http.User.Id());
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<SessionView>> Sessions(HttpContext http, SessionRepository sessions)
    {
        var current = SessionGuard.SessionOf(http.User);
        return (await sessions.ActiveOfAsync(http.User.Id()))
            .Select(s => new SessionView(s.Id, s.Kind, s.Device, s.Address, s.CreatedAt, s.LastSeenAt, s.Id == current)).ToList();
    }

    private static async Task<NoContent> EndSession(Guid sessionId, HttpContext http, SessionRepository sessions, SessionGuard guard)
    {
        if (!await sessions.EndAsync(sessionId, http.User.Id())) throw ProblemException.NotFound("The session");
        guard.Ended(sessionId);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> SetDisabled(
        Guid userId, DisableRequest request, HttpContext http, UserRepository users, SessionGuard guard,
        InstitutionAccess access)
    {
        var target = await users.GetAsync(userId) ?? throw ProblemException.NotFound("The account");
        var caller = await users.GetAsync(http.User.Id());
        if (caller?.PlatformAdmin != true)
        {
            if (target.CreatedByInstitutionId is not { } owner)
                throw ProblemException.Forbidden("Only a platform administrator may disable an account no institution made.");
            await access.RequireAsync(http.User, owner, Roles.Admin);
        }
        if (target.Id == caller?.Id) throw ProblemException.Invalid("userId", "You cannot disable your own account.", "self");
        await guard.SetDisabledAsync(userId, request.Disabled);
        return TypedResults.NoContent();
    }

    private static async Task<MeView> Me(HttpContext http, UserRepository users) =>
        await MeAsync(http, users, http.User.Id());

    /// <summary>A new password ends every other session and every refresh token; this one stays.</summary>
    private static async Task<NoContent> ChangePassword(
        ChangePasswordRequest request, HttpContext http, UserRepository users, Passwords passwords, PasswordPolicy policy, SessionGuard guard)
    {
        var user = await users.GetAsync(http.User.Id())
                   ?? throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");
        if (!(await passwords.VerifyAsync(user.PasswordHash, request.CurrentPassword)).Matches)
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.InvalidCredentials,
                "The current password is not right.");
        policy.Check(request.NewPassword, "newPassword", user.DisplayName, user.Email);
        await users.SetPasswordHashAsync(user.Id, await passwords.HashAsync(request.NewPassword));
        await guard.EndAllAsync(user.Id, except: SessionGuard.SessionOf(http.User));
        return TypedResults.NoContent();
    }

    private static ProblemException WrongLogin() =>
        new(StatusCodes.Status401Unauthorized, ProblemTypes.InvalidCredentials, "The login or the password is not right.");

    private static async Task<MeView> MeAsync(HttpContext http, UserRepository users, Guid userId)
    {
        var user = await users.GetAsync(userId)
                   ?? throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");
        var memberships = await users.MembershipsAsync(userId);
        var children = await users.ChildrenAsync(userId);
        return new MeView(user.Id, user.DisplayName, user.Email, user.NationalId,
            memberships.Select(m => new MembershipView(m.InstitutionId, m.InstitutionName, m.InstitutionKind, m.Role)).ToList(),
            children, user.PlatformAdmin, await TwoFactorEndpoints.StatusAsync(http, user, memberships));
    }
}
