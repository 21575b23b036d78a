using System.ComponentModel.DataAnnotations;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Institutions;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.SchoolYear;

/// <summary>
/// A parent's request that their child be excused (xin nghỉ học): from one day to another, whole days or the periods
/// fromPeriod..toPeriod of each day, with a reason.
/// </summary>
public sealed record LeaveRequest(
    DateOnly FromDate, DateOnly ToDate, [property: Range(1, 10)] int? FromPeriod, [property: Range(1, 10)] int? ToPeriod,
    [property: StringLength(500)] string? Reason);

public sealed record LeaveDecision(bool Approve);

/// <summary>Leave requests: sent by a parent, decided by the class's homeroom teacher alone; approved ones excuse the absences they cover.</summary>
public static class LeaveEndpoints
{
    public const int MaxDays = 30;

    public static void MapLeaveEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/school-year/students/{studentId:guid}/leave-requests", Request).WithTags("Attendance").ProducesProblems(400, 403, 404)
            .WithSummary("A parent asks for their child to be excused for some days or periods, with a reason.");
        api.MapGet("/school-years/{yearId:guid}/classes/{classId:guid}/leave-requests", ClassRequests).WithTags("Attendance")
            .ProducesProblems(403, 404).WithSummary("The class's leave requests, newest first (its homeroom teacher and the school's admins).");
        api.MapPut("/school-year/leave-requests/{requestId:guid}/decision", Decide).WithTags("Attendance").ProducesProblems(400, 403, 404, 409)
            .WithSummary("The homeroom teacher approves or refuses a pending leave request; an approved one excuses the absences it covers.");
    }

    private static async Task<Created<LeaveRequestView>> Request(
        Guid studentId, LeaveRequest request, HttpContext http, SchoolYearAccess access, UserRepository users, SchoolYearRepository years,
        AttendanceRepository attendance)
    {
        var student = await access.StudentAsync(http.User, studentId);
        if (!await users.IsParentOfAsync(http.User.Id(), studentId))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "parents-only", "Only a parent asks for their child's leave.");
        if (request.ToDate < request.FromDate)
            throw ProblemException.Invalid("toDate", "The last day is not before the first.", "leave-ends-before-start");
        if (request.ToDate.DayNumber - request.FromDate.DayNumber >= MaxDays)
            throw ProblemException.Invalid("toDate", $"A leave request covers at most {MaxDays} days.", "leave-too-long", MaxDays.ToString());
        if ((request.FromPeriod is null) != (request.ToPeriod is null) || request.FromPeriod > request.ToPeriod)
            throw ProblemException.Invalid("fromPeriod", "Give both the first and the last period, in order, or neither (whole days).", "bad-periods");
        var reason = PersonText.Clean(request.Reason ?? "");
        if (reason.Length == 0) throw ProblemException.Invalid("reason", "Say why the student will be away.", "missing-reason");
        var from = SchoolYearRepository.Day(request.FromDate);
        var (year, _) = await years.OnDayAsync(student.InstitutionId, from)
                        ?? throw ProblemException.Invalid("fromDate", "The day is in neither term of a school year.", "not-in-term", from);
        var id = await attendance.RequestLeaveAsync(new LeaveRequestEntry(year.Id, student.ClassId, studentId, http.User.Id(), from,
            SchoolYearRepository.Day(request.ToDate), request.FromPeriod, request.ToPeriod, reason));
        return TypedResults.Created($"/api/school-year/students/{studentId}", (await attendance.LeaveAsync(id))!);
    }

    private static async Task<IReadOnlyList<LeaveRequestView>> ClassRequests(
        Guid yearId, Guid classId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, AttendanceRepository attendance)
    {
        var (_, _, roles) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        if (!roles.Contains(Roles.Admin) && !await years.IsHomeroomTeacherAsync(yearId, classId, http.User.Id()))
            throw NotHomeroom();
        return await attendance.ClassLeavesAsync(yearId, classId);
    }

    private static ProblemException NotHomeroom() =>
        ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-homeroom", "Only the class's homeroom teacher does this.");

    private static async Task<LeaveRequestView> Decide(
        Guid requestId, LeaveDecision decision, HttpContext http, SchoolPeople people, SchoolYearRepository years, AttendanceRepository attendance)
    {
        var leave = await attendance.LeaveAsync(requestId) ?? throw ProblemException.NotFound("The leave request");
        var me = http.User.Id();
        if (!await years.IsHomeroomTeacherAsync(leave.SchoolYearId, leave.ClassId, me))
        {
            // The school's staff learn it is not theirs to decide; anyone else, that there is no such request.
            var institution = await people.InstitutionOfClassAsync(leave.ClassId);
            if (institution is { } i && (await people.IsTeacherAsync(i, me) || await people.HasRoleAsync(i, me, Roles.Admin))) throw NotHomeroom();
            throw ProblemException.NotFound("The leave request");
        }
        if (!await attendance.DecideAsync(requestId, decision.Approve, me))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "leave-decided", "The request was already decided.");
        return (await attendance.LeaveAsync(requestId))!;
    }
}
