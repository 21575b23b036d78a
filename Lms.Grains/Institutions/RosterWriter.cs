using System.Data.Common;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>
/// Writes resolved roster rows: new accounts (no password unless the row gives one), memberships, classes
/// (matched by <see cref="PersonText.Key"/>: "10a1" is "10A1"), class places and parent links. One writer
/// serves one import across its batches, so that a person on two rows is created once.
/// </summary>
internal sealed class RosterWriter(
    Db db, UserRepository users, OneTimeCodes codes, TimeProvider clock, Guid institutionId, Guid? importId, bool issuePrintedCodes)
{
    private static readonly Sql ClassesSql = Sql.Portable("SELECT id, name FROM classes WHERE institution_id = @institutionId");
    private sealed record ExistingClass(Guid Id, string Name);
    private static readonly Sql InsertClassSql = Sql.Portable(
        "INSERT INTO classes (id, institution_id, name) VALUES (@id, @institutionId, @name)");
    private static readonly Sql AddClassMemberSql = Sql.PerDialect(d => d.InsertIgnore(
        "class_members", ["class_id", "user_id"], ["@classId", "@userId"], ["class_id", "user_id"]));
    private static readonly Sql AddParentLinkSql = Sql.PerDialect(d => d.InsertIgnore(
        "parent_links", ["parent_id", "student_id"], ["@parentId", "@studentId"], ["parent_id", "student_id"]));
    private static readonly Sql RememberPersonSql = Sql.PerDialect(d => d.InsertIgnore(
        "roster_import_people", ["import_id", "user_id", "line", "role", "class_name"],
        ["@importId", "@userId", "@line", "@role", "@className"], ["import_id", "user_id"]));

    private readonly Dictionary<string, Guid> _idsByLogin = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _createdHere = [];
    private Dictionary<string, Guid>? _classIds;
    private int _created, _existing, _memberships, _classesCreated, _links;

    public List<RosterInvitation> Invitations { get; } = [];

    /// <summary>The people this writer created.</summary>
    public IReadOnlyCollection<Guid> Created => _createdHere;

    public RosterOutcome Outcome() => new(_created, _existing, _memberships, _classesCreated, _links, Invitations.ToList());

    public async Task WriteAsync(
        IReadOnlyList<ResolvedEntry> resolved, IReadOnlyDictionary<int, string> hashes, DbConnection connection, DbTransaction transaction)
    {
        var now = clock.GetUtcNow();
        foreach (var (entry, existingId) in resolved)
        {
            var id = existingId ?? Known(entry);
            if (id is null)
            {
                id = Guid.CreateVersion7();
                await users.InsertAsync(new NewUser(id.Value, entry.Email, entry.NationalId, entry.FullName,
                    hashes.GetValueOrDefault(entry.Line, ""), CreatedByInstitutionId: institutionId), connection, transaction);
                _created++;
                _createdHere.Add(id.Value);
                if (!hashes.ContainsKey(entry.Line)) await InviteAsync(entry, id.Value, connection, transaction);
            }
            else if (existingId is not null && !_createdHere.Contains(existingId.Value))
            {
                _existing++;
            }
            if (entry.Email is not null) _idsByLogin[RosterResolver.Login(entry.Email)] = id.Value;
            if (entry.NationalId is not null) _idsByLogin[entry.NationalId] = id.Value;

            if (_createdHere.Contains(id.Value) && importId is not null)
                await connection.ExecuteAsync(db.Text(RememberPersonSql), new
                {
                    importId, userId = id.Value, line = entry.Line, role = entry.Role, className = entry.ClassName,
                }, transaction);

            _memberships += await connection.ExecuteAsync(db.Text(InstitutionRepository.AddMembership),
                new { institutionId, userId = id.Value, role = entry.Role, createdAt = now }, transaction) > 0 ? 1 : 0;

            if (entry.ClassName is not null)
            {
                var classId = await ClassIdAsync(entry.ClassName, connection, transaction);
                await connection.ExecuteAsync(db.Text(AddClassMemberSql), new { classId, userId = id.Value }, transaction);
            }
        }
    }

    public async Task LinkParentsAsync(IEnumerable<RosterEntry> parents, DbConnection connection, DbTransaction transaction)
    {
        var resolver = new RosterResolver(db, institutionId, connection, transaction);
        foreach (var entry in parents.Where(e => e.ParentOf.Count > 0))
        {
            var parentId = Known(entry) ?? await resolver.FindAsync(entry.Email ?? entry.NationalId!)
                           ?? throw new InvalidOperationException($"The parent on line {entry.Line} was not written.");
            foreach (var child in entry.ParentOf)
            {
                var studentId = _idsByLogin.TryGetValue(RosterResolver.Login(child), out var s) ? s
                    : await resolver.FindAsync(child) ?? throw new InvalidOperationException($"The child {child} is not registered.");
                _links += await connection.ExecuteAsync(db.Text(AddParentLinkSql), new { parentId, studentId }, transaction) > 0 ? 1 : 0;
            }
        }
    }

    private Guid? Known(RosterEntry entry) =>
        entry.Email is not null && _idsByLogin.TryGetValue(RosterResolver.Login(entry.Email), out var byEmail) ? byEmail
        : entry.NationalId is not null && _idsByLogin.TryGetValue(entry.NationalId, out var byId) ? byId
        : null;

    /// <summary>
    /// E-mail owners get a link (mailed by the caller). The others get a printed code: at once when the caller
    /// shows it, otherwise later, when their slip is printed.
    /// </summary>
    private async Task InviteAsync(RosterEntry entry, Guid userId, DbConnection connection, DbTransaction transaction)
    {
        string? code = null;
        if (entry.Email is not null || issuePrintedCodes)
            code = await codes.IssueAsync(userId, CodePurposes.Invitation,
                length: entry.Email is null ? OneTimeCodes.PrintableLength : OneTimeCodes.LinkLength,
                connection: connection, transaction: transaction);
        Invitations.Add(new RosterInvitation(entry.Line, entry.FullName, entry.Email ?? entry.NationalId!, entry.Email, code));
    }

    /// <summary>The class of this name (matched by key), created when there is none.</summary>
    public async Task<Guid> ClassIdAsync(string name, DbConnection connection, DbTransaction transaction)
    {
        if (_classIds is null)
        {
            // Classes typed before names were cleaned may differ in case or Unicode form: they are matched by key.
            var existing = await connection.QueryAsync<ExistingClass>(db.Text(ClassesSql), new { institutionId }, transaction);
            _classIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
            foreach (var row in existing.OrderBy(c => c.Id)) _classIds.TryAdd(PersonText.Key(row.Name), row.Id);
        }
        var key = PersonText.Key(name);
        if (_classIds.TryGetValue(key, out var found)) return found;
        var created = Guid.CreateVersion7();
        await connection.ExecuteAsync(db.Text(InsertClassSql), new { id = created, institutionId, name }, transaction);
        _classesCreated++;
        return _classIds[key] = created;
    }
}
