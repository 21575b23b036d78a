using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Lms.Grains.Privacy;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Privacy;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Classroom;

public sealed record CreateSessionRequest(
    Guid ModuleId,
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(4000)] string? Description,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: StringLength(20)] string? Recurrence,
    DateTimeOffset? RepeatUntil,
    IReadOnlyList<Guid>? TeacherIds);

public sealed record UpdateSessionRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Title,
    [property: StringLength(4000)] string? Description,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: StringLength(20)] string? Recurrence,
    DateTimeOffset? RepeatUntil,
    IReadOnlyList<Guid>? TeacherIds);

public sealed record TeacherView(Guid UserId, string DisplayName);

public sealed record OccurrenceView(DateTimeOffset StartsAt, DateTimeOffset EndsAt);

public sealed record SessionView(
    Guid Id, Guid CourseId, string CourseTitle, string Title, string? Description, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string Recurrence, DateTimeOffset? RepeatUntil, IReadOnlyList<TeacherView> Teachers, string MyRole, string Status,
    Guid? RunId, int InRoom, OccurrenceView? Next, string JoinPath, string MediaProvider);

public sealed record AgendaEntry(
    Guid SessionId, Guid CourseId, string CourseTitle, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt,
    string Recurrence, string MyRole, bool Live, string JoinPath);

public sealed record RunView(Guid Id, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int Attendees, int Polls, int ChatMessages, int QuizQuestions);

public sealed record AttendanceView(
    Guid UserId, string DisplayName, string? Email, string? NationalId, string Role, bool Present,
    DateTimeOffset? FirstJoinedAt, DateTimeOffset? LastLeftAt, double Minutes, int Joins);

public sealed record AttendanceReport(Guid RunId, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, int Present, int Absent,
    IReadOnlyList<AttendanceView> People);

public sealed record PollAnswerView(Guid? UserId, string? DisplayName, IReadOnlyList<int> Choices, DateTimeOffset AnsweredAt);

public sealed record PollView(Guid Id, string Question, IReadOnlyList<string> Options, bool Multiple, bool Anonymous,
    DateTimeOffset OpenedAt, DateTimeOffset ClosedAt, IReadOnlyList<int> Counts, IReadOnlyList<PollAnswerView> Answers);

public sealed record ChatLogView(Guid Id, Guid UserId, string DisplayName, int? Breakout, string Text, DateTimeOffset SentAt, bool Deleted);

public static class ClassroomEndpoints
{
    public static void MapClassroomApi(this RouteGroupBuilder api)
    {
        var classroom = api.MapGroup("/classroom").WithTags("Classroom");
        classroom.ProducesProblemsOfIdsAndBodies();
        classroom.MapPost("/courses/{courseId:guid}/sessions", Create).WithSummary("Schedule a live session as an item of a module.");
        classroom.MapGet("/agenda", Agenda).WithSummary("My live sessions between two times (default: the next 24 hours), and those live now.");
        var session = classroom.MapGroup("/sessions/{sessionId:guid}");
        session.MapGet("", Get).WithSummary("A live session: schedule, teachers, whether it is live, my role.");
        session.MapPut("", Update).WithSummary("Change a live session's title, schedule, recurrence or teachers.");
        session.MapGet("/runs", Runs).WithSummary("Each time the session was held (teachers).");
        session.MapGet("/runs/{runId:guid}/attendance", Attendance).WithSummary("Who came, when, and for how long (teachers).");
        session.MapGet("/runs/{runId:guid}/attendance.csv", AttendanceCsv).WithSummary("The attendance report as CSV (UTF-8, Excel-ready).");
        session.MapGet("/runs/{runId:guid}/polls", Polls).WithSummary("Every poll of a run with its answers (teachers).");
        session.MapGet("/runs/{runId:guid}/chat", Chat).WithSummary("The chat log of a run (teachers).");
    }

