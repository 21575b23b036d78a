using Orleans;

namespace Lms.Grains.Courses;

/// <summary>One learner's progress in one course: what they have seen, out of what there is.</summary>
[GenerateSerializer, Immutable]
public sealed record LearnerProgress(
    [property: Id(0)] IReadOnlyList<Guid> SeenItemIds,
    [property: Id(1)] int TotalItems,
    [property: Id(2)] DateTimeOffset? LastSeenAt)
{
    public int Percent => TotalItems == 0 ? 0 : (int)Math.Round(100.0 * SeenItemIds.Count / TotalItems);
}

/// <summary>One learner in one course. Keyed by <see cref="LearnerCourseKey"/>.</summary>
public interface ILearnerCourseGrain : IGrainWithStringKey
{
    Task<LearnerProgress> GetProgress();

    /// <summary>Records that the learner opened an item; null when the item is not in this course.</summary>
    Task<LearnerProgress?> MarkSeen(Guid itemId);
}

public static class LearnerCourseKey
{
    public static string For(Guid courseId, Guid userId) => $"{courseId:N}/{userId:N}";

    public static (Guid CourseId, Guid UserId) Parse(string key)
    {
        var parts = key.Split('/');
        return (Guid.ParseExact(parts[0], "N"), Guid.ParseExact(parts[1], "N"));
    }
}

public sealed class LearnerCourseGrain(ProgressRepository progress, TimeProvider clock) : Grain, ILearnerCourseGrain
{
    private Guid _courseId;
    private Guid _userId;
    private readonly Dictionary<Guid, DateTimeOffset> _seen = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_courseId, _userId) = LearnerCourseKey.Parse(this.GetPrimaryKeyString());
        foreach (var row in await progress.SeenAsync(_courseId, _userId))
            _seen[row.ItemId] = row.SeenAt;
    }

    public async Task<LearnerProgress> GetProgress() => Snapshot(await progress.ItemIdsAsync(_courseId));

    public async Task<LearnerProgress?> MarkSeen(Guid itemId)
    {
        var items = await progress.ItemIdsAsync(_courseId);
        if (!items.Contains(itemId)) return null;
        if (!_seen.ContainsKey(itemId))
        {
            var now = clock.GetUtcNow();
            // Written through before it is acknowledged.
            await progress.MarkSeenAsync(_courseId, _userId, itemId, now);
            _seen[itemId] = now;
        }
        return Snapshot(items);
    }

    // Items deleted by a teacher drop out of the count on their own.
    private LearnerProgress Snapshot(IReadOnlyList<Guid> items)
    {
        var seen = items.Where(_seen.ContainsKey).ToList();
        DateTimeOffset? last = seen.Count == 0 ? null : seen.Max(id => _seen[id]);
        return new LearnerProgress(seen, items.Count, last);
    }
}
