using System.Security.Claims;
using Lms.Grains.Content;

namespace Lms.Server.Content;

/// <summary>
/// A kind of job that another feature runs on the media job queue (a roster import), so that it has the
/// same lease, heartbeat, retry with back-off and progress relay (<c>job</c> events on /hubs/content to
/// whoever watches the job) as a transcode, without a queue of its own.
/// </summary>
public interface IQueuedJobHandler
{
    string Kind { get; }

    /// <summary>Does the work, reports progress from 0 to 1, and completes the job (<see cref="MediaJobRepository.CompleteAsync"/>).</summary>
    Task RunAsync(MediaJobRow job, IProgress<double> progress, CancellationToken cancellationToken);

    /// <summary>Records a failure for good (the job itself and whatever the feature keeps about it).</summary>
    Task FailAsync(MediaJobRow job, string code, string reason);

    /// <summary>Whether this person may follow this job's progress.</summary>
    Task<bool> MayWatchAsync(ClaimsPrincipal user, MediaJobRow job);
}
