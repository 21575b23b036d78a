namespace Lms.Grains.SchoolYear;

/// <summary>A subject's result in a term or the year: the average of a scored subject, the rating of a comment-only one.</summary>
public sealed record MarkResult(decimal? Average, string? Rating)
{
    public static readonly MarkResult None = new(null, null);

    public bool IsComplete => Average is not null || Rating is not null;

    public C22SubjectResult? ForLearningResult => Average is { } a ? C22SubjectResult.Scored(a)
        : Rating is { } r ? C22SubjectResult.Commented(r == C22Ratings.Dat) : null;
}

/// <summary>Applies <see cref="Circular22"/> to a student's cells of one subject.</summary>
public static class MarkBookResults
{
    /// <summary>The term's result from its cells (column → value); none while an assessment of the term is missing.</summary>
    public static MarkResult Term(SubjectView subject, IReadOnlyDictionary<string, MarkValue> cells)
    {
        var regular = Enumerable.Range(1, Circular22.RegularCount(subject.Assessment, subject.PeriodsPerYear)).Select(MarkColumns.Regular).ToList();
        MarkValue? Cell(string column) => cells.GetValueOrDefault(column);
        if (subject.Assessment == SubjectAssessments.CommentOnly)
        {
            bool? Passed(string column) => Cell(column)?.Rating is { } r ? r == C22Ratings.Dat : null;
            var passed = Circular22.CommentTermPassed(regular.Select(Passed).ToList(), Passed(MarkColumns.Midterm), Passed(MarkColumns.Final));
            return passed is { } p ? new MarkResult(null, p ? C22Ratings.Dat : C22Ratings.ChuaDat) : MarkResult.None;
        }
        var average = Circular22.TermAverage(regular.Select(c => Cell(c)?.Score).ToList(), Cell(MarkColumns.Midterm)?.Score, Cell(MarkColumns.Final)?.Score);
        return new MarkResult(average, null);
    }

    /// <summary>The year's result from the two terms': ĐTBmcn, or term II's rating for a comment-only subject.</summary>
    public static MarkResult Year(SubjectView subject, MarkResult term1, MarkResult term2) =>
        subject.Assessment == SubjectAssessments.CommentOnly
            ? new MarkResult(null, term2.Rating)
            : new MarkResult(Circular22.YearAverage(term1.Average, term2.Average), null);

    /// <summary>The learning result once every subject has its result; null before.</summary>
    public static string? LearningResult(IReadOnlyList<MarkResult> subjects) =>
        subjects.Count > 0 && subjects.All(s => s.IsComplete)
            ? C22Ratings.Code(Circular22.LearningResult(subjects.Select(s => s.ForLearningResult!).ToList()))
            : null;
}
