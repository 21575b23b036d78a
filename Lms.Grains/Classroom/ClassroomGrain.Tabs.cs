using System.Runtime.Serialization;

namespace Lms.Grains.Classroom;

/// <summary>
/// Which of a teacher's browser tabs acts for them in a room: answers the students' WebRTC offers
/// (when they present) and records the lesson. A teacher may have the room open in several tabs
/// (a reload, the last lesson's page left open, a laptop and a tablet); only one of them may act,
/// or two tabs both answer the same student and both record. The claim is held by a hub
/// connection and ends when that connection leaves; a reloaded tab keeps its tab id (the browser's
/// session storage), so it gets its own claim back without taking anything from another tab.
/// </summary>
public interface IClassroomTabs : IGrainWithGuidKey
{
    /// <summary>
    /// The caller's tab (<paramref name="tabId"/>, on the caller's connection) asks to act for them. Granted when no
    /// other tab of theirs holds the claim, when it is its own claim again, or with <paramref name="takeOver"/>.
    /// </summary>
    Task<TabClaim> ClaimTab(Caller caller, string tabId, bool takeOver);

    /// <summary>The tab acting for this person now (its connection still in the room), if any.</summary>
    Task<TabClaim?> ActiveTab(Guid userId);
}

/// <summary>The answer to a claim: whether the asking tab acts, and which tab does (and since when).</summary>
[GenerateSerializer, Immutable, DataContract]
public sealed record TabClaim(
    [property: Id(0), DataMember(Name = "granted")] bool Granted,
    [property: Id(1), DataMember(Name = "tabId")] string TabId,
    [property: Id(2), DataMember(Name = "since")] DateTimeOffset Since,
    [property: Id(3), DataMember(Name = "error")] string? Error = null);

public sealed partial class ClassroomGrain : IClassroomTabs
{
    private sealed record TabHolder(string TabId, string ConnectionId, DateTimeOffset Since);

    /// <summary>Who acts for each teacher. Not in the snapshot: after a new activation every tab joins and claims again.</summary>
    private readonly Dictionary<Guid, TabHolder> _tabs = new();

    public Task<TabClaim> ClaimTab(Caller caller, string tabId, bool takeOver)
    {
        if (string.IsNullOrWhiteSpace(tabId) || tabId.Length > 64)
            return Task.FromResult(new TabClaim(false, "", default, ClassroomErrors.Invalid));
        if (!_connections.TryGetValue(caller.ConnectionId, out var userId) || userId != caller.UserId
            || !_s.People.TryGetValue(userId, out var p) || !p.Admitted)
            return Task.FromResult(new TabClaim(false, "", default, ClassroomErrors.NotJoined));
        if (!p.IsTeacher) return Task.FromResult(new TabClaim(false, "", default, ClassroomErrors.Forbidden));

        var now = clock.GetUtcNow();
        if (Holder(userId) is { } holder && holder.TabId != tabId && !takeOver)
            return Task.FromResult(new TabClaim(false, holder.TabId, holder.Since));
        var same = Holder(userId) is { } mine && mine.TabId == tabId;
        var claim = new TabHolder(tabId, caller.ConnectionId, same ? _tabs[userId].Since : now);
        _tabs[userId] = claim;
        // Every tab of this person learns who acts now (the one that lost it stops recording and presenting).
        if (!same) Emit(ClassroomEvents.TabClaimed, new TabClaimed(userId, tabId, claim.Since), Audiences.User(userId));
        return Task.FromResult(new TabClaim(true, claim.TabId, claim.Since));
    }

    public Task<TabClaim?> ActiveTab(Guid userId) =>
        Task.FromResult(Holder(userId) is { } h ? new TabClaim(true, h.TabId, h.Since) : null);

    /// <summary>The claim, while its connection is still in the room.</summary>
    private TabHolder? Holder(Guid userId) =>
        _tabs.TryGetValue(userId, out var holder) && _connections.ContainsKey(holder.ConnectionId) ? holder : null;

    /// <summary>
    /// A connection left (or dropped): the claim it held ends at once, and the room is told, so that a
    /// recording made in that tab shows as interrupted within seconds instead of "recording" while
    /// nothing arrives, and the person's other tabs may take over.
    /// </summary>
    private void ReleaseTab(Guid userId, string connectionId)
    {
        if (!_tabs.TryGetValue(userId, out var holder) || holder.ConnectionId != connectionId) return;
        _tabs.Remove(userId);
        Emit(ClassroomEvents.TabReleased, new TabReleased(userId, holder.TabId), Audiences.All);
    }
}
