using Lms.Grains.Courses;
using Lms.Server.Problems;

namespace Lms.Server.Courses;

/// <summary>Refuses a learner's work once it is closed for them (a run's end, an item's due date), as a problem a client can word.</summary>
public static class WorkWindows
{
    /// <param name="itemId">The course item, or null with <paramref name="refId"/>: the quiz or assignment an item stands for.</param>
    public static async Task RequireOpenAsync(IServiceProvider services, Guid courseId, Guid userId, Guid? itemId = null, Guid? refId = null)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var window in services.GetServices<IWorkWindow>())
            if (await window.ClosedAsync(courseId, userId, itemId, refId, now) is { } closed)
                throw closed.Reason == WorkClosed.ItemClosed
                    ? new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.ItemClosed, "This item is closed.",
                        $"This item was due on {closed.Since:u}; work on it is no longer accepted.",
                        new Dictionary<string, object?> { ["dueAt"] = closed.Since })
                    : new ProblemException(StatusCodes.Status409Conflict, ProblemTypes.RunClosed, "The run has ended.",
                        $"This run ended on {closed.Since:u}; work is no longer accepted.",
                        new Dictionary<string, object?> { ["endedAt"] = closed.Since });
    }
}
