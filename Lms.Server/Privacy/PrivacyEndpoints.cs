using System.ComponentModel.DataAnnotations;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Privacy;
using Lms.Server.Communication.Mail;
using Lms.Server.Exports;
using Lms.Server.Identity;
using Lms.Server.Moocs;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Privacy;

public sealed record ErasureRequestBody([property: StringLength(1000)] string? Reason = null, string? Language = null);

public sealed record ErasureDeclineBody([property: StringLength(1000)] string? Reason = null);

/// <summary>One institution's part of my request, as I see it on my account page.</summary>
public sealed record MyErasurePart(
    Guid Id, Guid RequestId, string InstitutionName, string Status, string? Reason, DateTimeOffset RequestedAt, DateTimeOffset? DecidedAt,
    string? DecisionReason);

public sealed record ErasureRequestResult(Guid? RequestId, bool AccountErased, IReadOnlyList<MyErasurePart> Parts);

/// <summary>An open or decided part for the institution's admins, with what carrying it out erases and what stays.</summary>
public sealed record ErasurePartView(
    Guid Id, Guid UserId, string DisplayName, string? Email, string? Reason, string Status, DateTimeOffset RequestedAt,
    DateTimeOffset? DecidedAt, string? DecisionReason, ErasureScope Scope);

public sealed record ErasureCarriedOutView(bool AccountErased, int ChatMessages, int SubmissionFiles);

/// <summary>
/// A person's rights over their data: a copy of it, and erasure asked of every institution that holds it, each of which
/// carries out or declines its part (with a reason, mailed to the person). Everything here is audited.
/// </summary>
public static class PrivacyEndpoints
{
    public static void MapPrivacyEndpoints(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/privacy").WithTags("Privacy");
        me.MapGet("/my-data.zip", MyData).WithSummary(
            "A copy of everything held about me: data.json, one CSV per table in my language (?language=vi|en), README.txt; audited.");
        me.MapGet("/erasure-requests", MyRequests).WithSummary("My erasure requests: one part per institution, with its decision.");
        me.MapPost("/erasure-requests", Request).ProducesProblems(409, 400).WithSummary(
            "Ask every institution that holds my data to erase it (an optional reason); with no institution, the account is erased at once.");

        var admin = api.MapGroup("/institutions/{institutionId:guid}/erasure-requests").ProducesProblems(404).WithTags("Privacy");
        admin.MapGet("", List).WithSummary("The institution's erasure requests (admins), open first by default (?status=open|done|declined).")
            .ProducesProblems(403);
        admin.MapPost("/{partId:guid}/carry-out", CarryOut).WithSummary(
            "Carry out this institution's part: chat texts and submitted files erased; the account becomes a pseudonym when no institution keeps it.");
        admin.MapPost("/{partId:guid}/decline", Decline).WithSummary("Decline this institution's part, with a reason the person is mailed.")
            .ProducesProblems(400);
    }

    private static async Task<IResult> MyData(HttpContext http, DataCopy copy, ErasureRepository erasures)
    {
        var userId = http.User.Id();
        var language = ExportLanguage.Of(http.Request);
        var zip = await copy.BuildAsync(userId, language, http.RequestAborted);
        foreach (var institutionId in await erasures.InstitutionsOfAsync(userId))
            await http.AuditAsync(institutionId, PrivacySubjects.Person, userId, PrivacyActions.DataCopy, new { language = language.Code });
        return TypedResults.File(zip, "application/zip", TableExport.FileName(language.Text("privacy.file.zip"), "zip"));
    }

    private static async Task<IReadOnlyList<MyErasurePart>> MyRequests(HttpContext http, ErasureRepository erasures) =>
        (await erasures.OfUserAsync(http.User.Id())).Select(Mine).ToList();

    private static MyErasurePart Mine(ErasurePart p) =>
        new(p.Id, p.RequestId, p.InstitutionName, p.Status, p.Reason, p.RequestedAt, p.DecidedAt, p.DecisionReason);

