using Lms.Grains.Privacy;
using Lms.Server.Identity;

namespace Lms.Server.Privacy;

/// <summary>
/// The one call an endpoint makes where it reads a full national-ID list or exports personal data: the signed-in
/// person, the client's address and browser, and what was read, go to the audit log before the answer is sent.
/// </summary>
public static class PrivacyAudit
{
    public static AuditOrigin OriginOf(HttpContext http) => new(
        http.User.Id(),
        http.Connection.RemoteIpAddress?.ToString(),
        http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null);

    /// <summary>Records a read or an export in an institution's audit log.</summary>
    public static Task AuditAsync(
        this HttpContext http, Guid institutionId, string subjectKind, Guid subjectId, string action, object? detail = null) =>
        http.RequestServices.GetRequiredService<AuditLog>().RecordAsync(institutionId, OriginOf(http), subjectKind, subjectId, action, detail);
}
