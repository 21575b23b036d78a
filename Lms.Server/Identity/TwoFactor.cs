using Lms.Grains.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;
using OtpNet;
using QRCoder;

namespace Lms.Server.Identity;

/// <summary>The stable problem types and codes of the second factor, for clients to switch on.</summary>
public static class TwoFactorProblems
{
    /// <summary>An admin of an institution that requires a second factor has none yet: only enrolment and sign-out answer.</summary>
    public const string EnrolmentRequired = ProblemTypes.Prefix + "two-factor-enrolment-required";

    /// <summary>The code of the sign-in's second step (or of an enrolment or disable) is not right.</summary>
    public const string InvalidCode = ProblemTypes.Prefix + "invalid-two-factor-code";
}

/// <summary>A new authenticator to scan: the secret as an otpauth:// link, as a QR code (SVG) and as base32 text to type.</summary>
public sealed record TotpEnrolment(string Secret, string OtpauthUri, string QrSvgDataUrl);

/// <summary>
/// TOTP (RFC 6238, SHA-1, 6 digits, 30-second steps: what every authenticator app reads) for staff.
/// Secrets are encrypted with ASP.NET Core data protection before they reach the database; a code
/// is accepted for the step before, now or after (clocks on phones drift) and only once.
/// </summary>
public sealed class TwoFactor(
    TwoFactorRepository repository, IDataProtectionProvider protection, TimeProvider clock, IMemoryCache cache, IConfiguration configuration)
{
    private static readonly VerificationWindow Window = new(previous: 1, future: 1);
    private readonly IDataProtector _protector = protection.CreateProtector("Lms.Identity.TotpSecret");

    public async Task<TotpEnrolment?> StartEnrolmentAsync(UserRow user)
    {
        var base32 = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        if (!await repository.StartEnrolmentAsync(user.Id, _protector.Protect(base32))) return null;
        var issuer = configuration["Identity:TwoFactor:Issuer"] is { Length: > 0 } configured ? configured : "Lms";
        var label = user.Email ?? user.NationalId ?? user.DisplayName;
        var uri = new OtpUri(OtpType.Totp, base32, label, issuer).ToString();
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return new TotpEnrolment(base32, uri, "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg)));
    }

    /// <summary>The first code switches the authenticator on; the answer is the ten recovery codes (null: wrong code or nothing pending).</summary>
    public async Task<IReadOnlyList<string>?> ConfirmAsync(Guid userId, string code)
    {
        if (await repository.GetAsync(userId) is not { Enabled: false } pending || MatchedStep(pending, code) is not { } step) return null;
        var recovery = await repository.ConfirmAsync(userId, step);
        Changed(userId);
        return recovery;
    }

    /// <summary>
    /// Checks a code from the authenticator, or failing that one of the recovery codes; either is used up.
    /// False when the person has no second factor switched on.
    /// </summary>
    public async Task<bool> VerifyAsync(Guid userId, string code)
    {
        if (await repository.GetAsync(userId) is not { Enabled: true } totp) return false;
        var trimmed = code.Trim().Replace(" ", "");
        if (trimmed.Length == 6 && trimmed.All(char.IsAsciiDigit))
            return MatchedStep(totp, trimmed) is { } step && await repository.UseStepAsync(userId, step);
        return trimmed.Length is > 6 and <= 20 && await repository.UseRecoveryCodeAsync(userId, trimmed);
    }

    public async Task<bool> IsEnabledAsync(Guid userId) => await repository.GetAsync(userId) is { Enabled: true };

    public async Task<bool> RemoveAsync(Guid userId)
    {
        var removed = await repository.RemoveAsync(userId);
        Changed(userId);
        return removed;
    }

    /// <summary>True when the person must enrol before anything else (an admin of an institution that requires it, without one). Cached briefly.</summary>
    public async Task<bool> MustEnrolAsync(Guid userId)
    {
        var key = ("two-factor-must-enrol", userId);
        if (cache.TryGetValue(key, out bool must)) return must;
        must = await repository.RequiredOfAsync(userId) && !await IsEnabledAsync(userId);
        cache.Set(key, must, SessionGuard.CacheFor);
        return must;
    }

    /// <summary>Forget the cached answer after a change this server made (another server's lags at most <see cref="SessionGuard.CacheFor"/>).</summary>
    public void Changed(Guid userId) => cache.Remove(("two-factor-must-enrol", userId));

    private long? MatchedStep(TotpRow row, string code)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit)) return null;
        var secret = Base32Encoding.ToBytes(_protector.Unprotect(row.ProtectedSecret));
        return new Totp(secret).VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out var step, Window) ? step : null;
    }
}

/// <summary>
/// What the password step gives when a second factor is on: a signed, five-minute ticket naming the
/// person and the kind of session asked for, instead of a session. Only the code step turns it into one.
/// </summary>
public sealed class SecondStepTickets(IDataProtectionProvider protection, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Lms.Identity.SecondStep").ToTimeLimitedDataProtector();

    public sealed record Ticket(Guid UserId, string Kind, bool Remember);

    public SecondStepView Issue(Guid userId, string kind, bool remember)
    {
        var expires = clock.GetUtcNow() + Lifetime;
        return new SecondStepView("totp", _protector.Protect($"{userId:N}|{kind}|{(remember ? 1 : 0)}", expires), expires);
    }

    public Ticket? Read(string ticket, string kind)
    {
        try
        {
            var parts = _protector.Unprotect(ticket, out var expires).Split('|');
            return expires > clock.GetUtcNow() && parts.Length == 3 && parts[1] == kind && Guid.TryParse(parts[0], out var userId)
                ? new Ticket(userId, kind, parts[2] == "1")
                : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

/// <summary>The answer of a password step that needs a code next.</summary>
public sealed record SecondStepView(string SecondFactor, string Ticket, DateTimeOffset ExpiresAt);

/// <summary>
/// An admin whose institution requires a second factor and who has none is answered only by
/// enrolment, "who am I" and sign-out until they enrol: every other API call and hub answers a
/// 403 problem with the stable type <see cref="TwoFactorProblems.EnrolmentRequired"/>.
/// </summary>
public sealed class TwoFactorGateMiddleware(RequestDelegate next)
{
    // Signing in again (as someone else, say) stays open too.
    private static readonly string[] Open =
        ["/api/identity/me", "/api/identity/sign-out", "/api/identity/sign-out-everywhere", "/api/identity/two-factor", "/api/identity/sign-in"];

    public async Task InvokeAsync(HttpContext http, TwoFactor twoFactor)
    {
        var path = http.Request.Path;
        if (http.User.Identity?.IsAuthenticated == true
            && (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs"))
            && !Open.Any(p => path.StartsWithSegments(p))
            && await twoFactor.MustEnrolAsync(http.User.Id()))
            throw new ProblemException(StatusCodes.Status403Forbidden, TwoFactorProblems.EnrolmentRequired,
                "Set up two-step sign-in first.",
                "Your institution requires its administrators to sign in with a code from an authenticator app.",
                new Dictionary<string, object?> { ["code"] = "two-factor-enrolment-required" });
        await next(http);
    }
}
