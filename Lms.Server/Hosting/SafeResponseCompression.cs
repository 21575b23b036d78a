using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lms.Server.Hosting;

public static class ResponseCompressionSetup
{
    /// <summary>Response compression with the BREACH rule of <see cref="SafeResponseCompression"/>.</summary>
    public static IServiceCollection AddSafeResponseCompression(this IServiceCollection services) => SafeResponseCompression.Register(services);
}

/// <summary>An endpoint whose answer carries a secret: never compressed (see <see cref="SafeResponseCompression"/>).</summary>
public sealed class NoCompressionAttribute : Attribute;

/// <summary>
/// Compresses API JSON, problems and server-rendered pages (Brotli, else gzip), but never an answer that
/// may hold a secret next to text an attacker chose (BREACH: the compressed length tells a watcher of the
/// network how much of a guess matched the secret). The rule, in docs/security.md:
/// <list type="bullet">
/// <item>only answers to GET and HEAD are compressed: a POST, PUT, PATCH or DELETE is where tokens,
/// refresh tokens, codes, two-factor secrets and one-time links are minted, and what it answers often
/// echoes what was sent;</item>
/// <item>nothing under <c>/api/identity</c> (sign-in, tokens, two-factor setup, sessions, accounts) or
/// <c>/api/setup</c> (the first administrator's code), nor a lesson's media access
/// (<c>/api/classroom/sessions/{id}/media</c>: TURN credentials and LiveKit tokens), nor the hubs;</item>
/// <item>nor an endpoint marked <see cref="NoCompressionAttribute"/> (<c>.WithMetadata(new NoCompressionAttribute())</c>).</item>
/// </list>
/// Static files are compressed at build time (<see cref="PrecompressedFiles"/>) and are not touched here.
/// </summary>
public sealed class SafeResponseCompression(IResponseCompressionProvider inner) : IResponseCompressionProvider
{
    private static readonly PathString[] SecretBearing = ["/api/identity", "/api/setup", "/hubs"];

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddResponseCompression(options =>
        {
            // Most phones reach the server over TLS; the rule below, not the scheme, decides what is safe.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/problem+json", "image/svg+xml"]);
        });
        // Optimal (Brotli quality 4, gzip level 6): a sixth fewer bytes than Fastest for well under a millisecond on
        // a page of courses; docs/performance.md has the measured sizes and times.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Optimal);
        services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider>(provider =>
            new SafeResponseCompression(new ResponseCompressionProvider(provider, provider.GetRequiredService<IOptions<ResponseCompressionOptions>>()))));
        return services;
    }

    public ICompressionProvider? GetCompressionProvider(HttpContext context) => inner.GetCompressionProvider(context);

    public bool ShouldCompressResponse(HttpContext context) => MayCompress(context) && inner.ShouldCompressResponse(context);

    public bool CheckRequestAcceptsCompression(HttpContext context) => inner.CheckRequestAcceptsCompression(context);

    /// <summary>The BREACH rule above, for one request.</summary>
    public static bool MayCompress(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        if (SecretBearing.Any(prefix => request.Path.StartsWithSegments(prefix))) return false;
        if (IsLessonMediaAccess(request.Path)) return false;
        return context.GetEndpoint()?.Metadata.GetMetadata<NoCompressionAttribute>() is null;
    }

    private static bool IsLessonMediaAccess(PathString path) =>
        path.StartsWithSegments("/api/classroom/sessions", out var rest)
        && rest.Value is { } tail && tail.Count(c => c == '/') == 2 && tail.EndsWith("/media", StringComparison.Ordinal);
}
