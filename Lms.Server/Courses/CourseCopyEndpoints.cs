using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Courses;

/// <param name="Title">The copy's title; the original's when left out.</param>
/// <param name="ClassName">A class of the institution whose students are enrolled in the copy.</param>
/// <param name="Publish">Publish the copy at once (its students see it); otherwise it is a draft to look over first.</param>
public sealed record CopyCourseRequest(
    [property: StringLength(200)] string? Title,
    [property: StringLength(100)] string? ClassName,
    bool Publish = false);

public sealed record CourseCopyView(Guid Id, string Title, string Status, int Enrolled);

public static class CourseCopyEndpoints
{
    public static void MapCourseCopyEndpoints(this RouteGroupBuilder app)
    {
        app.MapGroup("/courses/{courseId:guid}").ProducesProblems(404).WithTags("Courses")
            .MapPost("/copy", Copy).ProducesProblems(400).WithSummary(
                "Copy a course for another class or the next year (its teachers or admins): outline, pages, quizzes, assignments, " +
                "grading; not people, enrolments, attempts or answers. The copy is the caller's, in the same institution; " +
                "className enrols that class's students.");
    }

    private static async Task<Created<CourseCopyView>> Copy(
        Guid courseId, CopyCourseRequest request, HttpContext http, CourseAccess access, InstitutionAccess institutions,
        CourseRepository courses, CourseCopy copier)
    {
        var context = await access.TeachAsync(http.User, courseId);
        // The copy is a new course of the institution: the same right as creating one there.
        await institutions.RequireAsync(http.User, context.Course.InstitutionId, Roles.Teacher, Roles.Admin);
        var title = PersonText.CleanOrNull(request.Title) ?? context.Course.Title;
        // The class is checked before anything is written, so a wrong class leaves no half-made copy.
        IReadOnlyList<Guid> students = [];
        if (PersonText.CleanOrNull(request.ClassName) is { } className)
        {
            students = await courses.ClassStudentsAsync(context.Course.InstitutionId, className);
            if (students.Count == 0)
                throw ProblemException.Invalid("className", $"The class {className} has no students here.", "empty-class", className);
        }
        var copyId = await copier.CopyAsync(context.Course, http.User.Id(), title);
        var enrolled = students.Count > 0 ? await courses.EnrolAsync(copyId, [.. students]) : 0;
        var status = CourseStatuses.Draft;
        if (request.Publish)
        {
            await courses.SetStatusAsync(copyId, CourseStatuses.Published);
            status = CourseStatuses.Published;
        }
        return TypedResults.Created($"/api/courses/{copyId}", new CourseCopyView(copyId, title, status, enrolled));
    }
}
