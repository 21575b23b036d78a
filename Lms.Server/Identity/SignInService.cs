using Lms.Grains.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Lms.Server.Identity;

/// <summary>
/// <c>Identity:Throttle</c>: after <see cref="FreeFailures"/> failures in a row, an account answers
/// attempts from unknown devices only after a delay that doubles from <see cref="FirstDelay"/> up
/// to <see cref="MaxDelay"/>. Nothing locks: the owner signs in from a device they used before.
/// </summary>
public sealed class ThrottleOptions
{
    public const string Section = "Identity:Throttle";

    public int FreeFailures { get; set; } = 5;
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Until when the account waits after its <paramref name="attempt"/>-th failure in a row.</summary>
    public DateTimeOffset? Until(int attempt, DateTimeOffset now)
    {
        if (attempt < FreeFailures) return null;
        var doublings = Math.Min(attempt - FreeFailures, 20);
        var delay = TimeSpan.FromTicks(Math.Min(FirstDelay.Ticks * (1L << doublings), MaxDelay.Ticks));
        return now + delay;
    }
}

public abstract record SignInResult
{
    public sealed record Succeeded(UserRow User) : SignInResult;
    /// <summary>The password was right and the person has a second factor: no session until a code is given.</summary>
    public sealed record SecondFactorNeeded(UserRow User) : SignInResult;
    public sealed record Failed : SignInResult;
}

/// <summary>
/// Checks a login (e-mail, national ID or phone number) and password. A wrong password, an unknown login and a throttled account give the
/// same answer after the same work (one password hash check). Attempts from devices that have
/// signed in to this account before (a device cookie) skip the account's throttle, so strangers
/// guessing from elsewhere cannot keep its owner out (OWASP's "device cookies"); a wrong password
/// from such a device costs it its trust.
/// </summary>
public sealed class SignInService(
    UserRepository users, Passwords passwords, IOptions<ThrottleOptions> throttle, TimeProvider clock, TrustedDevices devices,
    PhoneLogins phones, TwoFactor twoFactor)
{
    // Verified when no password is checked, so that every answer takes as long as a wrong password.
    private static readonly string DecoyHash = new Passwords().Hash(Guid.NewGuid().ToString());

    public async Task<SignInResult> CheckAsync(string login, string password, HttpContext http)
    {
        // An e-mail or national ID first; then a phone number (a parent's), in any spelling of it.
        var user = await users.FindByLoginAsync(login)
                   ?? (await phones.FindAsync(login) is { } byPhone ? await users.GetAsync(byPhone) : null);
        var now = clock.GetUtcNow();
        // No account, one whose owner has not chosen a password yet (an invitation not used), or a disabled one.
        if (user is null || !user.HasPassword || user.DisabledAt is not null) return await DecoyAsync(password);

        var trusted = devices.IsTrusted(http, user.Id);
        if (!trusted && !await users.ClaimSignInAttemptAsync(user.Id, now, n => throttle.Value.Until(n, now)))
            return await DecoyAsync(password);

        var (matches, rehash) = await passwords.VerifyAsync(user.PasswordHash, password);
        if (!matches)
        {
            if (trusted) devices.Forget(http);
            return new SignInResult.Failed();
        }

        if (rehash) await users.SetPasswordHashAsync(user.Id, await passwords.HashAsync(password));
        // With a second factor the attempt is not over: the count stays (so that code guesses after a
        // right password are throttled too) and the device is not trusted until the code is right.
        if (await twoFactor.IsEnabledAsync(user.Id)) return new SignInResult.SecondFactorNeeded(user);
        await users.RecordSucceededSignInAsync(user.Id);
        devices.Trust(http, user.Id);
        return new SignInResult.Succeeded(user);
    }

    /// <summary>
    /// The code step, for someone whose password step was right (<paramref name="userId"/> comes from
    /// a signed ticket). Throttled by the same per-account count as passwords, with the same
    /// exception for devices the owner signed in from before.
    /// </summary>
    public async Task<UserRow?> CheckSecondStepAsync(Guid userId, string code, HttpContext http)
    {
        if (await users.GetAsync(userId) is not { DisabledAt: null } user) return null;
        var now = clock.GetUtcNow();
        var trusted = devices.IsTrusted(http, user.Id);
        if (!trusted && !await users.ClaimSignInAttemptAsync(user.Id, now, n => throttle.Value.Until(n, now))) return null;
        if (!await twoFactor.VerifyAsync(user.Id, code))
        {
            if (trusted) devices.Forget(http);
            return null;
        }
        await users.RecordSucceededSignInAsync(user.Id);
        devices.Trust(http, user.Id);
        return user;
    }

    private async Task<SignInResult> DecoyAsync(string password)
    {
        await passwords.VerifyAsync(DecoyHash, password);
        return new SignInResult.Failed();
    }
}

/// <summary>
/// A long-lived, HttpOnly cookie saying "this browser signed in as this person before", protected
/// by ASP.NET Core data protection (it cannot be forged or moved to another account).
/// </summary>
public sealed class TrustedDevices(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string CookieName = "lms.device";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Lms.Identity.TrustedDevice").ToTimeLimitedDataProtector();

    public bool IsTrusted(HttpContext http, Guid userId)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value)) return false;
        try
        {
            return _protector.Unprotect(value) == userId.ToString();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    public void Trust(HttpContext http, Guid userId) =>
        http.Response.Cookies.Append(CookieName, _protector.Protect(userId.ToString(), clock.GetUtcNow() + Lifetime),
            new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/api/identity",
                Expires = clock.GetUtcNow() + Lifetime, IsEssential = true,
            });

    public void Forget(HttpContext http) => http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/api/identity" });
}
