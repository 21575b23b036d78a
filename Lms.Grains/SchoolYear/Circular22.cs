namespace Lms.Grains.SchoolYear;

/// <summary>
/// A rating of Circular 22/2021/TT-BGDĐT: a learning result or a conduct (rèn luyện) rating has four levels, a
/// comment-only subject two (Đạt, Chưa đạt). Ordered, so "at least Khá" is a comparison.
/// </summary>
public enum C22Rating
{
    ChuaDat = 0,
    Dat = 1,
    Kha = 2,
    Tot = 3,
}

/// <summary>How a rating is written in the API and stored: a stable code the app words in the reader's language.</summary>
public static class C22Ratings
{
    public const string Tot = "tot";
    public const string Kha = "kha";
    public const string Dat = "dat";
    public const string ChuaDat = "chua-dat";

    public static string Code(C22Rating rating) => rating switch
    {
        C22Rating.Tot => Tot,
        C22Rating.Kha => Kha,
        C22Rating.Dat => Dat,
        _ => ChuaDat,
    };

    public static C22Rating? Parse(string? code) => code switch
    {
        Tot => C22Rating.Tot,
        Kha => C22Rating.Kha,
        Dat => C22Rating.Dat,
        ChuaDat => C22Rating.ChuaDat,
        _ => null,
    };
}

/// <summary>One subject's result in a term or the year: a scored subject's average, or a comment-only subject's rating.</summary>
public sealed record C22SubjectResult(decimal? Average, C22Rating? Comment)
{
    public static C22SubjectResult Scored(decimal average) => new(average, null);
    public static C22SubjectResult Commented(bool passed) => new(null, passed ? C22Rating.Dat : C22Rating.ChuaDat);
}

/// <summary>
/// A level of the learning result as Circular 22 article 9 clause 3 words it: at most <see cref="MaxCommentFails"/>
/// comment-only subjects rated Chưa đạt, every scored subject's average at least <see cref="Floor"/>, and at least
/// <see cref="Count"/> scored subjects at <see cref="CountAtLeast"/> or more.
/// </summary>
public sealed record C22LearningLevel(C22Rating Rating, int MaxCommentFails, decimal Floor, int Count, decimal CountAtLeast);

/// <summary>
/// The rules of Circular 22/2021/TT-BGDĐT (assessment of lower- and upper-secondary students) as data. Where the
/// issue and the Circular differ, the Circular wins; docs/school-year.md says which articles were checked and how.
/// </summary>
public static class Circular22
{
    /// <summary>The lowest and highest score, and one decimal (article 6: a score 0–10, "lấy đến chữ số thập phân thứ nhất sau khi làm tròn số").</summary>
    public const decimal MinScore = 0m, MaxScore = 10m;

    /// <summary>
    /// Regular assessments (ĐĐGtx) a term, by the subject's periods a year (article 7 clause 2): comment-only subjects
    /// 2; scored subjects 2 up to 35 periods, 3 over 35 up to 70, 4 over 70.
    /// </summary>
    public static readonly IReadOnlyList<(int UpToPeriods, int Regular)> RegularByPeriods = [(35, 2), (70, 3), (int.MaxValue, 4)];

    public const int CommentRegular = 2;

    /// <summary>Weights of the term average (article 9 clause 2): each ĐĐGtx 1, the mid-term (ĐĐGgk) 2, the end of term (ĐĐGck) 3.</summary>
    public const int MidtermWeight = 2, FinalWeight = 3;

    /// <summary>Weights of the year average (article 9 clause 2): term I once, term II twice.</summary>
    public const int Term1Weight = 1, Term2Weight = 2;

    /// <summary>The learning result's levels, best first (article 9 clause 3); whoever meets none is Chưa đạt.</summary>
    public static readonly IReadOnlyList<C22LearningLevel> LearningLevels =
    [
        new(C22Rating.Tot, MaxCommentFails: 0, Floor: 6.5m, Count: 6, CountAtLeast: 8.0m),
        new(C22Rating.Kha, MaxCommentFails: 0, Floor: 5.0m, Count: 6, CountAtLeast: 6.5m),
        new(C22Rating.Dat, MaxCommentFails: 1, Floor: 3.5m, Count: 6, CountAtLeast: 5.0m),
    ];

    /// <summary>
    /// The year's conduct from the two terms' (article 8 clause 2), as the Circular's table: [term I, term II] → year.
    /// Term II Tốt: Tốt if term I is Khá or better, else Khá. Term II Khá: Khá if term I is Đạt or better, else Đạt.
    /// Term II Đạt: Khá if term I is Tốt, else Đạt. Term II Chưa đạt: Chưa đạt.
    /// </summary>
    public static readonly IReadOnlyDictionary<(C22Rating Term1, C22Rating Term2), C22Rating> ConductYearTable =
        new Dictionary<(C22Rating, C22Rating), C22Rating>
        {
            [(C22Rating.Tot, C22Rating.Tot)] = C22Rating.Tot, [(C22Rating.Kha, C22Rating.Tot)] = C22Rating.Tot,
            [(C22Rating.Dat, C22Rating.Tot)] = C22Rating.Kha, [(C22Rating.ChuaDat, C22Rating.Tot)] = C22Rating.Kha,
            [(C22Rating.Tot, C22Rating.Kha)] = C22Rating.Kha, [(C22Rating.Kha, C22Rating.Kha)] = C22Rating.Kha,
            [(C22Rating.Dat, C22Rating.Kha)] = C22Rating.Kha, [(C22Rating.ChuaDat, C22Rating.Kha)] = C22Rating.Dat,
            [(C22Rating.Tot, C22Rating.Dat)] = C22Rating.Kha, [(C22Rating.Kha, C22Rating.Dat)] = C22Rating.Dat,
            [(C22Rating.Dat, C22Rating.Dat)] = C22Rating.Dat, [(C22Rating.ChuaDat, C22Rating.Dat)] = C22Rating.Dat,
            [(C22Rating.Tot, C22Rating.ChuaDat)] = C22Rating.ChuaDat, [(C22Rating.Kha, C22Rating.ChuaDat)] = C22Rating.ChuaDat,
            [(C22Rating.Dat, C22Rating.ChuaDat)] = C22Rating.ChuaDat, [(C22Rating.ChuaDat, C22Rating.ChuaDat)] = C22Rating.ChuaDat,
        };

