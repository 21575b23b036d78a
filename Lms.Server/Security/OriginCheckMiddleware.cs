using Lms.Server.Problems;
using Microsoft.AspNetCore.Mvc;

namespace Lms.Server.Security;

/// <summary>
/// Refuses a state-changing request that carries a cookie but was sent by a page of another origin.
/// SameSite=Strict keeps the cookie from other <em>sites</em>, but another port or subdomain of the
/// same site (another app on the school's server, <c>x.truong.edu.vn</c>) is the same site and gets
/// it. The browser says where a request comes from in headers no page can set: <c>Sec-Fetch-Site</c>
/// (same-origin, or none when the person typed it), else <c>Origin</c>. A request with neither comes
/// from no browser (a script with its own cookie jar) and is let through; a bearer-token request
/// carries no ambient credential and is not checked. This check also stands in for antiforgery
/// tokens on the form and multipart endpoints (roster and question imports, submissions, subtitles,
/// uploads): a forged form post always carries the headers that give it away.
/// </summary>
public sealed class OriginCheckMiddleware(HostingOptions options, IProblemDetailsService problems, ILogger<OriginCheckMiddleware> log)
    : IMiddleware
{
    private readonly HashSet<string> _allowed = new(options.AllowedOrigins, StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        if (!NeedsCheck(http) || IsAllowed(http.Request))
        {
            await next(http);
            return;
        }
        var origin = http.Request.Headers.Origin.ToString();
        log.LogWarning("Refused a cross-origin {Method} {Path} from {Origin} ({Site})",
            http.Request.Method, http.Request.Path, origin, http.Request.Headers["Sec-Fetch-Site"].ToString());
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden, Type = ProblemTypes.CrossOrigin, Title = "Cross-origin request refused",
                Detail = "A page of another origin may not change anything here with your sign-in.",
                Extensions = { ["origin"] = origin },
            },
        });
    }

    /// <summary>Requests that change something (and every hub request: negotiate and the WebSocket) sent with a cookie.</summary>
    private static bool NeedsCheck(HttpContext http)
    {
        var request = http.Request;
        // A form that signs in carries no cookie yet: without this, another site could sign a person into its own account.
        if (http.GetEndpoint()?.Metadata.GetMetadata<SameOriginOnlyAttribute>() is not null) return true;
        var changes = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
                        || HttpMethods.IsTrace(request.Method));
        if (!changes && !request.Path.StartsWithSegments("/hubs")) return false;
        if (request.Headers.Cookie.Count == 0) return false;
        // The authentication scheme picks the bearer token over the cookie when both are sent, and a
        // page of another origin cannot add an Authorization header without a CORS grant this server never gives.
        return !request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
    }

    private bool IsAllowed(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site is "same-origin" or "none") return true;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && _allowed.Contains(origin)) return true;
        // A browser that sends Fetch Metadata told us it is not same-origin.
        if (site.Length > 0) return false;
        // An older browser: its Origin must be this very address. No Origin at all: not a browser.
        if (origin.Length == 0) return true;
        return string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>An endpoint that takes only same-origin browser requests, with or without a cookie (a plain sign-in form post).</summary>
public sealed class SameOriginOnlyAttribute : Attribute;
