using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Privacy;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Privacy;

/// <summary>
/// The institution's audit log for its admins: reads of full national-ID lists, exports of personal data, erasures
/// and admins' changes to people and classes. Read only: no endpoint changes or deletes an entry.
/// </summary>
public static class AuditLogEndpoints
{
    public static void MapAuditLogEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/institutions/{institutionId:guid}/audit", List).ProducesProblems(403, 404).WithTags("Privacy").WithSummary(
            "The audit log, newest first (admins): filter by action code, person (as actor or subject) and time (from inclusive, to exclusive), paged.");
    }

    private static readonly IReadOnlySet<string> AdminActions = new HashSet<string>
    {
        AuditActions.Created, AuditActions.Renamed, AuditActions.IdentityChanged, AuditActions.Moved, AuditActions.Disabled,
        AuditActions.Enabled, AuditActions.Removed, AuditActions.MergedInto, AuditActions.MergedFrom, AuditActions.Archived,
        AuditActions.Restored,
    };

    private static async Task<Page<AuditLogEntry>> List(
        Guid institutionId, string? action, Guid? personId, DateTimeOffset? from, DateTimeOffset? to, int? skip, int? take,
        HttpContext http, InstitutionAccess access, AuditLog log)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (!string.IsNullOrEmpty(action) && !PrivacyActions.All.Contains(action) && !AdminActions.Contains(action))
            throw ProblemException.Invalid("action", $"Unknown action {action}.", "unknown-audit-action", action);
        if (from is not null && to is not null && to <= from)
            throw ProblemException.Invalid("to", "The end of the period comes after its start.", "audit-period-reversed");
        return await log.ListAsync(institutionId,
            new AuditLogQuery(string.IsNullOrEmpty(action) ? null : action, personId, from?.ToUniversalTime(), to?.ToUniversalTime(), PageRequest.Of(skip, take)));
    }
}
