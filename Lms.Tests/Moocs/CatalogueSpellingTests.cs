using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Data;
using Lms.Grains.Moocs;
using Lms.Server.Moocs;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Moocs;

/// <summary>Vietnamese spelling variants of i/y fold alike for the catalogue, and only where a syllable's lone vowel is a final y.</summary>
public sealed class SpellingFoldTests
{
    [Theory]
    [InlineData("kĩ thuật", "kỹ thuật")]
    [InlineData("Kĩ Thuật Phần Mềm", "kỹ thuật phần mềm")]
    [InlineData("vật lí", "vật lý")]
    [InlineData("lí thuyết", "lý thuyết")]
    [InlineData("bác sĩ", "bác sỹ")]
    [InlineData("quí", "quý")]
    [InlineData("hi vọng", "hy vọng")]
    [InlineData("công ti", "công ty")]
    [InlineData("Mĩ thuật", "Mỹ thuật")]
    [InlineData("(lí)", "(lý)")]
    public void Variants_fold_to_one_text(string one, string other) =>
        Assert.Equal(SearchText.FoldSpelling(one), SearchText.FoldSpelling(other));

    [Theory]
    [InlineData("tay", "tai")] // ay is a diphthong: hand is not ear
    [InlineData("huy", "hui")]
    [InlineData("thuỷ", "thui")]
    [InlineData("may", "mai")]
    [InlineData("yêu", "iêu")] // y that begins a syllable is not a variant
    public void Other_y_stays(string one, string other) =>
        Assert.NotEqual(SearchText.FoldSpelling(one), SearchText.FoldSpelling(other));

    [Fact]
    public void Plain_fold_is_unchanged_for_names() => Assert.Equal("ly thanh tam", SearchText.Fold("Lý Thanh Tâm"));
}

/// <summary>"Next run" on a catalogue card is a run that has not started; one under way shows as open now, without a date.</summary>
public sealed class NextRunTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    private static RunRow Run(string pace, int? startsInDays, int? endsInDays) => new()
    {
        Id = Guid.NewGuid(), Pace = pace, StartsAt = startsInDays is { } s ? Now.AddDays(s) : null,
        EndsAt = endsInDays is { } e ? Now.AddDays(e) : null,
    };

    public static TheoryData<string, RunRow[], int?, string?> Cases => new()
    {
        { "only a run under way: open now, no date", [Run("self", null, null)], null, "self" },
        { "a started instructor run and one to come: the one to come", [Run("instructor", -10, 20), Run("instructor", 30, 60)], 30, "instructor" },
        { "two to come: the sooner", [Run("instructor", 60, 90), Run("self", 14, null)], 14, "self" },
        { "an ended run and one under way", [Run("instructor", -60, -1), Run("self", -5, 40)], null, "self" },
        { "every run ended: none", [Run("instructor", -60, -1)], null, null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Next_run_is_one_not_started(string why, RunRow[] runs, int? startsInDays, string? pace)
    {
        var (startsAt, nextPace) = MoocEndpoints.NextRun(runs, Now);
        Assert.True(startsAt == (startsInDays is { } d ? Now.AddDays(d) : null), why);
        Assert.True(pace == nextPace, why);
    }
}

public sealed class CatalogueSpellingTestsOnSqlite(SqliteLmsServer server) : CatalogueSpellingTests(server), IClassFixture<SqliteLmsServer>;

public sealed class CatalogueSpellingTestsOnPostgres(PostgresLmsServer server) : CatalogueSpellingTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>The catalogue finds a course whichever i/y spelling the title or the search uses.</summary>
public abstract class CatalogueSpellingTests(LmsServer server)
{
    [Theory]
    [InlineData("Kỹ thuật lập trình", "kĩ thuật")]
    [InlineData("Kĩ thuật số", "kỹ thuật")]
    [InlineData("Vật lý đại cương", "vat li")]
    [InlineData("Lí thuyết đồ thị", "lý thuyết")]
    public async Task Search_matches_either_spelling(string title, string query)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mooc = await new MoocKit(server).CreateAsync($"{title} {tag}");
        var found = await server.Client().GetFromJsonAsync<JsonElement>($"/api/catalogue?q={Uri.EscapeDataString($"{query} {tag}")}");
        Assert.Contains(found.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == mooc.Id);
    }
}
