using Lms.Grains.Identity;
using static Lms.Grains.Institutions.OneRosterVocabulary;

namespace Lms.Grains.Institutions;

/// <summary>
/// What a OneRoster file set must hold across its files before anything is written: every sourcedId once per file,
/// one school (the institution), every reference to a row that is there, and each person with a way to sign in.
/// </summary>
public static class OneRosterCheck
{
    public static List<OneRosterProblem> Check(OneRosterSet set)
    {
        var problems = new List<OneRosterProblem>();
        var orgs = Unique(set.Orgs, OrgsFile, o => o.SourcedId, o => o.Line, problems);
        var sessions = Unique(set.Sessions, SessionsFile, s => s.SourcedId, s => s.Line, problems);
        var courses = Unique(set.Courses, CoursesFile, c => c.SourcedId, c => c.Line, problems);
        var classes = Unique(set.Classes, ClassesFile, c => c.SourcedId, c => c.Line, problems);
        var users = Unique(set.Users, UsersFile, u => u.SourcedId, u => u.Line, problems);
        Unique(set.Roles, RolesFile, r => r.SourcedId, r => r.Line, problems);
        Unique(set.Enrollments, EnrollmentsFile, e => e.SourcedId, e => e.Line, problems);

        var schools = set.Orgs.Where(o => o.Type == "school").ToList();
        if (schools.Count == 0)
            problems.Add(Problem(OrgsFile, 1, "type", "no-school", "The file set has no org of type school: Lms imports one school."));
        foreach (var extra in schools.Skip(1))
            problems.Add(Problem(OrgsFile, extra.Line, "type", "several-schools",
                "Lms imports one school at a time: this file set has more than one org of type school.", ("otherLine", schools[0].Line.ToString())));
        var school = schools.FirstOrDefault()?.SourcedId;

        void Reference(string file, int line, string column, string? value, IReadOnlyDictionary<string, int> known, string target)
        {
            if (!string.IsNullOrEmpty(value) && !known.ContainsKey(value))
                problems.Add(Problem(file, line, column, "unknown-reference", $"{value} is not a sourcedId in {target}.", ("value", value), ("target", target)));
        }
        void InSchool(string file, int line, string column, string value)
        {
            if (school is not null && orgs.ContainsKey(value) && value != school)
                problems.Add(Problem(file, line, column, "other-school", $"{value} is not the school this file set imports.", ("value", value)));
        }

        foreach (var o in set.Orgs) Reference(OrgsFile, o.Line, "parentSourcedId", o.ParentSourcedId, orgs, OrgsFile);
        foreach (var s in set.Sessions)
        {
            Reference(SessionsFile, s.Line, "parentSourcedId", s.ParentSourcedId, sessions, SessionsFile);
            if (string.CompareOrdinal(s.StartDate, s.EndDate) > 0)
                problems.Add(Problem(SessionsFile, s.Line, "endDate", "dates-reversed", "The session ends before it starts."));
        }
        foreach (var c in set.Courses)
        {
            Reference(CoursesFile, c.Line, "orgSourcedId", c.OrgSourcedId, orgs, OrgsFile);
            Reference(CoursesFile, c.Line, "schoolYearSourcedId", c.SchoolYearSourcedId, sessions, SessionsFile);
        }
        foreach (var c in set.Classes)
        {
            Reference(ClassesFile, c.Line, "courseSourcedId", c.CourseSourcedId, courses, CoursesFile);
            Reference(ClassesFile, c.Line, "schoolSourcedId", c.SchoolSourcedId, orgs, OrgsFile);
            InSchool(ClassesFile, c.Line, "schoolSourcedId", c.SchoolSourcedId);
            foreach (var term in c.TermSourcedIds) Reference(ClassesFile, c.Line, "termSourcedIds", term, sessions, SessionsFile);
        }
        var classNames = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in set.Classes)
            if (!classNames.TryAdd(Data.PersonText.Key(c.Title), c.Line))
                problems.Add(Problem(ClassesFile, c.Line, "title", "duplicate-class-title",
                    "Two classes have this title; Lms tells classes apart by name.", ("otherLine", classNames[Data.PersonText.Key(c.Title)].ToString())));

        var emails = new Dictionary<string, int>(StringComparer.Ordinal);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var u in set.Users)
        {
            foreach (var agent in u.AgentSourcedIds) Reference(UsersFile, u.Line, "agentSourcedIds", agent, users, UsersFile);
            Reference(UsersFile, u.Line, "primaryOrgSourcedId", u.PrimaryOrgSourcedId, orgs, OrgsFile);
            if (u.Email is null && u.NationalId is null)
                problems.Add(Problem(UsersFile, u.Line, "email", "login-required",
                    "Each person needs an e-mail, or a 12-digit national ID as identifier, to sign in with."));
            if (u.Email is not null && !emails.TryAdd(UserRepository.NormalizeEmail(u.Email), u.Line))
                problems.Add(Problem(UsersFile, u.Line, "email", "duplicate-email", "Two users have this e-mail.",
                    ("value", u.Email), ("otherLine", emails[UserRepository.NormalizeEmail(u.Email)].ToString())));
            if (u.NationalId is not null && !ids.TryAdd(u.NationalId, u.Line))
                problems.Add(Problem(UsersFile, u.Line, "identifier", "duplicate-identifier", "Two users have this national ID.",
                    ("value", u.NationalId), ("otherLine", ids[u.NationalId].ToString())));
        }
        foreach (var r in set.Roles)
        {
            Reference(RolesFile, r.Line, "userSourcedId", r.UserSourcedId, users, UsersFile);
            Reference(RolesFile, r.Line, "orgSourcedId", r.OrgSourcedId, orgs, OrgsFile);
        }
        foreach (var e in set.Enrollments)
        {
            Reference(EnrollmentsFile, e.Line, "classSourcedId", e.ClassSourcedId, classes, ClassesFile);
            Reference(EnrollmentsFile, e.Line, "userSourcedId", e.UserSourcedId, users, UsersFile);
            Reference(EnrollmentsFile, e.Line, "schoolSourcedId", e.SchoolSourcedId, orgs, OrgsFile);
            InSchool(EnrollmentsFile, e.Line, "schoolSourcedId", e.SchoolSourcedId);
        }
        return Ordered(problems);
    }

    public static List<OneRosterProblem> Ordered(IEnumerable<OneRosterProblem> problems) =>
        problems.OrderBy(p => FileOrder(p.File)).ThenBy(p => p.Line).ThenBy(p => p.Column, StringComparer.Ordinal).ToList();

    private static int FileOrder(string file) =>
        Array.IndexOf<string>([ManifestFile, OrgsFile, SessionsFile, CoursesFile, ClassesFile, UsersFile, RolesFile, EnrollmentsFile], file) is var i and >= 0 ? i : 99;

    private static Dictionary<string, int> Unique<T>(
        IEnumerable<T> rows, string file, Func<T, string> id, Func<T, int> line, List<OneRosterProblem> problems)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
            if (!seen.TryAdd(id(row), line(row)))
                problems.Add(Problem(file, line(row), "sourcedId", "duplicate-sourced-id", $"The sourcedId {id(row)} appears twice.",
                    ("value", id(row)), ("otherLine", seen[id(row)].ToString())));
        return seen;
    }

    public static OneRosterProblem Problem(string file, int line, string column, string code, string message, params (string Key, string Value)[] parameters) =>
        new(file, line, column, code, message) { Params = parameters.ToDictionary(p => p.Key, p => p.Value) };
}
