using Lms.Grains.Courses;

namespace Lms.Grains.Moocs;

/// <summary>
/// Copies the record behind a feature's item (a quiz, an assignment) for a new run. A kind without a
/// copier is copied pointing at the same record (shared by both runs).
/// </summary>
public interface IItemCopier
{
    bool Handles(string kind);

    /// <summary>The new record's id for the copied item.</summary>
    Task<Guid?> CopyAsync(ItemRow item, Guid toCourseId);
}

public sealed class AssignmentCopier(AssignmentRepository assignments) : IItemCopier
{
    public bool Handles(string kind) => kind == AssignmentRepository.ItemKind;

    public async Task<Guid?> CopyAsync(ItemRow item, Guid toCourseId) =>
        item.RefId is { } id ? await assignments.CopyAsync(id, toCourseId) : null;
}

/// <summary>A re-run: a new course with the same outline, item rules and grading policy.</summary>
public sealed class CourseCopy(CourseRepository courses, GradingRepository grading, IEnumerable<IItemCopier> copiers)
{
    public async Task<Guid> CopyAsync(CourseRow source, Guid createdBy)
    {
        var copyId = await courses.CreateAsync(source.InstitutionId, source.Title, source.Summary, source.Kind, createdBy);
        var (modules, items) = await courses.OutlineAsync(source.Id);
        var rules = await grading.RulesAsync(source.Id);
        foreach (var module in modules.OrderBy(m => m.Position))
        {
            var copy = await courses.AddModuleAsync(copyId, module.Title);
            foreach (var item in items.Where(i => i.ModuleId == module.Id).OrderBy(i => i.Position))
            {
                var refId = item.RefId;
                if (refId is not null && copiers.FirstOrDefault(c => c.Handles(item.Kind)) is { } copier)
                    refId = await copier.CopyAsync(item, copyId);
                var added = await courses.AddItemAsync(copyId, copy.Id, item.Kind, item.Title, item.Body, item.Url, refId);
                if (added is not null && rules.GetValueOrDefault(item.Id) is { } rule)
                    await grading.SaveRuleAsync(rule with { ItemId = added.Id, CourseId = copyId });
            }
        }
        if (await grading.PolicyAsync(source.Id) is { } policy) await grading.SavePolicyAsync(copyId, policy);
        return copyId;
    }
}
