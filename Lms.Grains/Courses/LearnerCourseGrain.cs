using Microsoft.Extensions.Logging;

namespace Lms.Grains.Courses;

/// <summary>One learner's progress in one course: what they have seen, out of what there is.</summary>
[GenerateSerializer, Immutable]
public sealed record LearnerProgress(
    [property: Id(0)] IReadOnlyList<Guid> SeenItemIds,
    [property: Id(1)] int TotalItems,
    [property: Id(2)] DateTimeOffset? LastSeenAt)
{
    public int Percent => TotalItems == 0 ? 0 : (int)Math.Round(100.0 * SeenItemIds.Count / TotalItems);
}

/// <summary>One learner in one course. Keyed by <see cref="LearnerCourseKey"/>.</summary>
public interface ILearnerCourseGrain : IGrainWithStringKey
{
    Task<LearnerProgress> GetProgress();

    /// <summary>Records that the learner opened an item; null when the item is not in this course.</summary>
    Task<LearnerProgress?> MarkSeen(Guid itemId);

    /// <summary>
    /// Completion by each item's rule, the grade by the course's policy, and whether the learner passed.
    /// Passing is recorded (written through) the first time it is seen here, and the pass handlers
    /// (the run's counter, the certificate) are told.
    /// </summary>
    Task<LearnerStanding> GetStanding();
}

public static class LearnerCourseKey
{
    public static string For(Guid courseId, Guid userId) => $"{courseId:N}/{userId:N}";

    public static (Guid CourseId, Guid UserId) Parse(string key)
    {
        var parts = key.Split('/');
        return (Guid.ParseExact(parts[0], "N"), Guid.ParseExact(parts[1], "N"));
    }
}

public sealed class LearnerCourseGrain(
    ProgressRepository progress,
    TimeProvider clock,
    CourseStanding standing,
    GradingRepository grading,
    IEnumerable<ICoursePassedHandler> passedHandlers,
    IEnumerable<ICourseStandingWatcher> watchers,
    ILogger<LearnerCourseGrain> log) : Grain, ILearnerCourseGrain
{
    private Guid _courseId;
    private Guid _userId;
    private readonly Dictionary<Guid, DateTimeOffset> _seen = new();
    private (double Grade, bool Passed)? _toldWatchers;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_courseId, _userId) = LearnerCourseKey.Parse(this.GetPrimaryKeyString());
        foreach (var row in await progress.SeenAsync(_courseId, _userId))
            _seen[row.ItemId] = row.SeenAt;
    }

    public async Task<LearnerProgress> GetProgress() => Snapshot(await progress.ItemIdsAsync(_courseId));

    public async Task<LearnerProgress?> MarkSeen(Guid itemId)
    {
        var items = await progress.ItemIdsAsync(_courseId);
        if (!items.Contains(itemId)) return null;
        if (!_seen.ContainsKey(itemId))
        {
            var now = clock.GetUtcNow();
            // Written through before it is acknowledged.
            await progress.MarkSeenAsync(_courseId, _userId, itemId, now);
            _seen[itemId] = now;
            // The last page read may be what completes a graded course. The page view itself is saved
            // whatever happens next; a failure here is retried the next time the standing is read.
            try
            {
                if (await grading.PolicyAsync(_courseId) is not null) await GetStanding();
            }
            catch (Exception e)
            {
                log.LogError(e, "Evaluating course {CourseId} for learner {UserId} failed", _courseId, _userId);
            }
        }
        return Snapshot(items);
    }

    public async Task<LearnerStanding> GetStanding()
    {
        var current = await standing.ComputeAsync(_courseId, _userId, _seen);
        if (current.PassRecorded)
        {
            if (current.Passed && current.RecordedGrade is { } recorded && current.PassedAt is { } at)
                await TellPassedAsync(recorded, at, newly: false);
            // A grade can move after the pass (a review, a regrade, a policy change): whoever issued on it is told,
            // once per grade and outcome this activation sees (a progress page re-reading the same standing costs nothing).
            if (_toldWatchers != (current.Grade, current.Passed))
            {
                foreach (var watcher in watchers)
                    await watcher.OnStandingAsync(_courseId, _userId, current);
                _toldWatchers = (current.Grade, current.Passed);
            }
            return current;
        }
        if (!current.Qualifies) return current;
        var now = clock.GetUtcNow();
        var grade = (decimal)current.Grade;
        // Written through before anyone is told.
        var newly = await grading.RecordPassAsync(_courseId, _userId, grade, now);
        var stored = await grading.ResultAsync(_courseId, _userId);
        await TellPassedAsync(stored?.Grade ?? grade, stored?.PassedAt ?? now, newly);
        return current with { Passed = true, PassedAt = stored?.PassedAt ?? now, PassRecorded = true, RecordedGrade = stored?.Grade ?? grade };
    }

    private async Task TellPassedAsync(decimal grade, DateTimeOffset passedAt, bool newly)
    {
        foreach (var handler in passedHandlers)
            await handler.OnPassedAsync(_courseId, _userId, grade, passedAt, newly);
    }

    // Items deleted by a teacher drop out of the count on their own.
    private LearnerProgress Snapshot(IReadOnlyList<Guid> items)
    {
        var seen = items.Where(_seen.ContainsKey).ToList();
        DateTimeOffset? last = seen.Count == 0 ? null : seen.Max(id => _seen[id]);
        return new LearnerProgress(seen, items.Count, last);
    }
}
