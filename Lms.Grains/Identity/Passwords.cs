using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Lms.Grains.Identity;

/// <summary>Password hashing with ASP.NET Core Identity's hasher (PBKDF2, versioned format).</summary>
public sealed class Passwords
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 128;

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Subject = new();

    // Easy to read aloud and to type on a phone: no 0/O, 1/l/I.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public string Hash(string password) => Hasher.HashPassword(Subject, password);

    /// <summary>True when the password matches; <paramref name="rehash"/> is set when the stored hash should be upgraded.</summary>
    public bool Verify(string hash, string password, out bool rehash)
    {
        var result = Hasher.VerifyHashedPassword(Subject, hash, password);
        rehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        return result != PasswordVerificationResult.Failed;
    }

    /// <summary>A first password for an imported account, printed once for the admin to hand out.</summary>
    public static string Generate(int length = 10) =>
        RandomNumberGenerator.GetString(Alphabet, length);
}
