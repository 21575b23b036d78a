using System.Security.Cryptography;
using System.Text.Json;
using Lms.Grains.Data;

namespace Lms.Server.Backup;

/// <summary>A file of a backup: where it is inside the backup folder, its size and SHA-256.</summary>
public sealed record BackupFile(string Path, long Bytes, string Sha256);

/// <summary>
/// <c>manifest.json</c> of a backup folder: what made it (Lms version, schema version, database),
/// when, and every file with its checksum, so that a restore can refuse a damaged or altered copy.
/// </summary>
public sealed record BackupManifest(
    int Format, string LmsVersion, long SchemaVersion, DatabaseProvider Provider, DateTimeOffset CreatedAt, IReadOnlyList<BackupFile> Files)
{
    public const string FileName = "manifest.json";
    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public async Task WriteAsync(string folder) =>
        await File.WriteAllTextAsync(System.IO.Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));

    public static async Task<BackupManifest> ReadAsync(string folder)
    {
        var path = System.IO.Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new BackupException($"{path} does not exist: this is not an Lms backup folder.");
        try
        {
            return JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(path), Json)
                   ?? throw new BackupException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new BackupException($"{path} cannot be read: {e.Message}");
        }
    }

    /// <summary>Every file of the folder below <paramref name="root"/>, with its checksum, paths relative to <paramref name="root"/> with '/'.</summary>
    public static async Task<List<BackupFile>> DescribeAsync(string root, IEnumerable<string> files)
    {
        var described = new List<BackupFile>();
        foreach (var file in files.Order(StringComparer.Ordinal))
            described.Add(new BackupFile(System.IO.Path.GetRelativePath(root, file).Replace('\\', '/'), new FileInfo(file).Length, await Sha256Async(file)));
        return described;
    }

    /// <summary>Refuses a backup with a missing file or a file whose size or SHA-256 differs from the manifest.</summary>
    public async Task VerifyAsync(string folder)
    {
        foreach (var file in Files)
        {
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, file.Path));
            if (!path.StartsWith(System.IO.Path.GetFullPath(folder) + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new BackupException($"The manifest names a file outside the backup folder: {file.Path}.");
            if (!File.Exists(path)) throw new BackupException($"{file.Path} is missing from the backup.");
            if (new FileInfo(path).Length != file.Bytes || await Sha256Async(path) != file.Sha256)
                throw new BackupException($"{file.Path} does not match its checksum in the manifest: the backup is damaged or was altered. Nothing was restored.");
        }
    }

    private static async Task<string> Sha256Async(string path)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
    }
}

/// <summary>A backup or restore that cannot go on, with a message for the person running it.</summary>
public sealed class BackupException(string message) : Exception(message);
