using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.VisualBasic.FileIO;

namespace Lms.Tests.Institutions;

public sealed class OneRosterTestsOnSqlite(SqliteLmsServer server) : OneRosterTests(server), IClassFixture<SqliteLmsServer>;

public sealed class OneRosterTestsOnPostgres(PostgresLmsServer server) : OneRosterTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// OneRoster 1.2 CSV against the specification, not against our own code: the zips imported here are written by
/// <see cref="SpecZip"/> from the specification's column lists (in another column order than ours, with an extension
/// column), and the export is read back with a general CSV reader (Visual Basic's TextFieldParser) and checked for the
/// specification's columns, required cells, vocabularies, formats and references.
/// </summary>
public abstract class OneRosterTests(LmsServer server)
{
    private async Task<(Guid School, HttpClient Admin, string AdminEmail)> NewSchoolAsync(string name)
    {
        var adminEmail = $"qt.{Guid.NewGuid():N}@oneroster.test";
        var school = await server.AddSchoolAsync(name, (Roles.Admin, "Quản Trị Trường", adminEmail));
        return (school.Id, await server.SignedInAsync(adminEmail), adminEmail);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient admin, Guid school, byte[] zip)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(zip);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "file", "oneroster.zip");
        return await admin.PostAsync($"/api/institutions/{school}/oneroster", form);
    }

    private static async Task<List<(string Name, string Role, string? Class)>> PeopleAsync(HttpClient admin, Guid school)
    {
        var page = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?take=100"));
        return page.GetProperty("items").EnumerateArray()
            .Select(p => (p.GetProperty("displayName").GetString()!, p.GetProperty("role").GetString()!,
                p.TryGetProperty("className", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null))
            .Where(p => !p.Item1.StartsWith("Quản Trị", StringComparison.Ordinal))
            .OrderBy(p => p.Item1, StringComparer.Ordinal).ThenBy(p => p.Item2, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task A_specification_zip_imports_people_classes_and_families_and_importing_it_again_changes_nothing()
    {
        var (school, admin, _) = await NewSchoolAsync("Trường THPT OneRoster");
        var sample = new SpecSample();
        var body = await ProblemAssert.OkAsync<JsonElement>(await UploadAsync(admin, school, sample.Zip()));
        var outcome = body.GetProperty("outcome");
        // Two teachers, three students, two parents, an administrator; the aide has no Lms role and stays out.
        Assert.Equal(8, outcome.GetProperty("peopleCreated").GetInt32());
        Assert.Equal(2, outcome.GetProperty("classesCreated").GetInt32());
        Assert.Equal(5, outcome.GetProperty("classMembershipsAdded").GetInt32());
        Assert.Equal(2, outcome.GetProperty("parentLinksAdded").GetInt32());
        var notices = body.GetProperty("notices").EnumerateArray().Select(n => n.GetProperty("code").GetString()).ToList();
        Assert.Contains("rows-tobedeleted-skipped", notices);
        Assert.Contains("roles-ignored", notices);
        Assert.Contains("file-ignored", notices); // demographics.csv

        Assert.Equal(
        [
            ("Lê Thị Hoa", Roles.Parent, null), ("Nguyễn Thị Mai", Roles.Student, "10A2"), ("Nguyễn Văn An", Roles.Student, "10A1"),
            ("Phạm Minh Đức", Roles.Parent, null), ("Phạm Quốc Bảo", Roles.Student, "10A1"), ("Trần Thu Hà", Roles.Teacher, "10A1"),
            ("Võ Hiệu Trưởng", Roles.Admin, null), ("Đỗ Văn Dũng", Roles.Teacher, "10A2"),
        ], await PeopleAsync(admin, school));

        // The families came from agentSourcedIds (one given on the parent's row, one on the child's): the export shows both ends.
        var exported = ExportedSet.Read(await ExportAsync(admin, school));
        string Sid(string name) => exported.Users.Single(u => u["familyName"] + " " + u["middleName"] + " " + u["givenName"] == name)["sourcedId"];
        Assert.Equal(["u-student-an"], exported.Agents(Sid("Lê Thị Hoa")));
        Assert.Equal(["u-student-bao"], exported.Agents(Sid("Phạm Minh Đức")));
        Assert.Equal("u-student-an", Sid("Nguyễn Văn An")); // the SIS's own sourcedIds come back

        // The same files again: nothing changes.
        var again = (await ProblemAssert.OkAsync<JsonElement>(await UploadAsync(admin, school, sample.Zip()))).GetProperty("outcome");
        foreach (var count in again.EnumerateObject()) Assert.True(count.Value.GetInt32() == 0, $"{count.Name} is {count.Value} on the second import");

        // A corrected name and a renamed class update the one person and the one class, by sourcedId.
        sample.Rename("u-student-an", "Nguyễn Văn Ân");
        sample.RenameClass("c-10a1", "10A1 Chuyên Toán");
        var changed = (await ProblemAssert.OkAsync<JsonElement>(await UploadAsync(admin, school, sample.Zip()))).GetProperty("outcome");
        Assert.Equal(1, changed.GetProperty("peopleRenamed").GetInt32());
        Assert.Equal(1, changed.GetProperty("classesRenamed").GetInt32());
        Assert.Equal(0, changed.GetProperty("peopleCreated").GetInt32());
        var people = await PeopleAsync(admin, school);
        Assert.Contains(("Nguyễn Văn Ân", Roles.Student, "10A1 Chuyên Toán"), people);
        Assert.DoesNotContain(people, p => p.Name == "Nguyễn Văn An");
        Assert.Equal(8, people.Count);
    }

    [Fact]
    public async Task Mistakes_in_any_file_are_all_named_by_file_line_and_column_and_nothing_is_written()
    {
        var (school, admin, _) = await NewSchoolAsync("Trường THPT Lỗi Dòng");
        var sample = new SpecSample();
        sample.Set(SpecSample.Users, "u-student-mai", "email", "mai-at-school");          // users.csv line 6
        sample.Set(SpecSample.Enrollments, "e-bao", "role", "pupil");                     // enrollments.csv line 4
        sample.Set(SpecSample.Classes, "c-10a2", "courseSourcedId", "course-missing");     // classes.csv line 3
        sample.Set(SpecSample.Sessions, "term-1", "startDate", "05/09/2025");             // academicSessions.csv line 3
        var refused = await ProblemAssert.IsProblemAsync(await UploadAsync(admin, school, sample.Zip()),
            HttpStatusCode.UnprocessableEntity, "oneroster-invalid");
        var problems = refused.GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("file").GetString(), p.GetProperty("line").GetInt32(), p.GetProperty("column").GetString(),
                p.GetProperty("code").GetString())).ToList();
        Assert.Equal(
        [
            ("academicSessions.csv", sample.LineOf(SpecSample.Sessions, "term-1"), "startDate", "invalid-date"),
            ("classes.csv", sample.LineOf(SpecSample.Classes, "c-10a2"), "courseSourcedId", "unknown-reference"),
            ("users.csv", sample.LineOf(SpecSample.Users, "u-student-mai"), "email", "invalid-email"),
            ("enrollments.csv", sample.LineOf(SpecSample.Enrollments, "e-bao"), "role", "invalid-value"),
        ], problems);
        Assert.Empty(await PeopleAsync(admin, school));

        // A problem only the database can see (this national ID is already someone else's name) also stops everything.
        var idOwner = $"0{Random.Shared.NextInt64(10_000_000_000, 99_999_999_999)}";
        var (other, otherAdmin, _) = await NewSchoolAsync("Trường khác");
        await ProblemAssert.OkAsync<JsonElement>(await otherAdmin.PostAsync($"/api/institutions/{other}/roster",
            new StringContent($"role,full_name,national_id\nstudent,Hoàng Văn Khác,{idOwner}\n", Encoding.UTF8, "text/csv")));
        var clean = new SpecSample();
        clean.Set(SpecSample.Users, "u-student-bao", "identifier", idOwner);
        clean.Set(SpecSample.Users, "u-student-bao", "email", "");
        var conflict = await ProblemAssert.IsProblemAsync(await UploadAsync(admin, school, clean.Zip()),
            HttpStatusCode.UnprocessableEntity, "oneroster-invalid");
        var only = Assert.Single(conflict.GetProperty("problems").EnumerateArray());
        Assert.Equal(("users.csv", clean.LineOf(SpecSample.Users, "u-student-bao"), "identifier", "id-registered-other-name"),
            (only.GetProperty("file").GetString(), only.GetProperty("line").GetInt32(), only.GetProperty("column").GetString(), only.GetProperty("code").GetString()));
        Assert.Empty(await PeopleAsync(admin, school));
    }

    [Fact]
    public async Task The_export_is_the_specification_s_files_with_sourced_ids_that_stay_and_it_imports_into_an_empty_school_as_the_same_roster()
    {
        var (school, admin, _) = await NewSchoolAsync("Trường THPT Xuất Khẩu");
        var tag = Guid.NewGuid().ToString("N")[..8];
        await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster", new StringContent(
            "role,full_name,email,class,parent_of\n" +
            $"teacher,Trần Thu Hà,ha.{tag}@xk.test,11B1,\n" +
            $"student,Nguyễn Văn An,an.{tag}@xk.test,11B1,\n" +
            $"student,Bùi Thị Lan Anh,lananh.{tag}@xk.test,11B2,\n" +
            $"student,Hùng,hung.{tag}@xk.test,11B2,\n" +
            $"parent,Lê Thị Hoa,hoa.{tag}@xk.test,,an.{tag}@xk.test\n", Encoding.UTF8, "text/csv")));

        var first = await ExportAsync(admin, school);
        var set = ExportedSet.Read(first);
        set.AssertFollowsTheSpecification();
        Assert.Equal(6, set.Users.Count); // the five and the school's admin
        Assert.Equal(["11B1", "11B2"], set.Classes.Select(c => c["title"]).Order(StringComparer.Ordinal));
        Assert.Equal(4, set.Enrollments.Count);
        var second = ExportedSet.Read(await ExportAsync(admin, school));
        Assert.Equal(set.Ids(), second.Ids());

        // Into an empty school: the same people in the same classes and families (the accounts are the people's own by now).
        foreach (var user in set.Users) await server.Get<UserRepository>().MarkClaimedAsync(await server.UserIdAsync(user["email"]));
        var (empty, emptyAdmin, _) = await NewSchoolAsync("Trường THPT Nhập Lại");
        var outcome = (await ProblemAssert.OkAsync<JsonElement>(await UploadAsync(emptyAdmin, empty, first))).GetProperty("outcome");
        Assert.Equal(6, outcome.GetProperty("peopleJoined").GetInt32());
        Assert.Equal(await PeopleAsync(admin, school), await PeopleAsync(emptyAdmin, empty));
        var again = ExportedSet.Read(await ExportAsync(emptyAdmin, empty));
        Assert.Equal(set.Families(), again.Families());
        var before = set.Users.Select(u => u["sourcedId"]).ToHashSet();
        var after = again.Users.Select(u => u["sourcedId"]).ToHashSet();
        Assert.Subset(after, before); // the same sourcedIds, and beside them only the new school's own admin
        Assert.Equal(before.Count + 1, after.Count);
    }

    [Fact]
    public async Task Only_the_school_s_admins_import_and_export()
    {
        var (school, admin, _) = await NewSchoolAsync("Trường THPT Quyền");
        var teacherEmail = $"gv.{Guid.NewGuid():N}@oneroster.test";
        await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster",
            new StringContent($"role,full_name,email,password\nteacher,Giáo Viên Quyền,{teacherEmail},{LmsServer.DemoPassword}\n", Encoding.UTF8, "text/csv")));
        var teacher = await server.SignedInAsync(teacherEmail);
        var (_, otherAdmin, _) = await NewSchoolAsync("Trường khác nữa");
        foreach (var caller in new[] { teacher, otherAdmin, server.Client() })
        {
            Assert.Contains((await UploadAsync(caller, school, new SpecSample().Zip())).StatusCode,
                new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
            Assert.Contains((await caller.GetAsync($"/api/institutions/{school}/oneroster.zip")).StatusCode,
                new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound });
        }
        Assert.Single(await PeopleAsync(admin, school));
    }

    private static async Task<byte[]> ExportAsync(HttpClient admin, Guid school)
    {
        var response = await admin.GetAsync($"/api/institutions/{school}/oneroster.zip");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }
}

