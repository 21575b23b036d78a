using System.Security.Claims;
using Lms.Grains.Classroom;
using Lms.Server.Courses;
using Lms.Server.Problems;

namespace Lms.Server.Classroom;

/// <summary>A live session and what the caller is in it: course staff (and the institution's admins) teach; enrolled students of a published course learn.</summary>
public sealed record SessionContext(LiveSessionRow Session, CourseContext Course)
{
    public string Role => Course.CanTeach ? ClassroomRoles.Teacher : ClassroomRoles.Student;
    public bool IsTeacher => Course.CanTeach;
}

public sealed class ClassroomAccess(LiveSessionRepository sessions, CourseAccess courses)
{
    /// <summary>The session, if the caller may see it; 404 otherwise (drafts and other schools' sessions are not revealed).</summary>
    public async Task<SessionContext> ViewAsync(ClaimsPrincipal user, Guid sessionId)
    {
        var session = await sessions.GetAsync(sessionId) ?? throw ProblemException.NotFound("The live session");
        CourseContext course;
        try
        {
            course = await courses.ViewAsync(user, session.CourseId);
        }
        catch (ProblemException e) when (e.Status == StatusCodes.Status404NotFound)
        {
            throw ProblemException.NotFound("The live session");
        }
        return new SessionContext(session, course);
    }

    public async Task<SessionContext> TeachAsync(ClaimsPrincipal user, Guid sessionId)
    {
        var context = await ViewAsync(user, sessionId);
        if (!context.IsTeacher) throw ProblemException.Forbidden("Only the course's teachers may do this.");
        return context;
    }
}
