using Lms.Grains.Courses;

namespace Lms.Grains.Content;

/// <summary>
/// Completion of video and sound items for course standings (MOOC grading): watched past the item's
/// rule (<see cref="ItemRuleRow.MinPercent"/>) when it has one, else once it counts as seen (played
/// past <c>Content:SeenShare</c>). Stretches skipped by seeking do not count. Not graded.
/// </summary>
public sealed class WatchedItemStateSource(WatchRepository watch) : IItemStateSource
{
    public bool Handles(string kind) => kind is ContentTypes.Video or ContentTypes.Audio;

    public async Task<IReadOnlyDictionary<Guid, ItemState>> StatesAsync(LearnerItems learner, IReadOnlyList<ItemRow> items)
    {
        var watched = (await watch.ForCourseAsync(learner.CourseId, learner.UserId)).ToDictionary(w => w.CourseItemId);
        var states = new Dictionary<Guid, ItemState>();
        foreach (var item in items)
        {
            var share = watched.GetValueOrDefault(item.Id)?.WatchedShare ?? 0;
            var completed = learner.Rules.TryGetValue(item.Id, out var rule) && rule.MinPercent is { } min
                ? share * 100 >= min
                : learner.Seen.ContainsKey(item.Id);
            states[item.Id] = new ItemState(completed, null);
        }
        return states;
    }
}
