using System.Text;
using Lms.Server.Institutions;

namespace Lms.Tests.Institutions;

/// <summary>How the roster reader takes Excel's files: headers, separators, empty rows, and the national IDs Excel spoils.</summary>
public sealed class RosterCsvTests
{
    [Theory]
    [InlineData("001208679000", false, null)]
    [InlineData("1208679000", false, "id-leading-zeros-lost")]
    [InlineData("01208679000", false, "id-leading-zeros-lost")]
    [InlineData("123456789", false, "id-old-nine-digits")]
    [InlineData("123456789", true, null)]
    [InlineData("1.20868E+11", false, "id-excel-number")]
    [InlineData("12345", false, "invalid-national-id")]
    [InlineData("0012086790001", false, "invalid-national-id")]
    [InlineData("00120867900A", false, "invalid-national-id")]
    public void A_national_id_has_12_digits_and_a_shortened_one_says_why(string id, bool acceptNineDigits, string? code)
    {
        var problem = RosterCsv.NationalIdProblem(id, new RosterOptions { AcceptNineDigitIds = acceptNineDigits });
        Assert.Equal(code, problem?.Code);
        if (code == "id-leading-zeros-lost") Assert.Equal(id.PadLeft(12, '0'), problem!.Params["restored"]);
    }

    [Theory]
    [InlineData(";")]
    [InlineData(",")]
    public void Decomposed_headers_extra_columns_and_empty_rows_are_read_as_Excel_writes_them(string separator)
    {
        var header = string.Join(separator, "STT", "HỌ VÀ TÊN".Normalize(NormalizationForm.FormD), "Vai Trò", "Giới tính", "lớp", "Mã Định Danh");
        var empty = string.Concat(Enumerable.Repeat(separator, 5));
        var text = $"\uFEFF{header}\r\n1{separator}Bùi  Hồng Dung{separator}Học sinh{separator}Nữ{separator}10a1{separator}001209000777\r\n{empty}\r\n";

        var file = RosterCsv.Parse(new StringReader(text));

        Assert.Empty(file.Problems);
        var entry = Assert.Single(file.Entries);
        Assert.Equal(("Bùi Hồng Dung", "student", "10a1", "001209000777"), (entry.FullName, entry.Role, entry.ClassName, entry.NationalId));
        Assert.Equal(["column-ignored:STT", "column-ignored:Giới tính", "empty-rows-skipped:1"],
            file.Notices.Select(n => $"{n.Code}:{n.Params.Values.First()}"));
    }
}
