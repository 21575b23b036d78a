using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Exports;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>A period of someone's day: the timetable's cell and whether its roll was taken.</summary>
public sealed record TodayPeriod(TimetableSlot Slot, bool RollTaken);

/// <summary>The caller's school day: the periods they teach (across classes), the periods of their class, the classes they are homeroom teacher of.</summary>
public sealed record TodayView(
    string Day, int Weekday, IReadOnlyList<TodayPeriod> Teaching, IReadOnlyList<TimetableSlot> Attending, IReadOnlyList<HomeroomClass> Homeroom);

public sealed record RollMarkRequest(Guid StudentId, string? Status, bool Excused);

/// <summary>The roll as the teacher marked it: only the students who were not simply present need be listed.</summary>
public sealed record RollRequest(IReadOnlyList<RollMarkRequest>? Marks);

/// <summary>A student's school year as the student, a parent or the school's staff see it.</summary>
public sealed record StudentYearView(
    StudentInClass Student, SchoolYearView? Year, TermView? Term, IReadOnlyList<TimetableSlot> Timetable, IReadOnlyList<AttendanceRecord> Attendance,
    AttendanceTotals Totals, IReadOnlyList<LeaveRequestView> LeaveRequests, Guid? HomeroomTeacherId, string? HomeroomTeacherName);

public sealed record ClassAttendanceView(IReadOnlyList<AttendanceTotals> Students, IReadOnlyList<AttendanceRecord> Records, string From, string To);

/// <summary>
/// The roll of every period: the caller's day, the roll a subject teacher takes in a few taps (everyone present unless
/// marked), a student's year for the student, parents and staff, and the class reports (JSON, CSV, XLSX).
/// </summary>
public static class AttendanceEndpoints
{
    public static void MapAttendanceEndpoints(this RouteGroupBuilder api)
    {
        var day = api.MapGroup("/school-year").WithTags("Attendance");
        day.MapGet("/today", Today).ProducesProblems(400)
            .WithSummary("The caller's school day (?day=yyyy-MM-dd, else today in Vietnam): periods they teach, periods of their class.");
        day.MapGet("/children", Children).WithSummary("The caller's children who are in a class (a parent switches between them).");
        day.MapGet("/notices", Notices).WithSummary("What the caller was told about their children (unexcused absences), newest first.");
        day.MapGet("/students/{studentId:guid}", Student).ProducesProblems(400, 404)
            .WithSummary("A student's year: timetable, absences of the term (?day= picks it), leave requests (the student, parents, staff).");
        day.MapGet("/slots/{slotId:guid}/roll/{day}", Roll).ProducesProblems(400, 403, 404)
            .WithSummary("The roll of a period on a day: every student, present unless marked (the school's staff).");
        day.MapPut("/slots/{slotId:guid}/roll/{day}", SaveRoll).ProducesProblems(400, 403, 404)
            .WithSummary("Saves the roll of a period on a day (the period's teacher): parents are told of an unexcused absence at once.");

        var report = api.MapGroup("/school-years/{yearId:guid}/classes/{classId:guid}").ProducesProblems(403, 404).WithTags("Attendance");
        report.MapGet("/attendance", ClassReport).ProducesProblems(400)
            .WithSummary("A class's absences and late arrivals over a term (?termId=) or the year, per student (admins and teachers).");
        report.MapGet("/attendance.{format}", ClassReportFile).ProducesProblems(400)
            .WithSummary("The class's attendance report as xlsx or csv in the viewer's language (admins and teachers).");
    }

