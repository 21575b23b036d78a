using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Privacy;
using Lms.Server.Identity;
using Lms.Server.Privacy;
using Lms.Server.Problems;

namespace Lms.Server.Institutions;

/// <summary>What an import changed, and what it did not read.</summary>
public sealed record OneRosterImportView(OneRosterOutcome Outcome, IReadOnlyList<OneRosterNotice> Notices);

/// <summary>
/// OneRoster 1.2 CSV for an institution's admins: <c>POST oneroster</c> imports a zip (every problem of every file at
/// once, with file, line and column, and nothing written while there is one), <c>GET oneroster.zip</c> exports the
/// school's roster for a student information system.
/// </summary>
public static class OneRosterEndpoints
{
    public static IServiceCollection AddOneRoster(this IServiceCollection services)
    {
        services.AddSingleton<OneRosterImport>();
        services.AddSingleton<OneRosterExport>();
        return services;
    }

    public static void MapOneRosterEndpoints(this RouteGroupBuilder institution)
    {
        institution.MapPost("/oneroster", Import).ProducesProblems(403, 413).DisableAntiforgery().Produces<OneRosterImportView>()
            .WithSummary("Import a OneRoster 1.2 CSV zip (admins): orgs, academic sessions, courses, classes, users, roles, enrollments; all of it or nothing.");
        institution.MapGet("/oneroster.zip", Export).ProducesProblems(403)
            .WithSummary("The school's roster as a OneRoster 1.2 CSV zip (admins); sourcedIds stay the same from one export to the next.");
    }

    private static async Task<IResult> Import(Guid institutionId, HttpContext http, InstitutionAccess access, OneRosterImport import)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var zip = await ReadZipAsync(http.Request);
        OneRosterFile file;
        try
        {
            file = OneRosterCsv.Read(zip);
        }
        catch (OneRosterCsv.Unreadable unreadable)
        {
            return Invalid([unreadable.Problem], []);
        }
        if (file.Problems.Count > 0 && file.Problems.Any(p => p.File == OneRosterVocabulary.ManifestFile))
            return Invalid(OneRosterCheck.Ordered(file.Problems), file.Notices);
        // Problems of the rows themselves and of the set as a whole come in one answer.
        var problems = OneRosterCheck.Ordered(file.Problems.Concat(OneRosterCheck.Check(file.Set)));
        if (problems.Count > 0) return Invalid(problems, file.Notices);
        var (outcome, found, notices) = await import.ApplyAsync(institutionId, file.Set, http.RequestAborted);
        if (outcome is null) return Invalid(found, file.Notices.Concat(notices).ToList());
        return TypedResults.Ok(new OneRosterImportView(outcome, file.Notices.Concat(notices).ToList()));
    }

    private static async Task<IResult> Export(
        Guid institutionId, HttpContext http, InstitutionAccess access, OneRosterExport export, TimeProvider clock)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var set = await export.ExportAsync(institutionId, http.RequestAborted);
        await http.AuditAsync(institutionId, PrivacySubjects.People, institutionId, PrivacyActions.PeopleExport,
            new { format = "oneroster", rows = set.Set.Users.Count });
        var now = clock.GetUtcNow();
        return TypedResults.File(OneRosterCsv.Write(set, now), "application/zip", $"oneroster-{now:yyyy-MM-dd}.zip");
    }

    private static IResult Invalid(IReadOnlyList<OneRosterProblem> problems, IReadOnlyList<OneRosterNotice> notices) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            type: ProblemTypes.OneRosterInvalid,
            title: "The OneRoster files have problems; nothing was imported.",
            detail: string.Join(" ", problems.Take(5).Select(p => $"{p.File} line {p.Line} {p.Column}: {p.Message}")),
            extensions: new Dictionary<string, object?> { ["problems"] = problems, ["notices"] = notices });

    /// <summary>The zip, from a form's file or the request body, never more than <see cref="OneRosterCsv.MaxZipBytes"/>.</summary>
    private static async Task<MemoryStream> ReadZipAsync(HttpRequest request) =>
        (await UploadedFile.ReadAsync(request, OneRosterCsv.MaxZipBytes, "oneroster.zip", "Attach the OneRoster zip.")).Bytes;
}
