using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using static Lms.Grains.Institutions.OneRosterImport;

namespace Lms.Grains.Institutions;

/// <summary>A school's roster as OneRoster rows, with who is disabled (users.csv's enabledUser).</summary>
public sealed record OneRosterExportSet(OneRosterSet Set, IReadOnlySet<string> DisabledUsers);

/// <summary>
/// An institution's roster as OneRoster 1.2 rows: the school, its school years and terms, a course and a class for each
/// class, its people with their roles, the class members (students and teachers) and the families (agentSourcedIds on
/// both sides). What came from a student information system keeps that system's sourcedId; the rest is named by Lms's
/// own id, so the same thing has the same sourcedId in every export.
/// </summary>
public sealed class OneRosterExport(Db db, TimeProvider clock)
{
    private static readonly Sql MapSql = Sql.Portable(
        "SELECT kind, sourced_id, local_id, detail FROM oneroster_ids WHERE institution_id = @institutionId");
    private static readonly Sql SchoolSql = Sql.Portable("SELECT name, code FROM institutions WHERE id = @institutionId");
    private static readonly Sql PeopleSql = Sql.Portable(
        "SELECT m.user_id, m.role, u.display_name, u.email, u.national_id, u.disabled_at FROM memberships m " +
        "JOIN users u ON u.id = m.user_id WHERE m.institution_id = @institutionId");
    private static readonly Sql ClassesSql = Sql.Portable(
        "SELECT id, name FROM classes WHERE institution_id = @institutionId AND archived_at IS NULL");
    private static readonly Sql ClassMembersSql = Sql.Portable(
        "SELECT cm.class_id, cm.user_id FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "WHERE c.institution_id = @institutionId AND c.archived_at IS NULL");
    private static readonly Sql FamiliesSql = Sql.Portable(
        "SELECT DISTINCT pl.parent_id, pl.student_id FROM parent_links pl " +
        "JOIN memberships mp ON mp.user_id = pl.parent_id AND mp.institution_id = @institutionId AND mp.role = 'parent' " +
        "JOIN memberships ms ON ms.user_id = pl.student_id AND ms.institution_id = @institutionId AND ms.role = 'student'");
    private static readonly Sql YearsSql = Sql.Portable(
        "SELECT y.id AS year_id, y.name AS year_name, t.id AS term_id, t.number, t.starts_on, t.ends_on FROM school_years y " +
        "LEFT JOIN school_terms t ON t.school_year_id = y.id WHERE y.institution_id = @institutionId");

    private sealed record Remembered
    {
        public string Kind { get; init; } = "";
        public string SourcedId { get; init; } = "";
        public Guid LocalId { get; init; }
        public string? Detail { get; init; }
    }
    private sealed record School
    {
        public string Name { get; init; } = "";
        public string? Code { get; init; }
    }
    private sealed record Member
    {
        public Guid UserId { get; init; }
        public string Role { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public DateTimeOffset? DisabledAt { get; init; }
    }
    private sealed record ClassRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
    }
    private sealed record ClassMember
    {
        public Guid ClassId { get; init; }
        public Guid UserId { get; init; }
    }
    private sealed record Family
    {
        public Guid ParentId { get; init; }
        public Guid StudentId { get; init; }
    }
    private sealed record YearTerm
    {
        public Guid YearId { get; init; }
        public string YearName { get; init; } = "";
        public Guid? TermId { get; init; }
        public int? Number { get; init; }
        public string? StartsOn { get; init; }
        public string? EndsOn { get; init; }
    }

    public async Task<OneRosterExportSet> ExportAsync(Guid institutionId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var args = new { institutionId };
        var remembered = (await connection.QueryAsync<Remembered>(db.Text(MapSql), args)).ToList();
        var school = await connection.QuerySingleAsync<School>(db.Text(SchoolSql), args);
        var members = (await connection.QueryAsync<Member>(db.Text(PeopleSql), args)).ToList();
        var classes = (await connection.QueryAsync<ClassRow>(db.Text(ClassesSql), args)).ToList();
        var classMembers = (await connection.QueryAsync<ClassMember>(db.Text(ClassMembersSql), args)).ToList();
        var families = (await connection.QueryAsync<Family>(db.Text(FamiliesSql), args)).ToList();
        var yearTerms = (await connection.QueryAsync<YearTerm>(db.Text(YearsSql), args)).ToList();

        string Sid(string kind, Guid localId) =>
            remembered.Where(r => r.Kind == kind && r.LocalId == localId).Select(r => r.SourcedId).Order(StringComparer.Ordinal).FirstOrDefault()
            ?? localId.ToString("D");
        var schoolId = Sid(OrgKind, institutionId);
        var orgs = new List<OneRosterOrg> { new(0, schoolId, school.Name, "school", school.Code, null) };

        var (sessions, classTerms, yearSid) = Sessions(yearTerms, institutionId, Sid);

        var courses = new List<OneRosterCourse>();
        var classRows = new List<OneRosterClass>();
        foreach (var c in classes.OrderBy(c => c.Name, ClassNameOrder.Instance))
        {
            var sid = Sid(ClassKind, c.Id);
            var courseSid = remembered.FirstOrDefault(r => r.Kind == ClassKind && r.LocalId == c.Id)?.Detail ?? $"lms-course-{c.Id:D}";
            if (courses.All(x => x.SourcedId != courseSid))
            {
                var title = remembered.FirstOrDefault(r => r.Kind == CourseKind && r.SourcedId == courseSid)?.Detail ?? c.Name;
                courses.Add(new OneRosterCourse(0, courseSid, title, schoolId, yearSid));
            }
            classRows.Add(new OneRosterClass(0, sid, c.Name, courseSid, "homeroom", schoolId, classTerms));
        }

        var people = members.GroupBy(m => m.UserId).OrderBy(g => g.First().DisplayName, PersonNameOrder.GivenNameFirst).ToList();
        var userSid = people.ToDictionary(g => g.Key, g => Sid(UserKind, g.Key));
        var agents = new Dictionary<Guid, List<string>>();
        foreach (var f in families)
        {
            (agents.TryGetValue(f.ParentId, out var a) ? a : agents[f.ParentId] = []).Add(userSid[f.StudentId]);
            (agents.TryGetValue(f.StudentId, out var b) ? b : agents[f.StudentId] = []).Add(userSid[f.ParentId]);
        }
        var users = new List<OneRosterUser>();
        var roles = new List<OneRosterRole>();
        var disabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var person in people)
        {
            var p = person.First();
            var sid = userSid[p.UserId];
            var (family, middle, given) = SplitName(p.DisplayName);
            users.Add(new OneRosterUser(0, sid, p.DisabledAt is null, p.Email ?? p.NationalId ?? sid, given, family, middle,
                p.NationalId, p.Email, agents.TryGetValue(p.UserId, out var a) ? a.Order(StringComparer.Ordinal).ToList() : [], schoolId));
            if (p.DisabledAt is not null) disabled.Add(sid);
            // One primary role per person, the others secondary: a teacher who is also a parent is primarily a teacher.
            var ordered = person.Select(m => m.Role).OrderBy(RolePriority).ToList();
            for (var i = 0; i < ordered.Count; i++)
                roles.Add(new OneRosterRole(0, $"{sid}-{ordered[i]}", sid, i == 0 ? "primary" : "secondary",
                    OneRosterVocabulary.ExportRole(ordered[i]), schoolId));
        }

        var rolesByUser = members.GroupBy(m => m.UserId).ToDictionary(g => g.Key, g => g.Select(m => m.Role).ToHashSet());
        var enrollments = new List<OneRosterEnrollment>();
        foreach (var m in classMembers.Where(m => rolesByUser.ContainsKey(m.UserId)))
        {
            // A class place is a student's, or (the roster CSV's class column for a teacher) the teacher's who teaches it.
            var role = rolesByUser[m.UserId].Contains(Roles.Student) ? Roles.Student
                : rolesByUser[m.UserId].Contains(Roles.Teacher) ? Roles.Teacher : null;
            if (role is null) continue;
            var classSid = Sid(ClassKind, m.ClassId);
            enrollments.Add(new OneRosterEnrollment(0, $"{classSid}-{userSid[m.UserId]}-{role}", classSid, schoolId, userSid[m.UserId], role,
                role == Roles.Teacher));
        }
        enrollments = enrollments.OrderBy(e => e.ClassSourcedId, StringComparer.Ordinal).ThenBy(e => e.SourcedId, StringComparer.Ordinal).ToList();
        return new OneRosterExportSet(new OneRosterSet(orgs, sessions, courses, classRows, users, roles, enrollments), disabled);
    }

