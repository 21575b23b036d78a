using Microsoft.AspNetCore.Identity;

namespace Lms.Grains.Identity;

/// <summary>Password hashing with ASP.NET Core Identity's hasher (PBKDF2, versioned format).</summary>
public sealed class Passwords
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 128;

    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Subject = new();

    // Hashing is slow on purpose, and at 7:00 a whole school signs in at once. Hashing every request at once fills the
    // thread pool, so the requests' database calls cannot finish and the connection pool runs dry (500s for everyone);
    // one hash per core at a time keeps the server answering, and the others wait their turn without holding a thread.
    private static readonly SemaphoreSlim OnePerCore = new(Environment.ProcessorCount);

    public string Hash(string password) => Hasher.HashPassword(Subject, password);

    /// <summary><see cref="Hash"/> for request paths: waits for a free core instead of competing for one.</summary>
    public async Task<string> HashAsync(string password)
    {
        await OnePerCore.WaitAsync();
        try { return Hash(password); }
        finally { OnePerCore.Release(); }
    }

    /// <summary><see cref="Verify"/> for request paths: waits for a free core instead of competing for one.</summary>
    public async Task<(bool Matches, bool Rehash)> VerifyAsync(string hash, string password)
    {
        await OnePerCore.WaitAsync();
        try { return (Verify(hash, password, out var rehash), rehash); }
        finally { OnePerCore.Release(); }
    }

    /// <summary>True when the password matches; <paramref name="rehash"/> is set when the stored hash should be upgraded.</summary>
    public bool Verify(string hash, string password, out bool rehash)
    {
        var result = Hasher.VerifyHashedPassword(Subject, hash, password);
        rehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        return result != PasswordVerificationResult.Failed;
    }
}
