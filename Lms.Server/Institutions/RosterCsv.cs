using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Server.Institutions;

/// <summary>
/// Reads a roster file: a header row, then one person per row. Columns (any order, English or
/// Vietnamese names): role, full_name, email, national_id, class, password, parent_of.
/// Every problem is reported with its line number; a file with any problem is applied not at all.
/// </summary>
public static partial class RosterCsv
{
    public const int MaxRows = 5000;
    public const long MaxBytes = 2 * 1024 * 1024;

    /// <summary>
    /// A first password a school hands out itself (the password column; empty means an invitation).
    /// Such an account is not claimed until its owner proves who they are (reset or invitation),
    /// where the full password policy applies.
    /// </summary>
    public const int FirstPasswordMinimumLength = 8;

    private static readonly Dictionary<string, string> ColumnAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["role"] = "role", ["vai_tro"] = "role", ["vai trò"] = "role",
        ["full_name"] = "full_name", ["name"] = "full_name", ["ho_ten"] = "full_name", ["họ tên"] = "full_name", ["họ và tên"] = "full_name",
        ["email"] = "email",
        ["national_id"] = "national_id", ["ma_dinh_danh"] = "national_id", ["mã định danh"] = "national_id",
        ["class"] = "class", ["lop"] = "class", ["lớp"] = "class",
        ["password"] = "password", ["mat_khau"] = "password", ["mật khẩu"] = "password",
        ["parent_of"] = "parent_of", ["phu_huynh_cua"] = "parent_of", ["phụ huynh của"] = "parent_of",
    };

    private static readonly Dictionary<string, string> RoleAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["student"] = Roles.Student, ["học sinh"] = Roles.Student, ["hoc sinh"] = Roles.Student,
        ["sinh viên"] = Roles.Student, ["sinh vien"] = Roles.Student,
        ["teacher"] = Roles.Teacher, ["giáo viên"] = Roles.Teacher, ["giao vien"] = Roles.Teacher,
        ["giảng viên"] = Roles.Teacher, ["giang vien"] = Roles.Teacher,
        ["parent"] = Roles.Parent, ["phụ huynh"] = Roles.Parent, ["phu huynh"] = Roles.Parent,
        ["admin"] = Roles.Admin, ["quản trị"] = Roles.Admin, ["quan tri"] = Roles.Admin,
    };

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    /// <summary>Old identity cards have 9 digits, citizen cards and the education sector's codes 10 to 12.</summary>
    [GeneratedRegex(@"^\d{9,12}$")]
    public static partial Regex NationalIdPattern();

    public static bool IsEmail(string value) => value.Length <= 256 && EmailPattern().IsMatch(value);

    public static (List<RosterEntry> Entries, List<RosterProblem> Problems) Parse(TextReader reader)
    {
        var entries = new List<RosterEntry>();
        var problems = new List<RosterProblem>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true, // Excel in Vietnamese locales saves with ';'
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            MissingFieldFound = null,
            IgnoreBlankLines = true,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            problems.Add(new RosterProblem(1, "header", "missing-header", "The file is empty or has no header row."));
            return (entries, problems);
        }

        var columns = new Dictionary<string, int>();
        for (var i = 0; i < csv.HeaderRecord.Length; i++)
        {
            var name = csv.HeaderRecord[i].Trim().TrimStart('\uFEFF');
            if (ColumnAliases.TryGetValue(name, out var canonical)) columns.TryAdd(canonical, i);
            else if (name.Length > 0)
                problems.Add(new RosterProblem(1, name, "unknown-column", $"Unknown column \"{name}\"."));
        }
        foreach (var required in new[] { "role", "full_name" })
            if (!columns.ContainsKey(required))
                problems.Add(new RosterProblem(1, required, "missing-column", $"The column \"{required}\" is missing."));
        if (problems.Count > 0) return (entries, problems);

        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            if (entries.Count + 1 > MaxRows)
            {
                problems.Add(new RosterProblem(line, "file", "too-many-rows", $"A roster may have at most {MaxRows} rows."));
                break;
            }
            string? Field(string column) =>
                columns.TryGetValue(column, out var index) && csv.TryGetField<string>(index, out var value)
                && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

            var rowProblems = problems.Count;
            void Problem(string field, string code, string message) => problems.Add(new RosterProblem(line, field, code, message));

            var roleText = Field("role");
            string? role = null;
            if (roleText is null) Problem("role", "required", "The role is missing.");
            else if (!RoleAliases.TryGetValue(roleText, out role))
                Problem("role", "unknown-role", $"Unknown role \"{roleText}\": use student, teacher, parent or admin.");

            var fullName = Field("full_name");
            if (fullName is null) Problem("full_name", "required", "The full name is missing.");
            else if (fullName.Length > 200) Problem("full_name", "too-long", "The full name is longer than 200 characters.");

            var email = Field("email");
            if (email is not null && !IsEmail(email)) Problem("email", "invalid-email", $"\"{email}\" is not an e-mail address.");

            var nationalId = Field("national_id");
            if (nationalId is not null && !NationalIdPattern().IsMatch(nationalId))
                Problem("national_id", "invalid-national-id", "A national identifier has 9 to 12 digits.");

            if (email is null && nationalId is null)
                Problem("email", "login-required", "Each person needs an e-mail or a national identifier to sign in with.");

            var className = Field("class");
            if (className is not null && className.Length > 100) Problem("class", "too-long", "The class name is longer than 100 characters.");

            var password = Field("password");
            if (password is not null && (password.Length < FirstPasswordMinimumLength || password.Length > Passwords.MaximumLength))
                Problem("password", "weak-password", $"A password needs {FirstPasswordMinimumLength} to {Passwords.MaximumLength} characters.");

            var parentOf = (Field("parent_of") ?? "")
                .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            if (parentOf.Count > 0 && role != Roles.Parent)
                Problem("parent_of", "not-a-parent", "Only a parent row may list children in parent_of.");

            if (problems.Count == rowProblems)
                entries.Add(new RosterEntry(line, role!, fullName!, email, nationalId, className, password, parentOf));
        }
        if (entries.Count == 0 && problems.Count == 0)
            problems.Add(new RosterProblem(1, "file", "empty", "The file has a header but no people."));
        return (entries, problems);
    }
}