    private static int RolePriority(string role) => role switch
    {
        Roles.Admin => 0, Roles.Teacher => 1, Roles.Student => 2, _ => 3,
    };

    /// <summary>
    /// The school years (with their terms) as sessions, and which of them a class is in: the latest year's terms (or
    /// the year itself when it has none). A school with no school year yet gets one for the current school year, from
    /// September to May, named by the institution so that it stays the same through the year.
    /// </summary>
    private (List<OneRosterSession> Sessions, List<string> ClassTerms, string YearSid) Sessions(
        List<YearTerm> rows, Guid institutionId, Func<string, Guid, string> sid)
    {
        var sessions = new List<OneRosterSession>();
        var years = rows.GroupBy(r => r.YearId).Select(g => (Id: g.Key, Name: g.First().YearName, Terms: g.Where(t => t.TermId is not null).OrderBy(t => t.Number).ToList()))
            .OrderBy(y => y.Name, StringComparer.Ordinal).ToList();
        if (years.Count == 0)
        {
            var today = clock.GetUtcNow();
            var end = today.Month >= 8 ? today.Year + 1 : today.Year;
            var id = $"lms-year-{institutionId:D}-{end}";
            sessions.Add(new OneRosterSession(0, id, $"{end - 1}-{end}", "schoolYear", $"{end - 1}-09-01", $"{end}-05-31", null, end.ToString()));
            return (sessions, [id], id);
        }
        List<string> classTerms = [];
        var latestSid = "";
        foreach (var year in years)
        {
            var yearSid = sid(SessionKind, year.Id);
            var endYear = EndYear(year.Name, year.Terms);
            var start = year.Terms.Select(t => t.StartsOn!).Order(StringComparer.Ordinal).FirstOrDefault() ?? $"{endYear - 1}-09-01";
            var finish = year.Terms.Select(t => t.EndsOn!).Order(StringComparer.Ordinal).LastOrDefault() ?? $"{endYear}-05-31";
            sessions.Add(new OneRosterSession(0, yearSid, year.Name, "schoolYear", start, finish, null, endYear.ToString()));
            var terms = year.Terms.Select(t => new OneRosterSession(0, sid(SessionKind, t.TermId!.Value), $"{year.Name} HK{t.Number}", "term",
                t.StartsOn!, t.EndsOn!, yearSid, endYear.ToString())).ToList();
            sessions.AddRange(terms);
            classTerms = terms.Count > 0 ? terms.Select(t => t.SourcedId).ToList() : [yearSid];
            latestSid = yearSid;
        }
        return (sessions, classTerms, latestSid);
    }

    /// <summary>The calendar year a school year ends in (OneRoster's schoolYear): the last 4-digit number of its name, else of its last term.</summary>
    private int EndYear(string name, List<YearTerm> terms)
    {
        var digits = System.Text.RegularExpressions.Regex.Matches(name, @"\d{4}");
        if (digits.Count > 0) return int.Parse(digits[^1].Value);
        return terms.LastOrDefault()?.EndsOn is { Length: >= 4 } end ? int.Parse(end[..4]) : clock.GetUtcNow().Year;
    }

    /// <summary>"Nguyễn Văn An": family name first, given name last, the words between as middle name.</summary>
    public static (string Family, string? Middle, string Given) SplitName(string displayName)
    {
        var words = PersonText.Clean(displayName).Split(' ');
        return words.Length switch
        {
            1 => (words[0], null, words[0]),
            2 => (words[0], null, words[1]),
            _ => (words[0], string.Join(' ', words[1..^1]), words[^1]),
        };
    }
}
