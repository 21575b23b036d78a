using System.Data.Common;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using static Lms.Grains.Institutions.OneRosterVocabulary;

namespace Lms.Grains.Institutions;

public sealed record OneRosterOutcome(
    int PeopleCreated, int PeopleJoined, int PeopleRenamed, int RolesAdded, int ClassesCreated, int ClassesRenamed,
    int ClassMembershipsAdded, int ParentLinksAdded, int SessionsLinked);

/// <summary>
/// Applies a checked OneRoster file set to one institution, all of it or nothing, in one transaction. People, classes,
/// sessions and the school are found again by their sourcedId (<c>oneroster_ids</c>), so a second import of the same
/// files changes nothing and a changed name renames the one person or class. A person not seen before joins an account
/// by e-mail or national ID under the roster import's rules (never two people merged, never an unclaimed account made
/// elsewhere); everyone else is created without a password (they sign in with a slip or a reset, as after a roster import).
/// </summary>
public sealed class OneRosterImport(Db db, UserRepository users, TimeProvider clock)
{
    private Db Database => db;
    private UserRepository People => users;
    private TimeProvider Clock => clock;

    internal const string UserKind = "user", ClassKind = "class", CourseKind = "course", SessionKind = "session", OrgKind = "org";

    private static readonly Sql MapSql = Sql.Portable(
        "SELECT kind, sourced_id, local_id, detail FROM oneroster_ids WHERE institution_id = @institutionId");
    private static readonly Sql RememberSql = Sql.PerDialect(d => d.InsertIgnore(
        "oneroster_ids", ["institution_id", "kind", "sourced_id", "local_id", "detail"],
        ["@institutionId", "@kind", "@sourcedId", "@localId", "@detail"], ["institution_id", "kind", "sourced_id"]));
    private static readonly Sql FindByEmailSql = Sql.Portable("SELECT id FROM users WHERE email = @value");
    private static readonly Sql FindByNationalIdSql = Sql.Portable("SELECT id FROM users WHERE national_id = @value");
    private static readonly Sql AccountSql = Sql.Portable(
        "SELECT id, email, national_id, display_name, claimed_at, created_by_institution_id FROM users WHERE id = @id");
    private static readonly Sql RenameSql = Sql.Portable("UPDATE users SET display_name = @name, search_name = @searchName WHERE id = @id");
    private static readonly Sql ClassesSql = Sql.Portable("SELECT id, name FROM classes WHERE institution_id = @institutionId");
    private static readonly Sql InsertClassSql = Sql.Portable("INSERT INTO classes (id, institution_id, name) VALUES (@id, @institutionId, @name)");
    private static readonly Sql RenameClassSql = Sql.Portable("UPDATE classes SET name = @name WHERE id = @id AND institution_id = @institutionId");
    private static readonly Sql AddClassMemberSql = Sql.PerDialect(d => d.InsertIgnore(
        "class_members", ["class_id", "user_id"], ["@classId", "@userId"], ["class_id", "user_id"]));
    private static readonly Sql AddParentLinkSql = Sql.PerDialect(d => d.InsertIgnore(
        "parent_links", ["parent_id", "student_id"], ["@parentId", "@studentId"], ["parent_id", "student_id"]));
    private static readonly Sql YearsSql = Sql.Portable("SELECT id, name FROM school_years WHERE institution_id = @institutionId");
    private static readonly Sql TermsSql = Sql.Portable(
        "SELECT t.id, t.school_year_id, t.number FROM school_terms t JOIN school_years y ON y.id = t.school_year_id WHERE y.institution_id = @institutionId");

