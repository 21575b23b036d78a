using System.Reflection;
using Lms.Grains.Data;

namespace Lms.Server.Backup;

/// <summary>Where an Lms installation keeps its state, read from the same configuration the server reads.</summary>
public sealed record LmsPlace(DatabaseOptions Database, string DataDirectory, string ContentDirectory, string? KeysDirectory, string? PostgresBin)
{
    public static LmsPlace From(IConfiguration configuration)
    {
        var data = Path.GetFullPath(configuration["Data:Directory"] ?? "data");
        var content = configuration["Content:Root"];
        return new LmsPlace(
            new DatabaseOptions
            {
                Provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite),
                ConnectionString = configuration.GetConnectionString("Lms") ?? $"Data Source={Path.Combine(data, "lms.db")}",
            },
            data,
            Path.GetFullPath(string.IsNullOrWhiteSpace(content) ? Path.Combine(data, "content") : content),
            // Cluster mode keeps the key ring in Redis: not a folder of ours to copy.
            string.IsNullOrWhiteSpace(configuration["Cluster:Redis"]) ? Path.GetFullPath(configuration["Data:KeysDirectory"] ?? Path.Combine(data, "keys")) : null,
            configuration["Backup:PostgresBin"]);
    }

    /// <summary>
    /// The folders to copy, by their name in the backup: the data folder (content, keys, assignment
    /// files, outbox) without the database file, uploads in progress and ffmpeg's scratch space; the
    /// content store and the key ring on their own only when configured outside it.
    /// </summary>
    public IReadOnlyList<(string Name, string Directory, IReadOnlySet<string> Skipped)> Folders()
    {
        var skipped = new HashSet<string>(StringComparer.Ordinal) { "uploads", "media-work" };
        if (SqliteFile is { } file && Path.GetDirectoryName(file) == DataDirectory)
            foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) skipped.Add(Path.GetFileName(file) + suffix);
        var folders = new List<(string, string, IReadOnlySet<string>)> { ("data", DataDirectory, skipped) };
        if (!Inside(ContentDirectory, DataDirectory)) folders.Add(("content", ContentDirectory, new HashSet<string>()));
        if (KeysDirectory is { } keys && !Inside(keys, DataDirectory)) folders.Add(("keys", keys, new HashSet<string>()));
        return folders;
    }

    public string? SqliteFile => Database.Provider == DatabaseProvider.Sqlite
        ? Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(Database.ConnectionString).DataSource)
        : null;

    private static bool Inside(string path, string folder) =>
        (path + Path.DirectorySeparatorChar).StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}

/// <summary>
/// <c>backup</c>: the database first (one consistent snapshot), then the data folder (content store,
/// the cookie and signing key ring, assignment files), then the manifest with every file's SHA-256. Content files are written before
/// the database rows that name them and never changed afterwards, so every file the copied database
/// names is in the copy (files added after the snapshot are extra, never missing).
/// <c>restore</c>: checks every checksum and that the target is empty before it writes anything.
/// </summary>
public sealed class LmsBackup(LmsPlace place, TextWriter output)
{
    public async Task BackupAsync(string folder)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new BackupException($"{folder} is not empty: a backup goes into a new or empty folder.");
        var dump = DatabaseDump.For(place.Database, place.PostgresBin);
        if (!await dump.HasTablesAsync())
            throw new BackupException("The configured database is empty or missing: nothing to back up (check Database:Provider and ConnectionStrings:Lms).");
        Directory.CreateDirectory(folder);
        var schema = await dump.SchemaVersionAsync();
        await dump.DumpAsync(Path.Combine(folder, dump.FileName));
        var files = new List<string> { Path.Combine(folder, dump.FileName) };
        foreach (var (name, directory, skipped) in place.Folders())
            files.AddRange(CopyTree(directory, Path.Combine(folder, name), skipped));
        if (place.KeysDirectory is null) output.WriteLine("Cluster mode: the key ring is in Redis and is not in this backup (back Redis up too).");
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, LmsVersion, schema, place.Database.Provider, DateTimeOffset.UtcNow,
            await BackupManifest.DescribeAsync(folder, files));
        await manifest.WriteAsync(folder);
        output.WriteLine($"Backed up the {place.Database.Provider} database (schema {schema}) and {manifest.Files.Count - 1} files " +
                         $"({manifest.Files.Sum(f => f.Bytes) / 1024.0 / 1024.0:0.0} MB) to {folder}");
    }

    public async Task RestoreAsync(string folder)
    {
        var manifest = await BackupManifest.ReadAsync(folder);
        if (manifest.Format > BackupManifest.CurrentFormat)
            throw new BackupException($"This backup was made by a newer Lms (format {manifest.Format}); restore it with that version.");
        if (manifest.Provider != place.Database.Provider)
            throw new BackupException($"This is a {manifest.Provider} backup; the configured database is {place.Database.Provider}.");
        if (manifest.SchemaVersion > LatestMigration)
            throw new BackupException($"The backup's database schema ({manifest.SchemaVersion}) is newer than this Lms knows ({LatestMigration}): restore it with Lms {manifest.LmsVersion} or newer.");
        await manifest.VerifyAsync(folder);

        var dump = DatabaseDump.For(place.Database, place.PostgresBin);
        if (await dump.HasTablesAsync())
            throw new BackupException("The configured database is not empty: restore into a new, empty database.");
        var folders = place.Folders();
        foreach (var (_, directory, skipped) in folders)
            if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any(e => !skipped.Contains(Path.GetFileName(e))))
                throw new BackupException($"{directory} is not empty: restore onto an empty data folder.");

        await dump.RestoreAsync(Path.Combine(folder, dump.FileName));
        var restored = folders.Sum(f => CopyTree(Path.Combine(folder, f.Name), f.Directory, new HashSet<string>()).Count);
        output.WriteLine($"Restored the {manifest.Provider} database (schema {manifest.SchemaVersion}, backed up {manifest.CreatedAt:u}) and {restored} files.");
    }

    /// <summary>Copies a folder's files (none if it does not exist), but not its top-level entries named in <paramref name="skipped"/>; returns the copies.</summary>
    private static List<string> CopyTree(string from, string to, IReadOnlySet<string> skipped)
    {
        var copies = new List<string>();
        if (!Directory.Exists(from)) return copies;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (skipped.Contains(Path.GetRelativePath(from, file).Split(Path.DirectorySeparatorChar)[0])) continue;
            var copy = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
            copies.Add(copy);
        }
        return copies;
    }

    private static string LmsVersion =>
        typeof(LmsBackup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The newest migration this binary has.</summary>
    public static long LatestMigration => SchemaMigrator.LatestVersion;
}
