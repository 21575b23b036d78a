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

public sealed record IssuedCredential(int Line, string DisplayName, string Login, string Password);

public sealed record RosterOutcome(
    int PeopleCreated,
    int PeopleAlreadyThere,
    int MembershipsAdded,
    int ClassesCreated,
    int ParentLinksAdded,
    IReadOnlyList<IssuedCredential> IssuedCredentials);

/// <summary>
/// Applies a roster to an institution in one transaction: every row is checked against the
/// database first, and if any row is wrong nothing is written and every wrong row is named.
/// </summary>
public sealed class RosterImport(Db db, UserRepository users, Passwords passwords, TimeProvider clock)
{
    private sealed record Resolved(RosterEntry Entry, Guid? ExistingId);

    private static readonly Sql FindByEmailSql = Sql.Portable("SELECT id FROM users WHERE email = @value");
    private static readonly Sql FindByNationalIdSql = Sql.Portable("SELECT id FROM users WHERE national_id = @value");
    private static readonly Sql IdentityOfSql = Sql.Portable("SELECT id, display_name, email, national_id FROM users WHERE id = @id");

    public async Task<(RosterOutcome? Outcome, IReadOnlyList<RosterProblem> Problems)> ApplyAsync(
        Guid institutionId, IReadOnlyList<RosterEntry> entries, CancellationToken cancellationToken = default)
    {
        var problems = new List<RosterProblem>();
        CheckDuplicatesWithinFile(entries, problems);
        if (problems.Count > 0) return (null, problems);

        // Hashing is slow on purpose; do it before taking the write transaction, and only for people
        // who look new. A row that turns out to exist by the time we write simply keeps its password.
        var firstLook = await ResolveAsync(entries, problems, connection: null, transaction: null, cancellationToken);
        if (problems.Count > 0) return (null, problems);
        var newPasswords = firstLook.Where(r => r.ExistingId is null)
            .Select(r => (r.Entry.Line, Password: r.Entry.Password ?? Passwords.Generate()))
            .ToDictionary(x => x.Line, x => x.Password);
        var hashes = newPasswords.AsParallel().ToDictionary(kv => kv.Key, kv => passwords.Hash(kv.Value));

        var outcome = await db.InTransactionAsync(async (connection, transaction) =>
        {
            var resolved = await ResolveAsync(entries, problems, connection, transaction, cancellationToken);
            if (problems.Count > 0) return null;
            return await WriteAsync(institutionId, resolved, newPasswords, hashes, connection, transaction);
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
        IReadOnlyList<RosterEntry> entries, List<RosterProblem> problems,
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
                if (existingId is not null && await ConflictsAsync(e, existingId.Value, connection, transaction))
                {
                    problems.Add(new RosterProblem(e.Line, e.Email is not null && byEmail is null ? "email" : "national_id",
                        "identity-conflict",
                        "This person is already registered with a different e-mail or national identifier."));
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

    private async Task<bool> ConflictsAsync(RosterEntry e, Guid existingId, DbConnection connection, DbTransaction? transaction)
    {
        var known = await connection.QuerySingleAsync<PersonRef>(db.Text(IdentityOfSql), new { id = existingId }, transaction);
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
        Guid institutionId, List<Resolved> resolved, Dictionary<int, string> newPasswords,
        Dictionary<int, string> hashes, DbConnection connection, DbTransaction transaction)
    {
        int created = 0, existing = 0, memberships = 0, classesCreated = 0, links = 0;
        var issued = new List<IssuedCredential>();
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
                if (!hashes.TryGetValue(entry.Line, out var hash))
                {
                    // Looked known before, vanished since: give them a password now.
                    newPasswords[entry.Line] = entry.Password ?? Passwords.Generate();
                    hash = passwords.Hash(newPasswords[entry.Line]);
                }
                await users.InsertAsync(new NewUser(id.Value, entry.Email, entry.NationalId, entry.FullName, hash),
                    connection, transaction);
                created++;
                if (entry.Password is null)
                    issued.Add(new IssuedCredential(entry.Line, entry.FullName,
                        entry.Email ?? entry.NationalId!, newPasswords[entry.Line]));
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

        return new RosterOutcome(created, existing, memberships, classesCreated, links, issued);
    }
}
