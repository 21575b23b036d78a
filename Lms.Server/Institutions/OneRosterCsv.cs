using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using Lms.Grains.Data;
using Lms.Grains.Institutions;
using static Lms.Grains.Institutions.OneRosterVocabulary;

namespace Lms.Server.Institutions;

/// <summary>A OneRoster zip as read: the rows Lms reads, every problem of every file at once, and notices.</summary>
public sealed record OneRosterFile(OneRosterSet Set, List<OneRosterProblem> Problems, List<OneRosterNotice> Notices);

/// <summary>
/// Reads and writes OneRoster 1.2 CSV bulk file sets (a zip of manifest.csv and one CSV per kind of row, the header
/// row in the specification's exact column names). The reader checks each file's required columns, required cells,
/// vocabularies (extensions spelled <c>ext:…</c> are allowed and not read), dates (yyyy-MM-dd), dateLastModified
/// (ISO 8601) and status (active or tobedeleted: rows to be deleted are left out); demographics and the gradebook and
/// resource files are not read. Sizes are bounded before anything is decompressed further.
/// </summary>
public static partial class OneRosterCsv
{
    public const long MaxZipBytes = 5 * 1024 * 1024;
    public const long MaxEntryBytes = 10 * 1024 * 1024;
    public const long MaxTotalBytes = 40 * 1024 * 1024;
    public const int MaxEntries = 50;
    /// <summary>As many people as the roster CSV takes; enrollments may be ten per person.</summary>
    public const int MaxUsers = 5000;
    public const int MaxRows = 50000;

    private static readonly Dictionary<string, string[]> Headers = new(StringComparer.Ordinal)
    {
        [OrgsFile] = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
        [SessionsFile] = ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
        [CoursesFile] = ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"],
        [ClassesFile] = ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"],
        [UsersFile] = ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"],
        [RolesFile] = ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"],
        [EnrollmentsFile] = ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"],
    };

