using System.Text;
using Lms.Grains.Data;

namespace Lms.Tests.Data;

public class PersonTextTests
{
    [Theory]
    [InlineData("Bùi  Hồng Dung", "Bùi Hồng Dung")]
    [InlineData("  Nguyễn\tVăn\u00A0An ", "Nguyễn Văn An")]
    [InlineData("\uFEFFHọ và tên", "Họ và tên")]
    public void Names_are_trimmed_and_their_spaces_collapsed(string typed, string stored) =>
        Assert.Equal(stored, PersonText.Clean(typed));

    [Fact]
    public void A_decomposed_name_is_stored_as_the_composed_one()
    {
        var decomposed = "10 Chuyên Anh".Normalize(NormalizationForm.FormD);
        Assert.NotEqual("10 Chuyên Anh", decomposed);
        Assert.Equal("10 Chuyên Anh", PersonText.Clean(decomposed));
        Assert.Equal(PersonText.Key("10 chuyên anh"), PersonText.Key(decomposed));
    }

    [Fact]
    public void Class_names_differing_only_in_case_share_a_key() =>
        Assert.Equal(PersonText.Key("10a1"), PersonText.Key(" 10A1"));

    [Fact]
    public void Blank_text_is_null() => Assert.Null(PersonText.CleanOrNull(" \u00A0 "));
}
