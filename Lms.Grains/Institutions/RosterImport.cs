using System.Data.Common;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>One person from a roster file, already checked for shape at the edge.</summary>
public sealed record RosterEntry(
    int Line,
    string Role,
    string FullName,
    string? Email,
    string? NationalId,
    string? ClassName,
    string? Password,
    IReadOnlyList<string> ParentOf);

public sealed record RosterProblem(int Line, string Field, string Code, string Message);

/// <summary>
/// A person the import created without a password: they choose one with this one-time code,
/// sent as a link to <paramref name="Email"/> when there is one, else printed on a sheet.
/// </summary>
public sealed record RosterInvitation(int Line, string DisplayName, string Login, string? Email, string Code);

public sealed record RosterOutcome(
    int PeopleCreated,
    int PeopleAlreadyThere,
    int MembershipsAdded,
    int ClassesCreated,
    int ParentLinksAdded,
    IReadOnlyList<RosterInvitation> Invitations);

/// <summary>
/// Applies a roster to an institution in one transaction: every row is checked against the
/// database first, and if any row is wrong nothing is written and every wrong row is named.
/// A row joins an account that already exists only when this institution made it or its owner
/// has claimed it: otherwise whoever made it (a stranger's sign-up, another school's roster)
/// could be handed this institution's role. New people get an invitation, not a password.
/// </summary>
public sealed class RosterImport(Db db, UserRepository users, Passwords passwords, OneTimeCodes codes, TimeProvider clock)
{
    private sealed record Resolved(RosterEntry Entry, Guid? ExistingId);

    private static readonly Sql FindByEmailSql = Sql.Portable("SELECT id FROM users WHERE email = @value");
    private static readonly Sql FindByNationalIdSql = Sql.Portable("SELECT id FROM users WHERE national_id = @value");
    private static readonly Sql IdentityOfSql = Sql.Portable(
        "SELECT email, national_id, claimed_at, created_by_institution_id FROM users WHERE id = @id");

    public async Task<(RosterOutcome? Outcome, IReadOnlyList<RosterProblem> Problems)> ApplyAsync(
        Guid institutionId, IReadOnlyList<RosterEntry> entries, CancellationToken cancellationToken = default)
    {
        var problems = new List<RosterProblem>();
        CheckDuplicatesWithinFile(entries, problems);
        if (problems.Count > 0) return (null, problems);

        // Hashing is slow on purpose; do it before taking the write transaction, and only for people
        // who look new and whose row gives a password (the demo, a test). Everyone else is invited.
        var firstLook = await ResolveAsync(institutionId, entries, problems, connection: null, transaction: null, cancellationToken);
        if (problems.Count > 0) return (null, problems);
        var newPasswords = firstLook.Where(r => r.ExistingId is null && r.Entry.Password is not null)
            .ToDictionary(r => r.Entry.Line, r => r.Entry.Password!);
        var hashes = newPasswords.AsParallel().ToDictionary(kv => kv.Key, kv => passwords.Hash(kv.Value));

        var outcome = await db.InTransactionAsync(async (connection, transaction) =>
        {
            var resolved = await ResolveAsync(institutionId, entries, problems, connection, transaction, cancellationToken);
            if (problems.Count > 0) return null;
            return await WriteAsync(institutionId, resolved, hashes, connection, transaction);
        }, cancellationToken);
        return (outcome, problems);
    }

    private static void CheckDuplicatesWithinFile(IReadOnlyList<RosterEntry> entries, List<RosterProblem> problems)
    {
        var emails = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var nationalIds = new Dictionary<string, int>();
        foreach (var e in entries)
        {
            if (e.Email is not null && !emails.TryAdd(e.Email, e.Line) && !SamePerson(entries, emails[e.Email], e))
                problems.Add(new RosterProblem(e.Line, "email", "duplicate-in-file",
                    $"The e-mail {e.Email} is also on line {emails[e.Email]} for someone else."));
            if (e.NationalId is not null && !nationalIds.TryAdd(e.NationalId, e.Line) && !SamePerson(entries, nationalIds[e.NationalId], e))
                problems.Add(new RosterProblem(e.Line, "national_id", "duplicate-in-file",
                    $"The national identifier {e.NationalId} is also on line {nationalIds[e.NationalId]} for someone else."));
        }
    }

    // The same person may appear twice with two roles (a teacher who is also a parent).
    private static bool SamePerson(IReadOnlyList<RosterEntry> entries, int firstLine, RosterEntry other)
    {
        var first = entries.First(e => e.Line == firstLine);
        return string.Equals(first.Email, other.Email, StringComparison.OrdinalIgnoreCase)
               && first.NationalId == other.NationalId;
    }

    private async Task<List<Resolved>> ResolveAsync(
        Guid institutionId, IReadOnlyList<RosterEntry> entries, List<RosterProblem> problems,
        DbConnection? connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var owned = connection is null;
        connection ??= await db.OpenAsync(cancellationToken);
        try
        {
            var resolved = new List<Resolved>(entries.Count);
            foreach (var e in entries)
            {
                Guid? byEmail = e.Email is null ? null : await connection.QuerySingleOrDefaultAsync<Guid?>(
                    db.Text(FindByEmailSql), new { value = UserRepository.NormalizeEmail(e.Email) }, transaction);
                Guid? byNationalId = e.NationalId is null ? null : await connection.QuerySingleOrDefaultAsync<Guid?>(
                    db.Text(FindByNationalIdSql), new { value = e.NationalId }, transaction);
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
                        "identity-conflict",
                        "This person is already registered with a different e-mail or national identifier."));
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
                resolved.Add(new Resolved(e, existingId));
            }

