using System.ComponentModel.DataAnnotations;
using Lms.Grains.Identity;
using Lms.Server.Communication.Mail;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Identity;

public sealed record SignUpRequest(
    [property: Required, StringLength(200, MinimumLength = 2)] string DisplayName,
    [property: Required, EmailAddress, StringLength(256)] string Email,
    [property: Required, StringLength(Passwords.MaximumLength)] string Password,
    [property: StringLength(5)] string? Language = null,
    [property: StringLength(300)] string? ReturnTo = null);

public sealed record CodeRequest([property: Required, StringLength(80)] string Code);

public sealed record SetPasswordRequest(
    [property: Required, StringLength(80)] string Code,
    [property: Required, StringLength(Passwords.MaximumLength)] string NewPassword);

public sealed record PasswordResetRequest(
    [property: Required, EmailAddress, StringLength(256)] string Email,
    [property: StringLength(5)] string? Language = null);

/// <summary>What the set-password page shows before the code is used: whose it is, and why.</summary>
public sealed record CodeHolderView(string DisplayName, string? Login, string Purpose);

public sealed record ConfirmedView(MeView Me, string? ReturnTo);

/// <summary>Sign-up, address confirmation, invitations and password reset: the ways into an account.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/sign-up", SignUp).ProducesProblems(400, 429).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Create an account that works once its e-mail is confirmed; the answer never says whether the address has an account.");
        group.MapPost("/confirm-email", ConfirmEmail).ProducesProblems(400, 429).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Use the link mailed at sign-up: the address is confirmed and the person signed in.");
        group.MapPost("/password-reset", RequestReset).ProducesProblems(400, 429).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Mail a single-use 30-minute link to set a new password, if the address has an account (the answer is the same either way).");
        group.MapPost("/codes/check", CheckCode).ProducesProblems(400, 429).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Whose an invitation or reset code is, without using it.");
        group.MapPost("/codes/redeem", Redeem).ProducesProblems(400, 429).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Choose a password with an invitation or reset code (used once); the person is signed in.");
    }

    private static async Task<Accepted> SignUp(SignUpRequest request, HttpContext http, Accounts accounts)
    {
        await accounts.SignUpAsync(request.DisplayName, request.Email, request.Password,
            Mailer.LanguageOf(request.Language, http.Request), request.ReturnTo);
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<ConfirmedView> ConfirmEmail(CodeRequest request, HttpContext http, Accounts accounts, UserRepository users)
    {
        var (user, returnTo) = await accounts.ConfirmEmailAsync(request.Code);
        return new ConfirmedView(await IdentityEndpoints.SignInWithCookieAsync(http, users, user, remember: true), returnTo);
    }

    private static async Task<Accepted> RequestReset(PasswordResetRequest request, HttpContext http, Accounts accounts)
    {
        await accounts.RequestPasswordResetAsync(request.Email, Mailer.LanguageOf(request.Language, http.Request));
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<CodeHolderView> CheckCode(CodeRequest request, Accounts accounts)
    {
        var (user, purpose) = await accounts.PeekSetPasswordCodeAsync(request.Code);
        return new CodeHolderView(user.DisplayName, user.Email ?? user.NationalId, purpose);
    }

    /// <summary>
    /// A password chosen with a code ends every earlier session (after a reset, someone else may hold one).
    /// A mailed link is not a second factor: with one switched on, the answer is the ticket for the code step.
    /// </summary>
    private static async Task<Results<Ok<MeView>, Accepted<SecondStepView>>> Redeem(
        SetPasswordRequest request, HttpContext http, Accounts accounts, UserRepository users, SessionGuard guard,
        TwoFactor twoFactor, SecondStepTickets tickets)
    {
        var (user, _) = await accounts.SetPasswordWithCodeAsync(request.Code, request.NewPassword);
        await guard.EndAllAsync(user.Id);
        if (await twoFactor.IsEnabledAsync(user.Id))
            return TypedResults.Accepted((string?)null, tickets.Issue(user.Id, SessionKinds.Cookie, remember: false));
        return TypedResults.Ok(await IdentityEndpoints.SignInWithCookieAsync(http, users, user, remember: false));
    }
}
