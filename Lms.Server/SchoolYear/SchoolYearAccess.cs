using System.Security.Claims;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>
/// Who may see and do what in a school year, checked on the server: the school's admins keep it, its teachers read
/// it, a subject teacher takes the roll of their own periods, the homeroom teacher decides leave requests, and a
/// student's record is seen by the student, their parents and the school's staff only.
/// </summary>
public sealed class SchoolYearAccess(
    InstitutionAccess institutions, UserRepository users, SchoolYearRepository years, ClassRepository classes, SchoolPeople people, TimetableRepository timetable)
{
    /// <summary>The year and the caller's roles in its school, if they hold one of <paramref name="anyOf"/>.</summary>
    public async Task<(SchoolYearView Year, IReadOnlySet<string> Roles)> YearAsync(ClaimsPrincipal user, Guid yearId, params string[] anyOf)
    {
        var year = await years.GetAsync(yearId) ?? throw ProblemException.NotFound("The school year");
        var (_, roles) = await institutions.RequireAsync(user, year.InstitutionId, anyOf);
        return (year, roles);
    }

    /// <summary>The year and one of its school's classes (404 for a class of another school).</summary>
    public async Task<(SchoolYearView Year, ClassInfo Class, IReadOnlySet<string> Roles)> ClassAsync(
        ClaimsPrincipal user, Guid yearId, Guid classId, params string[] anyOf)
    {
        var (year, roles) = await YearAsync(user, yearId, anyOf);
        var found = await classes.GetAsync(year.InstitutionId, classId) ?? throw ProblemException.NotFound("The class");
        return (year, found, roles);
    }

    /// <summary>
    /// A student's record, for the student, their parents, and the admins and teachers of their school; anyone else
    /// is told there is no such student.
    /// </summary>
    public async Task<StudentInClass> StudentAsync(ClaimsPrincipal user, Guid studentId)
    {
        var student = await people.StudentAsync(studentId) ?? throw ProblemException.NotFound("The student");
        var me = user.Id();
        if (me == studentId || await users.IsParentOfAsync(me, studentId)) return student;
        if (await people.HasRoleAsync(student.InstitutionId, me, Roles.Admin) || await people.IsTeacherAsync(student.InstitutionId, me))
            return student;
        throw ProblemException.NotFound("The student");
    }

    /// <summary>A period of the timetable and its year, for the admins and teachers of its school.</summary>
    public async Task<(TimetableSlot Slot, SchoolYearView Year, IReadOnlySet<string> Roles)> SlotAsync(ClaimsPrincipal user, Guid slotId)
    {
        var slot = await timetable.SlotAsync(slotId) ?? throw ProblemException.NotFound("The period");
        var (year, roles) = await YearAsync(user, slot.SchoolYearId, Roles.Admin, Roles.Teacher);
        return (slot, year, roles);
    }
}
