using System.Net;
using System.Text.Json;
using ClosedXML.Excel;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Institutions;

public sealed class RosterExportTestsOnSqlite(SqliteLmsServer server) : RosterExportTests(server), IClassFixture<SqliteLmsServer>;

public sealed class RosterExportTestsOnPostgres(PostgresLmsServer server) : RosterExportTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>The people list and the class lists as files an admin keeps, prints and opens in Excel.</summary>
public abstract class RosterExportTests(LmsServer server)
{
    [Fact]
    public async Task An_admin_exports_the_people_list_in_vietnamese_with_classes_and_national_ids()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var total = (await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/people?take=1")))
            .GetProperty("total").GetInt32();

        var rows = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/institutions/{school}/people.csv?language=vi"), ';');

        Assert.Equal(["STT", "Họ và tên", "Vai trò", "Lớp", "Email", "Số định danh cá nhân"], rows[0]);
        Assert.Equal(total + 1, rows.Count);
        Assert.Equal(Enumerable.Range(1, total).Select(n => n.ToString()), rows.Skip(1).Select(r => r[0]));
        Assert.Contains(["Lê Hoàng An", "Học sinh", "10A1", LmsServer.Student1, "001208000001"], rows.Select(r => r[1..]));
        Assert.Contains(["Trần Văn Minh", "Giáo viên", "", LmsServer.Teacher, "001085000123"], rows.Select(r => r[1..]));

        // The filters of the list on screen apply: the students of 10A2 only.
        var a2 = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/institutions/{school}/people.csv?role=student&className=10A2"), ';');
        Assert.Equal(["Đỗ Minh Khoa"], a2.Skip(1).Select(r => r[1]));
    }

    [Fact]
    public async Task The_people_workbook_has_the_csv_rows_and_keeps_leading_zeros_and_english_uses_commas()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var csv = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/institutions/{school}/people.csv?language=vi"), ';');
        var xlsx = await admin.GetByteArrayAsync($"/api/institutions/{school}/people.xlsx?language=vi");

        var sheet = Assert.Single(ExportFiles.XlsxSheets(xlsx, ","));
        Assert.Equal("Danh sách", sheet.Key);
        Assert.Equal(csv.Count, sheet.Value.Count);
        for (var i = 0; i < csv.Count; i++) Assert.Equal(csv[i], sheet.Value[i]);
        Assert.Equal(XLDataType.Text, ExportFiles.TypeOf(xlsx, "001208000001"));

        var en = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/institutions/{school}/people.csv?language=en"), ',');
        Assert.Equal(["No.", "Full name", "Role", "Class", "E-mail", "National ID"], en[0]);
        Assert.Contains(["Lê Hoàng An", "Student", "10A1", LmsServer.Student1, "001208000001"], en.Select(r => r[1..]));
    }

    [Fact]
    public async Task Class_lists_come_one_sheet_per_class_or_one_class_as_csv()
    {
        var school = await server.DemoSchoolIdAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var classes = (await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/institutions/{school}/classes")))
            .EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("students").GetInt32());

        var sheets = ExportFiles.XlsxSheets(await admin.GetByteArrayAsync($"/api/institutions/{school}/class-lists.xlsx"), ",");

        Assert.Equal(classes.Keys.Order(), sheets.Keys.Order());
        foreach (var (name, students) in classes)
        {
            Assert.Equal(["STT", "Họ và tên", "Lớp", "Email", "Số định danh cá nhân"], sheets[name][0]);
            Assert.Equal(students, sheets[name].Count - 1);
            Assert.All(sheets[name].Skip(1), row => Assert.Equal(name, row[2]));
        }
        Assert.Equal(["Lê Hoàng An", "Phạm Thu Hà"], sheets["10A1"].Skip(1).Select(r => r[1]).Order());

        // One class by name, however its case is typed.
        var a1 = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/institutions/{school}/class-lists.csv?className=10a1"), ';');
        Assert.Equal(sheets["10A1"], a1);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/institutions/{school}/class-lists.csv?className=99Z9"),
            HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Only_the_institutions_admins_export_its_people()
    {
        var school = await server.DemoSchoolIdAsync();
        foreach (var login in new[] { LmsServer.Teacher, LmsServer.Student1, LmsServer.Parent })
        {
            var client = await server.SignedInAsync(login);
            foreach (var file in new[] { "people.csv", "people.xlsx", "class-lists.csv", "class-lists.xlsx" })
                await ProblemAssert.IsProblemAsync(await client.GetAsync($"/api/institutions/{school}/{file}"), HttpStatusCode.Forbidden, "forbidden");
        }
        var otherAdmin = $"admin.{Guid.NewGuid():N}@other.test";
        await server.AddSchoolAsync("Trường khác " + Guid.NewGuid().ToString("N")[..6], (Roles.Admin, "Quản Trị Khác", otherAdmin));
        var stranger = await server.SignedInAsync(otherAdmin);
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/api/institutions/{school}/people.xlsx"), HttpStatusCode.Forbidden, "forbidden");

        var admin = await server.SignedInAsync(LmsServer.Admin);
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/institutions/{school}/people.pdf"), HttpStatusCode.NotFound, "not-found");
    }
}
