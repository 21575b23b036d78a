using System.Security.Cryptography;
using System.Text;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Media.Content;
using Lms.Server.Problems;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Lms.Server.Content;

/// <summary>Serves published files: authorized on every request, cached privately (they never change), with range support.</summary>
public static class ContentFiles
{
    private static readonly FileExtensionContentTypeProvider Types = CreateTypes();

    private static FileExtensionContentTypeProvider CreateTypes()
    {
        var provider = new FileExtensionContentTypeProvider();
        provider.Mappings[".m3u8"] = "application/vnd.apple.mpegurl";
        provider.Mappings[".ts"] = "video/mp2t";
        provider.Mappings[".vtt"] = "text/vtt; charset=utf-8";
        provider.Mappings[".m4a"] = "audio/mp4";
        provider.Mappings[".m4s"] = "video/iso.segment"; // a closed broadcast published as a recording
        return provider;
    }

    public static async Task<IResult> ServeAsync(
        Guid itemId, Guid versionId, string path, HttpContext http, ContentAccess access, ContentRepository repo, IContentStore store)
    {
        var item = await access.ViewCachedAsync(http.User, itemId) ?? throw ProblemException.NotFound("The file");
        var version = await repo.GetVersionAsync(versionId);
        if (version is null || version.ItemId != item.Id || version.Status != VersionStatuses.Ready || version.OutputPrefix is null
            || !DiskContentStore.IsValidKey(path))
            throw ProblemException.NotFound("The file");
        var download = http.Request.Query.ContainsKey("download");
        var name = download ? DownloadName(item.Title, Path.GetExtension(path)) : null;
        return await FileAsync(http, store, version.OutputPrefix.TrimEnd('/') + "/" + path, path, name, immutable: true);
    }

    public static async Task<IResult> ServeSourceAsync(Guid itemId, HttpContext http, ContentAccess access, ContentRepository repo, IContentStore store)
    {
        var item = await access.ViewCachedAsync(http.User, itemId) ?? throw ProblemException.NotFound("The file");
        if (item.Type is not (ContentTypes.Document or ContentTypes.Image) || item.CurrentVersionId is not { } versionId)
            throw ProblemException.NotFound("The file");
        var version = await repo.GetVersionAsync(versionId);
        if (version?.SourceKey is null) throw ProblemException.NotFound("The file");
        // Served as what the pipeline found it to be, not as its name says: PDFs and pictures open in
        // the browser, Office files are downloaded.
        var format = MediaManifest.FromJson(version.Manifest)?.SourceFormat ?? "";
        var extension = Path.GetExtension(version.SourceName).ToLowerInvariant();
        var (typeFrom, inline) = format switch
        {
            "pdf" => (".pdf", true),
            _ when item.Type == ContentTypes.Image => (format.Split(',')[0] switch
            {
                "png_pipe" => ".png", "webp_pipe" => ".webp", "gif" => ".gif", _ => ".jpg",
            }, true),
            _ => (extension, false),
        };
        if (http.Request.Query.ContainsKey("download")) inline = false;
        return await FileAsync(http, store, version.SourceKey, "source" + typeFrom, DownloadName(item.Title, extension), immutable: true, inline);
    }

    public static async Task<IResult> ServeSubtitleAsync(
        Guid itemId, Guid subtitleId, HttpContext http, ContentAccess access, ContentRepository repo, IContentStore store)
    {
        _ = await access.ViewCachedAsync(http.User, itemId) ?? throw ProblemException.NotFound("The subtitles");
        var subtitle = (await repo.SubtitlesAsync(itemId)).FirstOrDefault(s => s.Id == subtitleId) ?? throw ProblemException.NotFound("The subtitles");
        return await FileAsync(http, store, subtitle.StoreKey, "subtitles.vtt", null, immutable: true);
    }

    private static async Task<IResult> FileAsync(
        HttpContext http, IContentStore store, string key, string path, string? downloadName, bool immutable, bool inline = false)
    {
        var blob = await store.OpenAsync(key, http.RequestAborted) ?? throw ProblemException.NotFound("The file");
        if (!Types.TryGetContentType(path, out var type)) type = "application/octet-stream";
        var headers = http.Response.Headers;
        // Private: behind sign-in, never in a shared cache. A published version's files never change.
        headers.CacheControl = immutable ? "private, max-age=31536000, immutable" : "private, no-cache";
        headers.XContentTypeOptions = "nosniff";
        var tag = new EntityTagHeaderValue("\"" + Convert.ToHexString(SHA1.HashData(Encoding.UTF8.GetBytes(key)))[..16] + "-" + blob.Length + "\"");
        if (downloadName is not null)
            headers.ContentDisposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment")
            {
                FileNameStar = downloadName, FileName = AsciiName(downloadName),
            }.ToString();
        return TypedResults.Stream(blob.Stream, type, fileDownloadName: null, lastModified: blob.LastModified, entityTag: tag,
            enableRangeProcessing: true);
    }

    private static string DownloadName(string title, string extension)
    {
        var name = new string(title.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c is '"' or '\\' ? '_' : c).ToArray()).Trim();
        if (name.Length > 100) name = name[..100];
        return (name.Length == 0 ? "lms" : name) + extension;
    }

    private static string AsciiName(string name)
    {
        var folded = SearchText.Fold(name);
        return new string(folded.Select(c => c < 128 && !char.IsControl(c) ? c : '_').ToArray());
    }
}
