using Lms.Grains.Classroom;
using Microsoft.AspNetCore.SignalR;

namespace Lms.Server.Classroom;

/// <summary>
/// A teacher's tab asks to act for them in the room (present and record): see <see cref="IClassroomTabs"/>.
/// Students have nothing to claim. The answer says which tab acts when it is another one.
/// </summary>
public sealed partial class ClassroomHub
{
    public async Task<TabClaim> ClaimTab(Guid sessionId, string tabId, bool takeOver)
    {
        if (!Sessions.TryGetValue(sessionId, out var role)) throw new HubException(ClassroomErrors.NotJoined);
        if (role != ClassroomRoles.Teacher) throw new HubException(ClassroomErrors.Forbidden);
        var claim = await grains.GetGrain<IClassroomTabs>(sessionId).ClaimTab(Caller(sessionId), tabId ?? "", takeOver);
        return claim.Error is { } error ? throw new HubException(error) : claim;
    }
}