    private static async Task<TodayView> Today(
        string? day, HttpContext http, TimeProvider clock, UserRepository users, SchoolYearRepository years, SchoolPeople people,
        TimetableRepository timetable, AttendanceRepository attendance)
    {
        var date = SchoolDays.Parse(day, clock);
        var text = SchoolDays.Text(date);
        var weekday = SchoolDays.Weekday(date);
        var me = http.User.Id();
        var teaching = new List<TimetableSlot>();
        var homeroom = new List<HomeroomClass>();
        foreach (var membership in (await users.MembershipsAsync(me)).Where(m => m.Role == Roles.Teacher))
            if (await years.OnDayAsync(membership.InstitutionId, text) is var (year, _))
            {
                teaching.AddRange((await timetable.TeacherAsync(year.Id, me)).Where(s => s.Weekday == weekday));
                homeroom.AddRange(await years.HomeroomClassesAsync(year.Id, me));
            }
        var taken = await attendance.TakenAsync(me, text);
        var attending = new List<TimetableSlot>();
        if (await people.StudentAsync(me) is { } student && await years.OnDayAsync(student.InstitutionId, text) is var (studentYear, _))
            attending.AddRange((await timetable.ClassAsync(studentYear.Id, student.ClassId)).Where(s => s.Weekday == weekday));
        return new TodayView(text, weekday, teaching.OrderBy(s => s.Period).Select(s => new TodayPeriod(s, taken.Contains(s.Id))).ToList(), attending,
            homeroom);
    }

    private static async Task<IReadOnlyList<StudentInClass>> Children(HttpContext http, SchoolPeople people) =>
        await people.ChildrenAsync(http.User.Id());

    private static async Task<IReadOnlyList<FamilyNotice>> Notices(HttpContext http, AttendanceRepository attendance) =>
        await attendance.NoticesAsync(http.User.Id());

    private static async Task<StudentYearView> Student(
        Guid studentId, string? day, HttpContext http, TimeProvider clock, SchoolYearAccess access, SchoolYearRepository years,
        TimetableRepository timetable, AttendanceRepository attendance)
    {
        var student = await access.StudentAsync(http.User, studentId);
        var text = SchoolDays.Text(SchoolDays.Parse(day, clock));
        var leaves = await attendance.StudentLeavesAsync(studentId);
        var person = new PersonName { Id = student.StudentId, Name = student.StudentName };
        // The term holding the day; between terms (summer, Tết break), the newest year's nearest term.
        var found = await years.OnDayAsync(student.InstitutionId, text);
        var year = found?.Year ?? (await years.ListAsync(student.InstitutionId)).FirstOrDefault();
        var term = found?.Term ?? year?.Terms.LastOrDefault(t => string.CompareOrdinal(t.StartsOn, text) <= 0) ?? year?.Terms.FirstOrDefault();
        if (year is null || term is null)
            return new StudentYearView(student, null, null, [], [], AttendanceRepository.Totals([person], [])[0], leaves, null, null);
        var records = await attendance.StudentAsync(studentId, term.StartsOn, term.EndsOn);
        var teachers = await years.TeachersAsync(year.Id, student.ClassId);
        return new StudentYearView(student, year, term, await timetable.ClassAsync(year.Id, student.ClassId), records,
            AttendanceRepository.Totals([person], records)[0], leaves, teachers.HomeroomTeacherId, teachers.HomeroomTeacherName);
    }

    private static async Task<RollView> Roll(
        Guid slotId, string day, HttpContext http, TimeProvider clock, SchoolYearAccess access, SchoolPeople people, AttendanceRepository attendance)
    {
        var (slot, _, _) = await access.SlotAsync(http.User, slotId);
        var date = SchoolDays.Parse(day, clock);
        return await attendance.RollAsync(slot, SchoolDays.Text(date), await people.ClassStudentsAsync(slot.ClassId));
    }

