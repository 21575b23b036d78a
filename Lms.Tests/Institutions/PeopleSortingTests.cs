using System.Globalization;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Tests.Institutions;

/// <summary>Vietnamese order of names and class names, diacritic-free search and phone numbers, as data.</summary>
public sealed class PeopleSortingTests
{
    private static readonly (string Why, string[] Order)[] Letters =
    [
        // The Vietnamese alphabet: a ă â … d đ … e ê … o ô ơ … u ư; tone marks decide only between equal letters.
        ("a ă â are three letters", ["An", "Anh", "Ăn", "Ân", "Bình"]),
        ("tones come after the letters", ["An", "Ản", "Án", "Anh", "Ánh"]),
        ("tones in CLDR order: none, huyền, hỏi, ngã, sắc, nặng", ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]),
        ("every Đ after every D", ["Dung", "Dũng", "Dương", "Đạt", "Đức"]),
        ("e ê, o ô ơ, u ư", ["Em", "Êm", "Oanh", "Ông", "Ơn", "Uyên", "Ưng"]),
        ("case decides last", ["an", "An", "anh"]),
    ];

    /// <summary>Each list is in the expected order; the test shuffles it and sorts it back.</summary>
    public static TheoryData<string, string[]> LetterOrders
    {
        get
        {
            var data = new TheoryData<string, string[]>();
            foreach (var (why, order) in Letters) data.Add(why, order);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LetterOrders))]
    public void Words_sort_in_the_vietnamese_alphabet(string why, string[] expected)
    {
        Assert.NotEmpty(why);
        Assert.Equal(expected, Shuffled(expected).Order(VietnameseOrder.Instance).ToArray());
    }

    [Theory]
    [MemberData(nameof(LetterOrders))]
    public void Decomposed_text_sorts_as_composed_text(string why, string[] expected)
    {
        Assert.NotEmpty(why);
        var decomposed = expected.Select(s => s.Normalize(System.Text.NormalizationForm.FormD)).ToArray();
        Assert.Equal(decomposed, Shuffled(decomposed).Order(VietnameseOrder.Instance).ToArray());
    }

    /// <summary>On this machine .NET's "vi-VN" culture (ICU) gives the same letter order; the comparer keeps it where ICU is absent.</summary>
    [Fact]
    public void Dotnets_vietnamese_culture_agrees_on_the_letter_order()
    {
        var icu = CultureInfo.GetCultureInfo("vi-VN").CompareInfo;
        foreach (var (_, list) in Letters.Where(r => r.Why != "case decides last"))
            Assert.Equal(list, Shuffled(list).Order(Comparer<string>.Create((a, b) => icu.Compare(a, b))).ToArray());
    }

    public static TheoryData<NameOrder, string[]> ClassLists => new()
    {
        // As a Vietnamese class list: given name, then surname, then middle names.
        {
            NameOrder.GivenName,
            ["Nguyễn Văn An", "Trần Thị An", "Lê Hoàng Anh", "Phạm Ân", "Bùi Hồng Dung", "Phạm Thị Ngọc Đào", "Hà Đức", "Võ Đình Tâm"]
        },
        { NameOrder.GivenName, ["Lê An", "Lê Thị An", "Lê Văn An", "Lý An"] },
        // Surname first: the name as written.
        {
            NameOrder.Surname,
            ["Bùi Hồng Dung", "Đỗ An", "Hà Đức", "Lê Hoàng Anh", "Nguyễn Văn An", "Phạm Ân", "Trần Thị An", "Võ Đình Tâm"]
        },
        // Extra and odd spaces do not change a place in the list.
        { NameOrder.GivenName, ["Trần  An", " Lê   Bình ", "Đỗ Chi"] },
    };

    [Theory]
    [MemberData(nameof(ClassLists))]
    public void People_sort_as_class_lists_do(NameOrder order, string[] expected) =>
        Assert.Equal(expected, Shuffled(expected).Order(PersonNameOrder.For(order)).ToArray());

    public static TheoryData<string[]> ClassNames => new()
    {
        { ["10A1", "10A2", "10A10", "10A11", "11A1", "12A1"] },
        { ["6A", "7A", "10 Chuyên Anh", "10 Chuyên Toán", "11 Chuyên Anh"] },
        { ["10a1", "10A2", "10b1"] },
        { ["10 Chuyên Anh", "10A1", "10A2", "10B1"] }, // a space before any letter, as in a dictionary
        { ["Lớp 9", "Lớp 10", "Lớp Đàn"] },
    };

    [Theory]
    [MemberData(nameof(ClassNames))]
    public void Class_names_sort_in_natural_order(string[] expected) =>
        Assert.Equal(expected, Shuffled(expected).Order(ClassNameOrder.Instance).ToArray());

    [Theory]
    [InlineData("bui hong dung", "Bùi  Hồng Dung", true)]
    [InlineData("BÙI HỒNG", "Bùi Hồng Dung", true)]
    [InlineData("  bui   hong  ", "Bùi Hồng Dung", true)]
    [InlineData("dung bui", "Bùi Hồng Dung", true)]
    [InlineData("duc", "Hà Đức", true)]
    [InlineData("đức", "Ha Duc", true)]
    [InlineData("ngoc", "Phạm Thị Ngọc", true)]
    [InlineData("ngọc", "Phạm Thị Ngoc", true)]
    [InlineData("hong dung tam", "Bùi Hồng Dung", false)]
    [InlineData("an", "Lê Hoàng Anh", true)]
    [InlineData("binh", "Lê Hoàng Anh", false)]
    [InlineData("hoang an", "Hoàng Văn Nam", false)] // "an" inside "Văn" and "Nam" is not a word that begins "an"
    [InlineData("hoang an", "Lê Hoàng An", true)]
    public void Search_ignores_case_diacritics_and_extra_spaces(string query, string name, bool found)
    {
        // Also when the name was typed on a Mac (decomposed).
        Assert.Equal(found, SearchText.ContainsAll(SearchText.Words(query), SearchText.Fold(name)));
        Assert.Equal(found, SearchText.ContainsAll(SearchText.Words(query), SearchText.Fold(name.Normalize(System.Text.NormalizationForm.FormD))));
    }

    [Theory]
    [InlineData("0912 345 678", "+84912345678")]
    [InlineData("0912345678", "+84912345678")]
    [InlineData("+84912345678", "+84912345678")]
    [InlineData("+84 912 345 678", "+84912345678")]
    [InlineData("84912345678", "+84912345678")]
    [InlineData("0912.345.678", "+84912345678")]
    [InlineData("(+84) 386-123-456", "+84386123456")]
    [InlineData("0123456789", null)] // 01x is no mobile prefix any more
    [InlineData("091234567", null)]
    [InlineData("09123456789", null)]
    [InlineData("+1 415 555 0100", null)]
    [InlineData("001208679000", null)] // a national ID, not a phone number
    [InlineData("someone@example.com", null)]
    [InlineData("", null)]
    public void Phone_numbers_have_one_normal_form(string typed, string? normal)
    {
        Assert.Equal(normal is not null, PhoneNumber.TryNormalize(typed, out var result));
        if (normal is not null) Assert.Equal(normal, result);
    }

    /// <summary>A fixed shuffle (reversed, then the halves swapped), so a failure repeats.</summary>
    private static string[] Shuffled(string[] items)
    {
        var reversed = items.Reverse().ToArray();
        return [.. reversed[(reversed.Length / 2)..], .. reversed[..(reversed.Length / 2)]];
    }
}
