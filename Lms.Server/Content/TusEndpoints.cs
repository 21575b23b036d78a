using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>
/// Resumable uploads on the tus protocol 1.0.0 (https://tus.io/protocols/resumable-upload), written
/// here in one place: creation (with the quota and size checked against Upload-Length before any
/// byte is sent), HEAD for the offset, PATCH to append, termination, expiration, and the checksum
/// extension (sha1). A phone that drops its connection asks for the offset and sends the rest:
/// every byte that arrived was written, even from a request that broke off.
/// </summary>
public static class TusEndpoints
{
    public const string Version = "1.0.0";
    public const string Extensions = "creation,termination,checksum,expiration";
    public const string OffsetContentType = "application/offset+octet-stream";
    private const int ChecksumMismatch = 460;

    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> Writers = new();

    public static void MapTusEndpoints(this RouteGroupBuilder content)
    {
        var uploads = content.MapGroup("/uploads").WithTags("Uploads (tus 1.0)");
        uploads.MapMethods("", ["OPTIONS"], Options).WithSummary("What this tus server supports.");
        uploads.MapPost("", Create).ProducesProblems(403).DisableAntiforgery()
            .WithSummary("Create an upload (Upload-Length; Upload-Metadata: itemId, filename, filetype). Quota and size are checked here.");
        uploads.MapMethods("/{uploadId:guid}", ["HEAD"], Head).WithSummary("How many bytes the server has (Upload-Offset).")
            .Produces(StatusCodes.Status404NotFound); // HEAD: the status alone, no body
        uploads.MapMethods("/{uploadId:guid}", ["PATCH"], Patch).ProducesProblems(404).DisableAntiforgery()
            .WithSummary("Append bytes at Upload-Offset (optionally with Upload-Checksum: sha1 …).");
        uploads.MapDelete("/{uploadId:guid}", Terminate).ProducesProblems(404).WithSummary("Abandon an upload and free its reserved space.");
        // Clients behind proxies that only pass GET and POST send X-HTTP-Method-Override.
        uploads.MapPost("/{uploadId:guid}", Override).ProducesProblems(404).DisableAntiforgery().ExcludeFromDescription();
    }

    private static IResult Options(HttpContext http, IOptions<ContentOptions> options)
    {
        var headers = http.Response.Headers;
        headers["Tus-Resumable"] = Version;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = Extensions;
        headers["Tus-Checksum-Algorithm"] = "sha1";
        headers["Tus-Max-Size"] = options.Value.MaxVideoBytes.ToString(CultureInfo.InvariantCulture);
        return Results.NoContent();
    }

