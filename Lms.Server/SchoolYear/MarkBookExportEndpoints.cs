using Lms.Grains.SchoolYear;
using Lms.Server.Exports;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>
/// A subject's mark sheet for a class and term as an Excel workbook, for those who read the sheet (its teacher, the
/// homeroom teacher, the school's admins): one row per student with each assessment, the term's average (ĐTBmhk) or
/// rating, and in term II the year's. Headers in the reader's language; scores are numbers Excel can compute with.
/// </summary>
public static class MarkBookExportEndpoints
{
    public static void MapMarkBookExportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/school-years/{yearId:guid}/classes/{classId:guid}/mark-book/{subjectId:guid}/terms/{termId:guid}/sheet.xlsx", Export)
            .ProducesProblems(403, 404).WithTags("Mark book")
            .WithSummary("The subject's mark sheet of the class and term as xlsx, in the viewer's language (?language=vi|en; its teacher, the homeroom teacher, admins).");
    }

    private static async Task<IResult> Export(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years,
        SchoolPeople people, MarkBookRepository marks)
    {
        var sheet = await MarkBookEndpoints.Sheet(yearId, classId, subjectId, termId, http, access, years, people, marks);
        var language = ExportLanguage.Of(http.Request);
        var table = Table(sheet, language);
        return TableExport.File(http, ExportFormat.Xlsx, $"{language.Text("file.markbook")} {sheet.SubjectName} {sheet.ClassName} {sheet.TermNumber}", [table],
            language, $"mark book of subject {subjectId} in class {classId}, term {termId}");
    }

    public static ExportTable Table(MarkSheetView sheet, ExportLanguage language)
    {
        var scored = sheet.Assessment == SubjectAssessments.Scored;
        var yearToo = sheet.TermNumber == 2;
        var headers = new List<string> { language.Text("column.number"), language.Text("column.name") };
        headers.AddRange(sheet.Columns.Select(c => Header(c, language)));
        headers.Add(language.Text(scored ? "markbook.column.termAverage" : "markbook.column.termRating"));
        if (yearToo) headers.Add(language.Text(scored ? "markbook.column.yearAverage" : "markbook.column.yearRating"));
        var rows = sheet.Students.Select((s, i) =>
        {
            var row = new List<object?> { i + 1, s.Name };
            row.AddRange(sheet.Columns.Select(c => Value(s.Cells.GetValueOrDefault(c), language)));
            row.Add(scored ? Number(s.Average) : Rating(s.Rating, language));
            if (yearToo) row.Add(scored ? Number(s.YearAverage) : Rating(s.YearRating, language));
            return (IReadOnlyList<object?>)row;
        }).ToList();
        return new ExportTable(language.Text("markbook.sheet", ("subject", sheet.SubjectName), ("class", sheet.ClassName),
            ("term", sheet.TermNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))), headers, rows);
    }

    /// <summary>tx1 → ĐĐGtx1 (Regular 1), gk → ĐĐGgk (Mid-term), ck → ĐĐGck (End of term).</summary>
    private static string Header(string column, ExportLanguage language) => column switch
    {
        MarkColumns.Midterm => language.Text("markbook.column.midterm"),
        MarkColumns.Final => language.Text("markbook.column.final"),
        _ => language.Text("markbook.column.regular", ("n", column[2..])),
    };

    /// <summary>A cell as the grid shows it: "7.5" becomes the number 7.5, a rating its word.</summary>
    private static object? Value(string? text, ExportLanguage language) =>
        text is null ? null
        : decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var score) ? (double)score
        : Rating(text, language);

    private static object? Number(decimal? value) => value is { } v ? (double)v : null;

    private static string? Rating(string? rating, ExportLanguage language) => rating is null ? null : language.Text("markbook.rating." + rating);
}