/// <summary>
/// The OneRoster 1.2 CSV files of a small Vietnamese school, written from the specification's column lists (CSV
/// binding, tables of section 3) and not from Lms's exporter: columns in reverse order with an extension column, a
/// district beside the school, a row to be deleted, an aide (a role Lms does not have), a demographics file.
/// </summary>
public sealed class SpecSample
{
    public const string Orgs = "orgs.csv", Sessions = "academicSessions.csv", Courses = "courses.csv", Classes = "classes.csv",
        Users = "users.csv", RolesFile = "roles.csv", Enrollments = "enrollments.csv";

    public static readonly Dictionary<string, string[]> Columns = new()
    {
        [Orgs] = ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
        [Sessions] = ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
        [Courses] = ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"],
        [Classes] = ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"],
        [Users] = ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId", "pronouns"],
        [RolesFile] = ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"],
        [Enrollments] = ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate", "endDate"],
    };

    private readonly Dictionary<string, List<Dictionary<string, string>>> _rows = [];
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];

    public SpecSample()
    {
        Add(Orgs, ("sourcedId", "org-district"), ("name", "Sở GD&ĐT Hà Nội"), ("type", "district"));
        Add(Orgs, ("sourcedId", "org-school"), ("name", "Trường THPT Mẫu"), ("type", "school"), ("identifier", "HN-001"), ("parentSourcedId", "org-district"));
        Add(Sessions, ("sourcedId", "year-2026"), ("title", "2025-2026"), ("type", "schoolYear"), ("startDate", "2025-09-05"), ("endDate", "2026-05-31"), ("schoolYear", "2026"));
        Add(Sessions, ("sourcedId", "term-1"), ("title", "Học kỳ I"), ("type", "term"), ("startDate", "2025-09-05"), ("endDate", "2026-01-15"), ("parentSourcedId", "year-2026"), ("schoolYear", "2026"));
        Add(Sessions, ("sourcedId", "term-2"), ("title", "Học kỳ II"), ("type", "term"), ("startDate", "2026-01-19"), ("endDate", "2026-05-31"), ("parentSourcedId", "year-2026"), ("schoolYear", "2026"));
        Add(Courses, ("sourcedId", "course-10"), ("title", "Lớp 10"), ("orgSourcedId", "org-school"), ("schoolYearSourcedId", "year-2026"), ("grades", "10"));
        Add(Classes, ("sourcedId", "c-10a1"), ("title", "10A1"), ("courseSourcedId", "course-10"), ("classType", "homeroom"), ("schoolSourcedId", "org-school"), ("termSourcedIds", "term-1,term-2"), ("grades", "10"));
        Add(Classes, ("sourcedId", "c-10a2"), ("title", "10A2"), ("courseSourcedId", "course-10"), ("classType", "homeroom"), ("schoolSourcedId", "org-school"), ("termSourcedIds", "term-1,term-2"));
        User("u-teacher-ha", "Hà", "Trần", "Thu");
        User("u-teacher-dung", "Dũng", "Đỗ", "Văn");
        User("u-student-an", "An", "Nguyễn", "Văn");
        User("u-student-mai", "Mai", "Nguyễn", "Thị");
        User("u-student-bao", "Bảo", "Phạm", "Quốc", agents: "u-parent-duc");
        User("u-parent-hoa", "Hoa", "Lê", "Thị", agents: "u-student-an");
        User("u-parent-duc", "Đức", "Phạm", "Minh");
        User("u-admin", "Trưởng", "Võ", "Hiệu");
        User("u-aide", "Nhân", "Cao", "Văn");
        User("u-gone", "Cũ", "Lý", "Văn", status: "tobedeleted");
        Role("u-teacher-ha", "teacher"); Role("u-teacher-dung", "teacher");
        Role("u-student-an", "student"); Role("u-student-mai", "student"); Role("u-student-bao", "student");
        Role("u-parent-hoa", "guardian"); Role("u-parent-duc", "parent"); Role("u-admin", "siteAdministrator"); Role("u-aide", "aide");
        Role("u-teacher-ha", "teacher", org: "org-district", type: "secondary");
        Enroll("e-an", "c-10a1", "u-student-an", "student");
        Enroll("e-mai", "c-10a2", "u-student-mai", "student");
        Enroll("e-bao", "c-10a1", "u-student-bao", "student");
        Enroll("e-ha", "c-10a1", "u-teacher-ha", "teacher", primary: "true");
        Enroll("e-dung", "c-10a2", "u-teacher-dung", "teacher", primary: "true");
    }

    private void Add(string file, params (string Column, string Value)[] cells)
    {
        var row = Columns[file].ToDictionary(c => c, _ => "");
        foreach (var (column, value) in cells) row[column] = value;
        (_rows.TryGetValue(file, out var rows) ? rows : _rows[file] = []).Add(row);
    }

    private void User(string id, string given, string family, string middle, string agents = "", string status = "active") =>
        Add(Users, ("sourcedId", id), ("status", status), ("dateLastModified", "2025-08-20T07:30:00.000Z"), ("enabledUser", "true"),
            ("username", $"{id}.{_tag}@mau.edu.vn"), ("givenName", given), ("familyName", family), ("middleName", middle),
            ("email", $"{id}.{_tag}@mau.edu.vn"), ("agentSourcedIds", agents), ("primaryOrgSourcedId", "org-school"));

    private void Role(string user, string role, string org = "org-school", string type = "primary") =>
        Add(RolesFile, ("sourcedId", $"r-{user}-{role}-{org}"), ("userSourcedId", user), ("roleType", type), ("role", role), ("orgSourcedId", org));

    private void Enroll(string id, string @class, string user, string role, string primary = "false") =>
        Add(Enrollments, ("sourcedId", id), ("classSourcedId", @class), ("schoolSourcedId", "org-school"), ("userSourcedId", user),
            ("role", role), ("primary", primary), ("beginDate", "2025-09-05"));

    public void Set(string file, string sourcedId, string column, string value) =>
        _rows[file].Single(r => r["sourcedId"] == sourcedId)[column] = value;

    public void Rename(string user, string fullName)
    {
        var words = fullName.Split(' ');
        Set(Users, user, "familyName", words[0]);
        Set(Users, user, "middleName", string.Join(' ', words[1..^1]));
        Set(Users, user, "givenName", words[^1]);
    }

    public void RenameClass(string @class, string title) => Set(Classes, @class, "title", title);

    /// <summary>The row's line in its file: the header is line 1.</summary>
    public int LineOf(string file, string sourcedId) => _rows[file].FindIndex(r => r["sourcedId"] == sourcedId) + 2;

    public byte[] Zip()
    {
        var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Entry(zip, "manifest.csv", "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n" +
                "file.academicSessions,bulk\nfile.categories,absent\nfile.classes,bulk\nfile.classResources,absent\nfile.courses,bulk\n" +
                "file.courseResources,absent\nfile.demographics,bulk\nfile.enrollments,bulk\nfile.lineItems,absent\nfile.orgs,bulk\n" +
                "file.resources,absent\nfile.results,absent\nfile.roles,bulk\nfile.users,bulk\nsource.systemName,SIS Mẫu\nsource.systemCode,mau\n");
            Entry(zip, "demographics.csv", "sourcedId,status,dateLastModified,birthDate,sex\nu-student-an,,,2010-03-04,male\n");
            foreach (var (file, rows) in _rows)
            {
                // Read by header name, not position: the columns go in reverse order, with an extension column first.
                var columns = Columns[file].Reverse().Prepend("metadata.mau.ghiChu").ToList();
                var text = new StringBuilder(string.Join(',', columns)).Append("\r\n");
                foreach (var row in rows)
                    text.Append(string.Join(',', columns.Select(c => Quote(row.GetValueOrDefault(c) ?? "")))).Append("\r\n");
                Entry(zip, file, text.ToString());
            }
        }
        return output.ToArray();
    }

    private static string Quote(string value) => value.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    private static void Entry(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        writer.Write(text);
    }
}

