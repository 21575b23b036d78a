using System.Globalization;
using Lms.Grains.SchoolYear;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// Circular 22/2021/TT-BGDĐT as data: how many regular assessments a term has, the term and year averages with their
/// rounding, a comment-only subject's term, the learning result at every threshold, and the year's conduct table.
/// Scores are written as text ("6.45") so that each case is the exact decimal a teacher enters.
/// </summary>
public sealed class Circular22Tests
{
    private static decimal D(string text) => decimal.Parse(text, CultureInfo.InvariantCulture);

    private static decimal?[] Scores(string list) => list.Length == 0 ? [] : list.Split(' ').Select(s => (decimal?)D(s)).ToArray();

    [Theory]
    [InlineData("scored", 35, 2)]
    [InlineData("scored", 18, 2)]
    [InlineData("scored", 36, 3)]
    [InlineData("scored", 52, 3)]
    [InlineData("scored", 70, 3)]
    [InlineData("scored", 71, 4)]
    [InlineData("scored", 105, 4)]
    [InlineData("comment", 70, 2)]
    [InlineData("comment", 105, 2)]
    public void Regular_assessments_a_term_follow_the_periods_a_year(string assessment, int periods, int expected) =>
        Assert.Equal(expected, Circular22.RegularCount(assessment, periods));

    [Theory]
    [InlineData("0", true)]
    [InlineData("10", true)]
    [InlineData("7.5", true)]
    [InlineData("9.9", true)]
    [InlineData("7.25", false)]
    [InlineData("10.1", false)]
    [InlineData("-0.1", false)]
    [InlineData("11", false)]
    public void A_score_is_0_to_10_with_one_decimal(string score, bool valid) => Assert.Equal(valid, Circular22.IsScore(D(score)));

    [Theory]
    // Worked: (6 + 8 + 7.5 + 2·5 + 3·10) / 8 = 7.6875 → 7.7
    [InlineData("6 8 7.5", "5", "10", "7.7")]
    // Exactly halfway: (6 + 6 + 6.6 + 2·6 + 3·7) / 8 = 6.45 → 6.5 (half away from zero, on the exact decimal)
    [InlineData("6 6 6.6", "6", "7", "6.5")]
    // (7 + 8 + 2·6 + 3·5) / 7 = 6 exactly
    [InlineData("7 8", "6", "5", "6")]
    // (9 + 9 + 9 + 9 + 2·10 + 3·10) / 9 = 9.555… → 9.6
    [InlineData("9 9 9 9", "10", "10", "9.6")]
    // All zeros and all tens
    [InlineData("0 0", "0", "0", "0")]
    [InlineData("10 10 10", "10", "10", "10")]
    public void The_term_average_weights_the_midterm_twice_and_the_final_three_times(string regular, string gk, string ck, string expected) =>
        Assert.Equal(D(expected), Circular22.TermAverage(Scores(regular), D(gk), D(ck)));

    [Fact]
    public void The_term_average_waits_for_every_assessment_of_the_term()
    {
        Assert.Null(Circular22.TermAverage([7m, null, 8m], 6m, 7m));
        Assert.Null(Circular22.TermAverage([7m, 8m, 8m], null, 7m));
        Assert.Null(Circular22.TermAverage([7m, 8m, 8m], 6m, null));
    }

    [Theory]
    // Worked: (9 + 2·7.5) / 3 = 8.0
    [InlineData("9", "7.5", "8")]
    // (6.4 + 2·6.5) / 3 = 6.4666… → 6.5
    [InlineData("6.4", "6.5", "6.5")]
    // (7.3 + 2·7.2) / 3 = 7.2333… → 7.2
    [InlineData("7.3", "7.2", "7.2")]
    // (5 + 2·4.9) / 3 = 4.9333… → 4.9: term II weighs twice
    [InlineData("5", "4.9", "4.9")]
    public void The_year_average_weights_term_two_twice(string term1, string term2, string expected) =>
        Assert.Equal(D(expected), Circular22.YearAverage(D(term1), D(term2)));

    [Theory]
    [InlineData("6.45", "6.5")]
    [InlineData("6.449", "6.4")]
    [InlineData("7.26", "7.3")]
    [InlineData("7.25", "7.3")]
    [InlineData("7.24", "7.2")]
    [InlineData("4.95", "5")]
    [InlineData("9.95", "10")]
    public void Rounding_is_to_one_decimal_half_up(string value, string expected) => Assert.Equal(D(expected), Circular22.Round(D(value)));

    [Theory]
    // D = Đạt, C = Chưa đạt; regular, then mid-term, then end of term.
    [InlineData("DD", 'D', 'D', true)]
    [InlineData("CD", 'D', 'D', true)]   // 3 of 4 Đạt (≥ 2/3) and the end of term Đạt
    [InlineData("CC", 'D', 'D', false)]  // 2 of 4 (< 2/3)
    [InlineData("DD", 'D', 'C', false)]  // 3 of 4 but the end of term is Chưa đạt
    [InlineData("DD", 'C', 'D', true)]
    public void A_comment_only_subject_passes_a_term_on_two_thirds_with_the_end_of_term(string regular, char gk, char ck, bool passed) =>
        Assert.Equal(passed, Circular22.CommentTermPassed(regular.Select(c => (bool?)(c == 'D')).ToList(), gk == 'D', ck == 'D'));

