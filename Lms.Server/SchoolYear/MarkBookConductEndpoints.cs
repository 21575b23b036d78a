using System.Security.Claims;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>A student's conduct (rèn luyện) per term, in term order, and the year's once both terms are rated.</summary>
public sealed record StudentConductView(Guid StudentId, string Name, IReadOnlyList<string?> Terms, string? Year);

public sealed record ClassConductView(Guid ClassId, IReadOnlyList<TermView> Terms, IReadOnlyList<StudentConductView> Students);

/// <summary>A conduct rating: tot, kha, dat or chua-dat; null clears it.</summary>
public sealed record ConductRequest(string? Rating);

/// <summary>
/// Conduct (rèn luyện) by Circular 22 article 8: the homeroom teacher rates each student per term, the year's follows
/// from the two terms by the Circular's table; the class's list is the homeroom teacher's and the admins'.
/// </summary>
public static class MarkBookConductEndpoints
{
    public static void MapMarkBookConductEndpoints(this RouteGroupBuilder api)
    {
        var conduct = api.MapGroup("/school-years/{yearId:guid}/classes/{classId:guid}/conduct").ProducesProblems(403, 404).WithTags("Mark book");
        conduct.MapGet("", Class).WithSummary("The class's conduct ratings per term and the year's (the homeroom teacher, admins).");
        conduct.MapPut("/{termId:guid}/students/{studentId:guid}", Set).ProducesProblems(400)
            .WithSummary("The homeroom teacher rates a student's conduct in a term: tot, kha, dat, chua-dat (null clears it).");
    }

    private static async Task<(SchoolYearView Year, bool Homeroom)> HomeroomOrAdminAsync(
        ClaimsPrincipal user, Guid yearId, Guid classId, SchoolYearAccess access, SchoolYearRepository years)
    {
        var (year, _, roles) = await access.ClassAsync(user, yearId, classId, Roles.Admin, Roles.Teacher);
        var homeroom = await years.IsHomeroomTeacherAsync(yearId, classId, user.Id());
        if (!homeroom && !roles.Contains(Roles.Admin))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-homeroom",
                "Conduct is rated by the class's homeroom teacher.");
        return (year, homeroom);
    }

    private static async Task<ClassConductView> Class(
        Guid yearId, Guid classId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, SchoolPeople people, MarkBookConduct conduct)
    {
        var (year, _) = await HomeroomOrAdminAsync(http.User, yearId, classId, access, years);
        var terms = year.Terms.OrderBy(t => t.Number).ToList();
        var ratings = (await conduct.ClassAsync(classId)).ToDictionary(r => (r.TermId, r.StudentId), r => r.Rating);
        return new ClassConductView(classId, terms, (await people.ClassStudentsAsync(classId)).Select(s =>
        {
            var perTerm = terms.Select(t => ratings.GetValueOrDefault((t.Id, s.Id))).ToList();
            return new StudentConductView(s.Id, s.Name, perTerm, perTerm.Count == 2 ? MarkBookConduct.Year(perTerm[0], perTerm[1]) : null);
        }).ToList());
    }

    private static async Task<ClassConductView> Set(
        Guid yearId, Guid classId, Guid termId, Guid studentId, ConductRequest request, HttpContext http, SchoolYearAccess access,
        SchoolYearRepository years, SchoolPeople people, MarkBookConduct conduct)
    {
        var (year, homeroom) = await HomeroomOrAdminAsync(http.User, yearId, classId, access, years);
        if (!homeroom)
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-homeroom",
                "Conduct is rated by the class's homeroom teacher.");
        if (year.Terms.All(t => t.Id != termId)) throw ProblemException.NotFound("The term");
        if (request.Rating is not null && C22Ratings.Parse(request.Rating) is null)
            throw ProblemException.Invalid("rating", "Conduct is tot, kha, dat or chua-dat.", "unknown-rating", request.Rating);
        if ((await people.ClassStudentsAsync(classId)).All(s => s.Id != studentId)) throw ProblemException.NotFound("The student");
        await conduct.SetAsync(termId, classId, studentId, request.Rating, http.User.Id());
        return await Class(yearId, classId, http, access, years, people, conduct);
    }
}
