using System.ComponentModel.DataAnnotations;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;
using Lms.Server.Institutions;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>One cell of a class's timetable; with no teacher, the class's teacher of the subject.</summary>
public sealed record TimetableCellRequest(Guid SubjectId, Guid? TeacherId, [property: StringLength(50)] string? Room, bool Online);

public sealed record TimetableImported(int Classes, int Periods);

/// <summary>
/// The weekly timetable of each class: read by the school's staff (students and parents read theirs through the
/// student's page), edited a cell at a time on the grid or replaced class by class from a CSV file, all or nothing.
/// A teacher booked in two classes in one period is refused, naming the other class.
/// </summary>
public static class TimetableEndpoints
{
    public static void MapTimetableEndpoints(this RouteGroupBuilder api)
    {
        var year = api.MapGroup("/school-years/{yearId:guid}").ProducesProblems(404, 403).WithTags("Timetable");
        year.MapGet("/classes/{classId:guid}/timetable", ClassTimetable).WithSummary("A class's week, period by period (admins and teachers).");
        year.MapPut("/classes/{classId:guid}/timetable/{weekday:int}/{period:int}", SetCell).ProducesProblems(400, 409)
            .WithSummary("Sets one period of a class's week (admins); a teacher already in another class then is refused (409 double-booked).");
        year.MapDelete("/classes/{classId:guid}/timetable/{weekday:int}/{period:int}", ClearCell).ProducesProblems(400, 409)
            .WithSummary("Empties one period of a class's week (admins); a period whose roll was taken stays, with its attendance (409 period-has-roll).");
        year.MapPost("/timetable", Import).ProducesProblems(400, 413, 422).DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Replaces the timetables of the classes a CSV file names (admins): all or nothing, every broken line named (422).");
    }

    private static async Task<IReadOnlyList<TimetableSlot>> ClassTimetable(
        Guid yearId, Guid classId, HttpContext http, SchoolYearAccess access, TimetableRepository timetable)
    {
        await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        return await timetable.ClassAsync(yearId, classId);
    }

    private static void CheckCell(int weekday, int period)
    {
        if (weekday is < 1 or > 7) throw ProblemException.Invalid("weekday", "The day is 1 (Monday) to 7 (Sunday).", "bad-day", weekday.ToString());
        if (period is < 1 or > TimetableRepository.Periods)
            throw ProblemException.Invalid("period", "The period is 1 to 10.", "bad-period", period.ToString());
    }

