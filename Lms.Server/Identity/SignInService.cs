using Lms.Grains.Identity;
using Microsoft.Extensions.Options;

namespace Lms.Server.Identity;

public sealed class LockoutOptions
{
    public const string Section = "Identity:Lockout";

    /// <summary>Failed attempts in a row before the account is locked.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}

public abstract record SignInResult
{
    public sealed record Succeeded(UserRow User) : SignInResult;
    public sealed record Failed : SignInResult;
    public sealed record LockedOut(DateTimeOffset Until) : SignInResult;
}

/// <summary>Checks a login and password, counting failures and locking the account after too many.</summary>
public sealed class SignInService(
    UserRepository users, Passwords passwords, IOptions<LockoutOptions> lockout, TimeProvider clock)
{
    // Verified when the login is unknown, so that an unknown login takes as long as a wrong password.
    private static readonly string DecoyHash = new Passwords().Hash(Guid.NewGuid().ToString());

    public async Task<SignInResult> CheckAsync(string login, string password)
    {
        var user = await users.FindByLoginAsync(login);
        var now = clock.GetUtcNow();
        // No account, one whose owner has not chosen a password yet (an invitation not used), or a disabled one.
        if (user is null || !user.HasPassword || user.DisabledAt is not null)
        {
            passwords.Verify(DecoyHash, password, out _);
            return new SignInResult.Failed();
        }
        if (user.LockoutEnd is { } until && until > now)
            return new SignInResult.LockedOut(until);

        if (!passwords.Verify(user.PasswordHash, password, out var rehash))
        {
            var failures = user.FailedSignIns + 1;
            if (failures >= lockout.Value.MaxFailedAttempts)
            {
                var lockedUntil = now + lockout.Value.Duration;
                await users.RecordFailedSignInAsync(user.Id, 0, lockedUntil);
                return new SignInResult.LockedOut(lockedUntil);
            }
            await users.RecordFailedSignInAsync(user.Id, failures, null);
            return new SignInResult.Failed();
        }

        await users.RecordSucceededSignInAsync(user.Id);
        if (rehash) await users.SetPasswordHashAsync(user.Id, passwords.Hash(password));
        return new SignInResult.Succeeded(user);
    }
}
