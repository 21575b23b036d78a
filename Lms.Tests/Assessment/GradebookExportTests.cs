using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

public sealed class GradebookExportTestsOnSqlite(SqliteLmsServer server) : GradebookExportTests(server), IClassFixture<SqliteLmsServer>;

public sealed class GradebookExportTestsOnPostgres(PostgresLmsServer server) : GradebookExportTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The gradebook as a school opens it in Excel: in the viewer's language with that language's separators, with
/// each student's class, and national IDs for the institution's admins only.
/// </summary>
public abstract class GradebookExportTests(LmsServer server)
{
    private const string AnId = "001208000001";
    private const string HaId = "001308000002";

    /// <summary>A course for 10A1 where Lê Hoàng An answered everything and the essay was given half a point.</summary>
    private async Task<(HttpClient Teacher, string CourseId, JsonElement Book)> GradedCourseAsync()
    {
        var (teacher, courseId, quizId, _) = await AssessmentApiTests.CourseWithQuizAsync(server, new { attemptsAllowed = 1, reviewAnswers = "immediately" });
        var student = await server.SignedInAsync(LmsServer.Student1);
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone" }));
        var attemptId = attempt.GetProperty("id").GetString()!;
        var answers = attempt.GetProperty("questions").EnumerateArray().Select(q => new
        {
            answerId = Guid.NewGuid(), slot = q.GetProperty("slot").GetInt32(), response = AssessmentApiTests.RightAnswer(q), clientTime = DateTimeOffset.UtcNow,
        }).ToList();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new { deviceId = "phone", answers }));
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        var essay = (await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/grading-queue")))
            .EnumerateArray().Single(q => q.GetProperty("attemptId").GetString() == attemptId);
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync(
            $"/api/attempts/{attemptId}/slots/{essay.GetProperty("slot").GetInt32()}/grade", new { score = 0.5 }));
        var book = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/courses/{courseId}/gradebook"));
        return (teacher, courseId, book);
    }

    private static JsonElement RowOf(JsonElement book, string name) =>
        book.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("displayName").GetString() == name);

    [Fact]
    public async Task A_teacher_gets_a_vietnamese_csv_with_semicolons_a_bom_and_classes_but_no_national_ids()
    {
        var (teacher, courseId, book) = await GradedCourseAsync();
        var an = RowOf(book, "Lê Hoàng An");
        var total = an.GetProperty("total").GetDouble();
        Assert.NotEqual(Math.Floor(total), total); // half a point: the decimal mark shows

        var rows = ExportFiles.CsvRows(await teacher.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.csv?language=vi"), ';');

        Assert.Equal(["STT", "Họ và tên", "Lớp", "Tên đăng nhập", "Kiểm tra 15 phút (/10)", "Tổng điểm", "Điểm tối đa", "Tỉ lệ (%)"], rows[0]);
        Assert.Equal(book.GetProperty("rows").GetArrayLength() + 1, rows.Count);
        var anRow = rows.Single(r => r[1] == "Lê Hoàng An");
        var decimalComma = total.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',');
        Assert.Equal(["Lê Hoàng An", "10A1", LmsServer.Student1, decimalComma, decimalComma], anRow[1..6]);
        Assert.Equal("10A1", rows.Single(r => r[1] == "Phạm Thu Hà")[2]);
        Assert.DoesNotContain(rows.SelectMany(r => r), cell => cell.Contains(AnId) || cell.Contains(HaId));

        // Without ?language the browser's Accept-Language decides, and Vietnamese is the default.
        var byDefault = await teacher.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.csv");
        Assert.Equal("STT;Họ và tên", string.Join(';', ExportFiles.CsvRows(byDefault, ';')[0][..2]));
    }

    [Fact]
    public async Task An_admin_gets_the_national_id_column_and_english_uses_commas_and_decimal_points()
    {
        var (_, courseId, _) = await GradedCourseAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var book = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/courses/{courseId}/gradebook"));
        var total = RowOf(book, "Lê Hoàng An").GetProperty("total").GetDouble();

        var vi = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.csv?language=vi"), ';');
        Assert.Equal(["STT", "Họ và tên", "Lớp", "Tên đăng nhập", "Số định danh cá nhân"], vi[0][..5]);
        Assert.Equal(AnId, vi.Single(r => r[1] == "Lê Hoàng An")[4]);
        Assert.Equal(HaId, vi.Single(r => r[1] == "Phạm Thu Hà")[4]);

        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB,en;q=0.9");
        var en = ExportFiles.CsvRows(await admin.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.csv"), ',');
        Assert.Equal(["No.", "Full name", "Class", "Login", "National ID", "Kiểm tra 15 phút (/10)", "Total", "Max", "Percent"], en[0]);
        var anRow = en.Single(r => r[1] == "Lê Hoàng An");
        Assert.Equal(["10A1", LmsServer.Student1, AnId, total.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)], anRow[2..6]);
    }

    [Fact]
    public async Task The_workbook_opens_and_holds_the_same_rows_as_the_csv_with_ids_kept_as_text()
    {
        var (teacher, courseId, _) = await GradedCourseAsync();
        var admin = await server.SignedInAsync(LmsServer.Admin);
        foreach (var (who, client) in new[] { ("teacher", teacher), ("admin", admin) })
        {
            var csv = ExportFiles.CsvRows(await client.GetByteArrayAsync($"/api/courses/{courseId}/gradebook.csv?language=vi"), ';');
            var response = await client.GetAsync($"/api/courses/{courseId}/gradebook.xlsx?language=vi");
            response.EnsureSuccessStatusCode();
            Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
            Assert.EndsWith(".xlsx", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
            var xlsx = await response.Content.ReadAsByteArrayAsync();
            var sheet = Assert.Single(ExportFiles.XlsxSheets(xlsx, ","));
            Assert.Equal("Sổ điểm", sheet.Key);
            Assert.Equal(csv.Count, sheet.Value.Count);
            for (var i = 0; i < csv.Count; i++) Assert.True(csv[i].SequenceEqual(sheet.Value[i]), $"{who}, row {i}: {string.Join('|', csv[i])} ≠ {string.Join('|', sheet.Value[i])}");
            if (who == "admin") Assert.Equal(ClosedXML.Excel.XLDataType.Text, ExportFiles.TypeOf(xlsx, AnId));
        }
    }

    [Fact]
    public async Task Students_and_teachers_of_other_schools_get_no_gradebook_file()
    {
        var (teacher, courseId, _) = await GradedCourseAsync();
        var student = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/courses/{courseId}/gradebook.csv"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/courses/{courseId}/gradebook.xlsx"), HttpStatusCode.Forbidden, "forbidden");

        var login = $"gv.{Guid.NewGuid():N}@other.test";
        await server.AddSchoolAsync("Trường khác " + Guid.NewGuid().ToString("N")[..6], (Roles.Teacher, "Giáo Viên Khác", login));
        var stranger = await server.SignedInAsync(login);
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/api/courses/{courseId}/gradebook.csv"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/api/courses/{courseId}/gradebook.xlsx"), HttpStatusCode.NotFound, "not-found");

        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/courses/{courseId}/gradebook.pdf"), HttpStatusCode.NotFound, "not-found");
    }
}