            // A parent's children must be students in this file or already known.
            var studentsInFile = entries.Where(e => e.Role == Roles.Student)
                .SelectMany(e => new[] { e.Email, e.NationalId }).OfType<string>()
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var e in entries.Where(e => e.ParentOf.Count > 0))
            foreach (var child in e.ParentOf)
            {
                if (studentsInFile.Contains(child)) continue;
                var known = await connection.QuerySingleOrDefaultAsync<Guid?>(
                    db.Text(child.Contains('@') ? FindByEmailSql : FindByNationalIdSql),
                    new { value = child.Contains('@') ? UserRepository.NormalizeEmail(child) : child }, transaction);
                if (known is null)
                    problems.Add(new RosterProblem(e.Line, "parent_of", "unknown-student",
                        $"No student {child} in this file or already registered."));
            }
            return resolved;
        }
        finally
        {
            if (owned) await connection.DisposeAsync();
        }
    }

    private sealed record KnownAccount
    {
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public DateTimeOffset? ClaimedAt { get; init; }
        public Guid? CreatedByInstitutionId { get; init; }
    }

    private static bool Conflicts(RosterEntry e, KnownAccount known)
    {
        return (e.Email is not null && known.Email is not null && UserRepository.NormalizeEmail(e.Email) != known.Email)
               || (e.NationalId is not null && known.NationalId is not null && e.NationalId != known.NationalId);
    }

    private static readonly Sql FindClassSql = Sql.Portable(
        "SELECT id FROM classes WHERE institution_id = @institutionId AND name = @name");
    private static readonly Sql InsertClassSql = Sql.Portable(
        "INSERT INTO classes (id, institution_id, name) VALUES (@id, @institutionId, @name)");
    private static readonly Sql AddClassMemberSql = Sql.PerDialect(d => d.InsertIgnore(
        "class_members", ["class_id", "user_id"], ["@classId", "@userId"], ["class_id", "user_id"]));
    private static readonly Sql AddParentLinkSql = Sql.PerDialect(d => d.InsertIgnore(
        "parent_links", ["parent_id", "student_id"], ["@parentId", "@studentId"], ["parent_id", "student_id"]));

    private async Task<RosterOutcome> WriteAsync(
        Guid institutionId, List<Resolved> resolved,
        Dictionary<int, string> hashes, DbConnection connection, DbTransaction transaction)
    {
        int created = 0, existing = 0, memberships = 0, classesCreated = 0, links = 0;
        var invitations = new List<RosterInvitation>();
        var idsByLogin = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        var classIds = new Dictionary<string, Guid>(StringComparer.OrdinalIgnoreCase);
        var now = clock.GetUtcNow();

        foreach (var (entry, existingId) in resolved)
        {
            var id = existingId
                     ?? (entry.Email is not null && idsByLogin.TryGetValue(entry.Email, out var e) ? e : (Guid?)null)
                     ?? (entry.NationalId is not null && idsByLogin.TryGetValue(entry.NationalId, out var n) ? n : (Guid?)null);
            if (id is null)
            {
                id = Guid.CreateVersion7();
                // Looked known before, vanished since: hash the row's password now.
                var hash = entry.Password is null ? ""
                    : hashes.TryGetValue(entry.Line, out var early) ? early : passwords.Hash(entry.Password);
                await users.InsertAsync(new NewUser(id.Value, entry.Email, entry.NationalId, entry.FullName, hash,
                    CreatedByInstitutionId: institutionId), connection, transaction);
                created++;
                if (entry.Password is null)
                {
                    var code = await codes.IssueAsync(id.Value, CodePurposes.Invitation,
                        length: entry.Email is null ? OneTimeCodes.PrintableLength : OneTimeCodes.LinkLength,
                        connection: connection, transaction: transaction);
                    invitations.Add(new RosterInvitation(entry.Line, entry.FullName, entry.Email ?? entry.NationalId!, entry.Email, code));
                }
            }
            else if (existingId is not null)
            {
                existing++;
            }
            if (entry.Email is not null) idsByLogin[entry.Email] = id.Value;
            if (entry.NationalId is not null) idsByLogin[entry.NationalId] = id.Value;

            memberships += await connection.ExecuteAsync(db.Text(InstitutionRepository.AddMembership),
                new { institutionId, userId = id.Value, role = entry.Role, createdAt = now }, transaction) > 0 ? 1 : 0;

            if (entry.ClassName is not null)
            {
                if (!classIds.TryGetValue(entry.ClassName, out var classId))
                {
                    var found = await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(FindClassSql),
                        new { institutionId, name = entry.ClassName }, transaction);
                    if (found is null)
                    {
                        found = Guid.CreateVersion7();
                        await connection.ExecuteAsync(db.Text(InsertClassSql),
                            new { id = found.Value, institutionId, name = entry.ClassName }, transaction);
                        classesCreated++;
                    }
                    classId = classIds[entry.ClassName] = found.Value;
                }
                await connection.ExecuteAsync(db.Text(AddClassMemberSql), new { classId, userId = id.Value }, transaction);
            }
        }

        foreach (var (entry, _) in resolved.Where(r => r.Entry.ParentOf.Count > 0))
        {
            var parentId = idsByLogin[entry.Email ?? entry.NationalId!];
            foreach (var child in entry.ParentOf)
            {
                var studentId = idsByLogin.TryGetValue(child, out var s) ? s
                    : (await connection.QuerySingleAsync<Guid>(
                        db.Text(child.Contains('@') ? FindByEmailSql : FindByNationalIdSql),
                        new { value = child.Contains('@') ? UserRepository.NormalizeEmail(child) : child }, transaction));
                links += await connection.ExecuteAsync(db.Text(AddParentLinkSql), new { parentId, studentId }, transaction) > 0 ? 1 : 0;
            }
        }

        return new RosterOutcome(created, existing, memberships, classesCreated, links, invitations);
    }
}
