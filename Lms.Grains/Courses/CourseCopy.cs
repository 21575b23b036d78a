namespace Lms.Grains.Courses;

/// <summary>
/// Copies the record behind a feature's item (a quiz, an assignment) for a copied course. A kind without a
/// copier is copied pointing at the same record (a video of the content library is shared by both courses).
/// </summary>
public interface IItemCopier
{
    bool Handles(string kind);

    /// <summary>The new record's id for the copied item; null leaves the item out of the copy (nothing to copy, or it belongs to the original only).</summary>
    Task<Guid?> CopyAsync(ItemRow item, Guid toCourseId);
}

/// <summary>
/// What a feature keeps per course beside its outline (the MOOC feature's grading policy and item rules),
/// copied after the outline, told which item became which.
/// </summary>
public interface ICourseCopyPart
{
    Task CopyAsync(Guid fromCourseId, Guid toCourseId, IReadOnlyDictionary<Guid, Guid> itemCopies);
}

/// <summary>
/// A course copied for another class, the next school year or a MOOC's next run: a new draft course of the same
/// institution with the same kind, summary, outline, items (each feature copying its own record) and settings.
/// Nothing about people comes along: no teachers but the one copying (its owner), no students, progress,
/// attempts, answers or submissions.
/// </summary>
public sealed class CourseCopy(CourseRepository courses, IEnumerable<IItemCopier> copiers, IEnumerable<ICourseCopyPart> parts)
{
    public async Task<Guid> CopyAsync(CourseRow source, Guid createdBy, string? title = null)
    {
        var copyId = await courses.CreateAsync(source.InstitutionId, title ?? source.Title, source.Summary, source.Kind, createdBy);
        var (modules, items) = await courses.OutlineAsync(source.Id);
        var itemCopies = new Dictionary<Guid, Guid>();
        foreach (var module in modules.OrderBy(m => m.Position))
        {
            var moduleCopy = await courses.AddModuleAsync(copyId, module.Title);
            foreach (var item in items.Where(i => i.ModuleId == module.Id).OrderBy(i => i.Position))
            {
                var refId = item.RefId;
                if (refId is not null && copiers.FirstOrDefault(c => c.Handles(item.Kind)) is { } copier)
                {
                    refId = await copier.CopyAsync(item, copyId);
                    if (refId is null) continue;
                }
                var added = await courses.AddItemAsync(copyId, moduleCopy.Id, item.Kind, item.Title, item.Body, item.Url, refId);
                if (added is not null) itemCopies[item.Id] = added.Id;
            }
        }
        foreach (var part in parts) await part.CopyAsync(source.Id, copyId, itemCopies);
        return copyId;
    }
}
