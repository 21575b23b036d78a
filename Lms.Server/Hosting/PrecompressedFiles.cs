using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Lms.Server.Hosting;

/// <summary>
/// Serves the web app's files small and cached for good. The build writes a Brotli (<c>.br</c>) and a gzip
/// (<c>.gz</c>) copy beside each text file (Lms.Web/scripts/compress.mjs, at the highest levels, once);
/// a request whose Accept-Encoding takes one is answered with that copy (Content-Encoding, the original's
/// Content-Type, <c>Vary: Accept-Encoding</c>), any other with the file itself. Files under <c>/assets/</c>
/// carry their content hash in their name (Vite), so they are immutable for a year; everything else
/// (index.html, the icons, the manifest, the service worker) is revalidated by its ETag on every use.
/// </summary>
public static class PrecompressedFiles
{
    public const string Immutable = "public, max-age=31536000, immutable";

    private static readonly (string Suffix, string Coding)[] Codings = [(".br", "br"), (".gz", "gzip")];

    /// <summary>One set of options for the static file middleware and the web app's fallback (MapFallbackToFile reads them too).</summary>
    public static IServiceCollection AddPrecompressedFiles(this IServiceCollection services)
    {
        var types = new FileExtensionContentTypeProvider();
        services.Configure<StaticFileOptions>(options =>
        {
            options.ContentTypeProvider = new CompressedCopyContentTypes(types);
            options.OnPrepareResponse = context =>
            {
                var http = context.Context;
                var headers = http.Response.Headers;
                headers.CacheControl = http.Request.Path.StartsWithSegments("/assets") ? Immutable : "no-cache";
                var name = context.File.Name;
                foreach (var (suffix, coding) in Codings)
                {
                    if (!name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
                    headers.ContentEncoding = coding;
                    break;
                }
                if (http.Items.ContainsKey(VariesKey)) headers.Vary = HeaderNames.AcceptEncoding;
            };
        });
        return services;
    }

    /// <summary>Before UseStaticFiles: points the request at the compressed copy the client takes, when there is one.</summary>
    public static void UsePrecompressedFiles(this WebApplication app)
    {
        var files = app.Environment.WebRootFileProvider;
        app.Use((http, next) =>
        {
            var request = http.Request;
            if ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && request.Path.HasValue
                && Path.HasExtension(request.Path.Value) && files is not NullFileProvider)
                ChooseCopy(http, files);
            return next(http);
        });
    }

    private const string VariesKey = "Lms.PrecompressedFiles.Varies";

    private static void ChooseCopy(HttpContext http, IFileProvider files)
    {
        var path = http.Request.Path.Value!;
        string? chosen = null;
        var hasCopy = false;
        var accepted = http.Request.GetTypedHeaders().AcceptEncoding;
        foreach (var (suffix, coding) in Codings)
        {
            if (!files.GetFileInfo(path + suffix).Exists) continue;
            hasCopy = true;
            if (chosen is null && Accepts(accepted, coding)) chosen = path + suffix;
        }
        // The answer for this address depends on Accept-Encoding whichever file goes out: caches must know.
        if (hasCopy) http.Items[VariesKey] = true;
        if (chosen is not null) http.Request.Path = chosen;
    }

    /// <summary>The coding is named (or <c>*</c> is) with a quality above zero.</summary>
    private static bool Accepts(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        double? named = null, any = null;
        foreach (var value in accepted)
        {
            if (value.Value.Equals(coding, StringComparison.OrdinalIgnoreCase)) named = value.Quality ?? 1;
            else if (value.Value.Equals("*", StringComparison.Ordinal)) any = value.Quality ?? 1;
        }
        return (named ?? any ?? 0) > 0;
    }

    /// <summary><c>app.js.br</c> is JavaScript (sent with Content-Encoding: br), not an unknown file.</summary>
    private sealed class CompressedCopyContentTypes(IContentTypeProvider inner) : IContentTypeProvider
    {
        public bool TryGetContentType(string subpath, out string contentType)
        {
            foreach (var (suffix, _) in Codings)
                if (subpath.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                    return inner.TryGetContentType(subpath[..^suffix.Length], out contentType!);
            return inner.TryGetContentType(subpath, out contentType!);
        }
    }
}
