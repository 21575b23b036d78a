using Lms.Grains.Courses;

namespace Lms.Grains.Scorm;

/// <summary>
/// SCORM items in a course's completion and grade: completed once every SCO of the package says it is (a package of
/// assets only, once opened); scored (0–1) as the mean of the SCOs that reported a score, ungraded while none has.
/// </summary>
public sealed class ScormItemStateSource(ScormRepository scorm) : IItemStateSource
{
    public bool Handles(string kind) => kind == ScormRepository.ItemKind;

    public async Task<IReadOnlyDictionary<Guid, ItemState>> StatesAsync(LearnerItems learner, IReadOnlyList<ItemRow> items)
    {
        var runtime = (await scorm.ForCourseAsync(learner.CourseId, learner.UserId)).ToLookup(r => r.ItemId);
        var states = new Dictionary<Guid, ItemState>();
        foreach (var item in items)
        {
            var package = item.RefId is { } id ? await scorm.GetPackageAsync(id) : null;
            if (package is null)
            {
                states[item.Id] = new ItemState(false, null);
                continue;
            }
            states[item.Id] = StateOf(package.Items, runtime[item.Id].ToList(), learner.Seen.ContainsKey(item.Id));
        }
        return states;
    }

    public static ItemState StateOf(IReadOnlyList<ScormLaunchable> launchables, IReadOnlyList<ScormRuntimeRow> rows, bool seen)
    {
        var scos = launchables.Where(l => l.IsSco).Select(l => l.Identifier).ToList();
        if (scos.Count == 0) return new ItemState(seen, null);
        var mine = rows.Where(r => scos.Contains(r.ScoId)).ToList();
        var completed = scos.All(sco => mine.Any(r => r.ScoId == sco && r.Completed));
        var scores = mine.Select(r => r.Score).OfType<double>().ToList();
        return new ItemState(completed, scores.Count == 0 ? null : scores.Average());
    }
}
