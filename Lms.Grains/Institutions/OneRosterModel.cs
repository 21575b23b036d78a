using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>
/// A problem in a OneRoster file set: which file, line (the header is line 1) and column, and a stable
/// <see cref="Code"/> with <see cref="Params"/> that the web app words; <see cref="Message"/> is English, for scripts.
/// </summary>
public sealed record OneRosterProblem(string File, int Line, string Column, string Code, string Message)
{
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();
}

/// <summary>Something the import did that is not a problem (a file or column it does not read, rows it skipped).</summary>
public sealed record OneRosterNotice(string Code, IReadOnlyDictionary<string, string> Params);

public sealed record OneRosterOrg(int Line, string SourcedId, string Name, string Type, string? Identifier, string? ParentSourcedId);

public sealed record OneRosterSession(
    int Line, string SourcedId, string Title, string Type, string StartDate, string EndDate, string? ParentSourcedId, string SchoolYear);

public sealed record OneRosterCourse(int Line, string SourcedId, string Title, string OrgSourcedId, string? SchoolYearSourcedId);

public sealed record OneRosterClass(
    int Line, string SourcedId, string Title, string CourseSourcedId, string ClassType, string SchoolSourcedId, IReadOnlyList<string> TermSourcedIds);

public sealed record OneRosterUser(
    int Line, string SourcedId, bool Enabled, string Username, string GivenName, string FamilyName, string? MiddleName,
    string? Identifier, string? Email, IReadOnlyList<string> AgentSourcedIds, string? PrimaryOrgSourcedId)
{
    /// <summary>
    /// The name as Vietnamese writes it: family, middle, given ("Nguyễn Văn An"). A one-word name is exported with that
    /// word as both given and family name, and read back as one word.
    /// </summary>
    public string DisplayName => PersonText.Clean(
        MiddleName is null && GivenName == FamilyName ? FamilyName : $"{FamilyName} {MiddleName} {GivenName}");

    /// <summary>Lms signs people in by e-mail or by the 12-digit national ID; <c>identifier</c> is read as one when it has that shape.</summary>
    public string? NationalId => Identifier is { Length: 12 } id && id.All(char.IsAsciiDigit) ? id : null;
}

public sealed record OneRosterRole(int Line, string SourcedId, string UserSourcedId, string RoleType, string Role, string OrgSourcedId);

public sealed record OneRosterEnrollment(
    int Line, string SourcedId, string ClassSourcedId, string SchoolSourcedId, string UserSourcedId, string Role, bool Primary);

/// <summary>The rows of a OneRoster 1.2 CSV file set that Lms reads (rows marked <c>tobedeleted</c> are left out).</summary>
public sealed record OneRosterSet(
    IReadOnlyList<OneRosterOrg> Orgs, IReadOnlyList<OneRosterSession> Sessions, IReadOnlyList<OneRosterCourse> Courses,
    IReadOnlyList<OneRosterClass> Classes, IReadOnlyList<OneRosterUser> Users, IReadOnlyList<OneRosterRole> Roles,
    IReadOnlyList<OneRosterEnrollment> Enrollments);

/// <summary>The file names and vocabularies of OneRoster 1.2 CSV (the specification's own spelling) and how Lms's roles map to them.</summary>
public static class OneRosterVocabulary
{
    public const string ManifestFile = "manifest.csv";
    public const string OrgsFile = "orgs.csv";
    public const string SessionsFile = "academicSessions.csv";
    public const string CoursesFile = "courses.csv";
    public const string ClassesFile = "classes.csv";
    public const string UsersFile = "users.csv";
    public const string RolesFile = "roles.csv";
    public const string EnrollmentsFile = "enrollments.csv";

    public static readonly IReadOnlyList<string> OrgTypes = ["department", "school", "district", "local", "state", "national"];
    public static readonly IReadOnlyList<string> SessionTypes = ["gradingPeriod", "semester", "schoolYear", "term"];
    public static readonly IReadOnlyList<string> ClassTypes = ["homeroom", "scheduled"];
    public static readonly IReadOnlyList<string> RoleTypes = ["primary", "secondary"];
    public static readonly IReadOnlyList<string> UserRoles =
        ["aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor", "relative", "siteAdministrator",
         "student", "systemAdministrator", "teacher"];
    public static readonly IReadOnlyList<string> EnrollmentRoles = ["administrator", "proctor", "student", "teacher"];

    /// <summary>The Lms role a OneRoster role becomes in the school, or null (an aide, a counselor, a district's staff: not read).</summary>
    public static string? LmsRole(string role) => role switch
    {
        "student" => Identity.Roles.Student,
        "teacher" => Identity.Roles.Teacher,
        "parent" or "guardian" or "relative" => Identity.Roles.Parent,
        "siteAdministrator" or "principal" => Identity.Roles.Admin,
        _ => null,
    };

    /// <summary>The OneRoster role an Lms role is exported as.</summary>
    public static string ExportRole(string lmsRole) => lmsRole switch
    {
        Identity.Roles.Admin => "siteAdministrator",
        _ => lmsRole,
    };
}
