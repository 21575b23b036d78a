namespace Lms.Grains.Courses;

/// <summary>What one learner has done with one item: completed by its kind's rule, and its score (0–1) if graded.</summary>
public sealed record ItemState(bool Completed, double? Score);

/// <summary>Everything a source needs to judge one learner's items of its kinds.</summary>
public sealed record LearnerItems(
    Guid CourseId,
    Guid UserId,
    IReadOnlyList<ItemRow> Items,
    IReadOnlyDictionary<Guid, DateTimeOffset> Seen,
    IReadOnlyDictionary<Guid, ItemRuleRow> Rules);

/// <summary>
/// Completion and grade for the items of some kinds. <see cref="LearnerCourseGrain"/> asks the source
/// registered for each item's kind (in DI, as <c>IItemStateSource</c>); a kind nobody registered counts
/// as completed once opened and is not graded. A feature adds its kind by registering one source:
/// a quiz ("passed" + its grade), a video ("watched past <see cref="ItemRuleRow.MinPercent"/>").
/// </summary>
public interface IItemStateSource
{
    bool Handles(string kind);

    /// <summary>The state of each of <paramref name="items"/> (all of this source's kinds) for the learner.</summary>
    Task<IReadOnlyDictionary<Guid, ItemState>> StatesAsync(LearnerItems learner, IReadOnlyList<ItemRow> items);
}

/// <summary>Pages and links (and any kind without a source): completed once opened, never graded.</summary>
public sealed class SeenItemStateSource : IItemStateSource
{
    public bool Handles(string kind) => kind is ItemKinds.Page or ItemKinds.Link;

    public Task<IReadOnlyDictionary<Guid, ItemState>> StatesAsync(LearnerItems learner, IReadOnlyList<ItemRow> items) =>
        Task.FromResult<IReadOnlyDictionary<Guid, ItemState>>(
            items.ToDictionary(i => i.Id, i => new ItemState(learner.Seen.ContainsKey(i.Id), null)));
}
