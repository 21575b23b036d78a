using System.ComponentModel.DataAnnotations;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Identity;

public sealed record SecondStepRequest(
    [property: Required, StringLength(2000)] string Ticket,
    [property: Required, StringLength(40)] string Code);

public sealed record TotpCodeRequest([property: Required, StringLength(40)] string Code);

/// <summary>Switching the second factor off needs a current code (or a recovery code) or the password.</summary>
public sealed record DisableTwoFactorRequest(
    [property: StringLength(40)] string? Code = null,
    [property: StringLength(Passwords.MaximumLength)] string? Password = null);

public sealed record RecoveryCodesView(IReadOnlyList<string> RecoveryCodes);

public sealed record TwoFactorDetailView(bool Available, bool Enabled, bool MustEnrol, bool RequiredByInstitution, int RecoveryCodesLeft);

public sealed record TwoFactorPolicyView(bool AdminsRequireTwoFactor);

/// <summary>
/// The TOTP second factor: the code step of sign-in (cookie and token), enrolment from the account
/// page, switching it off, an admin's reset, and an institution's "admins must use it" setting.
/// </summary>
public static class TwoFactorEndpoints
{
    /// <summary>The audit action of an admin's reset of someone's second factor.</summary>
    public const string ResetAuditAction = "two-factor-reset";

    public static void MapTwoFactorEndpoints(this RouteGroupBuilder identity)
    {
        identity.MapPost("/sign-in/code", SignInWithCode).ProducesProblems(400, 429, 401).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("The second step of a browser sign-in: the ticket of the password step and a code from the authenticator (or a recovery code); sets the session cookie.");
        identity.MapPost("/token/code", TokenWithCode).ProducesProblems(400, 429, 401).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("The second step of an API client's sign-in: returns the bearer and refresh tokens.");

        var group = identity.MapGroup("/two-factor");
        group.MapGet("", Detail).WithSummary("Whether I may use, use, or must set up a second factor, and how many recovery codes I have left.");
        group.MapPost("/enrol", Enrol).ProducesProblems(403, 409)
            .WithSummary("Start setting up an authenticator (staff): a new secret as an otpauth:// link, a QR code and text. It is switched on by /confirm.");
        group.MapPost("/confirm", Confirm).ProducesProblems(400, 429).RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Switch the authenticator on with its first code; answers ten single-use recovery codes, shown this once.");
        group.MapPost("/disable", Disable).ProducesProblems(409, 400, 429).RequireRateLimiting(SignInRateLimit.Policy)
            .WithSummary("Switch the second factor off, with a current code or the password (not while an institution requires it).");
    }

