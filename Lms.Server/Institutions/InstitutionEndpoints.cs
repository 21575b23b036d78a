using System.ComponentModel.DataAnnotations;
using System.Text;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Communication.Mail;
using Lms.Server.Hosting;
using Lms.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Institutions;

public sealed record InstitutionView(
    Guid Id, Guid? ParentId, string Kind, string Name, string? Code, IReadOnlyCollection<string> MyRoles);

/// <summary>
/// The import's outcome as the admin sees it: invitations for people with an e-mail were mailed
/// (their code is not shown, so only the address's owner can use it); the others' codes are for
/// the printed sheet handed out in class.
/// </summary>
public sealed record RosterOutcomeView(
    int PeopleCreated, int PeopleAlreadyThere, int MembershipsAdded, int ClassesCreated, int ParentLinksAdded,
    IReadOnlyList<InvitationView> Invitations);

public sealed record InvitationView(int Line, string DisplayName, string Login, bool Emailed, string? Code);

public sealed record CreateInstitutionRequest(
    [property: Required, StringLength(20)] string Kind,
    [property: Required, StringLength(200, MinimumLength = 2)] string Name,
    [property: StringLength(50)] string? Code);

public static class InstitutionEndpoints
{
    public static void MapInstitutionEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/institutions/{institutionId:guid}").WithTags("Institutions");

        group.MapGet("", Get).WithSummary("An institution, for anyone with a role in it.");
        group.MapGet("/children", Children).WithSummary("The institutions directly under this one.");
        group.MapPost("/children", CreateChild).WithSummary("Create an institution under this one (admins).");
        group.MapPost("/roster", ImportRoster).DisableAntiforgery()
            .WithSummary("Import people from a CSV file (admins): all rows are applied, or none.");
        group.MapGet("/courses", Courses).WithSummary("Every course of the institution, drafts included (admins).");
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

    private static async Task<IResult> ImportRoster(
        Guid institutionId, string? language, HttpContext http, InstitutionAccess access, RosterImport import, Accounts accounts)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var text = await ReadRosterTextAsync(http.Request);
        var (entries, problems) = RosterCsv.Parse(new StringReader(text));
        if (problems.Count == 0)
        {
            var (outcome, dbProblems) = await import.ApplyAsync(institutionId, entries, http.RequestAborted);
            if (outcome is not null)
            {
                await accounts.SendInvitationsAsync(
                    outcome.Invitations.Where(i => i.Email is not null).Select(i => (i.Email!, i.DisplayName, i.Code)),
                    institution.Name, Mailer.LanguageOf(language, http.Request));
                return TypedResults.Ok(new RosterOutcomeView(outcome.PeopleCreated, outcome.PeopleAlreadyThere,
                    outcome.MembershipsAdded, outcome.ClassesCreated, outcome.ParentLinksAdded,
                    outcome.Invitations.Select(i => new InvitationView(i.Line, i.DisplayName, i.Login, i.Email is not null,
                        i.Email is null ? OneTimeCodes.Grouped(i.Code) : null)).ToList()));
            }
            problems.AddRange(dbProblems);
        }
        return TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            type: ProblemTypes.RosterInvalid,
            title: "The roster has problems; nothing was imported.",
            detail: string.Join(" ", problems.Take(5).Select(p => $"Line {p.Line}: {p.Message}")),
            extensions: new Dictionary<string, object?> { ["problems"] = problems.OrderBy(p => p.Line).ToList() });
    }

    /// <summary>The file may come as a multipart upload (a browser form) or as the raw CSV body.</summary>
    private static async Task<string> ReadRosterTextAsync(HttpRequest request)
    {
        if (request.ContentLength > RosterCsv.MaxBytes)
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge,
                "The file is too large.", $"A roster file may be at most {RosterCsv.MaxBytes / 1024 / 1024} MB.");
        Stream body;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            var file = form.Files.FirstOrDefault()
                       ?? throw ProblemException.Invalid("file", "Attach the roster as a CSV file.");
            if (file.Length > RosterCsv.MaxBytes)
                throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.");
            body = file.OpenReadStream();
        }
        else
        {
            body = request.Body;
        }
        await using (body)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > RosterCsv.MaxBytes)
                    throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "The file is too large.");
            }
            buffer.Position = 0;
            using var reader = new StreamReader(buffer, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return await reader.ReadToEndAsync();
        }
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
