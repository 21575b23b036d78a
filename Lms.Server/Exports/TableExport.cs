using System.Text;
using ClosedXML.Excel;
using Lms.Grains.Data;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Exports;

public enum ExportFormat
{
    Xlsx,
    Csv,
}

/// <summary>
/// One table of an export: translated headers, then rows of text (<see cref="string"/>), numbers
/// (<see cref="double"/>, <see cref="int"/>) or nothing (null). In a workbook each table is a sheet.
/// </summary>
public sealed record ExportTable(string Name, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// Writes tables as an Excel workbook (ClosedXML) or as CSV the way Excel in the viewer's language opens it
/// by a double click: UTF-8 with a byte-order mark, that language's field separator and decimal mark.
/// Every export is written to the audit log (who, what, how many rows; never the data itself).
/// </summary>
public static class TableExport
{
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>"xlsx" or "csv" from a route; 404 for anything else (there is no such file).</summary>
    public static ExportFormat ParseFormat(string format) => format.ToLowerInvariant() switch
    {
        "xlsx" => ExportFormat.Xlsx,
        "csv" => ExportFormat.Csv,
        _ => throw ProblemException.NotFound($"An export as {format}"),
    };

    /// <summary>
    /// The file to send. A CSV file has one table: the tables' rows follow each other under the first one's
    /// headers (so tables exported together share their columns).
    /// </summary>
    public static IResult File(
        HttpContext http, ExportFormat format, string fileStem, IReadOnlyList<ExportTable> tables, ExportLanguage language, string audit)
    {
        var rows = tables.Sum(t => t.Rows.Count);
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Lms.Exports")
            .LogInformation("Export {Export} ({Format}, {Language}) by {UserId}: {Rows} rows", audit, format, language.Code, http.User.Id(), rows);
        return format == ExportFormat.Xlsx
            ? TypedResults.File(Xlsx(tables), XlsxContentType, FileName(fileStem, "xlsx"))
            : TypedResults.File(Csv(tables, language), CsvContentType, FileName(fileStem, "csv"));
    }

    public static byte[] Csv(IReadOnlyList<ExportTable> tables, ExportLanguage language)
    {
        if (tables.Skip(1).Any(t => !t.Headers.SequenceEqual(tables[0].Headers)))
            throw new ArgumentException("Tables exported to one CSV file share their columns.", nameof(tables));
        var text = new StringBuilder();
        AppendLine(text, tables.Count == 0 ? [] : tables[0].Headers, language);
        foreach (var row in tables.SelectMany(t => t.Rows)) AppendLine(text, row, language);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static void AppendLine(StringBuilder text, IEnumerable<object?> cells, ExportLanguage language) =>
        text.AppendJoin(language.Separator, cells.Select(c => CsvCell(c, language))).Append("\r\n");

    private static string CsvCell(object? value, ExportLanguage language) => value switch
    {
        null => "",
        double d => language.Number(d),
        int i => i.ToString(language.Numbers),
        _ => Quote(PersonText.Clean(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""), language.Separator),
    };

    private static string Quote(string s, char separator)
    {
        // A leading =, +, -, @ (or a tab or return before one) makes a formula in a spreadsheet: keep it text.
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r') s = "'" + s;
        return s.IndexOfAny([separator, '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    public static byte[] Xlsx(IReadOnlyList<ExportTable> tables)
    {
        using var workbook = new XLWorkbook();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var table in tables.DefaultIfEmpty(new ExportTable("", [], [])))
        {
            var sheet = workbook.Worksheets.Add(SheetName(table.Name, names));
            var widths = new int[table.Headers.Count];
            for (var c = 0; c < table.Headers.Count; c++)
            {
                Text(sheet.Cell(1, c + 1), table.Headers[c]).Style.Font.Bold = true;
                widths[c] = table.Headers[c].Length;
            }
            for (var r = 0; r < table.Rows.Count; r++)
            {
                var row = table.Rows[r];
                for (var c = 0; c < row.Count; c++)
                {
                    var cell = sheet.Cell(r + 2, c + 1);
                    switch (row[c])
                    {
                        case null: break;
                        case double d: cell.SetValue(d); break;
                        case int i: cell.SetValue(i); break;
                        case var value:
                            var text = PersonText.Clean(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                            Text(cell, text);
                            if (c < widths.Length) widths[c] = Math.Max(widths[c], text.Length);
                            break;
                    }
                }
            }
            // Widths from the text's length: measuring fonts would need System.Drawing, which Linux servers lack.
            for (var c = 0; c < widths.Length; c++) sheet.Column(c + 1).Width = Math.Clamp(widths[c] + 2, 6, 60);
            if (table.Headers.Count > 0)
            {
                sheet.SheetView.FreezeRows(1);
                sheet.Range(1, 1, table.Rows.Count + 1, table.Headers.Count).SetAutoFilter();
            }
        }
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    /// <summary>Text stays text: an ID's leading zeros, a class "10/1" that looks like a date, a name starting with "=".</summary>
    private static IXLCell Text(IXLCell cell, string text)
    {
        cell.SetValue(text);
        cell.DataType = XLDataType.Text;
        return cell;
    }

    /// <summary>Excel's rules for a sheet name: at most 31 characters, none of \ / ? * [ ] :, unique in the workbook.</summary>
    private static string SheetName(string name, HashSet<string> taken)
    {
        var clean = new string(name.Where(ch => ch is not ('\\' or '/' or '?' or '*' or '[' or ']' or ':')).ToArray()).Trim().Trim('\'');
        if (clean.Length == 0) clean = "1";
        if (clean.Length > 31) clean = clean[..31];
        var unique = clean;
        for (var n = 2; !taken.Add(unique); n++)
            unique = (clean.Length > 27 ? clean[..27] : clean) + " (" + n + ")";
        return unique;
    }

    /// <summary>An ASCII file name: "so-diem-toan-10a1.xlsx" (headers that carry non-ASCII names confuse some browsers).</summary>
    public static string FileName(string stem, string extension)
    {
        var folded = SearchText.Fold(stem);
        var safe = new string(folded.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        while (safe.Contains("--")) safe = safe.Replace("--", "-");
        safe = safe.Trim('-');
        if (safe.Length > 60) safe = safe[..60].TrimEnd('-');
        return $"{(safe.Length == 0 ? "export" : safe)}.{extension}";
    }
}
