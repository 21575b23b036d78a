namespace Lms.Server.Moocs;

/// <summary>
/// Files learners hand in for assignments, kept under <c>Data:Directory/moocs/submissions</c> by a
/// random key. Deliberately minimal: the media feature's content store is the platform's general one,
/// and this should move onto it when both have landed (see the README).
/// </summary>
public sealed class SubmissionFiles(IConfiguration configuration)
{
    public const long MaxBytes = 20 * 1024 * 1024;

    private static readonly Dictionary<string, string> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        [".pdf"] = "application/pdf",
        [".txt"] = "text/plain",
        [".md"] = "text/markdown",
        [".doc"] = "application/msword",
        [".docx"] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [".odt"] = "application/vnd.oasis.opendocument.text",
        [".xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        [".pptx"] = "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".zip"] = "application/zip",
        [".py"] = "text/x-python",
        [".ipynb"] = "application/x-ipynb+json",
    };

    private readonly string _root = Path.Combine(Path.GetFullPath(configuration["Data:Directory"] ?? "data"), "moocs", "submissions");

    /// <summary>The content type for a file name, or null when such files are not accepted.</summary>
    public static string? TypeOf(string fileName) => Types.GetValueOrDefault(Path.GetExtension(fileName));

    public static IReadOnlyCollection<string> Extensions => Types.Keys;

    /// <summary>Stores a file; null when it is larger than <see cref="MaxBytes"/> (nothing is kept then).</summary>
    public async Task<(string Key, long Size)?> SaveAsync(Stream content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_root);
        var key = Guid.NewGuid().ToString("N");
        var temp = Path.Combine(_root, key + ".part");
        long size = 0;
        try
        {
            await using (var file = File.Create(temp))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > MaxBytes) throw new IOException("too large");
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            File.Move(temp, PathOf(key));
            return (key, size);
        }
        catch (IOException) when (size > MaxBytes)
        {
            File.Delete(temp);
            return null;
        }
    }

    public Stream? Open(string key) => File.Exists(PathOf(key)) ? File.OpenRead(PathOf(key)) : null;

    /// <summary>Removes a stored file (an erasure); a file already gone is fine.</summary>
    public void Delete(string key) => File.Delete(PathOf(key));

    private string PathOf(string key)
    {
        if (key.Length != 32 || !key.All(Uri.IsHexDigit)) throw new ArgumentException("Not a file key.", nameof(key));
        return Path.Combine(_root, key);
    }
}
