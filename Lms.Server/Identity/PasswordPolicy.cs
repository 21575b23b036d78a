using Lms.Grains.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Identity;

/// <summary>
/// What a new password must be: at least <see cref="Passwords.MinimumLength"/> characters and not
/// guessable from zxcvbn's lists of common passwords, names and words (shipped inside the
/// zxcvbn-core package, never downloaded) nor from the person's own name or address.
/// </summary>
public sealed class PasswordPolicy
{
    /// <summary>zxcvbn's score 0-4; 2 means "safely unguessable against online attacks that are throttled".</summary>
    public const int MinimumScore = 2;

    /// <summary>Throws a validation problem (code too-short or too-common) when the password will not do.</summary>
    public void Check(string password, string field, params string?[] personal)
    {
        if (password.Length < Passwords.MinimumLength)
            throw Refused(field, "too-short", $"A password needs at least {Passwords.MinimumLength} characters.");
        if (password.Length > Passwords.MaximumLength)
            throw Refused(field, "too-long", $"A password may have at most {Passwords.MaximumLength} characters.");
        var inputs = personal.OfType<string>()
            .SelectMany(p => p.Split([' ', '@', '.', '-', '_'], StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 3)
            .ToList();
        if (global::Zxcvbn.Zxcvbn.MatchPassword(password, inputs).Score < MinimumScore)
            throw Refused(field, "too-common", "This password is too easy to guess: it is common, or close to your name or address.");
    }

    private static ProblemException Refused(string field, string code, string message) => ProblemException.Invalid(field, message, code);
}
