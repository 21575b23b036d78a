using System.Text.RegularExpressions;

namespace Lms.Server.Content;

/// <summary>A stored file opened for reading: seekable, so that HTTP range requests are served from it.</summary>
public sealed record ContentBlob(Stream Stream, long Length, DateTimeOffset LastModified);

/// <summary>
/// Where library files live, by key ("items/&lt;item&gt;/&lt;version&gt;/a1/720p/seg_00000.ts"). Embedded mode
/// keeps them on disk under <c>./data/content</c>; a cluster uses a shared disk or an object store
/// behind this same interface.
/// </summary>
public interface IContentStore
{
    /// <summary>Moves a finished local file in (a completed upload); replaces what the key held.</summary>
    Task MoveInAsync(string key, string localFile, CancellationToken cancellationToken = default);

    /// <summary>Copies every file under a local folder in, below <paramref name="prefix"/>; returns the bytes stored.</summary>
    Task<long> PutDirectoryAsync(string prefix, string localDirectory, CancellationToken cancellationToken = default);

    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    Task<ContentBlob?> OpenAsync(string key, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key, or everything below a prefix ending in '/'.</summary>
    Task DeleteAsync(string keyOrPrefix, CancellationToken cancellationToken = default);

    /// <summary>A local path for the key when the store is a local or shared disk (ffmpeg reads it there); null otherwise.</summary>
    string? LocalPath(string key);
}

/// <summary>The store as folders on a disk (embedded mode, or a shared disk mounted on every node).</summary>
public sealed partial class DiskContentStore : IContentStore
{
    private readonly string _root;

    public DiskContentStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public Task MoveInAsync(string key, string localFile, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            File.Move(localFile, path, overwrite: true);
        }
        catch (IOException)
        {
            // Another file system: copy, then remove the original.
            File.Copy(localFile, path + ".tmp", overwrite: true);
            File.Move(path + ".tmp", path, overwrite: true);
            File.Delete(localFile);
        }
        return Task.CompletedTask;
    }

    public async Task<long> PutDirectoryAsync(string prefix, string localDirectory, CancellationToken cancellationToken = default)
    {
        long bytes = 0;
        var source = Path.GetFullPath(localDirectory);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(source, file).Replace(Path.DirectorySeparatorChar, '/');
            var target = PathOf(prefix.TrimEnd('/') + "/" + relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using (var input = File.OpenRead(file))
            await using (var output = new FileStream(target + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                await input.CopyToAsync(output, cancellationToken);
            File.Move(target + ".tmp", target, overwrite: true);
            bytes += new FileInfo(target).Length;
        }
        return bytes;
    }

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using (var output = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            await content.CopyToAsync(output, cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public Task<ContentBlob?> OpenAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        var info = new FileInfo(path);
        if (!info.Exists) return Task.FromResult<ContentBlob?>(null);
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, useAsync: true);
        return Task.FromResult<ContentBlob?>(new ContentBlob(stream, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string keyOrPrefix, CancellationToken cancellationToken = default)
    {
        var path = PathOf(keyOrPrefix.TrimEnd('/'));
        if (keyOrPrefix.EndsWith('/'))
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path)) File.Delete(path);
        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        return Task.CompletedTask;
    }

    public string? LocalPath(string key) => PathOf(key.TrimEnd('/'));

    /// <summary>Keys are relative paths of plain names: no "..", no absolute paths, nothing to escape the root.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and < 400 && KeyPattern().IsMatch(key) && !key.Split('/').Any(s => s is "" or "." or "..");

    private string PathOf(string key)
    {
        if (!IsValidKey(key.TrimEnd('/'))) throw new ArgumentException($"Invalid content key '{key}'.", nameof(key));
        var path = Path.GetFullPath(Path.Combine(_root, key.TrimEnd('/').Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new ArgumentException($"Invalid content key '{key}'.", nameof(key));
        return path;
    }

    [GeneratedRegex("^[A-Za-z0-9._/-]+$")]
    private static partial Regex KeyPattern();
}