    /// <summary>The columns each file must fill (the specification's required fields that Lms reads).</summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        [OrgsFile] = ["sourcedId", "name", "type"],
        [SessionsFile] = ["sourcedId", "title", "type", "startDate", "endDate", "schoolYear"],
        [CoursesFile] = ["sourcedId", "title", "orgSourcedId"],
        [ClassesFile] = ["sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"],
        [UsersFile] = ["sourcedId", "enabledUser", "username", "givenName", "familyName"],
        [RolesFile] = ["sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"],
        [EnrollmentsFile] = ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
    };

    /// <summary>The files Lms reads, in the order they are read; the manifest names which are there.</summary>
    public static readonly IReadOnlyList<string> ReadFiles = [OrgsFile, SessionsFile, CoursesFile, ClassesFile, UsersFile, RolesFile, EnrollmentsFile];

    /// <summary>The 1.2 manifest's file properties that Lms neither reads nor writes.</summary>
    private static readonly string[] OtherFiles =
    [
        "categories", "classResources", "courseResources", "demographics", "lineItemLearningObjectiveIds", "lineItems",
        "lineItemScoreScales", "resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "scoreScales",
        "userProfiles", "userResources",
    ];

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex YearPattern();

    [GeneratedRegex(@"^ext:[A-Za-z0-9_.:-]+$")]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    /// <summary>A problem that stops the whole file set before its rows are read (not a zip, too large, no manifest).</summary>
    public sealed class Unreadable(OneRosterProblem problem) : Exception(problem.Message)
    {
        public OneRosterProblem Problem { get; } = problem;
    }

    public static OneRosterFile Read(Stream zip)
    {
        var problems = new List<OneRosterProblem>();
        var notices = new List<OneRosterNotice>();
        Dictionary<string, string> texts;
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            texts = Entries(archive, notices);
        }
        catch (InvalidDataException)
        {
            throw new Unreadable(Problem("", 0, "", "not-a-zip", "The file is not a zip archive."));
        }
        if (!texts.TryGetValue(ManifestFile, out var manifestText))
            throw new Unreadable(Problem(ManifestFile, 0, "", "missing-file", "The zip has no manifest.csv.", ("file", ManifestFile)));

        var present = ReadManifest(manifestText, problems, notices);
        foreach (var file in present)
            if (!texts.ContainsKey(file))
                problems.Add(Problem(ManifestFile, 0, "value", "missing-file", $"The manifest says {file} is there, and the zip has no such file.", ("file", file)));
        foreach (var required in new[] { OrgsFile, UsersFile })
            if (!present.Contains(required))
                problems.Add(Problem(ManifestFile, 0, "value", "file-required", $"Lms needs {required} (bulk).", ("file", required)));

        var tables = new Dictionary<string, List<Row>>(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var file in ReadFiles)
            tables[file] = present.Contains(file) && texts.TryGetValue(file, out var text) ? ReadTable(file, text, problems, notices, ref deleted) : [];
        if (deleted > 0) notices.Add(Notice("rows-tobedeleted-skipped", ("count", deleted.ToString())));

        var set = new OneRosterSet(
            tables[OrgsFile].Select(r => new OneRosterOrg(r.Line, r.Text("sourcedId"), r.Text("name"), r.Text("type"), r["identifier"], r["parentSourcedId"])).ToList(),
            tables[SessionsFile].Select(r => new OneRosterSession(r.Line, r.Text("sourcedId"), r.Text("title"), r.Text("type"), r.Text("startDate"), r.Text("endDate"),
                r["parentSourcedId"], r.Text("schoolYear"))).ToList(),
            tables[CoursesFile].Select(r => new OneRosterCourse(r.Line, r.Text("sourcedId"), r.Text("title"), r.Text("orgSourcedId"), r["schoolYearSourcedId"])).ToList(),
            tables[ClassesFile].Select(r => new OneRosterClass(r.Line, r.Text("sourcedId"), r.Text("title"), r.Text("courseSourcedId"), r.Text("classType"),
                r.Text("schoolSourcedId"), List(r["termSourcedIds"]))).ToList(),
            tables[UsersFile].Select(r => new OneRosterUser(r.Line, r.Text("sourcedId"), r["enabledUser"] == "true", r.Text("username"), r.Text("givenName"),
                r.Text("familyName"), r["middleName"], r["identifier"], r["email"], List(r["agentSourcedIds"]), r["primaryOrgSourcedId"])).ToList(),
            tables[RolesFile].Select(r => new OneRosterRole(r.Line, r.Text("sourcedId"), r.Text("userSourcedId"), r.Text("roleType"), r.Text("role"), r.Text("orgSourcedId"))).ToList(),
            tables[EnrollmentsFile].Select(r => new OneRosterEnrollment(r.Line, r.Text("sourcedId"), r.Text("classSourcedId"), r.Text("schoolSourcedId"),
                r.Text("userSourcedId"), r.Text("role"), r["primary"] == "true")).ToList());
        return new OneRosterFile(set, problems, notices);
    }

    /// <summary>The zip's files by name, each read through a bounded stream (the sizes in its directory are the sender's word).</summary>
    private static Dictionary<string, string> Entries(ZipArchive archive, List<OneRosterNotice> notices)
    {
        if (archive.Entries.Count > MaxEntries)
            throw new Unreadable(Problem("", 0, "", "too-many-files", $"A OneRoster zip has at most {MaxEntries} files.", ("max", MaxEntries.ToString())));
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var entry in archive.Entries)
        {
            if (entry.FullName.EndsWith('/')) continue;
            var name = entry.FullName;
            if (name.Contains('/') || name.Contains('\\') || !name.EndsWith(".csv", StringComparison.Ordinal))
            {
                notices.Add(Notice("file-ignored", ("file", name)));
                continue;
            }
            if (name != ManifestFile && !ReadFiles.Contains(name))
            {
                notices.Add(Notice("file-ignored", ("file", name)));
                continue;
            }
            using var stream = entry.Open();
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                total += read;
                if (buffer.Length > MaxEntryBytes || total > MaxTotalBytes)
                    throw new Unreadable(Problem(name, 0, "", "file-too-large", $"{name} is larger than Lms reads.", ("file", name)));
            }
            buffer.Position = 0;
            using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            texts[name] = reader.ReadToEnd();
        }
        return texts;
    }

    private static HashSet<string> ReadManifest(string text, List<OneRosterProblem> problems, List<OneRosterNotice> notices)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        using var csv = new CsvReader(new StringReader(text), Config());
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null
            || !csv.HeaderRecord.Contains("propertyName") || !csv.HeaderRecord.Contains("value"))
        {
            problems.Add(Problem(ManifestFile, 1, "propertyName", "missing-column", "The manifest's header is propertyName,value.", ("column", "propertyName")));
            return present;
        }
        var properties = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);
        while (csv.Read())
        {
            var name = csv.GetField("propertyName")?.Trim() ?? "";
            if (name.Length > 0) properties[name] = (csv.GetField("value")?.Trim() ?? "", csv.Parser.RawRow);
        }
        void Expect(string property, string value)
        {
            if (!properties.TryGetValue(property, out var found))
                problems.Add(Problem(ManifestFile, 1, "propertyName", "missing-property", $"The manifest has no {property}.", ("value", property)));
            else if (found.Value != value)
                problems.Add(Problem(ManifestFile, found.Line, "value", "unsupported-version", $"{property} is {found.Value}; Lms reads {value}.",
                    ("value", found.Value), ("expected", value)));
        }
        Expect("manifest.version", "1.0");
        Expect("oneroster.version", "1.2");
        foreach (var file in ReadFiles)
        {
            var property = "file." + file[..^4];
            if (!properties.TryGetValue(property, out var mode)) continue;
            switch (mode.Value)
            {
                case "bulk": present.Add(file); break;
                case "absent": break;
                case "delta":
                    problems.Add(Problem(ManifestFile, mode.Line, "value", "delta-not-supported", "Lms reads bulk files; delta files are not supported.",
                        ("file", file)));
                    break;
                default:
                    problems.Add(Problem(ManifestFile, mode.Line, "value", "invalid-value", $"{mode.Value} is not absent, bulk or delta.",
                        ("value", mode.Value), ("allowed", "absent, bulk, delta")));
                    break;
            }
        }
        foreach (var other in OtherFiles)
            if (properties.TryGetValue("file." + other, out var mode) && mode.Value != "absent")
                notices.Add(Notice("file-ignored", ("file", other + ".csv")));
        return present;
    }

    private sealed class Row(int line, Dictionary<string, string?> cells)
    {
        public int Line { get; } = line;
        public string? this[string column] => cells.GetValueOrDefault(column);
        /// <summary>A cell the reader requires; empty only on a row that already has a problem (and so is never written).</summary>
        public string Text(string column) => cells.GetValueOrDefault(column) ?? "";
    }

    private static List<Row> ReadTable(string file, string text, List<OneRosterProblem> problems, List<OneRosterNotice> notices, ref int deleted)
    {
        var rows = new List<Row>();
        using var csv = new CsvReader(new StringReader(text), Config());
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            problems.Add(Problem(file, 1, "", "missing-header", $"{file} has no header row."));
            return rows;
        }
        var header = csv.HeaderRecord.Select(h => h.Trim()).ToArray();
        var missing = Headers[file].Where(c => !header.Contains(c)).ToList();
        foreach (var column in missing.Where(Required[file].Contains))
            problems.Add(Problem(file, 1, column, "missing-column", $"{file} has no column {column}.", ("column", column)));
        if (missing.Any(Required[file].Contains)) return rows;
        foreach (var extra in header.Where(h => h.Length > 0 && !Headers[file].Contains(h) && !h.StartsWith("metadata.", StringComparison.Ordinal)))
            notices.Add(Notice("column-ignored", ("file", file), ("column", extra)));

        var max = file == UsersFile ? MaxUsers : MaxRows;
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            var record = csv.Parser.Record ?? [];
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            if (rows.Count >= max)
            {
                problems.Add(Problem(file, line, "", "too-many-rows", $"{file} may have at most {max} rows.", ("max", max.ToString())));
                break;
            }
            var cells = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length && i < record.Length; i++)
                if (!string.IsNullOrWhiteSpace(record[i])) cells[header[i]] = record[i].Trim();
            CheckRow(file, line, cells, problems);
            if (cells.GetValueOrDefault("status") == "tobedeleted") { deleted++; continue; }
            // A row with a problem is still read, so that the checks across files name only what is wrong, not what follows from it.
            rows.Add(new Row(line, cells));
        }
        return rows;
    }

    private static void CheckRow(string file, int line, Dictionary<string, string?> cells, List<OneRosterProblem> problems)
    {
        void Add(string column, string code, string message, params (string, string)[] parameters) =>
            problems.Add(Problem(file, line, column, code, message, parameters));
        foreach (var column in Required[file])
            if (cells.GetValueOrDefault(column) is null) Add(column, "required", $"{column} is empty.", ("column", column));
        if (cells.GetValueOrDefault("status") is { } status && status is not ("active" or "tobedeleted"))
            Add("status", "invalid-value", $"{status} is not active or tobedeleted.", ("value", status), ("allowed", "active, tobedeleted"));
        if (cells.GetValueOrDefault("dateLastModified") is { } modified
            && !DateTimeOffset.TryParse(modified, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
            Add("dateLastModified", "invalid-datetime", $"{modified} is not an ISO 8601 date and time.", ("value", modified));
        void Enum(string column, IReadOnlyList<string> allowed)
        {
            if (cells.GetValueOrDefault(column) is { } value && !allowed.Contains(value) && !ExtensionPattern().IsMatch(value))
                Add(column, "invalid-value", $"{value} is not one of {string.Join(", ", allowed)}.", ("value", value), ("allowed", string.Join(", ", allowed)));
        }
        void Date(string column)
        {
            if (cells.GetValueOrDefault(column) is { } value
                && (!DatePattern().IsMatch(value) || !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
                Add(column, "invalid-date", $"{value} is not a date (yyyy-MM-dd).", ("value", value));
        }
        void Boolean(string column)
        {
            if (cells.GetValueOrDefault(column) is { } value && value is not ("true" or "false"))
                Add(column, "invalid-boolean", $"{value} is not true or false.", ("value", value));
        }
        void MaxLength(string column, int max)
        {
            if (cells.GetValueOrDefault(column) is { } value && value.Length > max)
                Add(column, "too-long", $"{column} is longer than {max} characters.", ("max", max.ToString()));
        }
        MaxLength("sourcedId", 255);
        switch (file)
        {
            case OrgsFile: Enum("type", OrgTypes); MaxLength("name", 200); break;
            case SessionsFile:
                Enum("type", SessionTypes); Date("startDate"); Date("endDate");
                if (cells.GetValueOrDefault("schoolYear") is { } year && !YearPattern().IsMatch(year))
                    Add("schoolYear", "invalid-year", $"{year} is not a year (yyyy).", ("value", year));
                break;
            case CoursesFile: MaxLength("title", 255); break;
            case ClassesFile: Enum("classType", ClassTypes); MaxLength("title", 100); break;
            case UsersFile:
                Boolean("enabledUser");
                MaxLength("givenName", 100); MaxLength("familyName", 100); MaxLength("middleName", 100);
                if (cells.GetValueOrDefault("email") is { } email && (email.Length > 256 || !EmailPattern().IsMatch(email)))
                    Add("email", "invalid-email", $"{email} is not an e-mail address.", ("value", email));
                break;
            case RolesFile: Enum("roleType", RoleTypes); Enum("role", UserRoles); Date("beginDate"); Date("endDate"); break;
            case EnrollmentsFile: Enum("role", EnrollmentRoles); Boolean("primary"); Date("beginDate"); Date("endDate"); break;
        }
    }

    private static List<string> List(string? cell) =>
        (cell ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static CsvConfiguration Config() => new(CultureInfo.InvariantCulture)
    {
        BadDataFound = null,
        MissingFieldFound = null,
        IgnoreBlankLines = true,
    };

    /// <summary>The file set as a zip: every file the manifest names as bulk, with all of the specification's columns in its order.</summary>
    public static byte[] Write(OneRosterExportSet export, DateTimeOffset now)
    {
        var set = export.Set;
        var modified = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        string Join(IEnumerable<string> values) => string.Join(",", values);
        var files = new Dictionary<string, IEnumerable<Dictionary<string, string?>>>(StringComparer.Ordinal)
        {
            [OrgsFile] = set.Orgs.Select(o => Cells(("sourcedId", o.SourcedId), ("name", o.Name), ("type", o.Type), ("identifier", o.Identifier),
                ("parentSourcedId", o.ParentSourcedId))),
            [SessionsFile] = set.Sessions.Select(s => Cells(("sourcedId", s.SourcedId), ("title", s.Title), ("type", s.Type), ("startDate", s.StartDate),
                ("endDate", s.EndDate), ("parentSourcedId", s.ParentSourcedId), ("schoolYear", s.SchoolYear))),
            [CoursesFile] = set.Courses.Select(c => Cells(("sourcedId", c.SourcedId), ("schoolYearSourcedId", c.SchoolYearSourcedId), ("title", c.Title),
                ("orgSourcedId", c.OrgSourcedId))),
            [ClassesFile] = set.Classes.Select(c => Cells(("sourcedId", c.SourcedId), ("title", c.Title), ("courseSourcedId", c.CourseSourcedId),
                ("classType", c.ClassType), ("schoolSourcedId", c.SchoolSourcedId), ("termSourcedIds", Join(c.TermSourcedIds)))),
            [UsersFile] = set.Users.Select(u => Cells(("sourcedId", u.SourcedId), ("enabledUser", export.DisabledUsers.Contains(u.SourcedId) ? "false" : "true"),
                ("username", u.Username), ("givenName", u.GivenName), ("familyName", u.FamilyName), ("middleName", u.MiddleName),
                ("identifier", u.Identifier), ("email", u.Email), ("agentSourcedIds", Join(u.AgentSourcedIds)),
                ("primaryOrgSourcedId", u.PrimaryOrgSourcedId))),
            [RolesFile] = set.Roles.Select(r => Cells(("sourcedId", r.SourcedId), ("userSourcedId", r.UserSourcedId), ("roleType", r.RoleType),
                ("role", r.Role), ("orgSourcedId", r.OrgSourcedId))),
            [EnrollmentsFile] = set.Enrollments.Select(e => Cells(("sourcedId", e.SourcedId), ("classSourcedId", e.ClassSourcedId),
                ("schoolSourcedId", e.SchoolSourcedId), ("userSourcedId", e.UserSourcedId), ("role", e.Role), ("primary", e.Primary ? "true" : "false"))),
        };
        var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            WriteEntry(archive, ManifestFile, ["propertyName", "value"],
                new[] { ("manifest.version", "1.0"), ("oneroster.version", "1.2") }
                    .Concat(ReadFiles.Select(f => ("file." + f[..^4], "bulk")))
                    .Concat(OtherFiles.Select(f => ("file." + f, "absent")))
                    .Concat([("source.systemName", "Lms"), ("source.systemCode", "lms")])
                    .Select(p => new Dictionary<string, string?> { ["propertyName"] = p.Item1, ["value"] = p.Item2 }));
            foreach (var (file, rows) in files)
                WriteEntry(archive, file, Headers[file], rows.Select(r =>
                {
                    r["status"] = "active";
                    r["dateLastModified"] = modified;
                    return r;
                }));
        }
        return output.ToArray();
    }

    private static Dictionary<string, string?> Cells(params (string Column, string? Value)[] cells) =>
        cells.ToDictionary(c => c.Column, c => c.Value, StringComparer.Ordinal);

    private static void WriteEntry(ZipArchive archive, string name, IReadOnlyList<string> header, IEnumerable<Dictionary<string, string?>> rows)
    {
        var entry = archive.CreateEntry(name, CompressionLevel.Optimal);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var column in header) csv.WriteField(column);
        csv.NextRecord();
        foreach (var row in rows)
        {
            foreach (var column in header) csv.WriteField(row.GetValueOrDefault(column) ?? "");
            csv.NextRecord();
        }
    }

    private static OneRosterProblem Problem(string file, int line, string column, string code, string message, params (string Key, string Value)[] parameters) =>
        OneRosterCheck.Problem(file, line, column, code, message, parameters);

    private static OneRosterNotice Notice(string code, params (string Key, string Value)[] parameters) =>
        new(code, parameters.ToDictionary(p => p.Key, p => p.Value));
}
