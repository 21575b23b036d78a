using System.Security.Claims;
using Lms.Grains.Content;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.Extensions.Caching.Memory;

namespace Lms.Server.Content;

/// <summary>A library item and what the caller may do with it.</summary>
public sealed record ContentContext(ContentItemRow Item, Guid UserId, bool CanEdit, bool IsAdmin);

/// <summary>
/// Who may see and change a library item, decided on the server for every request (files and
/// segments included). The owner and the admins of its institution (or one above) may change it;
/// it is seen by its owner, by its institution's people when it is for the institution, by
/// everyone when it is shared, and by the teachers and enrolled students of any course that uses it.
/// </summary>
public sealed class ContentAccess(ContentRepository content, InstitutionRepository institutions, IMemoryCache cache)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    /// <summary>The item, if the caller may see it; 404 otherwise, so that private items are not revealed.</summary>
    public async Task<ContentContext> ViewAsync(ClaimsPrincipal user, Guid itemId)
    {
        var userId = user.Id();
        var item = await content.GetAsync(itemId) ?? throw ProblemException.NotFound("The library item");
        var context = await DecideAsync(userId, item);
        return context ?? throw ProblemException.NotFound("The library item");
    }

    /// <summary>The item, if the caller may change it (its owner or an admin); 403 for those who only see it.</summary>
    public async Task<ContentContext> EditAsync(ClaimsPrincipal user, Guid itemId)
    {
        var context = await ViewAsync(user, itemId);
        if (!context.CanEdit) throw ProblemException.Forbidden("Only the item's owner or an admin of its institution may change it.");
        return context;
    }

    /// <summary>
    /// The same decision for the many requests of one playback (playlists, segments, thumbnails):
    /// a yes is remembered for half a minute per person and item (so a student removed from a
    /// course loses the segments within 30 s); a no is decided again each time.
    /// </summary>
    public async Task<ContentItemRow?> ViewCachedAsync(ClaimsPrincipal user, Guid itemId)
    {
        var userId = user.Id();
        var key = ("content-view", userId, itemId);
        if (cache.TryGetValue(key, out ContentItemRow? item)) return item;
        var row = await content.GetAsync(itemId);
        var context = row is null ? null : await DecideAsync(userId, row);
        if (context is not null) cache.Set(key, context.Item, CacheFor);
        return context?.Item;
    }

    private async Task<ContentContext?> DecideAsync(Guid userId, ContentItemRow item)
    {
        var roles = await institutions.RolesAsync(userId, new InstitutionRow { Id = item.InstitutionId, Path = item.InstitutionPath });
        var admin = roles.Contains(Roles.Admin);
        if (item.OwnerId == userId || admin) return new ContentContext(item, userId, CanEdit: true, admin);
        var ready = item.Status == ContentStatuses.Ready;
        if (ready && item.Visibility == ContentVisibility.Shared) return new ContentContext(item, userId, false, false);
        if (ready && item.Visibility == ContentVisibility.Institution && roles.Count > 0) return new ContentContext(item, userId, false, false);
        if (await content.VisibleThroughCourseAsync(userId, item.Id)) return new ContentContext(item, userId, false, false);
        return null;
    }
}