    [Fact]
    public void A_comment_only_subject_waits_for_its_assessments_and_its_year_is_term_two()
    {
        Assert.Null(Circular22.CommentTermPassed([true, null], true, true));
        Assert.False(Circular22.CommentYearPassed(true, false));
        Assert.True(Circular22.CommentYearPassed(false, true));
    }

    /// <summary>
    /// Scored subjects' averages separated by spaces, then "|" and the comment-only subjects (D Đạt, C Chưa đạt).
    /// </summary>
    private static List<C22SubjectResult> Results(string spec)
    {
        var parts = spec.Split('|');
        var scored = parts[0].Trim().Length == 0 ? [] : parts[0].Trim().Split(' ').Select(s => C22SubjectResult.Scored(D(s)));
        var comments = parts.Length < 2 ? [] : parts[1].Trim().Select(c => C22SubjectResult.Commented(c == 'D'));
        return scored.Concat(comments).ToList();
    }

    [Theory]
    // Tốt: all comment subjects Đạt, every average ≥ 6.5, at least six ≥ 8.0.
    [InlineData("8 8 8 8 8 8 6.5 7 | DDDD", "tot")]
    [InlineData("8 8 8 8 8 7.9 6.5 7 | DDDD", "kha")]          // five at 8.0, not six
    [InlineData("8 8 8 8 8 8 6.4 7 | DDDD", "kha")]            // one at 6.4 (< 6.5): Khá (adjusting needs two levels)
    [InlineData("9 9 9 9 9 9 9 9 | DDDC", "kha")]              // one comment subject Chưa đạt: Đạt by the levels, up one to Khá (one subject)
    // Khá: all Đạt, every average ≥ 5.0, at least six ≥ 6.5.
    [InlineData("6.5 6.5 6.5 6.5 6.5 6.5 5 5 | DD", "kha")]
    [InlineData("6.5 6.5 6.5 6.5 6.5 6.4 5 5 | DD", "dat")]    // five at 6.5
    [InlineData("6.5 6.5 6.5 6.5 6.5 6.5 4.9 5 | DD", "dat")]
    // Đạt: at most one comment subject Chưa đạt, at least six ≥ 5.0, none below 3.5.
    [InlineData("5 5 5 5 5 5 3.5 4 | DC", "dat")]
    [InlineData("5 5 5 5 5 4.9 3.5 4 | DD", "chua-dat")]       // five at 5.0
    [InlineData("5 5 5 5 5 5 3.4 4 | DD", "chua-dat")]         // one below 3.5 … and without it the rest are only Đạt: no adjusting
    [InlineData("5 5 5 5 5 5 3.5 4 | CC", "chua-dat")]         // two comment subjects Chưa đạt
    // Adjusting (article 9 clause 4): one subject alone pulls the result two levels or more below Tốt/Khá → up one level.
    [InlineData("9 9 9 9 9 9 9 3.4 | DD", "dat")]              // Tốt but for one 3.4 (Chưa đạt) → Đạt
    [InlineData("9 9 9 9 9 9 9 5 | DD", "kha")]                // Tốt but for one 5.0 (Khá, one level down): no adjusting
    [InlineData("9 9 9 9 9 9 9 4.9 | DD", "kha")]              // Tốt but for one 4.9 (Đạt, two levels) → Khá
    [InlineData("7 7 7 7 7 7 7 3 | DD", "dat")]                // Khá but for one 3.0 (Chưa đạt, two levels) → Đạt
    [InlineData("9 9 9 9 9 9 4 3 | DD", "chua-dat")]           // two subjects pull it down: no adjusting
    public void The_learning_result_follows_the_circulars_thresholds(string subjects, string expected) =>
        Assert.Equal(expected, C22Ratings.Code(Circular22.LearningResult(Results(subjects))));

    [Theory]
    [InlineData("tot", "tot", "tot")]
    [InlineData("kha", "tot", "tot")]
    [InlineData("dat", "tot", "kha")]
    [InlineData("chua-dat", "tot", "kha")]
    [InlineData("tot", "kha", "kha")]
    [InlineData("kha", "kha", "kha")]
    [InlineData("dat", "kha", "kha")]
    [InlineData("chua-dat", "kha", "dat")]
    [InlineData("tot", "dat", "kha")]
    [InlineData("kha", "dat", "dat")]
    [InlineData("dat", "dat", "dat")]
    [InlineData("chua-dat", "dat", "dat")]
    [InlineData("tot", "chua-dat", "chua-dat")]
    [InlineData("kha", "chua-dat", "chua-dat")]
    [InlineData("dat", "chua-dat", "chua-dat")]
    [InlineData("chua-dat", "chua-dat", "chua-dat")]
    public void The_years_conduct_comes_from_both_terms_by_the_circulars_table(string term1, string term2, string year) =>
        Assert.Equal(year, C22Ratings.Code(Circular22.ConductYear(C22Ratings.Parse(term1)!.Value, C22Ratings.Parse(term2)!.Value)));
}