    private sealed record Remembered
    {
        public string Kind { get; init; } = "";
        public string SourcedId { get; init; } = "";
        public Guid LocalId { get; init; }
        public string? Detail { get; init; }
    }
    private sealed record Account
    {
        public Guid Id { get; init; }
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string DisplayName { get; init; } = "";
        public DateTimeOffset? ClaimedAt { get; init; }
        public Guid? CreatedByInstitutionId { get; init; }
    }
    private sealed record ExistingClass
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
    }
    private sealed record Year
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
    }
    private sealed record Term
    {
        public Guid Id { get; init; }
        public Guid SchoolYearId { get; init; }
        public int Number { get; init; }
    }

    /// <summary>A person of the file as it will be written: the account it is (null: new), and whether the name changes.</summary>
    private sealed record PersonPlan(OneRosterUser User, IReadOnlyList<string> Roles, Guid? ExistingId, bool Rename, bool Remembered);

    private sealed record ClassPlan(OneRosterClass Class, Guid? ExistingId, bool Rename, bool Remembered);

    public async Task<(OneRosterOutcome? Outcome, IReadOnlyList<OneRosterProblem> Problems, IReadOnlyList<OneRosterNotice> Notices)> ApplyAsync(
        Guid institutionId, OneRosterSet set, CancellationToken cancellationToken = default)
    {
        var problems = OneRosterCheck.Check(set);
        var notices = new List<OneRosterNotice>();
        if (problems.Count > 0) return (null, problems, notices);
        var school = set.Orgs.Single(o => o.Type == "school");
        var rolesOf = RolesInSchool(set, school.SourcedId, notices);

        var outcome = await db.InTransactionAsync(async (connection, transaction) =>
        {
            var map = (await connection.QueryAsync<Remembered>(db.Text(MapSql), new { institutionId }, transaction))
                .ToDictionary(r => (r.Kind, r.SourcedId));
            if (map.Values.FirstOrDefault(r => r.Kind == OrgKind && r.SourcedId != school.SourcedId) is { } other)
                problems.Add(OneRosterCheck.Problem(OrgsFile, school.Line, "sourcedId", "other-school-imported",
                    $"This institution was imported from the school {other.SourcedId}; a file set of another school is not mixed in.",
                    ("value", other.SourcedId)));

            var people = await PlanPeopleAsync(institutionId, set, rolesOf, map, problems, notices, connection, transaction);
            var classes = await PlanClassesAsync(institutionId, set, map, problems, connection, transaction);
            if (problems.Count > 0) return null;

            var writer = new Writer(this, institutionId, connection, transaction);
            await writer.RememberAsync(OrgKind, school.SourcedId, institutionId, null);
            var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
            foreach (var person in people) ids[person.User.SourcedId] = await writer.PersonAsync(person);
            var classIds = new Dictionary<string, Guid>(StringComparer.Ordinal);
            var courseTitles = set.Courses.ToDictionary(c => c.SourcedId, c => c.Title, StringComparer.Ordinal);
            foreach (var plan in classes) classIds[plan.Class.SourcedId] = await writer.ClassAsync(plan, courseTitles[plan.Class.CourseSourcedId]);
            foreach (var e in set.Enrollments)
            {
                var role = e.Role switch { "student" => Roles.Student, "teacher" => Roles.Teacher, _ => null };
                if (role is null || !ids.TryGetValue(e.UserSourcedId, out var userId)) continue;
                await writer.MembershipAsync(userId, role);
                await writer.ClassMemberAsync(classIds[e.ClassSourcedId], userId);
            }
            var lmsRoles = people.ToDictionary(p => p.User.SourcedId, p => p.Roles, StringComparer.Ordinal);
            foreach (var u in set.Users.Where(u => ids.ContainsKey(u.SourcedId)))
            foreach (var agent in u.AgentSourcedIds.Where(ids.ContainsKey))
            {
                // agentSourcedIds names the other side of the family from either end: a parent's children, a child's parents.
                if (lmsRoles[u.SourcedId].Contains(Roles.Parent) && lmsRoles[agent].Contains(Roles.Student))
                    await writer.ParentLinkAsync(ids[u.SourcedId], ids[agent]);
                else if (lmsRoles[u.SourcedId].Contains(Roles.Student) && lmsRoles[agent].Contains(Roles.Parent))
                    await writer.ParentLinkAsync(ids[agent], ids[u.SourcedId]);
            }
            var sessionsLinked = await LinkSessionsAsync(institutionId, set, map, writer, notices, connection, transaction);
            return writer.Outcome(sessionsLinked);
        }, cancellationToken);
        return (outcome, OneRosterCheck.Ordered(problems), notices);
    }

    /// <summary>Each user's Lms roles in the school: from roles.csv (rows of this school) and from their enrollments.</summary>
    private static Dictionary<string, List<string>> RolesInSchool(OneRosterSet set, string school, List<OneRosterNotice> notices)
    {
        var roles = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string user, string role)
        {
            var list = roles.TryGetValue(user, out var l) ? l : roles[user] = [];
            if (!list.Contains(role)) list.Add(role);
        }
        var ignored = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var r in set.Roles.Where(r => r.OrgSourcedId == school))
        {
            if (LmsRole(r.Role) is { } role) Add(r.UserSourcedId, role);
            else ignored.Add(r.Role);
        }
        foreach (var e in set.Enrollments)
        {
            if (e.Role is "student" or "teacher") Add(e.UserSourcedId, e.Role);
            else ignored.Add(e.Role);
        }
        if (ignored.Count > 0) notices.Add(Notice("roles-ignored", ("roles", string.Join(", ", ignored))));
        var without = set.Users.Where(u => !roles.ContainsKey(u.SourcedId)).ToList();
        if (without.Count > 0)
            notices.Add(Notice("users-without-role", ("count", without.Count.ToString()),
                ("lines", string.Join(", ", without.Take(20).Select(u => u.Line)))));
        return roles;
    }

    private async Task<List<PersonPlan>> PlanPeopleAsync(
        Guid institutionId, OneRosterSet set, Dictionary<string, List<string>> rolesOf, Dictionary<(string, string), Remembered> map,
        List<OneRosterProblem> problems, List<OneRosterNotice> notices, DbConnection connection, DbTransaction transaction)
    {
        var plans = new List<PersonPlan>();
        var namesKept = 0;
        foreach (var u in set.Users)
        {
            if (!rolesOf.TryGetValue(u.SourcedId, out var roles)) continue;
            var byEmail = u.Email is null ? null : await FindAsync(FindByEmailSql, UserRepository.NormalizeEmail(u.Email), connection, transaction);
            var byId = u.NationalId is null ? null : await FindAsync(FindByNationalIdSql, u.NationalId, connection, transaction);
            OneRosterProblem Conflict(string column, string code, string message) => OneRosterCheck.Problem(UsersFile, u.Line, column, code, message);

            if (map.TryGetValue((UserKind, u.SourcedId), out var known))
            {
                if (byEmail is not null && byEmail != known.LocalId)
                    problems.Add(Conflict("email", "identity-conflict", "This e-mail belongs to another person than this sourcedId."));
                else if (byId is not null && byId != known.LocalId)
                    problems.Add(Conflict("identifier", "identity-conflict", "This national ID belongs to another person than this sourcedId."));
                else
                {
                    var account = await AccountAsync(known.LocalId, connection, transaction);
                    var renamed = PersonText.Key(account.DisplayName) != PersonText.Key(u.DisplayName) || account.DisplayName != u.DisplayName;
                    // A person's own account (one they brought, not one this school made) keeps the name they gave it.
                    var mayRename = account.CreatedByInstitutionId == institutionId;
                    if (renamed && !mayRename) namesKept++;
                    plans.Add(new PersonPlan(u, roles, known.LocalId, renamed && mayRename, true));
                }
                continue;
            }
            if (byEmail is not null && byId is not null && byEmail != byId)
            {
                problems.Add(Conflict("identifier", "identity-conflict",
                    "The e-mail and the national ID belong to two different people already registered."));
                continue;
            }
            var existing = byEmail ?? byId;
            if (existing is null)
            {
                plans.Add(new PersonPlan(u, roles, null, false, false));
                continue;
            }
            var found = await AccountAsync(existing.Value, connection, transaction);
            if ((u.Email is not null && found.Email is not null && UserRepository.NormalizeEmail(u.Email) != found.Email)
                || (u.NationalId is not null && found.NationalId is not null && u.NationalId != found.NationalId))
                problems.Add(Conflict(byEmail is null ? "email" : "identifier", "identity-conflict",
                    "This person is already registered with a different e-mail or national ID."));
            else if (byEmail is null && PersonText.Key(found.DisplayName) != PersonText.Key(u.DisplayName))
                problems.Add(Conflict("identifier", "id-registered-other-name",
                    $"The national ID {u.NationalId} is already registered for a person with another name.") with
                {
                    Params = new Dictionary<string, string> { ["value"] = u.NationalId! },
                });
            else if (found.ClaimedAt is null && found.CreatedByInstitutionId != institutionId)
                problems.Add(Conflict(byEmail is not null ? "email" : "identifier", "unclaimed-account",
                    "This person has an account made elsewhere that its owner has not claimed yet."));
            else plans.Add(new PersonPlan(u, roles, existing, false, false));
        }
        if (namesKept > 0) notices.Add(Notice("names-kept", ("count", namesKept.ToString())));
        return plans;
    }

    private async Task<List<ClassPlan>> PlanClassesAsync(
        Guid institutionId, OneRosterSet set, Dictionary<(string, string), Remembered> map, List<OneRosterProblem> problems,
        DbConnection connection, DbTransaction transaction)
    {
        var existing = (await connection.QueryAsync<ExistingClass>(db.Text(ClassesSql), new { institutionId }, transaction)).ToList();
        var byKey = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var c in existing.OrderBy(c => c.Id)) byKey.TryAdd(PersonText.Key(c.Name), c.Id);
        var plans = new List<ClassPlan>();
        foreach (var c in set.Classes)
        {
            var key = PersonText.Key(c.Title);
            if (map.TryGetValue((ClassKind, c.SourcedId), out var known) && existing.FirstOrDefault(e => e.Id == known.LocalId) is { } current)
            {
                var renamed = current.Name != PersonText.Clean(c.Title);
                if (renamed && byKey.TryGetValue(key, out var holder) && holder != current.Id)
                    problems.Add(OneRosterCheck.Problem(ClassesFile, c.Line, "title", "class-name-taken",
                        $"Another class of the school is already called {c.Title}.", ("value", c.Title)));
                else plans.Add(new ClassPlan(c, current.Id, renamed, true));
                continue;
            }
            // A class of that name already there (typed by hand, or from the roster CSV) is the one the SIS means.
            plans.Add(new ClassPlan(c, byKey.TryGetValue(key, out var same) ? same : null, false, false));
        }
        return plans;
    }

    /// <summary>
    /// A schoolYear session is the Lms school year whose name ends with its year ("2025-2026" for 2026); its terms and
    /// semesters are that year's terms in the order they start. Lms does not create school years from the file.
    /// </summary>
    private async Task<int> LinkSessionsAsync(
        Guid institutionId, OneRosterSet set, Dictionary<(string, string), Remembered> map, Writer writer, List<OneRosterNotice> notices,
        DbConnection connection, DbTransaction transaction)
    {
        var years = (await connection.QueryAsync<Year>(db.Text(YearsSql), new { institutionId }, transaction)).ToList();
        var terms = (await connection.QueryAsync<Term>(db.Text(TermsSql), new { institutionId }, transaction)).ToList();
        var linked = 0;
        var unmatched = new List<string>();
        var yearOf = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var s in set.Sessions.Where(s => s.Type == "schoolYear"))
        {
            var year = years.FirstOrDefault(y => y.Name.Trim().EndsWith(s.SchoolYear, StringComparison.Ordinal));
            if (year is null) { unmatched.Add(s.Title); continue; }
            yearOf[s.SourcedId] = year.Id;
            if (!map.ContainsKey((SessionKind, s.SourcedId)) && await writer.RememberAsync(SessionKind, s.SourcedId, year.Id, s.Type)) linked++;
        }
        foreach (var group in set.Sessions.Where(s => s.Type is "term" or "semester" && s.ParentSourcedId is not null).GroupBy(s => s.ParentSourcedId!))
        {
            var ordered = group.OrderBy(s => s.StartDate, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var term = yearOf.TryGetValue(group.Key, out var yearId) ? terms.FirstOrDefault(t => t.SchoolYearId == yearId && t.Number == i + 1) : null;
                if (term is null) { unmatched.Add(ordered[i].Title); continue; }
                if (!map.ContainsKey((SessionKind, ordered[i].SourcedId))
                    && await writer.RememberAsync(SessionKind, ordered[i].SourcedId, term.Id, ordered[i].Type)) linked++;
            }
        }
        if (unmatched.Count > 0) notices.Add(Notice("sessions-unmatched", ("titles", string.Join(", ", unmatched.Take(10)))));
        return linked;
    }

    private async Task<Guid?> FindAsync(Sql sql, string value, DbConnection connection, DbTransaction transaction) =>
        await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(sql), new { value }, transaction);

    private async Task<Account> AccountAsync(Guid id, DbConnection connection, DbTransaction transaction) =>
        await connection.QuerySingleAsync<Account>(db.Text(AccountSql), new { id }, transaction);

    private static OneRosterNotice Notice(string code, params (string Key, string Value)[] parameters) =>
        new(code, parameters.ToDictionary(p => p.Key, p => p.Value));

    /// <summary>The writes of one import, counted as they change something.</summary>
    private sealed class Writer(OneRosterImport import, Guid institutionId, DbConnection connection, DbTransaction transaction)
    {
        private readonly Db _db = import.Database;
        private int _created, _joined, _renamed, _roles, _classesCreated, _classesRenamed, _members, _links;

        public OneRosterOutcome Outcome(int sessionsLinked) =>
            new(_created, _joined, _renamed, _roles, _classesCreated, _classesRenamed, _members, _links, sessionsLinked);

        public async Task<bool> RememberAsync(string kind, string sourcedId, Guid localId, string? detail) =>
            await connection.ExecuteAsync(_db.Text(RememberSql), new { institutionId, kind, sourcedId, localId, detail }, transaction) > 0;

        public async Task<Guid> PersonAsync(PersonPlan plan)
        {
            var u = plan.User;
            var id = plan.ExistingId ?? Guid.CreateVersion7();
            if (plan.ExistingId is null)
            {
                await import.People.InsertAsync(new NewUser(id, u.Email, u.NationalId, u.DisplayName, "", CreatedByInstitutionId: institutionId),
                    connection, transaction);
                _created++;
            }
            else if (!plan.Remembered) _joined++;
            if (plan.Rename)
            {
                await connection.ExecuteAsync(_db.Text(RenameSql), new { id, name = u.DisplayName, searchName = SearchText.Fold(u.DisplayName) }, transaction);
                _renamed++;
            }
            foreach (var role in plan.Roles) await MembershipAsync(id, role);
            if (!plan.Remembered) await RememberAsync(UserKind, u.SourcedId, id, null);
            return id;
        }

        public async Task<Guid> ClassAsync(ClassPlan plan, string courseTitle)
        {
            var c = plan.Class;
            var id = plan.ExistingId ?? Guid.CreateVersion7();
            var name = PersonText.Clean(c.Title);
            if (plan.ExistingId is null)
            {
                await connection.ExecuteAsync(_db.Text(InsertClassSql), new { id, institutionId, name }, transaction);
                _classesCreated++;
            }
            else if (plan.Rename)
            {
                await connection.ExecuteAsync(_db.Text(RenameClassSql), new { id, institutionId, name }, transaction);
                _classesRenamed++;
            }
            if (!plan.Remembered) await RememberAsync(ClassKind, c.SourcedId, id, c.CourseSourcedId);
            await RememberAsync(CourseKind, c.CourseSourcedId, id, courseTitle.Length > 255 ? courseTitle[..255] : courseTitle);
            return id;
        }

        public async Task MembershipAsync(Guid userId, string role) =>
            _roles += await connection.ExecuteAsync(_db.Text(InstitutionRepository.AddMembership),
                new { institutionId, userId, role, createdAt = import.Clock.GetUtcNow() }, transaction) > 0 ? 1 : 0;

        public async Task ClassMemberAsync(Guid classId, Guid userId) =>
            _members += await connection.ExecuteAsync(_db.Text(AddClassMemberSql), new { classId, userId }, transaction) > 0 ? 1 : 0;

        public async Task ParentLinkAsync(Guid parentId, Guid studentId) =>
            _links += await connection.ExecuteAsync(_db.Text(AddParentLinkSql), new { parentId, studentId }, transaction) > 0 ? 1 : 0;
    }
}