/// <summary>An exported zip read with a general CSV reader, and the specification's rules checked on it.</summary>
public sealed class ExportedSet
{
    public Dictionary<string, string> Manifest { get; } = [];
    public Dictionary<string, List<Dictionary<string, string>>> Files { get; } = [];
    public Dictionary<string, string[]> Headers { get; } = [];
    public List<Dictionary<string, string>> Users => Files[SpecSample.Users];
    public List<Dictionary<string, string>> Classes => Files[SpecSample.Classes];
    public List<Dictionary<string, string>> Enrollments => Files[SpecSample.Enrollments];

    public static ExportedSet Read(byte[] zip)
    {
        var set = new ExportedSet();
        using var archive = new ZipArchive(new MemoryStream(zip));
        foreach (var entry in archive.Entries)
        {
            using var parser = new TextFieldParser(entry.Open(), Encoding.UTF8) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
            parser.SetDelimiters(",");
            var header = parser.ReadFields()!;
            var rows = new List<Dictionary<string, string>>();
            while (!parser.EndOfData)
            {
                var fields = parser.ReadFields()!;
                Assert.Equal(header.Length, fields.Length);
                rows.Add(header.Zip(fields).ToDictionary(p => p.First, p => p.Second));
            }
            if (entry.Name == "manifest.csv") foreach (var row in rows) set.Manifest[row["propertyName"]] = row["value"];
            else { set.Files[entry.Name] = rows; set.Headers[entry.Name] = header; }
        }
        return set;
    }

