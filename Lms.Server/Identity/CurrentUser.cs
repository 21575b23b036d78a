using System.Security.Claims;
using Lms.Server.Problems;

namespace Lms.Server.Identity;

public static class CurrentUser
{
    /// <summary>The signed-in person's id. Endpoints behind the fallback policy always have one.</summary>
    public static Guid Id(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? id
            : throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");

    /// <summary>The server-side session a cookie or token belongs to.</summary>
    public const string SessionClaim = "lms:sid";

    /// <summary>The one refresh token a bearer ticket may be exchanged with (single use).</summary>
    public const string RefreshClaim = "lms:rti";

    public static ClaimsPrincipal For(Guid userId, string displayName, string scheme, Guid sessionId, Guid? refreshId = null)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, userId.ToString()), new(ClaimTypes.Name, displayName), new(SessionClaim, sessionId.ToString()),
        };
        if (refreshId is { } rti) claims.Add(new Claim(RefreshClaim, rti.ToString()));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
