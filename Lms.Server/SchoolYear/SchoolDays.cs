using System.Globalization;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>
/// A school day is a date in Vietnam's calendar (UTC+7, no daylight saving): "today" for a roll call at 06:30 is the
/// Vietnamese date, whatever the server's own zone.
/// </summary>
public static class SchoolDays
{
    private static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(VietnamOffset).DateTime);

    /// <summary>The day asked for (yyyy-MM-dd), else today.</summary>
    public static DateOnly Parse(string? day, TimeProvider clock, string field = "day") =>
        day is null ? Today(clock)
        : DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed
        : throw ProblemException.Invalid(field, "A day is written yyyy-MM-dd.", "bad-date", day);

    /// <summary>1 = Monday … 7 = Sunday, as the timetable counts.</summary>
    public static int Weekday(DateOnly day) => day.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)day.DayOfWeek;

    public static string Text(DateOnly day) => Lms.Grains.SchoolYear.SchoolYearRepository.Day(day);
}
