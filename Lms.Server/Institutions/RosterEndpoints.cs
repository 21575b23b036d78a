using System.Text;
using System.Text.Json;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Privacy;
using Lms.Server.Communication.Mail;
using Lms.Server.Content;
using Lms.Server.Identity;
using Lms.Server.Privacy;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.Institutions;

/// <summary>
/// The outcome of a synchronous import as the admin sees it: invitations for people with an e-mail were
/// mailed (their code is not shown, so only the address's owner can use it); the others' codes are shown once.
/// </summary>
public sealed record RosterOutcomeView(
    int PeopleCreated, int PeopleAlreadyThere, int MembershipsAdded, int ClassesCreated, int ParentLinksAdded,
    IReadOnlyList<InvitationView> Invitations);

public sealed record InvitationView(int Line, string DisplayName, string Login, bool Emailed, string? Code);

/// <summary>
/// A background import as the import page shows it, also after a reload: its job's state and progress, and
/// once finished its outcome (or the problems that stopped it) and how many slips still wait to be used.
/// </summary>
public sealed record RosterImportView(
    Guid Id, Guid JobId, string FileName, int Rows, string State, double Progress, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt,
    RosterImportSummary? Outcome, IReadOnlyList<RosterProblem> Problems, IReadOnlyList<RosterNotice> Notices, int SlipsWaiting)
{
    /// <summary><c>add</c> or <c>update</c> (an update previews its changes and waits for the admin to confirm them).</summary>
    public string Mode { get; init; } = RosterModes.Add;
    public bool DisableAbsent { get; init; }
    /// <summary>An update's preview: how many changes of each kind; null until its job has computed them.</summary>
    public IReadOnlyDictionary<string, int>? PreviewCounts { get; init; }
    /// <summary>What the confirmation names, so that it applies exactly the preview shown.</summary>
    public string? PreviewHash { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
}

/// <summary>
/// Roster imports (admins): <c>POST roster/imports</c> checks the whole file at once (every problem of every row,
/// with its line numbers, against the file and the database) and queues the import as a job; the page follows the
/// job on /hubs/content and can come back to it (<c>GET roster/imports/latest</c>). The credentials sheet
/// (<c>POST roster/imports/{id}/slips</c>) gives fresh one-time codes to the people who have not yet used theirs;
/// an admin resets a person's sign-in with <c>POST roster/people/{userId}/sign-in-slip</c>.
/// </summary>
public static class RosterEndpoints
{
    public static IServiceCollection AddRosterImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RosterOptions>(configuration.GetSection(RosterOptions.Section));
        services.AddSingleton<RosterImportRepository>();
        services.AddSingleton<RosterUpdate>();
        services.AddSingleton<RosterSlipsPdf>();
        services.AddSingleton<RosterImportJob>();
        services.AddSingleton<IQueuedJobHandler>(sp => sp.GetRequiredService<RosterImportJob>());
        services.AddOneRoster();
        return services;
    }

    public static void MapRosterEndpoints(this RouteGroupBuilder institution)
    {
        institution.MapPost("/roster", ImportNow).ProducesProblems(403).DisableAntiforgery().Produces<RosterOutcomeView>()
            .WithSummary("Import people from a CSV file at once (admins, small files and scripts): all rows are applied, or none.");
        institution.MapPost("/roster/imports", Queue).DisableAntiforgery().Produces<RosterImportView>(StatusCodes.Status202Accepted)
            .WithSummary("Check a roster file (every problem at once) and import it as a background job (admins).")
            .ProducesProblems(403);
        institution.MapGet("/roster/imports/latest", Latest).ProducesProblems(403).WithSummary("The latest roster import, to come back to (admins).");
        institution.MapGet("/roster/imports/{importId:guid}", Get).WithSummary("A roster import: progress, outcome, problems (admins).")
            .ProducesProblems(403, 404);
        institution.MapPost("/roster/imports/{importId:guid}/slips", Slips).ProducesProblems(403, 404)
            .WithSummary("The sign-in slips (PDF) of the people this import created who have not chosen a password: fresh codes each time (admins).");
        institution.MapPost("/roster/people/{userId:guid}/sign-in-slip", ResetSignIn).ProducesProblems(403, 404)
            .WithSummary("Reset a person's sign-in (admins, people this institution made): a new one-time code on a one-slip PDF.");
        institution.MapRosterUpdateEndpoints();
        institution.MapOneRosterEndpoints();
    }

    private static async Task<IResult> ImportNow(
        Guid institutionId, string? language, HttpContext http, InstitutionAccess access, RosterImport import, Accounts accounts,
        IOptions<RosterOptions> options)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var (_, text) = await ReadRosterAsync(http.Request);
        var file = RosterCsv.Parse(new StringReader(text), options.Value);
        var problems = await AllProblemsAsync(import, institutionId, file, http.RequestAborted);
        if (problems.Count > 0) return Invalid(problems, file.Notices);
        var (outcome, found) = await import.ApplyAsync(institutionId, file.Entries, http.RequestAborted);
        if (outcome is null) return Invalid(found, file.Notices);
        await accounts.SendInvitationsAsync(
            outcome.Invitations.Where(i => i.Email is not null).Select(i => (i.Email!, i.DisplayName, i.Code!)),
            institution.Name, Mailer.LanguageOf(language, http.Request));
        return TypedResults.Ok(new RosterOutcomeView(outcome.PeopleCreated, outcome.PeopleAlreadyThere,
            outcome.MembershipsAdded, outcome.ClassesCreated, outcome.ParentLinksAdded,
            outcome.Invitations.Select(i => new InvitationView(i.Line, i.DisplayName, i.Login, i.Email is not null,
                i.Email is null && i.Code is not null ? OneTimeCodes.Grouped(i.Code) : null)).ToList()));
    }

    private static async Task<IResult> Queue(
        Guid institutionId, string? language, string? mode, bool? disableAbsent, HttpContext http, InstitutionAccess access,
        RosterImport import, Db db, RosterImportRepository imports, MediaJobRepository jobs, MediaJobSignal signal,
        IOptions<RosterOptions> options, IOptions<MediaWorkerOptions> media)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        mode ??= RosterModes.Add;
        if (mode is not (RosterModes.Add or RosterModes.Update))
            throw ProblemException.Invalid("mode", "The mode is add or update.", "unknown-mode", mode);
        if (disableAbsent == true && mode != RosterModes.Update)
            throw ProblemException.Invalid("disableAbsent", "Only an update disables the people a file no longer lists.", "disable-absent-needs-update");
        var (fileName, text) = await ReadRosterAsync(http.Request);
        var file = RosterCsv.Parse(new StringReader(text), options.Value);
        // An update's changes are checked against the people by its job, which previews them: here only the file itself.
        var problems = mode == RosterModes.Update
            ? Ordered(file.Problems.Concat(RosterFileCheck.Check(RosterImport.Cleaned(file.Checkable))))
            : await AllProblemsAsync(import, institutionId, file, http.RequestAborted);
        if (problems.Count > 0) return Invalid(problems, file.Notices);

        var entries = RosterImport.Cleaned(file.Entries);
        var stored = new StoredRoster(entries, import.HashPasswords(entries));
        var row = new RosterImportRow
        {
            Id = Guid.CreateVersion7(), InstitutionId = institutionId, CreatedBy = http.User.Id(),
            FileName = fileName.Length > 200 ? fileName[..200] : fileName, Language = Mailer.LanguageOf(language, http.Request),
            RowCount = entries.Count, Entries = RosterImportJob.Json(stored), Notices = RosterImportJob.Json(file.Notices),
            Mode = mode, DisableAbsent = disableAbsent == true,
        };
        await db.InTransactionAsync(async (c, t) =>
        {
            await imports.CreateAsync(row, c, t);
            await jobs.EnqueueAsync(c, t, RosterImportJob.JobKind, row.Id, null, null, row.CreatedBy, media.Value.MaxAttempts);
            return 0;
        });
        signal.Notify();
        var view = await ViewAsync(imports, jobs, row);
        return TypedResults.Accepted($"/api/institutions/{institutionId}/roster/imports/{row.Id}", view);
    }

    private static async Task<Results<Ok<RosterImportView>, NoContent>> Latest(
        Guid institutionId, HttpContext http, InstitutionAccess access, RosterImportRepository imports, MediaJobRepository jobs)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var row = await imports.LatestAsync(institutionId);
        return row is null ? TypedResults.NoContent() : TypedResults.Ok(await ViewAsync(imports, jobs, row));
    }

    private static async Task<RosterImportView> Get(
        Guid institutionId, Guid importId, HttpContext http, InstitutionAccess access, RosterImportRepository imports, MediaJobRepository jobs)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        return await ViewAsync(imports, jobs, await ImportOfAsync(imports, institutionId, importId));
    }

    private static async Task<FileContentHttpResult> Slips(
        Guid institutionId, Guid importId, HttpContext http, InstitutionAccess access, RosterImportRepository imports,
        OneTimeCodes codes, RosterSlipsPdf pdf, Mailer mailer, TimeProvider clock, ILoggerFactory logs)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var row = await ImportOfAsync(imports, institutionId, importId);
        var people = await imports.UnclaimedAsync(row.Id);
        // Codes are kept only as hashes, so each sheet carries fresh ones: the slips of an earlier download stop
        // working for the people who have not used them yet.
        var slips = new List<(RosterSlipPerson Person, RosterSlip Slip)>();
        foreach (var person in people)
        {
            var code = await codes.IssueAsync(person.UserId, CodePurposes.Invitation, length: OneTimeCodes.PrintableLength);
            slips.Add((person, new RosterSlip(person.DisplayName, person.ClassName, person.NationalId ?? "", OneTimeCodes.Grouped(code))));
        }
        logs.CreateLogger(typeof(RosterEndpoints)).LogInformation(
            "Sign-in slips of roster import {Import} printed by {User}: {Count} fresh code(s)", row.Id, http.User.Id(), slips.Count);
        await http.AuditAsync(institutionId, PrivacySubjects.People, institutionId, PrivacyActions.SlipsPrint,
            new { importId = row.Id, slips = slips.Count });
        var bytes = pdf.Render(institution.Name, RosterSlipOrder.ByClass(slips), mailer.Link("/set-password"),
            clock.GetUtcNow() + CodePurposes.DefaultLifetime(CodePurposes.Invitation));
        return TypedResults.File(bytes, "application/pdf", $"phieu-dang-nhap-{row.CreatedAt:yyyy-MM-dd-HHmm}.pdf");
    }

    private static async Task<FileContentHttpResult> ResetSignIn(
        Guid institutionId, Guid userId, HttpContext http, InstitutionAccess access, RosterImportRepository imports,
        OneTimeCodes codes, RosterSlipsPdf pdf, Mailer mailer, TimeProvider clock, ILoggerFactory logs)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (userId == http.User.Id()) throw ProblemException.Invalid("userId", "Change your own password in your account.", "self");
        var person = await imports.ResettableAsync(institutionId, userId) ?? throw ProblemException.NotFound("A person this institution made");
        var code = await codes.IssueAsync(person.UserId, CodePurposes.Invitation, length: OneTimeCodes.PrintableLength);
        logs.CreateLogger(typeof(RosterEndpoints)).LogInformation("Sign-in of {Person} reset by {User}", person.UserId, http.User.Id());
        await http.AuditAsync(institutionId, PrivacySubjects.Person, person.UserId, PrivacyActions.SlipsPrint, new { reset = true });
        var slip = new RosterSlip(person.DisplayName, person.ClassName, person.NationalId ?? person.Email ?? "", OneTimeCodes.Grouped(code));
        var bytes = pdf.Render(institution.Name, [(person.ClassName, [slip])], mailer.Link("/set-password"),
            clock.GetUtcNow() + CodePurposes.DefaultLifetime(CodePurposes.Invitation));
        return TypedResults.File(bytes, "application/pdf", "phieu-dang-nhap.pdf");
    }

    /// <summary>The file's own problems, and every readable row checked against the file and the database, in one list.</summary>
    private static async Task<List<RosterProblem>> AllProblemsAsync(
        RosterImport import, Guid institutionId, RosterFile file, CancellationToken cancellationToken)
    {
        var problems = new List<RosterProblem>(file.Problems);
        if (file.Checkable.Count > 0) problems.AddRange(await import.CheckAsync(institutionId, file.Checkable, cancellationToken));
        return Ordered(problems);
    }

    private static List<RosterProblem> Ordered(IEnumerable<RosterProblem> problems) =>
        problems.OrderBy(p => p.Line).ThenBy(p => p.Field, StringComparer.Ordinal).ToList();

    internal static IResult Invalid(IReadOnlyList<RosterProblem> problems, IReadOnlyList<RosterNotice> notices) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            type: ProblemTypes.RosterInvalid,
            title: "The roster has problems; nothing was imported.",
            detail: string.Join(" ", problems.Take(5).Select(p => $"Line {p.Line}: {p.Message}")),
            extensions: new Dictionary<string, object?> { ["problems"] = problems, ["notices"] = notices });

    internal static async Task<RosterImportRow> ImportOfAsync(RosterImportRepository imports, Guid institutionId, Guid importId) =>
        await imports.GetAsync(importId) is { } row && row.InstitutionId == institutionId ? row : throw ProblemException.NotFound("The import");

    internal static async Task<RosterImportView> ViewAsync(RosterImportRepository imports, MediaJobRepository jobs, RosterImportRow row)
    {
        // The job first, then the import: the job ends in the transaction that records the outcome, so a job seen
        // finished always comes with its outcome (read the other way round, a finish in between would be seen half).
        var job = await jobs.ForSubjectAsync(RosterImportJob.JobKind, row.Id);
        row = await imports.GetAsync(row.Id) ?? row;
        // It may also have finished in between: then the job is read again, so that state and outcome agree.
        if (row.FinishedAt is not null && job is not null && !MediaJobStates.IsFinal(job.State))
            job = await jobs.ForSubjectAsync(RosterImportJob.JobKind, row.Id);
        var outcome = row.Outcome is null ? null : JsonSerializer.Deserialize<RosterImportSummary>(row.Outcome, JsonSerializerOptions.Web);
        return new RosterImportView(row.Id, job?.Id ?? Guid.Empty, row.FileName, row.RowCount, job?.State ?? MediaJobStates.Queued,
            Math.Round(job?.Progress ?? 0, 4), row.CreatedAt, row.FinishedAt, outcome,
            row.Problems is null ? [] : JsonSerializer.Deserialize<List<RosterProblem>>(row.Problems, JsonSerializerOptions.Web)!,
            row.Notices is null ? [] : JsonSerializer.Deserialize<List<RosterNotice>>(row.Notices, JsonSerializerOptions.Web)!,
            outcome is null ? 0 : await imports.UnclaimedCountAsync(row.Id))
        {
            Mode = row.Mode, DisableAbsent = row.DisableAbsent, PreviewHash = row.PreviewHash, ConfirmedAt = row.ConfirmedAt,
            PreviewCounts = row.Preview is null ? null : RosterUpdateEndpoints.Counts(RosterUpdateEndpoints.PreviewOf(row)),
        };
    }

    /// <summary>The file may come as a multipart upload (a browser form) or as the raw CSV body.</summary>
    internal static async Task<(string FileName, string Text)> ReadRosterAsync(HttpRequest request)
    {
        var (fileName, bytes) = await UploadedFile.ReadAsync(request, RosterCsv.MaxBytes, "roster.csv", "Attach the roster as a CSV file.");
        using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return (fileName, await reader.ReadToEndAsync());
    }
}