    private static async Task<Created<SessionView>> Create(
        Guid courseId, CreateSessionRequest request, HttpContext http, CourseAccess courses, ClassroomAccess access,
        LiveSessionRepository repo, CourseRepository courseRepo, IGrainFactory grains, ClassroomMediaInfo media, TimeProvider clock)
    {
        var course = await courses.TeachAsync(http.User, courseId);
        var (recurrence, repeatUntil) = CheckSchedule(request.StartsAt, request.EndsAt, request.Recurrence, request.RepeatUntil);
        var teachers = await CheckTeachersAsync(courseRepo, courseId, request.TeacherIds);
        var created = await repo.CreateAsync(courseId, request.ModuleId, request.Title.Trim(), Clean(request.Description),
                          request.StartsAt.ToUniversalTime(), request.EndsAt.ToUniversalTime(), recurrence, repeatUntil, course.UserId, teachers)
                      ?? throw ProblemException.NotFound("The module");
        var context = await access.ViewAsync(http.User, created.Session.Id);
        return TypedResults.Created($"/api/classroom/sessions/{created.Session.Id}", await ViewAsync(context, repo, grains, media, clock));
    }

    private static async Task<SessionView> Get(Guid sessionId, HttpContext http, ClassroomAccess access, LiveSessionRepository repo,
        IGrainFactory grains, ClassroomMediaInfo media, TimeProvider clock) =>
        await ViewAsync(await access.ViewAsync(http.User, sessionId), repo, grains, media, clock);

