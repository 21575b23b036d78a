using System.Text.Json;

namespace Lms.Grains.SchoolYear;

/// <summary>What a report card covers: term I (hk1), term II (hk2) or the whole year (cn, "cả năm").</summary>
public static class ReportCardPeriods
{
    public const string Term1 = "hk1";
    public const string Term2 = "hk2";
    public const string Year = "cn";

    public static bool IsKnown(string? period) => period is Term1 or Term2 or Year;

    /// <summary>The term number a period is (1, 2), or null for the year.</summary>
    public static int? TermNumber(string period) => period switch { Term1 => 1, Term2 => 2, _ => null };
}

/// <summary>
/// One subject on a card: its term results (ĐTBmhk, or Đạt / Chưa đạt) and the year's (ĐTBmcn), as the mark book
/// works them out; <see cref="Average"/> and <see cref="Rating"/> are those of the card's own period.
/// </summary>
public sealed record ReportCardSubject(
    string Code, string Name, string Assessment, decimal? Term1Average, string? Term1Rating, decimal? Term2Average, string? Term2Rating,
    decimal? YearAverage, string? YearRating, decimal? Average, string? Rating);

/// <summary>Absences over the card's period, from the roll calls: with permission (có phép), without (không phép), late.</summary>
public sealed record ReportCardAttendance(int AbsentExcused, int AbsentUnexcused, int Late);

/// <summary>
/// What a report card shows, frozen when the homeroom teacher signs it off: it is stored as JSON and never worked out
/// again, so a mark changed after sign-off does not silently alter a card already signed or issued.
/// </summary>
public sealed record ReportCardContent(
    string SchoolName, string YearName, string Period, string ClassName, Guid StudentId, string StudentName,
    IReadOnlyList<ReportCardSubject> Subjects, string? LearningResult, string? Conduct, ReportCardAttendance Attendance,
    string? Comment, string? HomeroomTeacherName)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReportCardContent FromJson(string json) =>
        JsonSerializer.Deserialize<ReportCardContent>(json, Json) ?? throw new InvalidDataException("An empty report card snapshot.");
}
