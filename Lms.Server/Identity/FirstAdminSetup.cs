using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Problems;

namespace Lms.Server.Identity;

public sealed record FirstAdminRequest(
    [property: Required, StringLength(80)] string Code,
    [property: Required, StringLength(200, MinimumLength = 2)] string InstitutionName,
    [property: Required, StringLength(20)] string InstitutionKind,
    [property: Required, StringLength(200, MinimumLength = 2)] string DisplayName,
    [property: Required, EmailAddress, StringLength(256)] string Email,
    [property: Required, StringLength(Passwords.MaximumLength)] string Password);

public sealed record SetupStatus(bool Needed);

/// <summary>
/// An installation with no platform administrator (not the demo) prints a one-time setup code in
/// its log at start; whoever can read the server's log opens /setup with it and creates the first
/// platform administrator and the top institution. The code lives in memory only: a restart
/// prints a new one, and once an administrator exists it is gone.
/// </summary>
public sealed class FirstAdminSetup(Db db, ILogger<FirstAdminSetup> log)
{
    private byte[]? _codeHash;

    private static readonly Sql AnyPlatformAdminSql = Sql.Portable("SELECT COUNT(*) FROM users WHERE platform_admin = @yes");

    public async Task<bool> NeededAsync()
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(AnyPlatformAdminSql), new { yes = true }) == 0;
    }

    /// <summary>At start: when nobody runs the platform yet, makes a code and writes it to the log.</summary>
    public async Task PrintCodeIfNeededAsync()
    {
        if (!await NeededAsync()) return;
        var code = RandomNumberGenerator.GetString("ABCDEFGHJKMNPQRSTUVWXYZ23456789", 16);
        _codeHash = SHA256.HashData(Encoding.UTF8.GetBytes(code));
        log.LogWarning("No platform administrator yet. Open /setup on this server and enter the one-time setup code {Code} " +
                       "to create the first one (a new code is printed at every start until then).", code);
    }

    /// <summary>True once for the right code (compared in constant time); the code is spent even if what follows fails.</summary>
    public bool Spend(string code)
    {
        var hash = _codeHash;
        if (hash is null) return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(OneTimeCodes.Normalize(code)));
        if (!CryptographicOperations.FixedTimeEquals(hash, given)) return false;
        return Interlocked.CompareExchange(ref _codeHash, null, hash) == hash;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/setup").WithTags("Setup").AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy).ProducesProblems(429);
        group.MapGet("", async (FirstAdminSetup setup) => new SetupStatus(await setup.NeededAsync()))
            .WithSummary("Whether this installation still needs its first platform administrator.");
        group.MapPost("/first-admin", CreateFirstAdmin).ProducesProblems(400)
            .WithSummary("Create the first platform administrator and the top institution, with the setup code from the server's log.");
    }

    private static async Task<MeView> CreateFirstAdmin(
        FirstAdminRequest request, HttpContext http, FirstAdminSetup setup, PasswordPolicy policy, InstitutionRepository institutions,
        RosterImport roster, UserRepository users)
    {
        if (!await setup.NeededAsync()) throw ProblemException.NotFound("The setup");
        var kind = request.InstitutionKind.Trim().ToLowerInvariant();
        if (!InstitutionKinds.All.Contains(kind)) throw ProblemException.Invalid("institutionKind", $"Unknown kind {kind}.");
        policy.Check(request.Password, "password", request.DisplayName, request.Email);
        if (!setup.Spend(request.Code))
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.InvalidCode, "This setup code is not right.",
                "Use the code printed in the server's log at its last start.");
        var institution = await institutions.CreateAsync(null, kind, request.InstitutionName.Trim(), null);
        var (outcome, problems) = await roster.ApplyAsync(institution.Id,
            [new RosterEntry(1, Roles.Admin, request.DisplayName.Trim(), request.Email, null, null, request.Password, [])]);
        if (outcome is null) throw ProblemException.Invalid("email", string.Join(" ", problems.Select(p => p.Message)));
        var admin = await users.FindByLoginAsync(request.Email) ?? throw ProblemException.NotFound("The new administrator");
        await users.MarkClaimedAsync(admin.Id);
        await users.SetPlatformAdminAsync(admin.Id, true);
        return await IdentityEndpoints.SignInWithCookieAsync(http, users, admin, remember: false);
    }
}
