namespace Lms.Server.Classroom.Broadcast;

/// <summary>A run's broadcast, closed: what is needed to make it the lesson's recording.</summary>
/// <param name="Folder">Where its playlists and segments are in the content store (<see cref="LessonBroadcasts.Folder"/>).</param>
public sealed record ClosedBroadcast(
    Guid SessionId, Guid RunId, Guid InstitutionId, Guid CourseId, Guid TeacherId, string Title, string Folder, BroadcastManifest Manifest);

/// <summary>
/// Makes a closed broadcast the lesson's recording in the library and the course, as a browser recording is made
/// (the same kind of item, next to the session's item, behind the same access rules), from the same segments with
/// nothing encoded again. The content library provides it (it already depends on the classroom, not the other way).
/// </summary>
public interface IBroadcastRecordings
{
    /// <summary>Publishes it once (a second call, from any node, finds it published); returns the library item.</summary>
    Task<Guid?> PublishAsync(ClosedBroadcast broadcast, CancellationToken cancellationToken = default);
}
