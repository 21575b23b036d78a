using System.IO.Compression;

namespace Lms.Grains.Scorm;

/// <summary>The limits a package must keep. Each refusal names the one it broke (<see cref="ScormRefusal.Code"/>).</summary>
public sealed class ScormLimits
{
    /// <summary>The uploaded zip itself.</summary>
    public long MaxPackageBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>Everything the zip holds, unpacked.</summary>
    public long MaxUnpackedBytes { get; set; } = 1024L * 1024 * 1024;

    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Unpacked ÷ packed, per entry and for the whole package: a zip bomb is thousands to one; real lessons are rarely above 20.</summary>
    public double MaxCompressionRatio { get; set; } = 100;

    public int MaxPathLength { get; set; } = 400;
}

/// <summary>Why a package was refused: a stable code the web app words, and the entry or value it is about.</summary>
public sealed class ScormRefusal(string code, string message, string? value = null) : Exception(message)
{
    public string Code { get; } = code;
    public string? Value { get; } = value;
}

/// <summary>
/// Opens an uploaded SCORM package: checks the zip against the limits before anything is unpacked (names, count,
/// declared sizes, ratios), reads imsmanifest.xml, checks that every launch file is in the package, and unpacks it
/// counting the bytes that really come out (a lying header cannot pass the limits).
/// </summary>
public static class ScormPackageReader
{
    public const string ManifestName = "imsmanifest.xml";

    // Below this an entry's ratio is not judged: a small text file of spaces compresses a thousand to one.
    private const long RatioFloorBytes = 1024 * 1024;

    /// <summary>Checks the package and unpacks it into <paramref name="targetDirectory"/> (which must be empty).</summary>
    public static ScormManifest Unpack(string zipPath, string targetDirectory, ScormLimits limits)
    {
        var packed = new FileInfo(zipPath).Length;
        if (packed > limits.MaxPackageBytes)
            throw new ScormRefusal("scorm-too-large", $"The package is larger than {limits.MaxPackageBytes} bytes.");
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException)
        {
            throw new ScormRefusal("scorm-not-zip", "The file is not a zip archive.");
        }
        using (archive)
        {
            var files = Check(archive, packed, limits);
            if (!files.TryGetValue(ManifestName, out var manifestEntry))
                throw new ScormRefusal("scorm-no-manifest", "imsmanifest.xml is not at the top of the package.");
            ScormManifest manifest;
            using (var stream = manifestEntry.Open())
                manifest = ScormManifest.Parse(stream);
            foreach (var sco in manifest.Launchables)
                if (!files.ContainsKey(sco.Href))
                    throw new ScormRefusal("scorm-launch-missing", $"The launch file {sco.Href} is not in the package.", sco.Href);

            var root = Path.GetFullPath(targetDirectory);
            Directory.CreateDirectory(root);
            long unpacked = 0;
            foreach (var (name, entry) in files)
            {
                var target = Path.GetFullPath(Path.Combine(root, name));
                // Check already refused ".." and rooted names; this is the belt to those braces.
                if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new ScormRefusal("scorm-bad-path", $"{name} points outside the package.", name);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var input = entry.Open();
                using var output = File.Create(target);
                unpacked += CopyBounded(input, output, entry.Length, limits.MaxUnpackedBytes - unpacked, name);
            }
            return manifest with { EntryCount = files.Count, UnpackedBytes = unpacked };
        }
    }

    /// <summary>Every file entry by its normalised name, after the checks that need no unpacking.</summary>
    private static Dictionary<string, ZipArchiveEntry> Check(ZipArchive archive, long packed, ScormLimits limits)
    {
        if (archive.Entries.Count > limits.MaxEntries)
            throw new ScormRefusal("scorm-too-many-entries", $"The package has more than {limits.MaxEntries} entries.",
                archive.Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var files = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
        long declared = 0;
        foreach (var entry in archive.Entries)
        {
            var name = SafeName(entry.FullName, limits);
            if (IsLink(entry))
                throw new ScormRefusal("scorm-link", $"{entry.FullName} is a link; a package may hold files only.", entry.FullName);
            if (name.EndsWith('/')) continue; // a folder
            if (!files.TryAdd(name, entry))
                throw new ScormRefusal("scorm-duplicate-entry", $"{entry.FullName} is in the package twice.", entry.FullName);
            declared += entry.Length;
            if (entry.Length > RatioFloorBytes && entry.Length > limits.MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
                throw new ScormRefusal("scorm-compression-ratio", $"{entry.FullName} unpacks to more than {limits.MaxCompressionRatio} times its packed size.", entry.FullName);
        }
        if (declared > limits.MaxUnpackedBytes)
            throw new ScormRefusal("scorm-too-large", $"The package unpacks to more than {limits.MaxUnpackedBytes} bytes.");
        if (declared > RatioFloorBytes && declared > limits.MaxCompressionRatio * Math.Max(1, packed))
            throw new ScormRefusal("scorm-compression-ratio", $"The package unpacks to more than {limits.MaxCompressionRatio} times its size.");
        return files;
    }

    /// <summary>
    /// The entry's name with '/' separators, refused when it is absolute (a leading slash, a drive letter, a UNC
    /// name), climbs out (a ".." segment), or carries characters no file name should.
    /// </summary>
    public static string SafeName(string fullName, ScormLimits limits)
    {
        var name = fullName.Replace('\\', '/');
        if (name.Length == 0 || name.Length > limits.MaxPathLength)
            throw new ScormRefusal("scorm-bad-path", $"An entry name is empty or longer than {limits.MaxPathLength} characters.", Shorten(fullName));
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
            throw new ScormRefusal("scorm-absolute-path", $"{fullName} is an absolute path.", fullName);
        if (name.Any(c => char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|'))
            throw new ScormRefusal("scorm-bad-path", $"{Shorten(fullName)} has characters a file name cannot have.", Shorten(fullName));
        var segments = name.TrimEnd('/').Split('/');
        if (segments.Any(s => s is ".." or "." || s.Length == 0))
            throw new ScormRefusal("scorm-parent-path", $"{fullName} climbs out of the package.", fullName);
        return name;
    }

    // Unix zip tools keep the file's mode in the high half of the external attributes; 0xA000 is a symbolic link.
    private static bool IsLink(ZipArchiveEntry entry) => ((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000;

    private static long CopyBounded(Stream input, Stream output, long declared, long room, string name)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
            if (total > declared)
                throw new ScormRefusal("scorm-compression-ratio", $"{name} unpacks to more than its header says.", name);
            if (total > room)
                throw new ScormRefusal("scorm-too-large", "The package unpacks to more than the limit.");
            output.Write(buffer, 0, read);
        }
        return total;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
