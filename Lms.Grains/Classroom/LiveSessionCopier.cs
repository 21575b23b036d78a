using Lms.Grains.Courses;

namespace Lms.Grains.Classroom;

/// <summary>
/// A scheduled live lesson is left out of a course copy: it was planned for the original class on its dates
/// (the copy's teacher schedules their own), and the copy's students could not join the original's lesson.
/// </summary>
public sealed class LiveSessionCopier : IItemCopier
{
    public bool Handles(string kind) => kind == LiveItemKind.Live;

    public Task<Guid?> CopyAsync(ItemRow item, Guid toCourseId) => Task.FromResult<Guid?>(null);
}
