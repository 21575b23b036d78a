using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;

namespace Lms.Server.SchoolYear;

/// <summary>
/// The demo school's year (the "schoolYear" section of assets/demo/demo.json): the year the seed day falls in with its
/// two terms, the curriculum's subjects, the homeroom and subject teachers, a week's timetable and a few first-term
/// marks, through the same repositories the API uses, so that a newcomer's teacher, student and parent each find
/// their school day on the first start.
/// </summary>
public sealed class SchoolYearDemo(
    SchoolYearRepository years,
    TimetableRepository timetable,
    MarkBookRepository marks,
    ClassRepository classes,
    UserRepository users,
    TimeProvider clock)
{
    public async Task SeedAsync(string demoFile, IReadOnlyDictionary<string, InstitutionRow> institutions)
    {
        var demo = JsonSerializer.Deserialize<DemoFile>(await File.ReadAllTextAsync(demoFile), JsonSerializerOptions.Web)?.SchoolYear;
        if (demo is null) return;
        var school = institutions[demo.Institution].Id;
        var (name, terms) = YearAround(SchoolDays.Today(clock));
        var yearId = await years.CreateAsync(school, name, terms) ?? throw new InvalidOperationException($"The demo school already has {name}.");
        var year = await years.GetAsync(yearId) ?? throw new InvalidOperationException("The demo year went missing.");
        await years.AddSubjectsAsync(school, Curriculum.Of(demo.Level));
        var subjects = (await years.SubjectsAsync(school)).ToDictionary(s => s.Code);
        var classIds = (await classes.ListAsync(school)).ToDictionary(c => c.Name, c => c.Id);

        async Task<Guid> Person(string login) =>
            (await users.FindByLoginAsync(login) ?? throw new InvalidOperationException($"No demo person {login}.")).Id;

        foreach (var (className, teacher) in demo.Homerooms)
            await years.SetHomeroomAsync(yearId, classIds[className], await Person(teacher));
        foreach (var t in demo.SubjectTeachers)
            await years.SetSubjectTeacherAsync(yearId, classIds[t.Class], subjects[t.Subject].Id, await Person(t.Teacher));

        var slots = new List<SlotEntry>();
        foreach (var p in demo.Timetable)
            slots.Add(new SlotEntry(classIds[p.Class], p.Weekday, p.Period, subjects[p.Subject].Id, await Person(p.Teacher), p.Room, p.Online));
        var clashes = await timetable.ReplaceAsync(yearId, slots);
        if (clashes.Count > 0) throw new InvalidOperationException("The demo timetable books a teacher twice.");

        var firstTerm = year.Terms.Single(t => t.Number == 1).Id;
        foreach (var m in demo.Marks)
        {
            var by = await Person(m.By);
            var student = await Person(m.Student);
            foreach (var (column, score) in m.Scores)
                await marks.SaveAsync(new MarkCellKey(firstTerm, classIds[m.Class], subjects[m.Subject].Id, student, column),
                    new MarkValue(score, null), by, null);
        }
    }

    /// <summary>
    /// The school year <paramref name="day"/> falls in, as Vietnamese schools keep it: from early September to late May,
    /// the first term ending in mid January.
    /// </summary>
    public static (string Name, IReadOnlyList<(DateOnly Starts, DateOnly Ends)> Terms) YearAround(DateOnly day)
    {
        var first = day.Month >= 8 ? day.Year : day.Year - 1;
        return ($"{first}-{first + 1}",
        [
            (new DateOnly(first, 9, 5), new DateOnly(first + 1, 1, 15)),
            (new DateOnly(first + 1, 1, 16), new DateOnly(first + 1, 5, 31)),
        ]);
    }

    private sealed record DemoFile(DemoYear? SchoolYear);
    private sealed record DemoYear(string Institution, string Level, Dictionary<string, string> Homerooms, List<DemoSubjectTeacher> SubjectTeachers,
        List<DemoPeriod> Timetable, List<DemoMarks> Marks);
    private sealed record DemoSubjectTeacher(string Class, string Subject, string Teacher);
    private sealed record DemoPeriod(string Class, int Weekday, int Period, string Subject, string Teacher, string? Room, bool Online = false);
    private sealed record DemoMarks(string Class, string Subject, string Student, string By, Dictionary<string, decimal> Scores);
}
