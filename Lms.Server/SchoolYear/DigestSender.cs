using System.Globalization;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Communication.Mail;

namespace Lms.Server.SchoolYear;

/// <summary>
/// The weekly digest for parents who asked for one: an e-mail per parent and week with each child's absences and late
/// arrivals of the week, the marks entered or changed since their last digest (since the week began, for the first), and
/// what they have not read in the contact book. Sent once per parent and week, whichever node or restart gets there first.
/// </summary>
public sealed class WeeklyDigest(
    DigestRepository digests, ContactNotificationRepository preferences, SchoolPeople people, AttendanceRepository attendance, UserRepository users,
    Mailer mailer, ILogger<WeeklyDigest> log)
{
    public const string MailKind = "contact-digest";
    public const string ChildLineKind = "contact-digest-child";
    public const string MarksLineKind = "contact-digest-marks";

    /// <summary>Midnight of the day in Vietnam.</summary>
    private static DateTimeOffset WeekStart(DateOnly monday) => new(monday.ToDateTime(TimeOnly.MinValue), ContactQuietHours.VietnamOffset);

    /// <summary>The Monday of the week <paramref name="day"/> is in.</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>Sends the week starting on <paramref name="monday"/> to every parent who wants it and has not had it; returns how many this call sent.</summary>
    public async Task<int> SendWeekAsync(DateOnly monday, CancellationToken cancellationToken = default)
    {
        var (from, to) = (monday.ToString("yyyy-MM-dd"), monday.AddDays(6).ToString("yyyy-MM-dd"));
        var sent = 0;
        foreach (var parentId in await digests.ParentsWantingAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await users.GetAsync(parentId) is not { Email: { } email } parent) continue;
            var children = await people.ChildrenAsync(parentId);
            if (children.Count == 0 || !await digests.ClaimAsync(parentId, from)) continue;
            var language = (await preferences.PreferencesAsync(parentId)).Language;
            // Read after the claim (which is this week's row): the digest before it bounds "new".
            var since = await digests.LastSentAsync(parentId, from) ?? WeekStart(monday);
            var lines = new List<string>();
            foreach (var child in children)
            {
                var records = await attendance.StudentAsync(child.StudentId, from, to);
                lines.Add(Mailer.Body(ChildLineKind, language, new Dictionary<string, string>
                {
                    ["student"] = child.StudentName, ["class"] = child.ClassName,
                    ["unexcused"] = records.Count(r => r.Status == AttendanceStatuses.Absent && !r.Excused).ToString(),
                    ["excused"] = records.Count(r => r.Status == AttendanceStatuses.Absent && r.Excused).ToString(),
                    ["late"] = records.Count(r => r.Status == AttendanceStatuses.Late).ToString(),
                    ["days"] = string.Join(", ", records.Where(r => r.Status == AttendanceStatuses.Absent && !r.Excused)
                        .Select(r => $"{r.Day} ({r.Period}, {r.SubjectName})")),
                }));
                var marks = await digests.NewMarksAsync(child.StudentId, child.ClassId, since);
                if (marks.Count > 0)
                    lines[^1] += "\n" + Mailer.Body(MarksLineKind, language, new Dictionary<string, string>
                    {
                        ["marks"] = string.Join("; ", marks.Select(m => DigestMarks.Text(m, language))),
                    });
            }
            var unread = await digests.UnreadAsync(parentId);
            await mailer.SendAsync(email, parent.DisplayName, MailKind, language, new Dictionary<string, string>
            {
                ["name"] = parent.DisplayName, ["from"] = from, ["to"] = to, ["children"] = string.Join("\n\n", lines),
                ["messages"] = unread.Messages.ToString(), ["announcements"] = unread.Announcements.ToString(),
                ["link"] = mailer.Link("/contact-book"),
            }, cancellationToken);
            sent++;
        }
        if (sent > 0) log.LogInformation("Sent {Count} weekly digest(s) for the week of {Week}.", sent, from);
        return sent;
    }
}

/// <summary>A mark as the digest words it: "Toán ĐĐGtx1 8,5" (Vietnamese), "Toán regular 1 8.5" (English), a rating as Đạt / Passed.</summary>
public static class DigestMarks
{
    public static string Text(DigestMark mark, string language)
    {
        var column = mark.ColumnKey switch
        {
            MarkColumns.Midterm or MarkColumns.Final => Mailer.Body("contact-digest-" + mark.ColumnKey, language, new Dictionary<string, string>()),
            _ => Mailer.Body("contact-digest-tx", language, new Dictionary<string, string> { ["n"] = mark.ColumnKey[2..] }),
        };
        var value = mark.ScoreTenths is { } tenths
            // Vietnamese writes a decimal comma (the server may run without culture data, so not through vi-VN).
            ? (tenths / 10m).ToString("0.#", CultureInfo.InvariantCulture).Replace('.', language == "en" ? '.' : ',')
            : Mailer.Body("contact-digest-" + mark.Rating, language, new Dictionary<string, string>());
        return $"{mark.SubjectName} {column} {value}";
    }
}

/// <summary>Sends last week's digests from Monday 07:00 (Vietnam time) on, looking once an hour; the claim per parent-week makes it once.</summary>
public sealed class WeeklyDigestSender(WeeklyDigest digest, TimeProvider clock, ILogger<WeeklyDigestSender> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var local = clock.GetUtcNow().ToOffset(ContactQuietHours.VietnamOffset);
                var thisMonday = WeeklyDigest.WeekOf(DateOnly.FromDateTime(local.DateTime));
                if (local.DayOfWeek != DayOfWeek.Monday || local.Hour >= 7) await digest.SendWeekAsync(thisMonday.AddDays(-7), stoppingToken);
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Sending the weekly digests failed; trying again in an hour.");
                await Task.Delay(Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
