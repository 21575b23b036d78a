using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Server.Institutions;

/// <summary>Something the import did with the file that is not a problem (a column it ignored, empty rows it skipped).</summary>
public sealed record RosterNotice(string Code, IReadOnlyDictionary<string, string> Params);

/// <summary>
/// A roster file as read: the rows that can be applied (<see cref="Entries"/>), every row in the shape the
/// database checks need (<see cref="Checkable"/>: a row with a bad cell is still checked for duplicates and
/// conflicts, with that cell left out), the problems of the file itself, and notices.
/// </summary>
public sealed record RosterFile(
    List<RosterEntry> Entries, List<RosterEntry> Checkable, List<RosterProblem> Problems, List<RosterNotice> Notices);

/// <summary>How strict the roster reader is; <c>Roster</c> in configuration.</summary>
public sealed class RosterOptions
{
    public const string Section = "Roster";

    /// <summary>
    /// Accept the old 9-digit identity card numbers as national IDs (a province whose students still have
    /// them). Off by default: national personal ID numbers have 12 digits.
    /// </summary>
    public bool AcceptNineDigitIds { get; set; }
}

/// <summary>
/// Reads a roster file as Excel saves it: a header row, then one person per row, UTF-8 with or without a
/// BOM, ',' or ';' between cells. Headers are matched after Unicode NFC and case-folding, in English or
/// Vietnamese; columns it does not know (STT, Giới tính, ...) are ignored with a notice; empty rows
/// (";;;;") are skipped. Every problem of every row is reported at once, as a code with parameters.
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

    /// <summary>Columns that are read; birth_date only tells two people with one ID apart and is not stored.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["role", "full_name", "email", "national_id", "class", "password", "parent_of", "birth_date"];

    private static readonly Dictionary<string, string> ColumnAliases = Keyed(new()
    {
        ["role"] = "role", ["vai_tro"] = "role", ["vai trò"] = "role",
        ["full_name"] = "full_name", ["name"] = "full_name", ["ho_ten"] = "full_name", ["họ tên"] = "full_name",
        ["họ và tên"] = "full_name", ["ho va ten"] = "full_name",
        ["email"] = "email", ["e-mail"] = "email", ["thư điện tử"] = "email",
        ["national_id"] = "national_id", ["ma_dinh_danh"] = "national_id", ["mã định danh"] = "national_id",
        ["mã định danh cá nhân"] = "national_id", ["số định danh"] = "national_id", ["cccd"] = "national_id", ["số cccd"] = "national_id",
        ["class"] = "class", ["lop"] = "class", ["lớp"] = "class",
        ["password"] = "password", ["mat_khau"] = "password", ["mật khẩu"] = "password",
        ["parent_of"] = "parent_of", ["phu_huynh_cua"] = "parent_of", ["phụ huynh của"] = "parent_of",
        ["birth_date"] = "birth_date", ["date_of_birth"] = "birth_date", ["ngay_sinh"] = "birth_date", ["ngày sinh"] = "birth_date",
    });

    private static readonly Dictionary<string, string> RoleAliases = Keyed(new()
    {
        ["student"] = Roles.Student, ["học sinh"] = Roles.Student, ["hoc sinh"] = Roles.Student,
        ["sinh viên"] = Roles.Student, ["sinh vien"] = Roles.Student,
        ["teacher"] = Roles.Teacher, ["giáo viên"] = Roles.Teacher, ["giao vien"] = Roles.Teacher,
        ["giảng viên"] = Roles.Teacher, ["giang vien"] = Roles.Teacher,
        ["parent"] = Roles.Parent, ["phụ huynh"] = Roles.Parent, ["phu huynh"] = Roles.Parent,
        ["admin"] = Roles.Admin, ["quản trị"] = Roles.Admin, ["quan tri"] = Roles.Admin,
    });

    private static Dictionary<string, string> Keyed(Dictionary<string, string> aliases) =>
        aliases.ToDictionary(a => PersonText.Key(a.Key), a => a.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex Digits();

    /// <summary>How Excel shows a long number it has turned into a floating-point one: 1.20868E+11.</summary>
    [GeneratedRegex(@"^\d+([.,]\d+)?E\+?\d+$", RegexOptions.IgnoreCase)]
    private static partial Regex ScientificNumber();

    /// <summary>National personal ID numbers (căn cước) have 12 digits.</summary>
    public const int NationalIdLength = 12;

    public static bool IsEmail(string value) => value.Length <= 256 && EmailPattern().IsMatch(value);

    public static RosterFile Parse(TextReader reader, RosterOptions? options = null)
    {
        options ??= new RosterOptions();
        var file = new RosterFile([], [], [], []);
        var problems = file.Problems;
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true, // Excel in Vietnamese locales saves with ';'
            DetectDelimiterValues = [";", ",", "\t"],
            TrimOptions = TrimOptions.Trim,
            BadDataFound = null,
            MissingFieldFound = null,
            IgnoreBlankLines = true,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null || csv.HeaderRecord.All(string.IsNullOrWhiteSpace))
        {
            problems.Add(Problem(1, "header", "missing-header", "The file is empty or has no header row."));
            return file;
        }

        var columns = new Dictionary<string, int>();
        for (var i = 0; i < csv.HeaderRecord.Length; i++)
        {
            var name = PersonText.Clean(csv.HeaderRecord[i]);
            if (name.Length == 0) continue;
            if (ColumnAliases.TryGetValue(PersonText.Key(name), out var canonical))
            {
                if (!columns.TryAdd(canonical, i))
                    problems.Add(Problem(1, canonical, "duplicate-column", $"The column \"{name}\" appears twice.", ("column", name)));
                else if (canonical == "birth_date")
                    file.Notices.Add(Notice("column-compare-only", ("column", name)));
            }
            else
            {
                file.Notices.Add(Notice("column-ignored", ("column", name)));
            }
        }
        foreach (var required in new[] { "role", "full_name" })
            if (!columns.ContainsKey(required))
                problems.Add(Problem(1, required, "missing-column", $"The column \"{required}\" is missing.", ("column", required)));
        if (problems.Count > 0) return file;

        var skipped = new List<int>();
        var rows = 0;
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var record = csv.Parser.Record ?? [];
            if (record.All(string.IsNullOrWhiteSpace))
            {
                skipped.Add(line);
                continue;
            }
            if (++rows > MaxRows)
            {
                problems.Add(Problem(line, "file", "too-many-rows", $"A roster may have at most {MaxRows} rows.", ("max", MaxRows.ToString())));
                break;
            }
            ReadRow(csv, columns, line, options, file);
        }
        if (skipped.Count > 0)
            file.Notices.Add(Notice("empty-rows-skipped", ("count", skipped.Count.ToString()), ("lines", string.Join(", ", skipped.Take(20)))));
        if (rows == 0 && problems.Count == 0)
            problems.Add(Problem(1, "file", "empty", "The file has a header but no people."));
        return file;
    }

    private static void ReadRow(CsvReader csv, Dictionary<string, int> columns, int line, RosterOptions options, RosterFile file)
    {
        var problems = file.Problems;
        var before = problems.Count;
        string? Field(string column) =>
            columns.TryGetValue(column, out var index) && csv.TryGetField<string>(index, out var value)
            && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        void Add(string field, string code, string message, params (string Key, string Value)[] parameters) =>
            problems.Add(Problem(line, field, code, message, parameters));

        var roleText = Field("role");
        string? role = null;
        if (roleText is null) Add("role", "required", "The role is missing.", ("column", "role"));
        else if (!RoleAliases.TryGetValue(PersonText.Key(roleText), out role))
            Add("role", "unknown-role", $"Unknown role \"{roleText}\": use student, teacher, parent or admin.", ("value", roleText));

        var fullName = PersonText.CleanOrNull(Field("full_name"));
        if (fullName is null) Add("full_name", "required", "The full name is missing.", ("column", "full_name"));
        else if (fullName.Length > 200) { Add("full_name", "too-long", "The full name is longer than 200 characters.", ("max", "200")); fullName = null; }

        var email = Field("email");
        if (email is not null && !IsEmail(email))
        {
            Add("email", "invalid-email", $"\"{email}\" is not an e-mail address.", ("value", email));
            email = null;
        }

        var nationalId = Field("national_id");
        if (nationalId is not null && NationalIdProblem(nationalId, options) is { } idProblem)
        {
            problems.Add(idProblem with { Line = line, Lines = [line] });
            nationalId = null;
        }
        if (Field("email") is null && Field("national_id") is null)
            Add("email", "login-required", "Each person needs an e-mail or a national identifier to sign in with.");

        var className = PersonText.CleanOrNull(Field("class"));
        if (className is { Length: > 100 }) { Add("class", "too-long", "The class name is longer than 100 characters.", ("max", "100")); className = null; }

        var password = Field("password");
        if (password is not null && (password.Length < FirstPasswordMinimumLength || password.Length > Passwords.MaximumLength))
        {
            Add("password", "weak-password", $"A password needs {FirstPasswordMinimumLength} to {Passwords.MaximumLength} characters.",
                ("min", FirstPasswordMinimumLength.ToString()), ("max", Passwords.MaximumLength.ToString()));
            password = null;
        }

        var parentOf = (Field("parent_of") ?? "")
            .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (parentOf.Count > 0 && role is not null && role != Roles.Parent)
            Add("parent_of", "not-a-parent", "Only a parent row may list children in parent_of.");

        var entry = new RosterEntry(line, role ?? "", fullName ?? "", email, nationalId, className, password, parentOf, Field("birth_date"));
        if (problems.Count == before) file.Entries.Add(entry);
        // Still checked against the rest of the file and the database, so that one upload lists everything.
        if (fullName is not null && (email is not null || nationalId is not null)) file.Checkable.Add(entry);
    }

    /// <summary>Why a national ID cannot be right, or null. 10 or 11 digits is a 12-digit number whose leading zeros Excel dropped.</summary>
    public static RosterProblem? NationalIdProblem(string value, RosterOptions options)
    {
        if (ScientificNumber().IsMatch(value))
            return Problem(0, "national_id", "id-excel-number",
                $"\"{value}\" is a number Excel rounded: format the column as Text and type the 12 digits again.", ("value", value));
        if (!Digits().IsMatch(value))
            return Problem(0, "national_id", "invalid-national-id", $"\"{value}\" is not a national ID: it has 12 digits.", ("value", value));
        return value.Length switch
        {
            NationalIdLength => null,
            10 or 11 => Problem(0, "national_id", "id-leading-zeros-lost",
                $"{value} has {value.Length} digits: Excel dropped the leading zeros of a 12-digit ID (probably {value.PadLeft(NationalIdLength, '0')}). " +
                "Format the column as Text and type the IDs again.",
                ("value", value), ("digits", value.Length.ToString()), ("restored", value.PadLeft(NationalIdLength, '0'))),
            9 when options.AcceptNineDigitIds => null,
            9 => Problem(0, "national_id", "id-old-nine-digits",
                $"{value} is an old 9-digit identity card number; this server takes the 12-digit national ID.", ("value", value)),
            _ => Problem(0, "national_id", "invalid-national-id", $"\"{value}\" is not a national ID: it has 12 digits.", ("value", value)),
        };
    }

    private static RosterProblem Problem(int line, string field, string code, string message, params (string Key, string Value)[] parameters) =>
        new(line, field, code, message) { Params = parameters.ToDictionary(p => p.Key, p => p.Value) };

    private static RosterNotice Notice(string code, params (string Key, string Value)[] parameters) =>
        new(code, parameters.ToDictionary(p => p.Key, p => p.Value));
}
