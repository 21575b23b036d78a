using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>The kinds of change a roster update makes, in the order a preview lists them.</summary>
public static class RosterChangeKinds
{
    public const string New = "new";
    public const string Renamed = "renamed";
    public const string Email = "email";
    public const string NationalId = "national-id";
    public const string Moved = "moved";
    public const string RoleAdded = "role-added";
    public const string Disabled = "disabled";

    public static readonly string[] All = [New, Renamed, Email, NationalId, Moved, RoleAdded, Disabled];
}

/// <summary>
/// One change a roster update would make to one person: <paramref name="From"/> → <paramref name="To"/> (old and
/// new name, e-mail or ID; old classes, comma-separated, and the new class; for a new person their class, for a
/// role added the role). <paramref name="UserId"/> is null for a new person; <paramref name="Line"/> is 0 for a
/// person absent from the file.
/// </summary>
public sealed record RosterChange(string Kind, int Line, Guid? UserId, string Name, string Role, string? From, string? To);

/// <summary>
/// Works out, without writing, what a roster file in update mode changes: rows are matched to the institution's
/// people by national ID or e-mail (never by name), and a matched person whose name, e-mail or ID differs in the
/// file is renamed or has the login changed; a student whose class differs is moved; a row matching nobody is a
/// new person. The identity rules of an ordinary import stay: two rows of one ID with two names, an e-mail and an
/// ID of two different people, an account made elsewhere and unclaimed, all stay problems, so nobody is merged.
/// Who a person is may be changed only for people this institution made (as on the people page).
/// </summary>
internal sealed class RosterUpdatePlanner(Db db, Guid institutionId, DbConnection connection, DbTransaction? transaction)
{
    private sealed record MemberRow
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string Role { get; init; } = "";
        public DateTimeOffset? DisabledAt { get; init; }
        public Guid? CreatedByInstitutionId { get; init; }
    }

    private sealed record PlaceRow(Guid UserId, string Name);

    private sealed record ClassRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public bool Archived { get; init; }
    }

    private static readonly Sql MembersSql = Sql.Portable(
        "SELECT u.id, u.display_name, u.email, u.national_id, u.disabled_at, u.created_by_institution_id, m.role " +
        "FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.institution_id = @institutionId");
    private static readonly Sql PlacesSql = Sql.Portable(
        "SELECT cm.user_id, c.name FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "WHERE c.institution_id = @institutionId AND c.archived_at IS NULL");
    private static readonly Sql ClassesSql = Sql.Portable(
        "SELECT id, name, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived FROM classes WHERE institution_id = @institutionId");

    public async Task<(List<RosterChange> Changes, List<RosterProblem> Problems)> PlanAsync(
        IReadOnlyList<RosterEntry> entries, bool disableAbsent, Guid actorId)
    {
        entries = RosterImport.Cleaned(entries);
        var problems = RosterFileCheck.Check(entries);
        var args = new { institutionId };
        var members = (await connection.QueryAsync<MemberRow>(db.Text(MembersSql), args, transaction))
            .GroupBy(m => m.Id).ToDictionary(g => g.Key, g => (Row: g.First(), Roles: g.Select(m => m.Role).ToHashSet()));
        var places = (await connection.QueryAsync<PlaceRow>(db.Text(PlacesSql), args, transaction))
            .GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => g.Select(p => p.Name).Order(ClassNameOrder.Instance).ToList());
        var classes = new Dictionary<string, ClassRow>(StringComparer.Ordinal);
        foreach (var c in (await connection.QueryAsync<ClassRow>(db.Text(ClassesSql), args, transaction)).OrderBy(c => c.Id))
            classes.TryAdd(PersonText.Key(c.Name), c);

        var resolver = new RosterResolver(db, institutionId, connection, transaction);
        var changes = new List<RosterChange>();
        var seen = new HashSet<(Guid?, string, int)>();
        var newLogins = new HashSet<string>(StringComparer.Ordinal);
        var matched = new HashSet<Guid>();
        void Add(RosterChange change)
        {
            if (seen.Add((change.UserId, change.Kind, change.UserId is null ? change.Line : 0))) changes.Add(change);
        }

        foreach (var e in entries)
        {
            var byEmail = e.Email is null ? null : await resolver.FindAsync(e.Email);
            var byNationalId = e.NationalId is null ? null : await resolver.FindAsync(e.NationalId);
            if (byEmail is not null && byNationalId is not null && byEmail != byNationalId)
            {
                problems.Add(new RosterProblem(e.Line, "national_id", "identity-conflict",
                    "The e-mail and the national identifier belong to two different people already registered."));
                continue;
            }
            var userId = byNationalId ?? byEmail;
            if (userId is null)
            {
                var logins = new[] { e.Email is null ? null : RosterResolver.Login(e.Email), e.NationalId }.OfType<string>().ToList();
                if (!logins.Any(newLogins.Contains)) Add(new RosterChange(RosterChangeKinds.New, e.Line, null, e.FullName, e.Role, null, ClassTo(e)));
                newLogins.UnionWith(logins);
                continue;
            }
            if (!members.TryGetValue(userId.Value, out var member))
            {
                // Not one of this institution's people yet: they join as in an ordinary import, under its rules.
                var before = problems.Count;
                await resolver.ResolveAsync([e], problems);
                if (problems.Count == before) Add(new RosterChange(RosterChangeKinds.RoleAdded, e.Line, userId, e.FullName, e.Role, null, e.Role));
                continue;
            }
            matched.Add(userId.Value);
            var row = member.Row;
            var identity = new List<RosterChange>();
            if (row.DisplayName != e.FullName)
                identity.Add(new RosterChange(RosterChangeKinds.Renamed, e.Line, userId, e.FullName, e.Role, row.DisplayName, e.FullName));
            if (e.Email is not null && UserRepository.NormalizeEmail(e.Email) != row.Email)
                identity.Add(new RosterChange(RosterChangeKinds.Email, e.Line, userId, e.FullName, e.Role, row.Email, UserRepository.NormalizeEmail(e.Email)));
            if (e.NationalId is not null && e.NationalId != row.NationalId)
                identity.Add(new RosterChange(RosterChangeKinds.NationalId, e.Line, userId, e.FullName, e.Role, row.NationalId, e.NationalId));
            if (identity.Count > 0 && row.CreatedByInstitutionId != institutionId)
            {
                var field = identity[0].Kind switch { RosterChangeKinds.Renamed => "full_name", RosterChangeKinds.Email => "email", _ => "national_id" };
                problems.Add(new RosterProblem(e.Line, field, "not-made-here",
                    "This account was not made by this institution; only its owner or a platform administrator changes who it is."));
                continue;
            }
            identity.ForEach(Add);
            if (!member.Roles.Contains(e.Role))
                Add(new RosterChange(RosterChangeKinds.RoleAdded, e.Line, userId, e.FullName, e.Role, null, e.Role));
            if (e.Role == Roles.Student && e.ClassName is not null)
            {
                var now = places.GetValueOrDefault(userId.Value) ?? [];
                var key = PersonText.Key(e.ClassName);
                if (now.Count != 1 || PersonText.Key(now[0]) != key)
                {
                    if (classes.TryGetValue(key, out var target) && target.Archived)
                        problems.Add(new RosterProblem(e.Line, "class", "class-archived", $"The class {target.Name} is archived; restore it first.")
                        {
                            Params = new Dictionary<string, string> { ["value"] = target.Name },
                        });
                    else
                        Add(new RosterChange(RosterChangeKinds.Moved, e.Line, userId, e.FullName, e.Role,
                            now.Count == 0 ? null : string.Join(", ", now), ClassTo(e)));
                }
            }
        }
        await resolver.CheckChildrenAsync(entries, entries, problems);

        if (disableAbsent)
        {
            // Admins are never disabled by a file (nor the admin applying it), and only people this institution made.
            foreach (var (id, member) in members)
                if (!matched.Contains(id) && id != actorId && member.Row.DisabledAt is null && !member.Roles.Contains(Roles.Admin)
                    && member.Row.CreatedByInstitutionId == institutionId)
                    Add(new RosterChange(RosterChangeKinds.Disabled, 0, id, member.Row.DisplayName,
                        member.Roles.OrderBy(r => r, StringComparer.Ordinal).First(), null, null));
        }
        return (Ordered(changes), problems.OrderBy(p => p.Line).ThenBy(p => p.Field, StringComparer.Ordinal).ToList());

        string? ClassTo(RosterEntry e) =>
            e.ClassName is null ? null : classes.TryGetValue(PersonText.Key(e.ClassName), out var c) ? c.Name : e.ClassName;
    }

    private static List<RosterChange> Ordered(List<RosterChange> changes) =>
        changes.OrderBy(c => Array.IndexOf(RosterChangeKinds.All, c.Kind)).ThenBy(c => c.Line)
            .ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.UserId).ToList();

    /// <summary>
    /// What the admin confirms: a hash of every change with its before and after. Computed again when the preview
    /// is confirmed, so a confirmation applies exactly what was shown, or nothing when the people changed meanwhile.
    /// </summary>
    public static string Hash(IReadOnlyList<RosterChange> changes) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(changes, JsonSerializerOptions.Web))));
}
