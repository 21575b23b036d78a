using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

public sealed class MarkBookExportTestsOnSqlite(SqliteLmsServer server) : MarkBookExportTests(server), IClassFixture<SqliteLmsServer>;

public sealed class MarkBookExportTestsOnPostgres(PostgresLmsServer server) : MarkBookExportTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The mark sheet of a subject, class and term as an Excel workbook, opened with ClosedXML: headers in the reader's
/// language, each student's scores as numbers, the term average by Circular 22 and, in term II, the year's; only those
/// who read the sheet download it.
/// </summary>
public abstract class MarkBookExportTests(LmsServer server)
{
    private static string SheetUrl(SchoolDayWorld w, Guid termId) => $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/{w.Maths}/terms/{termId}";

    private static async Task PutAsync(SchoolDayWorld w, Guid termId, Guid student, string column, decimal score) =>
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync($"{SheetUrl(w, termId)}/students/{student}/{column}",
            new { score, rating = (string?)null, reason = (string?)null }));

    private static async Task<IXLWorksheet> OpenAsync(HttpResponseMessage response, XLWorkbook[] keep)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType?.MediaType);
        var workbook = new XLWorkbook(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        keep[0] = workbook;
        return Assert.Single(workbook.Worksheets);
    }

    private static List<string> Row(IXLWorksheet sheet, int row) =>
        Enumerable.Range(1, sheet.LastColumnUsed()!.ColumnNumber()).Select(c => sheet.Cell(row, c).GetFormattedString()).ToList();

    private static int RowOf(IXLWorksheet sheet, string name) =>
        Enumerable.Range(2, sheet.LastRowUsed()!.RowNumber() - 1).Single(r => sheet.Cell(r, 2).GetString() == name);

    [Fact]
    public async Task The_subject_teacher_downloads_the_terms_sheet_with_scores_and_averages_in_their_language()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        foreach (var (column, score) in new[] { ("tx1", 6m), ("tx2", 8m), ("tx3", 7.5m), ("tx4", 9m), ("gk", 5m), ("ck", 10m) })
            await PutAsync(w, w.Term1Id, w.An, column, score);
        await PutAsync(w, w.Term1Id, w.Binh, "tx1", 6.5m);

        var keep = new XLWorkbook[1];
        var vi = await OpenAsync(await w.MathsTeacher.GetAsync($"{SheetUrl(w, w.Term1Id)}/sheet.xlsx?language=vi"), keep);
        Assert.Equal("Toán 10A1 HK1", vi.Name);
        Assert.Equal(["STT", "Họ và tên", "ĐĐGtx1", "ĐĐGtx2", "ĐĐGtx3", "ĐĐGtx4", "ĐĐGgk", "ĐĐGck", "ĐTBmhk"], Row(vi, 1));
        var an = RowOf(vi, "Lê Hoàng An");
        // Numbers, not text: a spreadsheet can sum them. (6 + 8 + 7.5 + 9 + 2·5 + 3·10) / 9 = 7.83… → 7.8
        Assert.Equal([6.0, 8.0, 7.5, 9.0, 5.0, 10.0, 7.8], Enumerable.Range(3, 7).Select(c => vi.Cell(an, c).GetDouble()).ToList());
        var binh = RowOf(vi, "Phạm Thanh Bình");
        Assert.Equal(6.5, vi.Cell(binh, 3).GetDouble());
        Assert.True(vi.Cell(binh, 4).IsEmpty());
        Assert.True(vi.Cell(binh, 9).IsEmpty()); // no average before every assessment is in
        keep[0].Dispose();

        var en = await OpenAsync(await w.Homeroom.GetAsync($"{SheetUrl(w, w.Term1Id)}/sheet.xlsx?language=en"), keep);
        Assert.Equal(["No.", "Full name", "Regular 1", "Regular 2", "Regular 3", "Regular 4", "Mid-term", "End of term", "Term average"], Row(en, 1));
        keep[0].Dispose();
    }

    [Fact]
    public async Task Term_two_adds_the_year_average_and_only_readers_of_the_sheet_download_it()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var books = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync("/api/school-year/mark-books"));
        var term2 = books.GetProperty("terms").EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 2).GetProperty("id").GetGuid();
        // Term I average 7.0, term II average 8.5: the year's (7.0 + 2·8.5) / 3 = 8.0.
        foreach (var column in new[] { "tx1", "tx2", "tx3", "tx4", "gk", "ck" }) await PutAsync(w, w.Term1Id, w.An, column, 7m);
        foreach (var column in new[] { "tx1", "tx2", "tx3", "tx4", "gk", "ck" }) await PutAsync(w, term2, w.An, column, 8.5m);

        var keep = new XLWorkbook[1];
        var sheet = await OpenAsync(await w.Admin.GetAsync($"{SheetUrl(w, term2)}/sheet.xlsx?language=vi"), keep);
        Assert.Equal(["ĐTBmhk", "ĐTBmcn"], Row(sheet, 1)[^2..]);
        var an = RowOf(sheet, "Lê Hoàng An");
        Assert.Equal((8.5, 8.0), (sheet.Cell(an, 9).GetDouble(), sheet.Cell(an, 10).GetDouble()));
        keep[0].Dispose();

        // A parent or a student is not staff of the class: the sheet is not theirs to download.
        Assert.Equal(HttpStatusCode.Forbidden, (await w.AnParent.GetAsync($"{SheetUrl(w, term2)}/sheet.xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.AnHimself.GetAsync($"{SheetUrl(w, term2)}/sheet.xlsx")).StatusCode);
    }
}