    public static void MapTwoFactorAdminEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/institutions/{institutionId:guid}").ProducesProblems(404).WithTags("Identity");
        group.MapDelete("/people/{userId:guid}/two-factor", Reset).ProducesProblems(403)
            .WithSummary("Reset a person's second factor (admins of the institution that made the account): it is switched off and every session of theirs ends; audited.");
        group.MapGet("/two-factor-policy", Policy).WithSummary("Whether the institution's admins must use a second factor (admins).")
            .ProducesProblems(403);
        group.MapPut("/two-factor-policy", SetPolicy).WithSummary("Require (or stop requiring) a second factor of the institution's admins (admins).")
            .ProducesProblems(403, 400);
    }

    /// <summary>What <c>/me</c> says about the second factor.</summary>
    public static async Task<TwoFactorStatus> StatusAsync(HttpContext http, UserRow user, IReadOnlyList<MembershipRow> memberships)
    {
        var twoFactor = http.RequestServices.GetRequiredService<TwoFactor>();
        return new TwoFactorStatus(IsStaff(user, memberships), await twoFactor.IsEnabledAsync(user.Id), await twoFactor.MustEnrolAsync(user.Id));
    }

    private static bool IsStaff(UserRow user, IReadOnlyList<MembershipRow> memberships) =>
        user.PlatformAdmin || memberships.Any(m => m.Role is Roles.Admin or Roles.Teacher);

    private static async Task<Ok<MeView>> SignInWithCode(
        SecondStepRequest request, HttpContext http, SecondStepTickets tickets, SignInService signIn, UserRepository users)
    {
        var ticket = tickets.Read(request.Ticket, SessionKinds.Cookie) ?? throw TicketRefused();
        var user = await signIn.CheckSecondStepAsync(ticket.UserId, request.Code, http) ?? throw WrongCode();
        return TypedResults.Ok(await IdentityEndpoints.SignInWithCookieAsync(http, users, user, ticket.Remember));
    }

    private static async Task<SignInHttpResult> TokenWithCode(
        SecondStepRequest request, HttpContext http, SecondStepTickets tickets, SignInService signIn, SessionRepository sessions)
    {
        var ticket = tickets.Read(request.Ticket, SessionKinds.Token) ?? throw TicketRefused();
        var user = await signIn.CheckSecondStepAsync(ticket.UserId, request.Code, http) ?? throw WrongCode();
        return await IdentityEndpoints.StartTokenSessionAsync(http, sessions, user);
    }

    private static async Task<TwoFactorDetailView> Detail(HttpContext http, UserRepository users, TwoFactor twoFactor, TwoFactorRepository repository)
    {
        var user = await SignedInAsync(http, users);
        var enabled = await twoFactor.IsEnabledAsync(user.Id);
        return new TwoFactorDetailView(
            IsStaff(user, await users.MembershipsAsync(user.Id)), enabled, await twoFactor.MustEnrolAsync(user.Id),
            await repository.RequiredOfAsync(user.Id), enabled ? await repository.RecoveryCodesLeftAsync(user.Id) : 0);
    }

    private static async Task<TotpEnrolment> Enrol(HttpContext http, UserRepository users, TwoFactor twoFactor)
    {
        var user = await SignedInAsync(http, users);
        if (!IsStaff(user, await users.MembershipsAsync(user.Id)))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "staff-only",
                "A second factor is for teachers and administrators.");
        return await twoFactor.StartEnrolmentAsync(user)
               ?? throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "already-on",
                   "Two-step sign-in is already on; switch it off first to use another authenticator.");
    }

    private static async Task<RecoveryCodesView> Confirm(TotpCodeRequest request, HttpContext http, TwoFactor twoFactor)
    {
        var codes = await twoFactor.ConfirmAsync(http.User.Id(), request.Code) ?? throw WrongCode();
        return new RecoveryCodesView(codes);
    }

    private static async Task<NoContent> Disable(
        DisableTwoFactorRequest request, HttpContext http, UserRepository users, Passwords passwords, TwoFactor twoFactor,
        TwoFactorRepository repository)
    {
        var user = await SignedInAsync(http, users);
        if (await repository.RequiredOfAsync(user.Id))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "required-by-institution",
                "Your institution requires its administrators to use two-step sign-in.");
        var proved = request.Code is { Length: > 0 } code
            ? await twoFactor.VerifyAsync(user.Id, code)
            : request.Password is { Length: > 0 } password && (await passwords.VerifyAsync(user.PasswordHash, password)).Matches;
        if (!proved) throw WrongCode();
        await twoFactor.RemoveAsync(user.Id);
        return TypedResults.NoContent();
    }

    /// <summary>For someone who lost their phone and their recovery codes: the admin who made their account switches the factor off.</summary>
    private static async Task<NoContent> Reset(
        Guid institutionId, Guid userId, HttpContext http, InstitutionAccess access, PeopleRepository people, UserRepository users,
        TwoFactor twoFactor, SessionGuard guard, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var person = await people.GetAsync(institutionId, userId) ?? throw ProblemException.NotFound("The person");
        if (userId == http.User.Id())
            throw ProblemException.Invalid("userId", "Switch your own second factor off from your account page.", "self");
        if (!person.MadeHere && (await users.GetAsync(http.User.Id()))?.PlatformAdmin != true)
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-made-here",
                "This account was not made by this institution; only its owner or a platform administrator resets its second factor.");
        if (!await twoFactor.RemoveAsync(userId)) throw ProblemException.NotFound("The person's second factor");
        // Whoever holds a session of theirs now may be the one who took the phone: every session ends.
        await guard.EndAllAsync(userId);
        await audit.RecordAsync(institutionId, http.User.Id(), AuditSubjects.Person, userId, ResetAuditAction);
        return TypedResults.NoContent();
    }

    private static async Task<TwoFactorPolicyView> Policy(Guid institutionId, HttpContext http, InstitutionAccess access, TwoFactorRepository repository)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        return new TwoFactorPolicyView(await repository.AdminsRequireAsync(institutionId));
    }

    private static async Task<TwoFactorPolicyView> SetPolicy(
        Guid institutionId, TwoFactorPolicyView request, HttpContext http, InstitutionAccess access, TwoFactorRepository repository,
        TwoFactor twoFactor)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        await repository.SetAdminsRequireAsync(institutionId, request.AdminsRequireTwoFactor);
        twoFactor.Changed(http.User.Id());
        return new TwoFactorPolicyView(request.AdminsRequireTwoFactor);
    }

    private static async Task<UserRow> SignedInAsync(HttpContext http, UserRepository users) =>
        await users.GetAsync(http.User.Id())
        ?? throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");

    private static ProblemException TicketRefused() =>
        new(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "The sign-in took too long; enter your password again.",
            extensions: new Dictionary<string, object?> { ["code"] = "ticket-expired" });

    private static ProblemException WrongCode() =>
        new(StatusCodes.Status401Unauthorized, TwoFactorProblems.InvalidCode, "The code is not right.",
            "It may have been used already, or it belongs to another step of time: wait for the next one.",
            new Dictionary<string, object?> { ["code"] = "invalid-code" });
}