    private static async Task<SessionView> Update(
        Guid sessionId, UpdateSessionRequest request, HttpContext http, ClassroomAccess access, LiveSessionRepository repo,
        CourseRepository courseRepo, IGrainFactory grains, ClassroomMediaInfo media, TimeProvider clock)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        var (recurrence, repeatUntil) = CheckSchedule(request.StartsAt, request.EndsAt, request.Recurrence, request.RepeatUntil);
        var teachers = await CheckTeachersAsync(courseRepo, context.Session.CourseId, request.TeacherIds);
        await repo.UpdateAsync(context.Session with
        {
            Title = request.Title.Trim(), Description = Clean(request.Description), StartsAt = request.StartsAt.ToUniversalTime(),
            EndsAt = request.EndsAt.ToUniversalTime(), Recurrence = recurrence, RepeatUntil = repeatUntil,
        }, teachers);
        return await ViewAsync(await access.ViewAsync(http.User, sessionId), repo, grains, media, clock);
    }

    private static async Task<IReadOnlyList<AgendaEntry>> Agenda(
        DateTimeOffset? from, DateTimeOffset? to, HttpContext http, LiveSessionRepository repo, TimeProvider clock)
    {
        var start = from ?? clock.GetUtcNow();
        var end = to ?? start.AddDays(1);
        if (end <= start || end - start > TimeSpan.FromDays(31))
            throw ProblemException.Invalid("to", "Ask for a window of up to 31 days, ending after it starts.");
        var agenda = await repo.AgendaAsync(http.User.Id(), start, end);
        return agenda.Select(a => new AgendaEntry(a.Session.Id, a.Session.CourseId, a.Session.CourseTitle, a.Session.Title, a.Start, a.End,
            a.Session.Recurrence, a.Session.MyRole, a.Session.LiveRunId is not null, JoinPath(a.Session.Id))).ToList();
    }

    private static async Task<IReadOnlyList<RunView>> Runs(Guid sessionId, HttpContext http, ClassroomAccess access, LiveSessionRepository repo)
    {
        await access.TeachAsync(http.User, sessionId);
        return (await repo.RunsAsync(sessionId)).Select(r => new RunView(r.Id, r.StartedAt, r.EndedAt, r.Attendees, r.Polls, r.ChatMessages, r.QuizQuestions)).ToList();
    }

    private static async Task<(SessionContext Context, LiveRunRow Run)> RunAsync(Guid sessionId, Guid runId, HttpContext http,
        ClassroomAccess access, LiveSessionRepository repo)
    {
        var context = await access.TeachAsync(http.User, sessionId);
        var run = await repo.RunAsync(runId);
        if (run is null || run.SessionId != sessionId) throw ProblemException.NotFound("The run");
        return (context, run);
    }

    private static async Task<AttendanceReport> Attendance(Guid sessionId, Guid runId, HttpContext http, ClassroomAccess access, LiveSessionRepository repo)
    {
        var (context, run) = await RunAsync(sessionId, runId, http, access, repo);
        var people = (await repo.AttendanceAsync(context.Session.CourseId, runId)).Select(r => ToView(Masked(r, context))).ToList();
        // Admins read the attendance with full national IDs: audited (teachers' masked view is not a read of IDs).
        if (context.Course.InstitutionAdmin)
            await http.AuditAsync(context.Course.Course.InstitutionId, PrivacySubjects.Course, context.Session.CourseId, PrivacyActions.AttendanceRead,
                new { sessionId, runId, rows = people.Count });
        return new AttendanceReport(run.Id, run.StartedAt, run.EndedAt, people.Count(p => p.Present),
            people.Count(p => !p.Present), people);
    }

    private static async Task<IResult> AttendanceCsv(Guid sessionId, Guid runId, string? tz, HttpContext http, ClassroomAccess access,
        LiveSessionRepository repo)
    {
        var (context, run) = await RunAsync(sessionId, runId, http, access, repo);
        TimeZoneInfo zone;
        try
        {
            zone = string.IsNullOrWhiteSpace(tz) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(tz);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw ProblemException.Invalid("tz", "Name a time zone such as Asia/Ho_Chi_Minh.");
        }
        var people = (await repo.AttendanceAsync(context.Session.CourseId, runId)).Select(r => Masked(r, context)).ToList();
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var header in new[] { "name", "email", "national_id", "role", "present", "first_joined", "last_left", "minutes", "joins" })
                csv.WriteField(header);
            await csv.NextRecordAsync();
            string Time(DateTimeOffset? t) => t is { } v ? TimeZoneInfo.ConvertTime(v, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture) : "";
            foreach (var p in people)
            {
                csv.WriteField(p.DisplayName);
                csv.WriteField(p.Email ?? "");
                csv.WriteField(p.NationalId ?? "");
                csv.WriteField(p.Role);
                csv.WriteField(p.Present ? "yes" : "no");
                csv.WriteField(Time(p.FirstJoinedAt));
                csv.WriteField(Time(p.LastLeftAt));
                csv.WriteField(p.Minutes.ToString("0.0", CultureInfo.InvariantCulture));
                csv.WriteField(p.Joins);
                await csv.NextRecordAsync();
            }
        }
        await http.AuditAsync(context.Course.Course.InstitutionId, PrivacySubjects.Course, context.Session.CourseId, PrivacyActions.AttendanceExport,
            new { sessionId, runId, nationalIds = context.Course.InstitutionAdmin, rows = people.Count });
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", $"attendance-{run.StartedAt:yyyy-MM-dd-HHmm}.csv");
    }

    private static async Task<IReadOnlyList<PollView>> Polls(Guid sessionId, Guid runId, HttpContext http, ClassroomAccess access, LiveSessionRepository repo)
    {
        await RunAsync(sessionId, runId, http, access, repo);
        var (polls, answers) = await repo.PollsAsync(runId);
        return polls.Select(p =>
        {
            var options = JsonSerializer.Deserialize<List<string>>(p.Options) ?? [];
            var mine = answers.Where(a => a.PollId == p.Id).Select(a => new PollAnswerView(
                p.Anonymous ? null : a.UserId, p.Anonymous ? null : a.DisplayName,
                a.Choices.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList(), a.AnsweredAt)).ToList();
            var counts = new int[options.Count];
            foreach (var choice in mine.SelectMany(a => a.Choices)) if (choice < counts.Length) counts[choice]++;
            return new PollView(p.Id, p.Question, options, p.Multiple, p.Anonymous, p.OpenedAt, p.ClosedAt, counts, mine);
        }).ToList();
    }

    private static async Task<IReadOnlyList<ChatLogView>> Chat(Guid sessionId, Guid runId, HttpContext http, ClassroomAccess access, LiveSessionRepository repo)
    {
        await RunAsync(sessionId, runId, http, access, repo);
        return (await repo.ChatLogAsync(runId)).Select(m => new ChatLogView(m.Id, m.UserId, m.DisplayName, m.Breakout,
            m.DeletedAt is null ? m.Text : "", m.SentAt, m.DeletedAt is not null)).ToList();
    }

    /// <summary>Teachers know their students by name; full national IDs and addresses are for the institution's admins (Decree 13/2023).</summary>
    private static AttendanceReportRow Masked(AttendanceReportRow r, SessionContext context) => context.Course.InstitutionAdmin ? r : r with
    {
        NationalId = PersonalData.MaskNationalId(r.NationalId), Email = PersonalData.MaskEmail(r.Email),
    };

    private static AttendanceView ToView(AttendanceReportRow r) => new(r.UserId, r.DisplayName, r.Email, r.NationalId, r.Role, r.Present,
        r.FirstJoinedAt, r.LastLeftAt, r.Minutes, r.Joins);

    private static async Task<SessionView> ViewAsync(SessionContext context, LiveSessionRepository repo, IGrainFactory grains, ClassroomMediaInfo media,
        TimeProvider clock)
    {
        var s = context.Session;
        var teachers = (await repo.TeachersAsync(s.Id)).Select(t => new TeacherView(t.UserId, t.DisplayName)).ToList();
        var status = await grains.GetGrain<IClassroomGrain>(s.Id).GetStatus();
        var now = clock.GetUtcNow();
        var next = s.Occurrences(now, now.AddYears(1), max: 1).Select(o => new OccurrenceView(o.Start, o.End)).FirstOrDefault();
        return new SessionView(s.Id, s.CourseId, context.Course.Course.Title, s.Title, s.Description, s.StartsAt, s.EndsAt, s.Recurrence,
            s.RepeatUntil, teachers, context.Role, status.Status, status.Status == RoomStatuses.Live ? status.RunId : null, status.Participants,
            next, JoinPath(s.Id), media.Provider);
    }

    public static string JoinPath(Guid sessionId) => $"/live/{sessionId}";

    private static (string Recurrence, DateTimeOffset? RepeatUntil) CheckSchedule(
        DateTimeOffset startsAt, DateTimeOffset endsAt, string? recurrence, DateTimeOffset? repeatUntil)
    {
        if (startsAt == default) throw ProblemException.Invalid("startsAt", "Give the start time.");
        if (endsAt <= startsAt) throw ProblemException.Invalid("endsAt", "The session must end after it starts.");
        if (endsAt - startsAt > TimeSpan.FromHours(12)) throw ProblemException.Invalid("endsAt", "A session lasts at most 12 hours.");
        var r = string.IsNullOrWhiteSpace(recurrence) ? Recurrences.None : recurrence.Trim().ToLowerInvariant();
        if (!Recurrences.All.Contains(r)) throw ProblemException.Invalid("recurrence", "A session repeats weekly or not at all.");
        if (r == Recurrences.None) return (r, null);
        if (repeatUntil is { } until && until < startsAt) throw ProblemException.Invalid("repeatUntil", "Repeat until a day after the first session.");
        return (r, repeatUntil?.ToUniversalTime());
    }

    private static async Task<IReadOnlyList<Guid>> CheckTeachersAsync(CourseRepository courses, Guid courseId, IReadOnlyList<Guid>? teacherIds)
    {
        var ids = teacherIds?.Distinct().ToList() ?? [];
        foreach (var id in ids)
            if ((await courses.ParticipationAsync(courseId, id)).StaffRole is null)
                throw ProblemException.Invalid("teacherIds", "Only the course's teachers can lead its sessions.");
        return ids;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