    private static async Task<Created<ErasureRequestResult>> Request(
        ErasureRequestBody body, HttpContext http, ErasureRepository erasures, UserRepository users, SessionRepository sessionRepository,
        SessionGuard guard)
    {
        var userId = http.User.Id();
        if (await users.GetAsync(userId) is { PlatformAdmin: true })
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "erasure-platform-admin",
                "A platform administrator's account is not erased on request; another administrator removes it first.");
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim();
        var language = Mailer.LanguageOf(body.Language, http.Request);
        var institutions = await erasures.InstitutionsOfAsync(userId);
        if (institutions.Count == 0)
        {
            // Nobody is required to keep anything of an account that belongs to no institution.
            var sessions = await sessionRepository.ActiveOfAsync(userId);
            await erasures.EraseAccountAsync(userId);
            foreach (var s in sessions) guard.Ended(s.Id);
            guard.Disconnect(userId);
            return TypedResults.Created("/api/privacy/erasure-requests", new ErasureRequestResult(null, true, []));
        }
        var requestId = await erasures.RequestAsync(userId, institutions, reason, language)
                        ?? throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "erasure-already-requested",
                            "An erasure request of yours is still open.");
        foreach (var institutionId in institutions)
            await http.AuditAsync(institutionId, PrivacySubjects.Person, userId, PrivacyActions.ErasureRequested);
        var parts = (await erasures.OfUserAsync(userId)).Where(p => p.RequestId == requestId).Select(Mine).ToList();
        return TypedResults.Created("/api/privacy/erasure-requests", new ErasureRequestResult(requestId, false, parts));
    }

    private static async Task<Page<ErasurePartView>> List(
        Guid institutionId, string? status, int? skip, int? take, HttpContext http, InstitutionAccess access, ErasureRepository erasures)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (status is not null && status is not (ErasureStatus.Open or ErasureStatus.Done or ErasureStatus.Declined))
            throw ProblemException.Invalid("status", "open, done or declined.", "unknown-erasure-status", status);
        var page = await erasures.ListAsync(institutionId, status, PageRequest.Of(skip, take));
        var items = new List<ErasurePartView>();
        foreach (var p in page.Items)
            items.Add(new ErasurePartView(p.Id, p.UserId, p.DisplayName, p.Email, p.Reason, p.Status, p.RequestedAt, p.DecidedAt,
                p.DecisionReason, await erasures.ScopeAsync(institutionId, p.UserId)));
        return new Page<ErasurePartView>(items, page.Total, page.Skip, page.Take);
    }

    private static async Task<ErasurePart> OpenPartAsync(Guid institutionId, Guid partId, HttpContext http, InstitutionAccess access,
        ErasureRepository erasures)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var part = await erasures.GetAsync(institutionId, partId) ?? throw ProblemException.NotFound("The erasure request");
        if (part.UserId == http.User.Id())
            throw ProblemException.Invalid("partId", "Another admin decides on your own request.", "self");
        if (part.Status != ErasureStatus.Open) throw Decided(part.Status);
        return part;
    }

    private static ProblemException Decided(string status) => ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict,
        "erasure-decided", $"This request was already decided ({status}).", status);

    private static async Task<ErasureCarriedOutView> CarryOut(
        Guid institutionId, Guid partId, HttpContext http, InstitutionAccess access, ErasureRepository erasures,
        SessionRepository sessionRepository, SessionGuard guard, SubmissionFiles files, Mailer mailer)
    {
        var part = await OpenPartAsync(institutionId, partId, http, access, erasures);
        var sessions = await sessionRepository.ActiveOfAsync(part.UserId);
        switch (await erasures.CarryOutAsync(part, http.User.Id()))
        {
            case ErasureOutcome.NotOpen notOpen:
                throw Decided(notOpen.Status);
            case ErasureOutcome.CarriedOut done:
                // The rows no longer name the files: removing them now cannot leave a record pointing at nothing.
                foreach (var key in done.FileKeys) files.Delete(key);
                if (done.AccountErased)
                {
                    foreach (var s in sessions) guard.Ended(s.Id);
                    guard.Disconnect(part.UserId);
                }
                await http.AuditAsync(institutionId, PrivacySubjects.Person, part.UserId, PrivacyActions.ErasureCarriedOut,
                    new { accountErased = done.AccountErased, chatMessages = done.ChatMessages, files = done.FileKeys.Count });
                await MailAsync(mailer, part, PrivacyMailKinds.ErasureDone, null, http.RequestAborted);
                return new ErasureCarriedOutView(done.AccountErased, done.ChatMessages, done.FileKeys.Count);
            default:
                throw new InvalidOperationException("Unknown erasure outcome.");
        }
    }

    private static async Task<NoContent> Decline(
        Guid institutionId, Guid partId, ErasureDeclineBody body, HttpContext http, InstitutionAccess access, ErasureRepository erasures,
        Mailer mailer)
    {
        var reason = body.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            throw ProblemException.Invalid("reason", "Say why the request is declined: the person is told.", "decline-reason-required");
        var part = await OpenPartAsync(institutionId, partId, http, access, erasures);
        if (!await erasures.DeclineAsync(part.Id, http.User.Id(), reason))
            throw Decided((await erasures.GetAsync(institutionId, partId))?.Status ?? "");
        await http.AuditAsync(institutionId, PrivacySubjects.Person, part.UserId, PrivacyActions.ErasureDeclined, new { reason });
        await MailAsync(mailer, part, PrivacyMailKinds.ErasureDeclined, reason, http.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>The person is told in the language they asked in, at the address they had when they asked (it may be erased now).</summary>
    private static Task MailAsync(Mailer mailer, ErasurePart part, string kind, string? reason, CancellationToken cancellationToken) =>
        part.Email is null
            ? Task.CompletedTask
            : mailer.SendAsync(part.Email, part.DisplayName, kind, part.Language, new Dictionary<string, string>
            {
                ["name"] = part.DisplayName, ["institution"] = part.InstitutionName, ["reason"] = reason ?? "",
                ["link"] = mailer.Link("/account/privacy"),
            }, cancellationToken);
}

/// <summary>The mail a person gets when an institution decides on their erasure request (Communication/Mail/Texts).</summary>
public static class PrivacyMailKinds
{
    public const string ErasureDone = "erasure-done";
    public const string ErasureDeclined = "erasure-declined";
}
