using System.ComponentModel.DataAnnotations;
using Lms.Grains.Identity;
using Lms.Server.Hosting;
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

public sealed record MembershipView(Guid InstitutionId, string InstitutionName, string InstitutionKind, string Role);

public sealed record MeView(
    Guid Id, string DisplayName, string? Email, string? NationalId,
    IReadOnlyList<MembershipView> Memberships, IReadOnlyList<PersonRef> Children, bool PlatformAdmin);

public static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/identity").WithTags("Identity");

        group.MapPost("/sign-in", SignInWithCookie).AllowAnonymous()
            .WithSummary("Sign in with e-mail or national identifier and password; sets the session cookie.");
        group.MapPost("/token", SignInWithToken).AllowAnonymous()
            .WithSummary("Sign in for API clients; returns a bearer access token and a refresh token.");
        group.MapPost("/refresh", Refresh).AllowAnonymous()
            .WithSummary("Exchange a refresh token for a new access token.");
        group.MapPost("/sign-out", (Delegate)SignOut).AllowAnonymous()
            .WithSummary("End the browser session.");
        group.MapGet("/me", Me).WithSummary("Who is signed in, and their roles in each institution.");
        group.MapPost("/change-password", ChangePassword).WithSummary("Change one's own password.");
        group.MapAccountEndpoints();
    }

    private static async Task<MeView> SignInWithCookie(SignInRequest request, SignInService signIn, UserRepository users, HttpContext http)
    {
        var user = await CheckAsync(signIn, request);
        return await SignInWithCookieAsync(http, users, user, request.RememberMe);
    }

    /// <summary>Starts a browser session for someone who has just proved who they are.</summary>
    public static async Task<MeView> SignInWithCookieAsync(HttpContext http, UserRepository users, UserRow user, bool remember)
    {
        await http.SignInAsync(AuthSchemes.Cookie, CurrentUser.For(user.Id, user.DisplayName, AuthSchemes.Cookie),
            new AuthenticationProperties { IsPersistent = remember });
        return await MeAsync(users, user.Id);
    }

    private static async Task<SignInHttpResult> SignInWithToken(SignInRequest request, SignInService signIn)
    {
        var user = await CheckAsync(signIn, request);
        return TypedResults.SignIn(CurrentUser.For(user.Id, user.DisplayName, AuthSchemes.Bearer),
            authenticationScheme: AuthSchemes.Bearer);
    }

    private static async Task<SignInHttpResult> Refresh(
        RefreshRequest request, IOptionsMonitor<BearerTokenOptions> options, UserRepository users, TimeProvider clock)
    {
        var ticket = options.Get(AuthSchemes.Bearer).RefreshTokenProtector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || clock.GetUtcNow() >= expires
            || !Guid.TryParse(ticket.Principal.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value, out var userId)
            || await users.GetAsync(userId) is not { } user
            || user.LockoutEnd > clock.GetUtcNow())
            throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated,
                "The refresh token is not valid any more; sign in again.");
        return TypedResults.SignIn(CurrentUser.For(user.Id, user.DisplayName, AuthSchemes.Bearer),
            authenticationScheme: AuthSchemes.Bearer);
    }

    private static async Task<NoContent> SignOut(HttpContext http)
    {
        await http.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.NoContent();
    }

    private static async Task<MeView> Me(HttpContext http, UserRepository users) =>
        await MeAsync(users, http.User.Id());

    private static async Task<NoContent> ChangePassword(
        ChangePasswordRequest request, HttpContext http, UserRepository users, Passwords passwords, PasswordPolicy policy)
    {
        var user = await users.GetAsync(http.User.Id())
                   ?? throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");
        if (!passwords.Verify(user.PasswordHash, request.CurrentPassword, out _))
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.InvalidCredentials,
                "The current password is not right.");
        policy.Check(request.NewPassword, "newPassword", user.DisplayName, user.Email);
        await users.SetPasswordHashAsync(user.Id, passwords.Hash(request.NewPassword));
        return TypedResults.NoContent();
    }

    private static async Task<UserRow> CheckAsync(SignInService signIn, SignInRequest request) =>
        await signIn.CheckAsync(request.Login, request.Password) switch
        {
            SignInResult.Succeeded ok => ok.User,
            SignInResult.LockedOut locked => throw new ProblemException(StatusCodes.Status423Locked, ProblemTypes.LockedOut,
                "Too many failed sign-ins; the account is locked for a while.", null,
                new Dictionary<string, object?> { ["lockedUntil"] = locked.Until }),
            _ => throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.InvalidCredentials,
                "The login or the password is not right."),
        };

    private static async Task<MeView> MeAsync(UserRepository users, Guid userId)
    {
        var user = await users.GetAsync(userId)
                   ?? throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");
        var memberships = await users.MembershipsAsync(userId);
        var children = await users.ChildrenAsync(userId);
        return new MeView(user.Id, user.DisplayName, user.Email, user.NationalId,
            memberships.Select(m => new MembershipView(m.InstitutionId, m.InstitutionName, m.InstitutionKind, m.Role)).ToList(),
            children, user.PlatformAdmin);
    }
}
