using System.Security.Claims;
using Lms.Grains.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Courses;

/// <summary>A course and what the caller is in it, decided on the server for every request.</summary>
public sealed record CourseContext(CourseRow Course, Guid UserId, string? StaffRole, bool Enrolled, bool InstitutionAdmin)
{
    public bool IsStaff => StaffRole is not null;
    public bool CanTeach => IsStaff || InstitutionAdmin;
    public bool CanManageTeachers => StaffRole == StaffRoles.Owner || InstitutionAdmin;
    public bool CanLearn => Enrolled && Course.Status == CourseStatuses.Published;
    public bool CanView => CanTeach || CanLearn;
}

public sealed class CourseAccess(CourseRepository courses)
{
    /// <summary>The course, if the caller may see it; 404 otherwise, so that others' drafts are not revealed.</summary>
    public async Task<CourseContext> ViewAsync(ClaimsPrincipal user, Guid courseId)
    {
        var userId = user.Id();
        // One statement: thousands of students opening a quiz together each ask this.
        var (course, staffRole, enrolled, institutionAdmin) = await courses.ViewerAsync(courseId, userId)
            ?? throw ProblemException.NotFound("The course");
        // An institution admin on the course's staff is shown as staff but keeps an admin's rights.
        var context = new CourseContext(course, userId, staffRole, enrolled, institutionAdmin);
        if (!context.CanView) throw ProblemException.NotFound("The course");
        return context;
    }

    /// <summary>The course, if the caller teaches it (or administers its institution); 403 for its students.</summary>
    public async Task<CourseContext> TeachAsync(ClaimsPrincipal user, Guid courseId)
    {
        var context = await ViewAsync(user, courseId);
        if (!context.CanTeach) throw ProblemException.Forbidden("Only the course's teachers may change it.");
        return context;
    }
}
