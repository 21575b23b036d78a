using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Institutions;

public sealed record InstitutionView(
    Guid Id, Guid? ParentId, string Kind, string Name, string? Code, IReadOnlyCollection<string> MyRoles);

public sealed record CreateInstitutionRequest(
    [property: Required, StringLength(20)] string Kind,
    [property: Required, StringLength(200, MinimumLength = 2)] string Name,
    [property: StringLength(50)] string? Code);

public static class InstitutionEndpoints
{
    public static void MapInstitutionEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/institutions/{institutionId:guid}").ProducesProblems(404).WithTags("Institutions");

        group.MapGet("", Get).ProducesProblems(403).WithSummary("An institution, for anyone with a role in it.");
        group.MapGet("/children", Children).ProducesProblems(403).WithSummary("The institutions directly under this one.");
        group.MapPost("/children", CreateChild).ProducesProblems(403, 409, 400).WithSummary("Create an institution under this one (admins).");
        group.MapRosterEndpoints();
        group.MapGet("/courses", Courses).ProducesProblems(403).WithSummary("Every course of the institution, drafts included (admins).");
    }

    private static async Task<InstitutionView> Get(Guid institutionId, HttpContext http, InstitutionAccess access)
    {
        var (institution, roles) = await access.RequireAsync(http.User, institutionId, [.. Roles.All]);
        return View(institution, roles);
    }

    private static async Task<IReadOnlyList<InstitutionView>> Children(
        Guid institutionId, HttpContext http, InstitutionAccess access, InstitutionRepository institutions)
    {
        var (_, roles) = await access.RequireAsync(http.User, institutionId, Roles.Admin, Roles.Teacher);
        var children = await institutions.ChildrenAsync(institutionId);
        // An admin here is an admin of everything below.
        return children.Select(c => View(c, roles.Contains(Roles.Admin) ? [Roles.Admin] : new HashSet<string>())).ToList();
    }

    private static async Task<Created<InstitutionView>> CreateChild(
        Guid institutionId, CreateInstitutionRequest request, HttpContext http, InstitutionAccess access,
        InstitutionRepository institutions)
    {
        var (parent, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var kind = request.Kind.Trim().ToLowerInvariant();
        if (!InstitutionKinds.AllowedUnder(parent.Kind).Contains(kind))
            throw ProblemException.Invalid("kind", $"A {kind} cannot be created under a {parent.Kind}.");
        var code = string.IsNullOrWhiteSpace(request.Code) ? null : request.Code.Trim();
        if (code is not null && await institutions.CodeTakenAsync(code))
            throw ProblemException.Conflict($"The code {code} is already used by another institution.");
        var child = await institutions.CreateAsync(parent, kind, request.Name.Trim(), code);
        return TypedResults.Created($"/api/institutions/{child.Id}", View(child, new HashSet<string> { Roles.Admin }));
    }

    private static async Task<Page<MyCourseRow>> Courses(
        Guid institutionId, int? skip, int? take, HttpContext http, InstitutionAccess access, CourseRepository courses)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        return await courses.InstitutionCoursesAsync(institutionId, PageRequest.Of(skip, take));
    }

    private static InstitutionView View(InstitutionRow row, IReadOnlySet<string> roles) =>
        new(row.Id, row.ParentId, row.Kind, row.Name, row.Code, roles.Order().ToList());
}
