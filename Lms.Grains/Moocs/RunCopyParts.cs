using Lms.Grains.Courses;

namespace Lms.Grains.Moocs;

/// <summary>An assignment in a copied course is the copy's own (its submissions stay with the original).</summary>
public sealed class AssignmentCopier(AssignmentRepository assignments) : IItemCopier
{
    public bool Handles(string kind) => kind == AssignmentRepository.ItemKind;

    public async Task<Guid?> CopyAsync(ItemRow item, Guid toCourseId) =>
        item.RefId is { } id ? await assignments.CopyAsync(id, toCourseId) : null;
}

/// <summary>A copied course keeps its grading: the policy, and each item's rule moved to the item's copy.</summary>
public sealed class GradingCopyPart(GradingRepository grading) : ICourseCopyPart
{
    public async Task CopyAsync(Guid fromCourseId, Guid toCourseId, IReadOnlyDictionary<Guid, Guid> itemCopies)
    {
        foreach (var (itemId, rule) in await grading.RulesAsync(fromCourseId))
            if (itemCopies.TryGetValue(itemId, out var copyId))
                await grading.SaveRuleAsync(rule with { ItemId = copyId, CourseId = toCourseId });
        if (await grading.PolicyAsync(fromCourseId) is { } policy) await grading.SavePolicyAsync(toCourseId, policy);
    }
}