    /// <summary>How many regular assessments a term has for a subject assessed so (<see cref="SubjectAssessments"/>).</summary>
    public static int RegularCount(string assessment, int periodsPerYear) =>
        assessment == SubjectAssessments.CommentOnly ? CommentRegular : RegularByPeriods.First(r => periodsPerYear <= r.UpToPeriods).Regular;

    /// <summary>A score as the Circular allows it: 0 to 10 with at most one decimal.</summary>
    public static bool IsScore(decimal score) => score is >= MinScore and <= MaxScore && decimal.Round(score, 1) == score;

    /// <summary>
    /// Rounded to one decimal as a Vietnamese school rounds ("làm tròn số"): half away from zero, 6.45 → 6.5, on the
    /// exact decimal value (never a binary double, which would hold 6.45 as 6.4499…).
    /// </summary>
    public static decimal Round(decimal value) => decimal.Round(value, 1, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The term average ĐTBmhk = (TĐĐGtx + 2·ĐĐGgk + 3·ĐĐGck) / (SĐĐGtx + 5), rounded; null until every assessment of
    /// the term is there (a missing one is made up, or counts as 0 once the school says so: article 7 clause 4).
    /// </summary>
    public static decimal? TermAverage(IReadOnlyList<decimal?> regular, decimal? midterm, decimal? final)
    {
        if (midterm is not { } gk || final is not { } ck || regular.Count == 0 || regular.Any(s => s is null)) return null;
        var total = regular.Sum(s => s!.Value) + MidtermWeight * gk + FinalWeight * ck;
        return Round(total / (regular.Count + MidtermWeight + FinalWeight));
    }

    /// <summary>The year average ĐTBmcn = (ĐTBmhkI + 2·ĐTBmhkII) / 3 of the two (already rounded) term averages, rounded.</summary>
    public static decimal? YearAverage(decimal? term1, decimal? term2) =>
        term1 is { } one && term2 is { } two ? Round((Term1Weight * one + Term2Weight * two) / (Term1Weight + Term2Weight)) : null;

    /// <summary>
    /// A comment-only subject's term (article 9 clause 1): Đạt when every assessment of the term is there and either
    /// all are Đạt, or at least two thirds are and the end-of-term one is; else Chưa đạt. Null while some are missing.
    /// </summary>
    public static bool? CommentTermPassed(IReadOnlyList<bool?> regular, bool? midterm, bool? final)
    {
        if (midterm is null || final is null || regular.Count == 0 || regular.Any(r => r is null)) return null;
        var all = regular.Select(r => r!.Value).Append(midterm.Value).Append(final.Value).ToList();
        var passed = all.Count(p => p);
        return passed == all.Count || (3 * passed >= 2 * all.Count && final.Value);
    }

    /// <summary>A comment-only subject's year is its term II (article 9 clause 1).</summary>
    public static bool? CommentYearPassed(bool? term1, bool? term2) => term2;

    /// <summary>
    /// The learning result of a term or the year (article 9 clauses 3 and 4) from each subject's result: the best level
    /// met; then, when one subject alone pulls the result two or more levels below Tốt or Khá, it goes up one level.
    /// </summary>
    public static C22Rating LearningResult(IReadOnlyList<C22SubjectResult> subjects)
    {
        var rating = Level(subjects);
        // "Chỉ do kết quả đánh giá của 01 môn học": the level the others reach with that one subject left out.
        var withoutOne = subjects.Select((_, i) => Level(subjects.Where((_, j) => j != i).ToList())).DefaultIfEmpty(rating).Max();
        return withoutOne >= C22Rating.Kha && withoutOne - rating >= 2 ? rating + 1 : rating;
    }

    private static C22Rating Level(IReadOnlyList<C22SubjectResult> subjects)
    {
        var scores = subjects.Where(s => s.Average is not null).Select(s => s.Average!.Value).ToList();
        var commentFails = subjects.Count(s => s.Comment == C22Rating.ChuaDat);
        foreach (var level in LearningLevels)
            if (commentFails <= level.MaxCommentFails && scores.All(s => s >= level.Floor) && scores.Count(s => s >= level.CountAtLeast) >= level.Count)
                return level.Rating;
        return C22Rating.ChuaDat;
    }

    /// <summary>The year's conduct from the two terms' (article 8 clause 2).</summary>
    public static C22Rating ConductYear(C22Rating term1, C22Rating term2) => ConductYearTable[(term1, term2)];
}
