using System.Globalization;
using System.Text;
using ClosedXML.Excel;

namespace Lms.Tests.Infrastructure;

/// <summary>An exported file read back the way a spreadsheet opens it: a CSV file's lines, a workbook's sheets.</summary>
public static class ExportFiles
{
    public static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The rows of a CSV file that starts with a UTF-8 byte-order mark (asserted), split on its separator.</summary>
    public static List<string[]> CsvRows(byte[] file, char separator)
    {
        Assert.Equal(Bom, file[..3]);
        var text = Encoding.UTF8.GetString(file, 3, file.Length - 3);
        Assert.DoesNotContain("\"", text);
        return text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(separator)).ToList();
    }

    /// <summary>
    /// Each sheet's rows as text, numbers written as the CSV in that language writes them (decimal comma in
    /// Vietnamese), so a workbook and a CSV file can be compared cell by cell.
    /// </summary>
    public static Dictionary<string, List<string[]>> XlsxSheets(byte[] file, string decimalSeparator)
    {
        using var workbook = new XLWorkbook(new MemoryStream(file));
        var numbers = new NumberFormatInfo { NumberDecimalSeparator = decimalSeparator };
        return workbook.Worksheets.ToDictionary(sheet => sheet.Name, sheet =>
        {
            var used = sheet.RangeUsed();
            if (used is null) return new List<string[]>();
            var columns = used.LastColumn().ColumnNumber();
            return used.Rows().Select(row => Enumerable.Range(1, columns).Select(c =>
            {
                var cell = row.Cell(c);
                return cell.DataType == XLDataType.Number ? cell.GetDouble().ToString("0.##", numbers) : cell.GetString();
            }).ToArray()).ToList();
        });
    }

    /// <summary>The data type of the first cell in a sheet whose text is <paramref name="text"/>.</summary>
    public static XLDataType TypeOf(byte[] file, string text)
    {
        using var workbook = new XLWorkbook(new MemoryStream(file));
        return workbook.Worksheets.SelectMany(s => s.CellsUsed()).First(c => c.GetString() == text).DataType;
    }
}
