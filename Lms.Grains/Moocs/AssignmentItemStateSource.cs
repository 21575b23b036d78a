using Lms.Grains.Courses;

namespace Lms.Grains.Moocs;

/// <summary>Assignments: completed once submitted; graded by the teacher's or the peers' review.</summary>
public sealed class AssignmentItemStateSource(AssignmentRepository assignments) : IItemStateSource
{
    public bool Handles(string kind) => kind == AssignmentRepository.ItemKind;

    public async Task<IReadOnlyDictionary<Guid, ItemState>> StatesAsync(LearnerItems learner, IReadOnlyList<ItemRow> items)
    {
        var mine = await assignments.LearnerSubmissionsAsync(learner.CourseId, learner.UserId);
        var states = new Dictionary<Guid, ItemState>();
        foreach (var item in items)
        {
            var submission = item.RefId is { } id ? mine.GetValueOrDefault(id) : null;
            states[item.Id] = submission is null
                ? new ItemState(false, null)
                : new ItemState(true, submission.Score is { } score && submission.MaxPoints > 0 ? (double)(score / submission.MaxPoints) : null);
        }
        return states;
    }
}
