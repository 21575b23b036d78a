using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;

namespace Lms.Server.SchoolYear;

/// <summary>
/// Puts a class's report cards together for a period from what the school year already keeps: each subject's results
/// from the mark book (<see cref="MarkBookEndpoints.MarksOfYearAsync"/>: the same computation as the child's page, by
/// Circular 22), the learning result and conduct, the absences of the roll calls over the period, and the homeroom
/// teacher's comment.
/// </summary>
public sealed class ReportCardComposer(
    SchoolYearRepository years, SchoolPeople people, MarkBookRepository marks, MarkBookConduct conduct, AttendanceRepository attendance,
    InstitutionRepository institutions, ReportCardRepository cards)
{
    public async Task<IReadOnlyList<ReportCardContent>> ClassAsync(SchoolYearView year, ClassInfo found, string period)
    {
        var school = (await institutions.GetAsync(year.InstitutionId))?.Name ?? "";
        var codes = (await years.SubjectsAsync(year.InstitutionId)).ToDictionary(s => s.Id, s => s.Code);
        var homeroom = (await years.TeachersAsync(year.Id, found.Id)).HomeroomTeacherName;
        var students = await people.ClassStudentsAsync(found.Id);
        var comments = (await cards.CommentsAsync(year.Id, found.Id, period)).ToDictionary(c => c.StudentId, c => c.Comment);
        var termNumber = ReportCardPeriods.TermNumber(period);
        var covered = year.Terms.Where(t => termNumber is null || t.Number == termNumber).ToList();
        var records = covered.Count == 0 ? []
            : await attendance.ClassAsync(found.Id, covered.Min(t => t.StartsOn)!, covered.Max(t => t.EndsOn)!);
        var absences = AttendanceRepository.Totals(students, records).ToDictionary(t => t.StudentId);
        var result = new List<ReportCardContent>();
        foreach (var student in students)
        {
            var inClass = new StudentInClass
            {
                StudentId = student.Id, StudentName = student.Name, ClassId = found.Id, ClassName = found.Name, InstitutionId = year.InstitutionId,
            };
            var view = await MarkBookEndpoints.MarksOfYearAsync(inClass, year, years, marks, conduct);
            var totals = absences[student.Id];
            result.Add(new ReportCardContent(school, year.Name, period, found.Name, student.Id, student.Name,
                view.Subjects.Select(s => Subject(s, codes.GetValueOrDefault(s.SubjectId, ""), termNumber)).ToList(),
                termNumber is { } n ? view.TermResults.ElementAtOrDefault(n - 1) : view.YearResult,
                termNumber is { } m ? view.TermConduct.ElementAtOrDefault(m - 1) : view.YearConduct,
                new ReportCardAttendance(totals.AbsentExcused, totals.AbsentUnexcused, totals.Late),
                comments.GetValueOrDefault(student.Id), homeroom));
        }
        return result;
    }

    private static ReportCardSubject Subject(MarkSubjectView subject, string code, int? termNumber)
    {
        var one = subject.Terms.FirstOrDefault(t => t.Number == 1);
        var two = subject.Terms.FirstOrDefault(t => t.Number == 2);
        var own = termNumber switch { 1 => (one?.Average, one?.Rating), 2 => (two?.Average, two?.Rating), _ => (subject.YearAverage, subject.YearRating) };
        return new ReportCardSubject(code, subject.Name, subject.Assessment, one?.Average, one?.Rating, two?.Average, two?.Rating,
            subject.YearAverage, subject.YearRating, own.Item1, own.Item2);
    }
}