    private static async Task<IReadOnlyList<TimetableSlot>> SetCell(
        Guid yearId, Guid classId, int weekday, int period, TimetableCellRequest request, HttpContext http, SchoolYearAccess access,
        SchoolYearRepository years, SchoolPeople people, TimetableRepository timetable, ClassRepository classes)
    {
        var (year, _, _) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin);
        CheckCell(weekday, period);
        _ = await years.SubjectAsync(year.InstitutionId, request.SubjectId)
            ?? throw ProblemException.Invalid("subjectId", "The subject is not one of the school's.", "unknown-subject");
        var teacherId = request.TeacherId
                        ?? (await years.TeachersAsync(yearId, classId)).Subjects.FirstOrDefault(s => s.SubjectId == request.SubjectId)?.TeacherId
                        ?? throw ProblemException.Invalid("teacherId", "The class has no teacher of this subject yet: name one.", "no-subject-teacher");
        if (!await people.IsTeacherAsync(year.InstitutionId, teacherId))
            throw ProblemException.Invalid("teacherId", "The teacher is not a teacher of the school.", "not-a-teacher");
        var room = string.IsNullOrWhiteSpace(request.Room) || request.Online ? null : PersonText.Clean(request.Room);
        var clash = await timetable.SetCellAsync(yearId, classId, weekday, period,
            new SlotEntry(classId, weekday, period, request.SubjectId, teacherId, room, request.Online));
        if (clash is not null) throw await DoubleBookedAsync(clash, year.InstitutionId, classes);
        return await timetable.ClassAsync(yearId, classId);
    }

    private static async Task<ProblemException> DoubleBookedAsync(DoubleBooking clash, Guid institutionId, ClassRepository classes)
    {
        var other = (await classes.GetAsync(institutionId, clash.OtherClassId))?.Name ?? "";
        return new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict",
            $"The teacher already teaches {other} in that period.",
            new Dictionary<string, object?>
            {
                ["code"] = "double-booked", ["value"] = other, ["weekday"] = clash.Entry.Weekday, ["period"] = clash.Entry.Period,
            });
    }

    private static async Task<IResult> ClearCell(
        Guid yearId, Guid classId, int weekday, int period, HttpContext http, SchoolYearAccess access, TimetableRepository timetable)
    {
        await access.ClassAsync(http.User, yearId, classId, Roles.Admin);
        CheckCell(weekday, period);
        if (!await timetable.ClearCellAsync(yearId, classId, weekday, period))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "period-has-roll",
                "The period's roll was taken: it stays, with its attendance; set another subject or teacher instead.");
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Import(
        Guid yearId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, ClassRepository classes, UserRepository users,
        SchoolPeople people, TimetableRepository timetable)
    {
        var (year, _) = await access.YearAsync(http.User, yearId, Roles.Admin);
        var (_, text) = await RosterEndpoints.ReadRosterAsync(http.Request);
        // Lines that read well are still looked up when others did not: every broken line is named at once.
        var (rows, problems) = TimetableCsv.Parse(new StringReader(text));

        var classByKey = (await classes.ListAsync(year.InstitutionId)).GroupBy(c => PersonText.Key(c.Name)).ToDictionary(g => g.Key, g => g.First());
        var subjects = await years.SubjectsAsync(year.InstitutionId);
        var subjectByKey = subjects.GroupBy(s => PersonText.Key(s.Code)).ToDictionary(g => g.Key, g => g.First());
        foreach (var s in subjects) subjectByKey.TryAdd(PersonText.Key(s.Name), s);
        var teachers = new Dictionary<string, Guid?>(StringComparer.OrdinalIgnoreCase);
        var entries = new List<(TimetableRow Row, SlotEntry Entry)>();
        var cells = new Dictionary<(Guid, int, int), int>();
        foreach (var row in rows)
        {
            var before = problems.Count;
            classByKey.TryGetValue(PersonText.Key(row.ClassName), out var found);
            if (found is null)
                problems.Add(TimetableCsv.Problem(row.Line, "class", "unknown-class", $"The school has no class {row.ClassName}.", ("value", row.ClassName)));
            subjectByKey.TryGetValue(PersonText.Key(row.Subject), out var subject);
            if (subject is null)
                problems.Add(TimetableCsv.Problem(row.Line, "subject", "unknown-subject", $"The school has no subject {row.Subject}.", ("value", row.Subject)));
            if (!teachers.TryGetValue(row.Teacher, out var teacherId))
            {
                teacherId = await users.FindByLoginAsync(row.Teacher) is { } user && await people.IsTeacherAsync(year.InstitutionId, user.Id) ? user.Id : null;
                teachers[row.Teacher] = teacherId;
            }
            if (teacherId is null)
                problems.Add(TimetableCsv.Problem(row.Line, "teacher", "unknown-teacher", $"{row.Teacher} is not a teacher of the school.", ("value", row.Teacher)));
            if (problems.Count > before) continue;
            if (cells.TryGetValue((found!.Id, row.Weekday, row.Period), out var firstLine))
            {
                problems.Add(TimetableCsv.Problem(row.Line, "period", "duplicate-period",
                    $"Line {firstLine} already fills this period of {found.Name}.", ("line", firstLine.ToString()), ("value", found.Name)));
                continue;
            }
            cells[(found.Id, row.Weekday, row.Period)] = row.Line;
            entries.Add((row, new SlotEntry(found.Id, row.Weekday, row.Period, subject!.Id, teacherId!.Value, row.Room, row.Online)));
        }
        if (problems.Count > 0) return Invalid(problems);

        var clashes = await timetable.ReplaceAsync(yearId, entries.Select(e => e.Entry).ToList());
        if (clashes.Count > 0)
        {
            var names = (await classes.ListAsync(year.InstitutionId, includeArchived: true)).ToDictionary(c => c.Id, c => c.Name);
            var lineOf = entries.ToDictionary(e => e.Entry, e => e.Row);
            return Invalid(clashes.Select(c => TimetableCsv.Problem(lineOf[c.Entry].Line, "teacher", "double-booked",
                $"{lineOf[c.Entry].Teacher} already teaches {names.GetValueOrDefault(c.OtherClassId)} in this period.",
                ("value", lineOf[c.Entry].Teacher), ("class", names.GetValueOrDefault(c.OtherClassId, "")))).ToList());
        }
        return TypedResults.Ok(new TimetableImported(entries.Select(e => e.Entry.ClassId).Distinct().Count(), entries.Count));
    }

    private static IResult Invalid(IReadOnlyList<RosterProblem> problems) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.ImportInvalid,
            title: "The timetable has problems; nothing was imported.",
            detail: string.Join(" ", problems.Take(5).Select(p => $"Line {p.Line}: {p.Message}")),
            extensions: new Dictionary<string, object?> { ["problems"] = problems.OrderBy(p => p.Line).ToList() });
}