    private static async Task<RollView> SaveRoll(
        Guid slotId, string day, RollRequest request, HttpContext http, TimeProvider clock, SchoolYearAccess access, SchoolPeople people,
        AttendanceRepository attendance, AbsenceNotices notices)
    {
        var (slot, year, _) = await access.SlotAsync(http.User, slotId);
        if (slot.TeacherId != http.User.Id())
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-your-period", "Only the period's teacher takes its roll.");
        var date = SchoolDays.Parse(day, clock);
        var text = SchoolDays.Text(date);
        if (SchoolDays.Weekday(date) != slot.Weekday)
            throw ProblemException.Invalid("day", "The class does not have this period on that day of the week.", "wrong-weekday", text);
        if (date > SchoolDays.Today(clock)) throw ProblemException.Invalid("day", "A roll is taken on the day, not before.", "future-day", text);
        if (!year.Terms.Any(t => string.CompareOrdinal(t.StartsOn, text) <= 0 && string.CompareOrdinal(text, t.EndsOn) <= 0))
            throw ProblemException.Invalid("day", "The day is in neither term of the school year.", "not-in-term", text);
        var students = await people.ClassStudentsAsync(slot.ClassId);
        var inClass = students.Select(s => s.Id).ToHashSet();
        var marks = new List<RollMark>();
        foreach (var mark in request.Marks ?? [])
        {
            if (!inClass.Contains(mark.StudentId))
                throw ProblemException.Invalid("marks", "A student on the roll is not in the class.", "not-in-class", mark.StudentId.ToString());
            if (!AttendanceStatuses.IsKnown(mark.Status))
                throw ProblemException.Invalid("marks", "A mark is present, absent or late.", "unknown-status", mark.Status);
            marks.Add(new RollMark(mark.StudentId, mark.Status!, mark.Excused));
        }
        if (marks.Select(m => m.StudentId).Distinct().Count() != marks.Count)
            throw ProblemException.Invalid("marks", "A student is marked twice.", "marked-twice");
        var (rollId, unexcused) = await attendance.SaveRollAsync(slot, text, http.User.Id(), marks);
        await notices.TellAsync(rollId, slot, text, unexcused, http.RequestAborted);
        return await attendance.RollAsync(slot, text, students);
    }

    private static async Task<ClassAttendanceView> ClassReport(
        Guid yearId, Guid classId, Guid? termId, HttpContext http, SchoolYearAccess access, SchoolPeople people, AttendanceRepository attendance)
    {
        var (year, _, _) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        return await ReportAsync(year, classId, termId, people, attendance);
    }

    private static async Task<ClassAttendanceView> ReportAsync(
        SchoolYearView year, Guid classId, Guid? termId, SchoolPeople people, AttendanceRepository attendance)
    {
        var terms = termId is null ? year.Terms : year.Terms.Where(t => t.Id == termId).ToList();
        if (terms.Count == 0) throw ProblemException.Invalid("termId", "The term is not one of the school year's.", "unknown-term");
        var (from, to) = (terms.Min(t => t.StartsOn)!, terms.Max(t => t.EndsOn)!);
        var records = await attendance.ClassAsync(classId, from, to);
        return new ClassAttendanceView(AttendanceRepository.Totals(await people.ClassStudentsAsync(classId), records), records, from, to);
    }

    private static async Task<IResult> ClassReportFile(
        Guid yearId, Guid classId, string format, Guid? termId, HttpContext http, SchoolYearAccess access, SchoolPeople people,
        AttendanceRepository attendance)
    {
        var exportFormat = TableExport.ParseFormat(format);
        var (year, found, _) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        var report = await ReportAsync(year, classId, termId, people, attendance);
        var language = ExportLanguage.Of(http.Request);
        var totals = new ExportTable(language.Text("sheet.attendanceTotals"),
            [
                language.Text("column.number"), language.Text("column.name"), language.Text("column.absentExcused"),
                language.Text("column.absentUnexcused"), language.Text("column.late"),
            ],
            report.Students.Select((s, i) => (IReadOnlyList<object?>)[i + 1, s.Name, s.AbsentExcused, s.AbsentUnexcused, s.Late]).ToList());
        var names = report.Students.ToDictionary(s => s.StudentId, s => s.Name);
        var detail = new ExportTable(language.Text("sheet.attendanceDetail"),
            [
                language.Text("column.day"), language.Text("column.period"), language.Text("column.name"), language.Text("column.subject"),
                language.Text("column.attendance"),
            ],
            report.Records.Select(r => (IReadOnlyList<object?>)
            [
                r.Day, r.Period, names.GetValueOrDefault(r.StudentId, ""), r.SubjectName,
                language.Text(r.Status == AttendanceStatuses.Late ? "attendance.late" : r.Excused ? "attendance.excused" : "attendance.unexcused"),
            ]).ToList());
        // A CSV file has one table: the totals per student, the usual report; the workbook has the detail as well.
        IReadOnlyList<ExportTable> tables = exportFormat == ExportFormat.Xlsx ? [totals, detail] : [totals];
        return TableExport.File(http, exportFormat, $"{language.Text("file.attendance")} {found.Name} {year.Name}", tables, language,
            $"attendance of class {classId} in year {yearId}");
    }
}
