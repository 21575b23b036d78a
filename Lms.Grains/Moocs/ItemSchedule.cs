using Lms.Grains.Courses;

namespace Lms.Grains.Moocs;

/// <summary>
/// When each item of a course opens: a run that starts later opens at its start; an instructor-paced
/// run releases each item <see cref="ItemRuleRow.ReleaseDay"/> days after its start.
/// </summary>
public sealed class ItemSchedule(MoocRepository moocs, GradingRepository grading, ProgressRepository progress) : IItemAvailability
{
    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> LockedAsync(Guid courseId, DateTimeOffset now)
    {
        var run = await moocs.RunByCourseAsync(courseId);
        if (run?.StartsAt is null) return new Dictionary<Guid, DateTimeOffset>();
        var rules = await grading.RulesAsync(courseId);
        var locked = new Dictionary<Guid, DateTimeOffset>();
        foreach (var id in await progress.ItemIdsAsync(courseId))
            if (OpensAt(run, rules.GetValueOrDefault(id)) is { } opens && opens > now)
                locked[id] = opens;
        return locked;
    }

    public static DateTimeOffset? OpensAt(RunRow? run, ItemRuleRow? rule)
    {
        if (run?.StartsAt is not { } start) return null;
        return run.Pace == RunPaces.Instructor ? start.AddDays(rule?.ReleaseDay ?? 0) : start;
    }
}
