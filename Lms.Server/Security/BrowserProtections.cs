using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Lms.Server.Security;

/// <summary>
/// <c>Hosting:*</c>: which proxies may say the request was https and who sent it, which other
/// origins may send state-changing requests with the app's cookie, and how long browsers keep to https.
/// </summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>Proxies (addresses or CIDR networks) whose X-Forwarded-For/-Proto are believed. Unset: loopback only.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>Origins (<c>https://host[:port]</c>) besides the app's own that may send cookie-carrying state-changing requests.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    /// <summary>Strict-Transport-Security max-age on https answers; 0 sends none.</summary>
    public int HstsMaxAgeDays { get; init; } = 365;

    /// <summary>Reads the section; lists may be given as an array (<c>Hosting:TrustedProxies:0=…</c>) or one comma-separated value.</summary>
    public static HostingOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        return new HostingOptions
        {
            TrustedProxies = List(section.GetSection(nameof(TrustedProxies))),
            AllowedOrigins = List(section.GetSection(nameof(AllowedOrigins))).Select(o => o.TrimEnd('/')).ToList(),
            HstsMaxAgeDays = section.GetValue(nameof(HstsMaxAgeDays), 365),
        };
    }

    private static List<string> List(IConfigurationSection section)
    {
        var items = section.GetChildren().Select(c => c.Value).Append(section.Value)
            .SelectMany(v => (v ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return items.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}

/// <summary>
/// The browser protections every answer carries (pages, API answers, files, HLS segments, errors):
/// a strict Content-Security-Policy, no framing, Referrer-Policy, Permissions-Policy, nosniff, and
/// HSTS on https. Plus forwarded headers from trusted proxies, so that behind a TLS proxy the
/// request counts as https and cookies are <c>Secure</c>.
/// </summary>
public static class BrowserProtections
{
    public static IServiceCollection AddBrowserProtections(this IServiceCollection services, IConfiguration configuration)
    {
        var options = HostingOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(sp => new ContentSecurityPolicy(LiveKitOrigins(configuration), sp.GetServices<IFrameSource>().ToList()));
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // Only the scheme and the client's address: the Host header is the proxy's to pass through
            // (links in mail never come from it anyway), and X-Forwarded-Host would let a proxy's client pick it.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (options.TrustedProxies.Count == 0) return; // the framework's default: loopback only
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in options.TrustedProxies)
            {
                if (proxy.Contains('/')) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                else forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        services.AddSingleton<OriginCheckMiddleware>();
        return services;
    }

    /// <summary>First in the pipeline: every later answer (static files, problems, status pages) gets the headers.</summary>
    public static void UseBrowserProtections(this WebApplication app)
    {
        app.UseForwardedHeaders();
        var options = app.Services.GetRequiredService<HostingOptions>();
        var csp = app.Services.GetRequiredService<ContentSecurityPolicy>();
        var hsts = options.HstsMaxAgeDays > 0 ? $"max-age={(long)TimeSpan.FromDays(options.HstsMaxAgeDays).TotalSeconds}" : null;
        app.Use((http, next) =>
        {
            var request = http.Request;
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                // An endpoint that needs its own policy sets it; everything else gets the app's.
                if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = csp.For(request);
                headers.XFrameOptions = "DENY"; // for browsers that predate frame-ancestors
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()";
                if (hsts is not null && request.IsHttps) headers.StrictTransportSecurity = hsts;
                return Task.CompletedTask;
            });
            return next(http);
        });
        app.UseMiddleware<OriginCheckMiddleware>();
    }

    /// <summary>The LiveKit server the browser talks to (its WebSocket and its HTTP API), when one is configured.</summary>
    private static IReadOnlyList<string> LiveKitOrigins(IConfiguration configuration)
    {
        if (!Uri.TryCreate(configuration["Media:LiveKit:Url"], UriKind.Absolute, out var url)) return [];
        var secure = url.Scheme is "wss" or "https";
        var authority = url.GetComponents(UriComponents.HostAndPort, UriFormat.UriEscaped);
        return secure ? [$"wss://{authority}", $"https://{authority}"] : [$"ws://{authority}", $"http://{authority}"];
    }
}

/// <summary>
/// The app's Content-Security-Policy. Scripts only from the app's own files (the built index.html has
/// no inline script; the catalogue pages' JSON-LD is a data block, which CSP does not govern). Inline
/// style attributes are allowed (KaTeX and sanitised rich text carry them; a style cannot run code),
/// <c>&lt;style&gt;</c> elements are not. blob: for the HLS player's media source and its worker and
/// for the lesson composer's worker; data: for the small pictures and fonts the build inlines.
/// </summary>
public sealed class ContentSecurityPolicy(IReadOnlyList<string> liveKitOrigins, IReadOnlyList<IFrameSource>? frameSources = null)
{
    private readonly string _before =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
        "img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; worker-src 'self' blob:; " +
        "manifest-src 'self'; object-src 'none'; ";

    private const string After = "; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; connect-src 'self'";

    private readonly string _liveKit = string.Concat(liveKitOrigins.Select(o => " " + o));

    /// <summary>connect-src names the hubs' WebSocket address explicitly (ws: or wss: of this very host).</summary>
    public string For(HttpRequest request)
    {
        var frames = string.Join(' ', (frameSources ?? []).Select(f => f.For(request)).OfType<string>());
        var before = _before + "frame-src " + (frames.Length == 0 ? "'none'" : frames) + After;
        return request.Host.HasValue
            ? $"{before} {(request.IsHttps ? "wss" : "ws")}://{request.Host.Value}{_liveKit}"
            : before + _liveKit;
    }
}

/// <summary>An origin the app's pages may frame (the SCORM content origin): a feature registers one; none leaves <c>frame-src 'none'</c>.</summary>
public interface IFrameSource
{
    /// <summary>The origin for a page answered to <paramref name="request"/> (it may depend on the host the app was opened at); null for none.</summary>
    string? For(HttpRequest request);
}
