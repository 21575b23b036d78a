using System.Data.Common;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>A roster row with the account it joins (null: a new person).</summary>
internal sealed record ResolvedEntry(RosterEntry Entry, Guid? ExistingId);

/// <summary>
/// Finds, for each roster row, the account it joins, and names the rows that may not be applied: the e-mail
/// and the national ID belong to two accounts; the account has another e-mail, ID or name (a national ID is
/// one person: a row with another name is another person, never merged); the account was made elsewhere
/// and not claimed; a parent's child is nowhere to be found.
/// </summary>
internal sealed class RosterResolver(Db db, Guid institutionId, DbConnection connection, DbTransaction? transaction)
{
    private static readonly Sql FindByEmailSql = Sql.Portable("SELECT id FROM users WHERE email = @value");
    private static readonly Sql FindByNationalIdSql = Sql.Portable("SELECT id FROM users WHERE national_id = @value");
    private static readonly Sql IdentityOfSql = Sql.Portable(
        "SELECT email, national_id, display_name, claimed_at, created_by_institution_id FROM users WHERE id = @id");

    private sealed record KnownAccount
    {
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string DisplayName { get; init; } = "";
        public DateTimeOffset? ClaimedAt { get; init; }
        public Guid? CreatedByInstitutionId { get; init; }
    }

    public async Task<List<ResolvedEntry>> ResolveAsync(IEnumerable<RosterEntry> entries, List<RosterProblem> problems)
    {
        var resolved = new List<ResolvedEntry>();
        foreach (var e in entries)
        {
            var byEmail = e.Email is null ? null : await FindAsync(e.Email);
            var byNationalId = e.NationalId is null ? null : await FindAsync(e.NationalId);
            if (byEmail is not null && byNationalId is not null && byEmail != byNationalId)
            {
                problems.Add(new RosterProblem(e.Line, "national_id", "identity-conflict",
                    "The e-mail and the national identifier belong to two different people already registered."));
                continue;
            }
            var existingId = byEmail ?? byNationalId;
            var known = existingId is null ? null : await connection.QuerySingleAsync<KnownAccount>(
                db.Text(IdentityOfSql), new { id = existingId.Value }, transaction);
            if (known is not null && Conflicts(e, known))
            {
                problems.Add(new RosterProblem(e.Line, e.Email is not null && byEmail is null ? "email" : "national_id",
                    "identity-conflict", "This person is already registered with a different e-mail or national identifier."));
                continue;
            }
            // An e-mail is its owner's, whatever name a file gives; a national ID is a person, and a row with another
            // name is another person. A real change of name is made on the person, not by importing.
            if (known is not null && byNationalId is not null && byEmail is null
                && PersonText.Key(known.DisplayName) != PersonText.Key(e.FullName))
            {
                problems.Add(new RosterProblem(e.Line, "national_id", "id-registered-other-name",
                    $"The national ID {e.NationalId} is already registered for a person with another name.")
                {
                    Params = new Dictionary<string, string> { ["value"] = e.NationalId! },
                });
                continue;
            }
            if (known is not null && known.ClaimedAt is null && known.CreatedByInstitutionId != institutionId)
            {
                problems.Add(new RosterProblem(e.Line, e.Email is not null && byEmail is not null ? "email" : "national_id",
                    "unclaimed-account",
                    "This person has an account made elsewhere that its owner has not claimed yet; " +
                    "they should sign in once (or reset their password) before they can be added."));
                continue;
            }
            resolved.Add(new ResolvedEntry(e, existingId));
        }
        return resolved;
    }

    /// <summary>A parent's children must be students in the file or already registered.</summary>
    public async Task CheckChildrenAsync(IEnumerable<RosterEntry> parents, IReadOnlyList<RosterEntry> file, List<RosterProblem> problems)
    {
        var studentsInFile = file.Where(e => e.Role == Roles.Student)
            .SelectMany(e => new[] { e.Email is null ? null : UserRepository.NormalizeEmail(e.Email), e.NationalId }).OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        foreach (var e in parents.Where(e => e.ParentOf.Count > 0))
        foreach (var child in e.ParentOf)
        {
            if (studentsInFile.Contains(Login(child))) continue;
            if (await FindAsync(child) is null)
                problems.Add(new RosterProblem(e.Line, "parent_of", "unknown-student",
                    $"No student {child} in this file or already registered.")
                {
                    Params = new Dictionary<string, string> { ["value"] = child },
                });
        }
    }

    /// <summary>The account with this e-mail or national ID.</summary>
    public async Task<Guid?> FindAsync(string login) =>
        await connection.QuerySingleOrDefaultAsync<Guid?>(
            db.Text(login.Contains('@') ? FindByEmailSql : FindByNationalIdSql), new { value = Login(login) }, transaction);

    public static string Login(string login) => login.Contains('@') ? UserRepository.NormalizeEmail(login) : login.Trim();

    private static bool Conflicts(RosterEntry e, KnownAccount known) =>
        (e.Email is not null && known.Email is not null && UserRepository.NormalizeEmail(e.Email) != known.Email)
        || (e.NationalId is not null && known.NationalId is not null && e.NationalId != known.NationalId);
}
