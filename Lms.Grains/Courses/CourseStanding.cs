namespace Lms.Grains.Courses;

[GenerateSerializer, Immutable]
public sealed record StandingItem(
    [property: Id(0)] Guid ItemId,
    [property: Id(1)] Guid ModuleId,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Title,
    [property: Id(4)] bool Required,
    [property: Id(5)] bool Completed,
    [property: Id(6)] double? Score,
    [property: Id(7)] string? Category,
    [property: Id(8)] DateTimeOffset? AvailableFrom);

[GenerateSerializer, Immutable]
public sealed record StandingCategory(
    [property: Id(0)] string Key,
    [property: Id(1)] string Name,
    [property: Id(2)] double Weight,
    [property: Id(3)] int DropLowest,
    [property: Id(4)] double Score,
    [property: Id(5)] int Items,
    [property: Id(6)] int Dropped);

/// <summary>
/// Where a learner stands in a course: each item (required, completed, score, when it opens), each
/// grading category, the grade so far (ungraded work counts 0), the pass mark, and whether they pass
/// by the current rules (<see cref="Passed"/>); beside it, whether and when a pass was recorded and
/// the grade it was recorded (and credentials issued) with.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LearnerStanding(
    [property: Id(0)] IReadOnlyList<StandingItem> Items,
    [property: Id(1)] IReadOnlyList<StandingCategory> Categories,
    [property: Id(2)] bool Graded,
    [property: Id(3)] double Grade,
    [property: Id(4)] int PassMark,
    [property: Id(5)] bool RequireAllItems,
    [property: Id(6)] int RequiredDone,
    [property: Id(7)] int RequiredTotal,
    [property: Id(8)] bool Passed,
    [property: Id(9)] DateTimeOffset? PassedAt,
    [property: Id(10)] bool PassRecorded = false,
    [property: Id(11)] decimal? RecordedGrade = null)
{
    /// <summary>Passing now: graded, at or above the pass mark, and every required item done when the policy asks for that.</summary>
    public bool Qualifies => Graded && Grade >= PassMark && (!RequireAllItems || RequiredDone == RequiredTotal);
}

/// <summary>
/// Told each time the standing of a learner whose pass was recorded is computed, so what was issued on
/// that pass can be compared with what the record says now.
/// </summary>
public interface ICourseStandingWatcher
{
    Task OnStandingAsync(Guid courseId, Guid userId, LearnerStanding standing);
}

/// <summary>Told when a learner passes a course (and again, harmlessly, each time their standing is read after while they still pass).</summary>
public interface ICoursePassedHandler
{
    /// <param name="newly">True the first time only.</param>
    Task OnPassedAsync(Guid courseId, Guid userId, decimal grade, DateTimeOffset passedAt, bool newly);
}

/// <summary>Computes a learner's standing from the course's outline, rules, policy and each kind's source.</summary>
public sealed class CourseStanding(
    CourseRepository courses,
    GradingRepository grading,
    IEnumerable<IItemStateSource> sources,
    IEnumerable<IItemAvailability> availability,
    TimeProvider clock)
{
    private static readonly SeenItemStateSource Fallback = new();

    /// <param name="proposed">A policy to grade by instead of the saved one (to preview a change before it is saved).</param>
    public async Task<LearnerStanding> ComputeAsync(Guid courseId, Guid userId, IReadOnlyDictionary<Guid, DateTimeOffset> seen,
        GradingPolicy? proposed = null)
    {
        var (modules, items) = await courses.OutlineAsync(courseId);
        var moduleOrder = modules.Select((m, i) => (m.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var ordered = items.OrderBy(i => moduleOrder.GetValueOrDefault(i.ModuleId)).ThenBy(i => i.Position).ToList();
        var rules = await grading.RulesAsync(courseId);
        var policy = proposed ?? await grading.PolicyAsync(courseId);
        var now = clock.GetUtcNow();
        // Items not open yet (a scheduled run releases them by date), with when they open.
        var locked = new Dictionary<Guid, DateTimeOffset>();
        foreach (var source in availability)
            foreach (var (id, opens) in await source.LockedAsync(courseId, now))
                locked[id] = opens;
        var result = await grading.ResultAsync(courseId, userId);
        var learner = new LearnerItems(courseId, userId, ordered, seen, rules);

        var states = new Dictionary<Guid, ItemState>();
        var sourceList = sources.ToList();
        foreach (var group in ordered.GroupBy(i => sourceList.FirstOrDefault(s => s.Handles(i.Kind)) ?? (IItemStateSource)Fallback))
            foreach (var (id, state) in await group.Key.StatesAsync(learner, group.ToList()))
                states[id] = state;

        var categories = policy?.Categories.Select(c => c.Key).ToHashSet() ?? [];
        var standingItems = ordered.Select(i =>
        {
            var rule = rules.GetValueOrDefault(i.Id);
            var state = states.GetValueOrDefault(i.Id) ?? new ItemState(false, null);
            var category = rule?.Category is { } c && categories.Contains(c) ? c : null;
            return new StandingItem(i.Id, i.ModuleId, i.Kind, i.Title, rule?.Required ?? true, state.Completed, state.Score,
                category, locked.TryGetValue(i.Id, out var opens) ? opens : null);
        }).ToList();

        var required = standingItems.Where(i => i.Required).ToList();
        var breakdown = (policy ?? GradingPolicy.Default).Compute(
            standingItems.Where(i => i.Category is not null).Select(i => (i.Category!, i.Score)));
        // A policy without categories grades by completion alone: the share of required items done.
        if (policy is { Categories.Count: 0 })
            breakdown = breakdown with { Grade = required.Count == 0 ? 0 : Math.Round(100.0 * required.Count(i => i.Completed) / required.Count, 1) };
        var standing = new LearnerStanding(
            standingItems,
            breakdown.Categories.Select(c => new StandingCategory(c.Category.Key, c.Category.Name, c.Category.Weight,
                c.Category.DropLowest, Math.Round(c.Score, 1), c.Items, c.Dropped)).ToList(),
            policy is not null,
            policy is null ? 0 : breakdown.Grade,
            (policy ?? GradingPolicy.Default).PassMark,
            (policy ?? GradingPolicy.Default).RequireAllItems,
            required.Count(i => i.Completed),
            required.Count,
            false,
            result?.PassedAt,
            result is not null,
            result?.Grade);
        // Passing is always what the current rules say; a pass recorded earlier is shown beside it.
        return standing with { Passed = standing.Qualifies };
    }
}