    public List<string> Agents(string userSourcedId) =>
        Users.Single(u => u["sourcedId"] == userSourcedId)["agentSourcedIds"].Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    public List<(string, string)> Families()
    {
        string Name(string sid) { var u = Users.Single(x => x["sourcedId"] == sid); return $"{u["familyName"]} {u["middleName"]} {u["givenName"]}"; }
        return Users.SelectMany(u => Agents(u["sourcedId"]).Select(a => (Name(u["sourcedId"]), Name(a)))).Order().ToList();
    }

    public List<string> Ids() => Files.SelectMany(f => f.Value.Select(r => f.Key + ":" + r["sourcedId"])).Order(StringComparer.Ordinal).ToList();

    public void AssertFollowsTheSpecification()
    {
        Assert.Equal("1.0", Manifest["manifest.version"]);
        Assert.Equal("1.2", Manifest["oneroster.version"]);
        foreach (var (file, columns) in SpecSample.Columns)
        {
            Assert.Equal("bulk", Manifest["file." + file[..^4]]);
            Assert.Equal(columns, Headers[file]); // every column of the specification, in its order
        }
        string[] required(string file) => file switch
        {
            SpecSample.Orgs => ["sourcedId", "name", "type"],
            SpecSample.Sessions => ["sourcedId", "title", "type", "startDate", "endDate", "schoolYear"],
            SpecSample.Courses => ["sourcedId", "title", "orgSourcedId"],
            SpecSample.Classes => ["sourcedId", "title", "courseSourcedId", "classType", "schoolSourcedId", "termSourcedIds"],
            SpecSample.Users => ["sourcedId", "enabledUser", "username", "givenName", "familyName"],
            SpecSample.RolesFile => ["sourcedId", "userSourcedId", "roleType", "role", "orgSourcedId"],
            _ => ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
        };
        foreach (var (file, rows) in Files)
        foreach (var row in rows)
        {
            foreach (var column in required(file)) Assert.False(string.IsNullOrEmpty(row[column]), $"{file} {row["sourcedId"]}: {column} is empty");
            Assert.Contains(row["status"], new[] { "active", "tobedeleted" });
            Assert.True(DateTimeOffset.TryParseExact(row["dateLastModified"], "yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out _), $"{file}: {row["dateLastModified"]} is not ISO 8601 UTC");
        }
        void OneOf(string file, string column, params string[] allowed)
        {
            foreach (var row in Files[file]) Assert.Contains(row[column], allowed);
        }
        OneOf(SpecSample.Orgs, "type", "department", "school", "district", "local", "state", "national");
        OneOf(SpecSample.Sessions, "type", "gradingPeriod", "semester", "schoolYear", "term");
        OneOf(SpecSample.Classes, "classType", "homeroom", "scheduled");
        OneOf(SpecSample.Users, "enabledUser", "true", "false");
        OneOf(SpecSample.RolesFile, "roleType", "primary", "secondary");
        OneOf(SpecSample.RolesFile, "role", "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor",
            "relative", "siteAdministrator", "student", "systemAdministrator", "teacher");
        OneOf(SpecSample.Enrollments, "role", "administrator", "proctor", "student", "teacher");
        OneOf(SpecSample.Enrollments, "primary", "true", "false");
        foreach (var session in Files[SpecSample.Sessions])
        {
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", session["startDate"]);
            Assert.Matches(@"^\d{4}$", session["schoolYear"]);
        }

        HashSet<string> Ids(string file) => Files[file].Select(r => r["sourcedId"]).ToHashSet();
        void References(string file, string column, string target, bool list = false)
        {
            foreach (var row in Files[file])
            foreach (var value in list ? row[column].Split(',', StringSplitOptions.RemoveEmptyEntries) : row[column].Length == 0 ? [] : [row[column]])
                Assert.True(Ids(target).Contains(value), $"{file}.{column} names {value}, which {target} does not have");
        }
        foreach (var (file, _) in Files) Assert.Equal(Files[file].Count, Ids(file).Count); // sourcedIds unique
        References(SpecSample.Sessions, "parentSourcedId", SpecSample.Sessions);
        References(SpecSample.Courses, "orgSourcedId", SpecSample.Orgs);
        References(SpecSample.Courses, "schoolYearSourcedId", SpecSample.Sessions);
        References(SpecSample.Classes, "courseSourcedId", SpecSample.Courses);
        References(SpecSample.Classes, "schoolSourcedId", SpecSample.Orgs);
        References(SpecSample.Classes, "termSourcedIds", SpecSample.Sessions, list: true);
        References(SpecSample.Users, "agentSourcedIds", SpecSample.Users, list: true);
        References(SpecSample.Users, "primaryOrgSourcedId", SpecSample.Orgs);
        References(SpecSample.RolesFile, "userSourcedId", SpecSample.Users);
        References(SpecSample.RolesFile, "orgSourcedId", SpecSample.Orgs);
        References(SpecSample.Enrollments, "classSourcedId", SpecSample.Classes);
        References(SpecSample.Enrollments, "userSourcedId", SpecSample.Users);
        References(SpecSample.Enrollments, "schoolSourcedId", SpecSample.Orgs);
        // Every user has exactly one primary role.
        foreach (var user in Users)
            Assert.Single(Files[SpecSample.RolesFile], r => r["userSourcedId"] == user["sourcedId"] && r["roleType"] == "primary");
    }
}
