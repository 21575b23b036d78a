using System.Net;
using Lms.Server.Content;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;

namespace Lms.Server.Scorm;

/// <summary>
/// The content origin: a second, separate HTTP server in the process (its own Kestrel, its own three routes, none of
/// the app's middleware, cookies or sessions). It serves the runtime page (<c>/runtime/{token}</c>, the built
/// <c>scorm-runtime.html</c> of the web app), that page's scripts (<c>/assets/…</c>), and the package's files
/// (<c>/p/{token}/…</c>), each only with a valid token and only framed by the app origin the token names.
/// </summary>
public sealed class ScormContentServer(
    IOptions<ScormOptions> options, ScormTokens tokens, IContentStore store, IWebHostEnvironment environment,
    ILogger<ScormContentServer> log) : IHostedService, IAsyncDisposable
{
    public const string RuntimePage = "scorm-runtime.html";
    private static readonly FileExtensionContentTypeProvider Types = new();
    private WebApplication? _app;

    /// <summary>Where it listens once started (the first address); null when it could not start.</summary>
    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ScormContentServer).Assembly.GetName().Name, ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(options.Value.ContentUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/runtime/{token}", Runtime);
        app.MapGet("/assets/{file}", Asset);
        app.MapGet("/p/{token}/{**path}", PackageFile);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            // The app runs on without SCORM playback rather than not at all; the player says the lesson cannot open.
            log.LogError(e, "The SCORM content server could not listen on {Urls}; SCORM lessons will not open", options.Value.ContentUrls);
            await app.DisposeAsync();
            return;
        }
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    /// <summary>
    /// The origin a browser that opened the app at <paramref name="appRequest"/> loads packages from: the configured
    /// one, else this server under the other loopback name (cookies ignore ports: 127.0.0.1:5000 and 127.0.0.1:5001
    /// would share them; 127.0.0.1 and localhost do not).
    /// </summary>
    public string? OriginFor(HttpRequest appRequest)
    {
        if (!string.IsNullOrWhiteSpace(options.Value.ContentOrigin)) return options.Value.ContentOrigin.TrimEnd('/');
        if (Address is null) return null;
        var host = appRequest.Host.Host;
        var name = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? "127.0.0.1"
            : IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip) ? "localhost"
            : Address.Host;
        return $"{Address.Scheme}://{name}:{Address.Port}";
    }

    private IResult Runtime(string token, HttpContext http)
    {
        if (tokens.Read(token) is not { } grant) return Results.NotFound();
        var file = environment.WebRootPath is { } root ? Path.Combine(root, RuntimePage) : null;
        if (file is null || !File.Exists(file)) return Results.NotFound();
        Protect(http, grant.AppOrigin,
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; form-action 'none'; ");
        http.Response.Headers.CacheControl = "no-store";
        // The page posts only to the app that framed it; it learns which from here, not from anything the package can set.
        var html = File.ReadAllText(file).Replace("<head>",
            $"<head>\n    <meta name=\"lms-app-origin\" content=\"{WebUtility.HtmlEncode(grant.AppOrigin)}\">", StringComparison.Ordinal);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private IResult Asset(string file, HttpContext http)
    {
        // Only the web app's built scripts and styles (hashed names, public anyway); nothing else of the app's.
        if (environment.WebRootPath is not { } root || file.Contains("..", StringComparison.Ordinal) || !(file.EndsWith(".js", StringComparison.Ordinal) || file.EndsWith(".css", StringComparison.Ordinal)))
            return Results.NotFound();
        var path = Path.Combine(root, "assets", file);
        if (!File.Exists(path)) return Results.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.File(path, file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css");
    }

    private async Task<IResult> PackageFile(string token, string? path, HttpContext http)
    {
        if (tokens.Read(token) is not { } grant || string.IsNullOrEmpty(path)) return Results.NotFound();
        string name;
        try
        {
            // Kestrel leaves an escaped slash (%2F) in the path: unescaped here, "..%2F" is the ".." the check refuses.
            name = Lms.Grains.Scorm.ScormPackageReader.SafeName(Uri.UnescapeDataString(path), options.Value.Limits);
        }
        catch (Lms.Grains.Scorm.ScormRefusal)
        {
            return Results.NotFound();
        }
        var blob = await store.OpenAsync($"scorm/{grant.PackageId:N}/{name}", http.RequestAborted);
        if (blob is null) return Results.NotFound();
        // The package's own scripts run here as they were written; the one thing held is who may frame them.
        Protect(http, grant.AppOrigin, "");
        http.Response.Headers.CacheControl = "private, max-age=3600";
        if (!Types.TryGetContentType(name, out var type)) type = "application/octet-stream";
        return Results.Stream(blob.Stream, type, lastModified: blob.LastModified, enableRangeProcessing: true);
    }

    private static void Protect(HttpContext http, string appOrigin, string policy)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = policy + $"frame-ancestors 'self' {appOrigin}";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }
}
