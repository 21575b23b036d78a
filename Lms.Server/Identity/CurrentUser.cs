using System.Security.Claims;
using Lms.Server.Hosting;

namespace Lms.Server.Identity;

public static class CurrentUser
{
    /// <summary>The signed-in person's id. Endpoints behind the fallback policy always have one.</summary>
    public static Guid Id(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            ? id
            : throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthenticated, "Sign in first.");

    public static ClaimsPrincipal For(Guid userId, string displayName, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId.ToString()), new Claim(ClaimTypes.Name, displayName)],
            scheme));
}
