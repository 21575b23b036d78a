namespace Lms.Grains.SchoolYear;

/// <summary>
/// A person's quiet hours, in Vietnam's time (UTC+7 all year: no daylight saving): from <see cref="From"/> to
/// <see cref="To"/> minutes after midnight, wrapping over midnight when From is later (21:00-06:30). Nothing is pushed
/// or mailed to them then; it waits until the end. Messages are stored and readable all the same.
/// </summary>
public sealed record ContactQuietHours(int From, int To)
{
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);
    public const int MinutesPerDay = 24 * 60;

    public static bool IsValid(int from, int to) => from is >= 0 and < MinutesPerDay && to is >= 0 and < MinutesPerDay && from != to;

    /// <summary>When a notification made at <paramref name="now"/> may go: now, or the end of the quiet hours it falls in.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset now)
    {
        var local = now.ToOffset(VietnamOffset);
        var minute = local.Hour * 60 + local.Minute;
        var quiet = From < To ? minute >= From && minute < To : minute >= From || minute < To;
        if (!quiet) return now;
        var end = new DateTimeOffset(local.Date, VietnamOffset).AddMinutes(To);
        if (end <= local) end = end.AddDays(1);
        return end.ToUniversalTime();
    }

    public static string Format(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";
}
