using System.Security.Claims;
using Lms.Grains.Institutions;
using Lms.Server.Problems;

namespace Lms.Server.Identity;

/// <summary>Server-side checks of what a person may do in an institution.</summary>
public sealed class InstitutionAccess(InstitutionRepository institutions)
{
    /// <summary>
    /// The institution and the caller's roles in it, if they hold one of <paramref name="anyOf"/>;
    /// 404 when it does not exist, 403 otherwise.
    /// </summary>
    public async Task<(InstitutionRow Institution, IReadOnlySet<string> Roles)> RequireAsync(
        ClaimsPrincipal user, Guid institutionId, params string[] anyOf)
    {
        var institution = await institutions.GetAsync(institutionId) ?? throw ProblemException.NotFound("The institution");
        var roles = await institutions.RolesAsync(user.Id(), institution);
        if (!anyOf.Any(roles.Contains))
            throw ProblemException.Forbidden($"This needs the role {string.Join(" or ", anyOf)} in this institution.");
        return (institution, roles);
    }
}
