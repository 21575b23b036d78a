using Lms.Server.Classroom.Broadcast;

namespace Lms.Server.Content;

/// <summary>A live broadcast's segments and playlists kept in the content store, below <c>broadcast/</c>, where recordings are kept too.</summary>
public sealed class ContentBroadcastStore(IContentStore store) : IBroadcastStore
{
    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await store.PutAsync(key, stream, cancellationToken);
    }

    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        if (await store.OpenAsync(key, cancellationToken) is not { } blob) return null;
        await using var stream = blob.Stream;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }
}
