using System.Security.Claims;
using Lms.Grains.Courses;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Hosting;
using Lms.Server.Identity;

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

public sealed class CourseAccess(CourseRepository courses, InstitutionRepository institutions)
{
    /// <summary>The course, if the caller may see it; 404 otherwise, so that others' drafts are not revealed.</summary>
    public async Task<CourseContext> ViewAsync(ClaimsPrincipal user, Guid courseId)
    {
        var userId = user.Id();
        var course = await courses.GetAsync(courseId) ?? throw ProblemException.NotFound("The course");
        var (staffRole, enrolled) = await courses.ParticipationAsync(courseId, userId);
        var admin = false;
        if (staffRole is null)
        {
            var institution = await institutions.GetAsync(course.InstitutionId);
            admin = institution is not null && (await institutions.RolesAsync(userId, institution)).Contains(Roles.Admin);
        }
        var context = new CourseContext(course, userId, staffRole, enrolled, admin);
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
