using System.ComponentModel.DataAnnotations;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Institutions;

/// <summary>A class's name; checked (and a blank one refused with its own code) after it is cleaned.</summary>
public sealed record RenameClassRequest([property: StringLength(200)] string? Name);

public sealed record ArchiveClassRequest(bool Archived);

/// <summary>An institution's classes: listed in natural order, renamed and archived by its admins, audited.</summary>
public static class ClassEndpoints
{
    public const int MaxNameLength = 100;

    public static void MapClassEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/institutions/{institutionId:guid}/classes").ProducesProblems(404).WithTags("Classes");

        group.MapGet("", List).WithSummary("The classes in natural order (10A1, 10A2, 10A10) with their students and courses; archived ones on request.")
            .ProducesProblems(403);
        group.MapPost("", Create).ProducesProblems(403, 400).WithSummary("Create a class (admins): a student can then be moved into it; audited.");
        group.MapPatch("/{classId:guid}", Rename)
            .WithSummary("Rename a class (admins): the name is cleaned, and may not be another class's up to case and spacing; audited.")
            .ProducesProblems(403, 400);
        group.MapPut("/{classId:guid}/archived", SetArchived).ProducesProblems(403, 400)
            .WithSummary("Archive a class or bring it back (admins): archived classes leave the lists, their members and history stay; audited.");
        group.MapGet("/{classId:guid}/audit", Audit).ProducesProblems(403).WithSummary("Who renamed or archived this class, and when (admins).");
    }

    private static async Task<IReadOnlyList<ClassInfo>> List(
        Guid institutionId, bool? archived, HttpContext http, InstitutionAccess access, ClassRepository classes)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin, Roles.Teacher);
        return await classes.ListAsync(institutionId, archived == true);
    }

    private static async Task<Created<ClassInfo>> Create(
        Guid institutionId, RenameClassRequest request, HttpContext http, InstitutionAccess access, ClassRepository classes, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var name = CleanName(request.Name);
        var id = await classes.CreateAsync(institutionId, name, http.User.Id(), audit) ?? throw NameTaken(name);
        return TypedResults.Created($"/api/institutions/{institutionId}/classes/{id}", new ClassInfo { Id = id, Name = name });
    }

    private static string CleanName(string? requested)
    {
        var name = PersonText.CleanOrNull(requested) ?? "";
        if (name.Length is 0 or > MaxNameLength)
            throw ProblemException.Invalid("name", $"A class name has 1 to {MaxNameLength} characters.", "invalid-class-name", MaxNameLength.ToString());
        return name;
    }

    private static ProblemException NameTaken(string name) =>
        ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "class-name-taken", $"Another class is already called {name}.", name, "name");

    private static async Task<ClassInfo> Rename(
        Guid institutionId, Guid classId, RenameClassRequest request, HttpContext http, InstitutionAccess access,
        ClassRepository classes, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var name = CleanName(request.Name);
        var (outcome, _) = await classes.RenameAsync(institutionId, classId, name, http.User.Id(), audit);
        return outcome switch
        {
            ClassRepository.RenameOutcome.NotFound => throw ProblemException.NotFound("The class"),
            ClassRepository.RenameOutcome.Taken => throw NameTaken(name),
            _ => (await classes.ListAsync(institutionId, includeArchived: true)).Single(c => c.Id == classId),
        };
    }

    private static async Task<NoContent> SetArchived(
        Guid institutionId, Guid classId, ArchiveClassRequest request, HttpContext http, InstitutionAccess access,
        ClassRepository classes, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (!await classes.SetArchivedAsync(institutionId, classId, request.Archived, http.User.Id(), audit))
            throw ProblemException.NotFound("The class");
        return TypedResults.NoContent();
    }

    private static async Task<Page<AuditEntry>> Audit(
        Guid institutionId, Guid classId, int? skip, int? take, HttpContext http, InstitutionAccess access, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        return await audit.ListAsync(institutionId, classId, PageRequest.Of(skip, take));
    }
}
