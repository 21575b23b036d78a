using System.Text.Json;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Institutions;

/// <summary>The confirmation of an update's preview: the hash of the preview the admin saw.</summary>
public sealed record ConfirmRosterUpdateRequest(string Hash);

/// <summary>
/// A roster re-imported in update mode (<c>POST roster/imports?mode=update[&amp;disableAbsent=true]</c>): its job
/// previews every change, listed here page by page (<c>GET roster/imports/{id}/changes</c>), and nothing is written
/// until an admin confirms the preview by its hash (<c>POST roster/imports/{id}/confirm</c>). A confirmation applies
/// exactly the changes previewed, once; when the people changed since the preview it is refused (409,
/// <c>roster-preview-stale</c>) and the file is to be previewed again.
/// </summary>
public static class RosterUpdateEndpoints
{
    public static void MapRosterUpdateEndpoints(this RouteGroupBuilder institution)
    {
        institution.MapGet("/roster/imports/{importId:guid}/changes", Changes).ProducesProblems(403, 404)
            .WithSummary("An update's previewed changes, by kind and searchable, paged (admins).");
        institution.MapPost("/roster/imports/{importId:guid}/confirm", Confirm).ProducesProblems(403, 409, 404, 400)
            .WithSummary("Apply an update's previewed changes, exactly those and once; refused when the people changed since the preview (admins).");
    }

    public static IReadOnlyList<RosterChange> PreviewOf(RosterImportRow row) =>
        row.Preview is null ? [] : JsonSerializer.Deserialize<List<RosterChange>>(row.Preview, JsonSerializerOptions.Web)!;

    public static IReadOnlyDictionary<string, int> Counts(IReadOnlyList<RosterChange> changes) =>
        RosterChangeKinds.All.ToDictionary(k => k, k => changes.Count(c => c.Kind == k));

    private static async Task<Page<RosterChange>> Changes(
        Guid institutionId, Guid importId, string? kind, string? q, int? skip, int? take, HttpContext http, InstitutionAccess access,
        RosterImportRepository imports)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (kind is not null && !RosterChangeKinds.All.Contains(kind))
            throw ProblemException.Invalid("kind", $"Unknown kind of change {kind}.", "unknown-kind", kind);
        if (q is { Length: > 100 }) throw ProblemException.Invalid("q", "The search text is longer than 100 characters.", "search-too-long", "100");
        var row = await RosterEndpoints.ImportOfAsync(imports, institutionId, importId);
        IEnumerable<RosterChange> changes = PreviewOf(row);
        if (kind is not null) changes = changes.Where(c => c.Kind == kind);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var words = SearchText.Words(q);
            changes = changes.Where(c => SearchText.ContainsAll(words, SearchText.Fold($"{c.Name} {c.From} {c.To}")));
        }
        var all = changes.ToList();
        var page = PageRequest.Of(skip, take);
        return new Page<RosterChange>(all.Skip(page.Skip).Take(page.Take).ToList(), all.Count, page.Skip, page.Take);
    }

    private static async Task<IResult> Confirm(
        Guid institutionId, Guid importId, ConfirmRosterUpdateRequest request, HttpContext http, InstitutionAccess access,
        RosterImportRepository imports, MediaJobRepository jobs, RosterUpdate update, Accounts accounts, SessionGuard guard,
        ILoggerFactory logs)
    {
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (string.IsNullOrWhiteSpace(request.Hash)) throw ProblemException.Invalid("hash", "Name the preview to apply by its hash.", "hash-required");
        var row = await RosterEndpoints.ImportOfAsync(imports, institutionId, importId);
        if (row.Mode != RosterModes.Update)
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "roster-not-an-update",
                "This import adds people; only an update is confirmed.");
        if (row.ConfirmedAt is not null) throw Used();
        if (row.PreviewHash is null || row.Entries is null)
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "roster-preview-not-ready",
                "This update has no preview to confirm yet.");
        var stored = JsonSerializer.Deserialize<StoredRoster>(row.Entries, JsonSerializerOptions.Web)!;
        var result = await update.ConfirmAsync(row, stored.Entries, stored.PasswordHashes, request.Hash.Trim(), http.User.Id(),
            PeopleEndpoints.MaskForAudit,
            outcome => RosterImportJob.Json(new RosterImportSummary(outcome.PeopleCreated, outcome.PeopleAlreadyThere, outcome.MembershipsAdded,
                outcome.ClassesCreated, outcome.ParentLinksAdded, outcome.Invitations.Count(i => i.Email is not null),
                outcome.Invitations.Count(i => i.Email is null))),
            http.RequestAborted);
        switch (result)
        {
            case RosterUpdateResult.AlreadyConfirmed:
                throw Used();
            case RosterUpdateResult.Stale:
                throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "roster-preview-stale",
                    "The people changed since this preview; nothing was applied. Upload the file again for a fresh preview.");
            case RosterUpdateResult.Invalid invalid:
                return RosterEndpoints.Invalid(invalid.Problems, []);
        }
        var applied = (RosterUpdateResult.Applied)result;
        await accounts.SendInvitationsAsync(
            applied.Outcome.Invitations.Where(i => i.Email is not null && i.Code is not null).Select(i => (i.Email!, i.DisplayName, i.Code!)),
            institution.Name, row.Language);
        // As on the people page: the disabled are signed out everywhere; the changed reconnect as they now are.
        foreach (var userId in applied.Disabled) await guard.SetDisabledAsync(userId, true);
        foreach (var userId in applied.Changed) guard.Disconnect(userId);
        logs.CreateLogger(typeof(RosterUpdateEndpoints)).LogInformation(
            "Roster update {Import} confirmed by {User}: {Changes} change(s)", row.Id, http.User.Id(), applied.Changes.Count);
        return TypedResults.Ok(await RosterEndpoints.ViewAsync(imports, jobs, row));
    }

    private static ProblemException Used() =>
        ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "roster-preview-used",
            "This preview was applied already; upload the file again to see what is left to change.");
}