    private static async Task<IResult> Create(
        HttpContext http, ContentAccess access, StorageQuota quota, UploadRepository uploads,
        IOptions<ContentOptions> options, TimeProvider clock)
    {
        if (Precondition(http) is { } failed) return failed;
        var request = http.Request.Headers;
        if (request.ContainsKey("Upload-Defer-Length"))
            return Problem(http, 400, ProblemTypes.BadRequest, "Upload-Defer-Length is not supported: send Upload-Length.");
        if (!long.TryParse(request["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length < 0)
            return Problem(http, 400, ProblemTypes.BadRequest, "Upload-Length is required: the file's size in bytes.");
        var metadata = ParseMetadata(request["Upload-Metadata"]);
        if (metadata is null) return Problem(http, 400, ProblemTypes.BadRequest, "Upload-Metadata is not valid tus metadata.");
        if (!Guid.TryParse(metadata.GetValueOrDefault("itemId"), out var itemId))
            return Problem(http, 400, ProblemTypes.Validation, "Upload-Metadata must name the library item (itemId).");

        var context = await access.EditAsync(http.User, itemId);
        var item = context.Item;
        if (!ContentTypes.WithFile.Contains(item.Type))
            return Problem(http, 400, ProblemTypes.Validation, "This item is a link: it has no file.");
        var fileName = CleanFileName(metadata.GetValueOrDefault("filename") ?? metadata.GetValueOrDefault("name") ?? "upload");
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var accepted = ContentOptions.ExtensionsFor(item.Type);
        if (!accepted.Contains(extension))
            return Problem(http, 415, ProblemTypes.UnsupportedMediaType,
                $"A {item.Type} is uploaded as one of: {string.Join(", ", accepted)}.", new() { ["accepted"] = accepted });
        if (length == 0) return Problem(http, 400, ProblemTypes.Validation, "The file is empty (0 bytes).");
        var limit = options.Value.MaxBytesFor(item.Type);
        if (length > limit)
            return Problem(http, 413, ProblemTypes.TooLarge,
                $"The file is {Megabytes(length)}; a {item.Type} may be at most {Megabytes(limit)}.", new() { ["maxBytes"] = limit });

        var now = clock.GetUtcNow();
        var upload = new UploadRow
        {
            Id = Guid.CreateVersion7(), OwnerId = context.UserId, InstitutionId = item.InstitutionId, ItemId = item.Id,
            FileName = fileName, FileType = Truncate(metadata.GetValueOrDefault("filetype"), 100), Length = length,
            CreatedAt = now, ExpiresAt = now + options.Value.UploadExpiry,
        };
        // The space is reserved now, before a byte is sent, atomically with the check: an upload over the quota is
        // refused here, however many arrive at once.
        var reservation = await quota.ReserveAsync(item.InstitutionId, length, options.Value.QuotaBytes,
            (connection, transaction) => uploads.InsertAsync(connection, transaction, upload));
        if (reservation is { Granted: false, Usage: var usage })
            return Problem(http, 413, ProblemTypes.QuotaExceeded,
                $"{item.InstitutionName} has {Megabytes(Math.Max(0, usage.QuotaBytes - usage.UsedBytes))} of its {Megabytes(usage.QuotaBytes)} left; this file needs {Megabytes(length)}.",
                new() { ["usedBytes"] = usage.UsedBytes, ["quotaBytes"] = usage.QuotaBytes, ["requestedBytes"] = length });

        Directory.CreateDirectory(options.Value.UploadsDirectory);
        await File.WriteAllBytesAsync(PartPath(options.Value, upload.Id), []);
        var headers = http.Response.Headers;
        headers["Tus-Resumable"] = Version;
        headers["Upload-Expires"] = upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        headers.Location = $"/api/content/uploads/{upload.Id}";
        return Results.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<IResult> Head(Guid uploadId, HttpContext http, UploadRepository uploads, IOptions<ContentOptions> options,
        TimeProvider clock)
    {
        http.Response.Headers["Tus-Resumable"] = Version;
        http.Response.Headers.CacheControl = "no-store";
        var upload = await OwnUploadAsync(http, uploads, uploadId);
        if (upload is null) return Results.StatusCode(StatusCodes.Status404NotFound);
        if (upload.CompletedAt is null && upload.ExpiresAt < clock.GetUtcNow()) return Results.StatusCode(StatusCodes.Status410Gone);
        http.Response.Headers["Upload-Offset"] = Offset(options.Value, upload).ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Length"] = upload.Length.ToString(CultureInfo.InvariantCulture);
        if (upload.CompletedAt is null)
            http.Response.Headers["Upload-Expires"] = upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        return Results.Ok();
    }

    private static async Task<IResult> Patch(
        Guid uploadId, HttpContext http, UploadRepository uploads, UploadIntake intake, IOptions<ContentOptions> options,
        TimeProvider clock, ILoggerFactory logs)
    {
        if (Precondition(http) is { } failed) return failed;
        if (!string.Equals(http.Request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
            return Problem(http, 415, ProblemTypes.UnsupportedMediaType, $"A PATCH carries Content-Type: {OffsetContentType}.");
        if (!long.TryParse(http.Request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return Problem(http, 400, ProblemTypes.BadRequest, "Upload-Offset is required.");
        byte[]? expectedSha1 = null;
        if (http.Request.Headers["Upload-Checksum"].ToString() is { Length: > 0 } checksum)
        {
            var parts = checksum.Split(' ', 2);
            if (parts.Length != 2 || !parts[0].Equals("sha1", StringComparison.OrdinalIgnoreCase))
                return Problem(http, 400, ProblemTypes.BadRequest, "Upload-Checksum supports sha1 only.");
            try { expectedSha1 = Convert.FromBase64String(parts[1].Trim()); }
            catch (FormatException) { return Problem(http, 400, ProblemTypes.BadRequest, "Upload-Checksum is not base64."); }
        }

        var upload = await OwnUploadAsync(http, uploads, uploadId);
        if (upload is null) return Problem(http, 404, ProblemTypes.NotFound, "The upload was not found.");
        if (upload.CompletedAt is null && upload.ExpiresAt < clock.GetUtcNow())
            return Problem(http, 410, ProblemTypes.Prefix + "gone", "The upload expired: start it again.");

        var writer = Writers.GetOrAdd(uploadId, _ => new SemaphoreSlim(1, 1));
        if (!await writer.WaitAsync(TimeSpan.FromSeconds(10), http.RequestAborted))
            return Problem(http, 423, ProblemTypes.Prefix + "locked", "Another request is writing to this upload.");
        try
        {
            var current = Offset(options.Value, upload);
            if (offset != current)
                return Problem(http, 409, ProblemTypes.Conflict, $"Upload-Offset {offset} does not match the {current} bytes received.",
                    new() { ["offset"] = current });
            if (upload.CompletedAt is not null) return Done(http, upload, current);

            var body = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (body is { IsReadOnly: false }) body.MaxRequestBodySize = null;
            var remaining = upload.Length - current;
            var part = PartPath(options.Value, upload.Id);
            var received = expectedSha1 is null
                ? await AppendAsync(http, part, remaining)
                : await AppendCheckedAsync(http, part, remaining, expectedSha1);
            if (received < 0)
                return Problem(http, ChecksumMismatch, ProblemTypes.ChecksumMismatch, "The bytes received do not match Upload-Checksum; send them again.");
            if (received > remaining)
                return Problem(http, 413, ProblemTypes.TooLarge, "More bytes were sent than Upload-Length announced.");
            if (http.RequestAborted.IsCancellationRequested) return Results.Empty;

            var now = clock.GetUtcNow();
            await uploads.ExtendAsync(upload.Id, now + options.Value.UploadExpiry);
            var total = current + received;
            if (total == upload.Length)
            {
                try
                {
                    await intake.AcceptAsync(upload, part, CancellationToken.None);
                }
                catch (Exception e)
                {
                    logs.CreateLogger(typeof(TusEndpoints)).LogError(e, "Upload {Upload} is complete but could not be accepted", upload.Id);
                    throw;
                }
                upload = upload with { CompletedAt = now };
            }
            return Done(http, upload with { ExpiresAt = now + options.Value.UploadExpiry }, total);
        }
        finally
        {
            writer.Release();
        }
    }

    private static async Task<IResult> Terminate(Guid uploadId, HttpContext http, UploadRepository uploads, IOptions<ContentOptions> options)
    {
        if (Precondition(http) is { } failed) return failed;
        var upload = await OwnUploadAsync(http, uploads, uploadId);
        if (upload is null) return Problem(http, 404, ProblemTypes.NotFound, "The upload was not found.");
        if (upload.CompletedAt is null)
        {
            await uploads.DeleteAsync(upload.Id);
            File.Delete(PartPath(options.Value, upload.Id));
        }
        http.Response.Headers["Tus-Resumable"] = Version;
        return Results.NoContent();
    }

    private static Task<IResult> Override(
        Guid uploadId, HttpContext http, UploadRepository uploads, UploadIntake intake, IOptions<ContentOptions> options,
        TimeProvider clock, ILoggerFactory logs) =>
        http.Request.Headers["X-HTTP-Method-Override"].ToString().ToUpperInvariant() switch
        {
            "PATCH" => Patch(uploadId, http, uploads, intake, options, clock, logs),
            "DELETE" => Terminate(uploadId, http, uploads, options),
            "HEAD" => Head(uploadId, http, uploads, options, clock),
            _ => Task.FromResult(Problem(http, 405, ProblemTypes.MethodNotAllowed, "Use PATCH, HEAD or DELETE on an upload.")),
        };

    /// <summary>Streams the body onto the end of the file, keeping whatever arrived if the connection breaks.</summary>
    private static async Task<long> AppendAsync(HttpContext http, string part, long remaining)
    {
        long received = 0;
        var buffer = new byte[81920];
        await using var file = new FileStream(part, FileMode.Append, FileAccess.Write, FileShare.Read, 1, useAsync: true);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                if (received + read > remaining)
                {
                    await file.WriteAsync(buffer.AsMemory(0, (int)(remaining - received)));
                    return remaining + 1;
                }
                await file.WriteAsync(buffer.AsMemory(0, read));
                received += read;
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away mid-request: what was written stays, and HEAD will say so.
        }
        await file.FlushAsync(CancellationToken.None);
        return received;
    }

    /// <summary>With a checksum the bytes are held apart until they are verified, then appended (or dropped: 460).</summary>
    private static async Task<long> AppendCheckedAsync(HttpContext http, string part, long remaining, byte[] expected)
    {
        var chunk = part + ".chunk";
        long received = 0;
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        try
        {
            await using (var file = new FileStream(chunk, FileMode.Create, FileAccess.Write, FileShare.None, 1, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
                {
                    received += read;
                    if (received > remaining) return remaining + 1;
                    sha1.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read));
                }
            }
            if (!CryptographicOperations.FixedTimeEquals(sha1.GetHashAndReset(), expected)) return -1;
            await using (var input = File.OpenRead(chunk))
            await using (var output = new FileStream(part, FileMode.Append, FileAccess.Write, FileShare.Read, 81920, useAsync: true))
                await input.CopyToAsync(output);
            return received;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // A broken request cannot be verified: nothing of it is kept.
            return 0;
        }
        finally
        {
            File.Delete(chunk);
        }
    }

    private static IResult Done(HttpContext http, UploadRow upload, long offset)
    {
        var headers = http.Response.Headers;
        headers["Tus-Resumable"] = Version;
        headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        if (upload.CompletedAt is null) headers["Upload-Expires"] = upload.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
        else headers["Lms-Version-Id"] = upload.Id.ToString();
        return Results.NoContent();
    }

    private static async Task<UploadRow?> OwnUploadAsync(HttpContext http, UploadRepository uploads, Guid uploadId)
    {
        var upload = await uploads.GetAsync(uploadId);
        // Someone else's upload does not exist, as far as the caller can tell.
        return upload is not null && upload.OwnerId == http.User.Id() ? upload : null;
    }

    public static string PartPath(ContentOptions options, Guid uploadId) => Path.Combine(options.UploadsDirectory, uploadId.ToString("N") + ".part");

    private static long Offset(ContentOptions options, UploadRow upload)
    {
        if (upload.CompletedAt is not null) return upload.Length;
        var part = new FileInfo(PartPath(options, upload.Id));
        // A complete upload whose acceptance was interrupted has already moved its bytes into the store.
        return part.Exists ? part.Length : upload.Length;
    }

    private static IResult? Precondition(HttpContext http)
    {
        if (http.Request.Headers["Tus-Resumable"] == Version) return null;
        http.Response.Headers["Tus-Version"] = Version;
        return Problem(http, 412, ProblemTypes.Prefix + "tus-version", $"This server speaks tus {Version}: send Tus-Resumable: {Version}.");
    }

    private static IResult Problem(HttpContext http, int status, string type, string detail, Dictionary<string, object?>? extensions = null)
    {
        http.Response.Headers["Tus-Resumable"] = Version;
        if (HttpMethods.IsHead(http.Request.Method)) return Results.StatusCode(status);
        return Results.Problem(detail: detail, statusCode: status, type: type, title: detail, extensions: extensions);
    }

    /// <summary>tus metadata: comma-separated "key base64value" pairs; null when malformed.</summary>
    public static Dictionary<string, string>? ParseMetadata(string? header)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header)) return result;
        foreach (var pair in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts[0].Length == 0 || result.ContainsKey(parts[0])) return null;
            try
            {
                result[parts[0]] = parts.Length == 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return result;
    }

    private static string CleanFileName(string name)
    {
        var file = Path.GetFileName(name.Replace('\\', '/'));
        file = new string(file.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (file.Length == 0) file = "upload";
        return file.Length > 200 ? file[..100] + Path.GetExtension(file) : file;
    }

    private static string? Truncate(string? text, int length) => text is null ? null : text.Length <= length ? text : text[..length];

    private static string Megabytes(long bytes) => bytes >= 1024L * 1024 * 1024
        ? (bytes / (1024.0 * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " GB"
        : (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";
}
