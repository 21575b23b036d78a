namespace Lms.Server.Classroom.Broadcast;

/// <summary>
/// Where a broadcast's segments and playlists are kept: the content store (a node's disk in embedded mode, the
/// shared store in a cluster, like recordings), so that whichever node a viewer or the teacher reaches has them.
/// The content feature provides it (it already depends on the classroom, not the other way).
/// </summary>
public interface IBroadcastStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default);

    /// <summary>The bytes under the key, or null.</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default);
}
