using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Lms.Tests.Security;

/// <summary>Builds and sends requests for <see cref="ApiOperation"/>s; shared by the authorization matrix and the fuzz test.</summary>
public static class ApiRequests
{
    /// <summary>
    /// The order the operations are tried in: reads, then changes, then deletions (deepest path first), so that an
    /// earlier row never removes what a later one needs.
    /// </summary>
    public static IEnumerable<ApiOperation> InSafeOrder(IEnumerable<ApiOperation> operations) => operations
        .OrderBy(Phase)
        .ThenByDescending(o => o.Method == "DELETE" ? o.Path.Count(c => c == '/') : 0)
        .ThenBy(o => o.Path, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal);

    // Reads; creations; edits; what takes something away from everyone else (unpublish, archive, disable, revoke,
    // carry out an erasure, merge, sign out everywhere); deletions.
    private static int Phase(ApiOperation operation) => operation.Method switch
    {
        "GET" or "HEAD" or "OPTIONS" => 0,
        "DELETE" => 4,
        _ when Disruptive.Any(end => operation.Path.EndsWith(end, StringComparison.Ordinal)) => 3,
        "POST" => 1,
        _ => 2,
    };

    private static readonly string[] Disruptive =
        ["/unpublish", "/archived", "/disabled", "/revoke", "/carry-out", "/merge", "/sign-out-everywhere", "/two-factor-policy"];

    /// <summary>Whether an operation may end its caller's session (sign-out, password, two-factor): sign everyone in again after it.</summary>
    public static bool MaySignOut(ApiOperation operation) => operation.Changes && operation.Path.StartsWith("/api/identity/", StringComparison.Ordinal);

    /// <summary>Writes nesting deeper than the server reads (64), so that the server, not the test, meets it.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Deep = new() { MaxDepth = 4096 };

    public static string? Json(JsonNode? body) => body?.ToJsonString(Deep);

    public static HttpRequestMessage Build(ApiOperation operation, string url, JsonNode? body, string? rawBody = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
        if (operation.Body is { } declared)
        {
            if (declared.MediaType.Contains("json", StringComparison.Ordinal))
                request.Content = new StringContent(rawBody ?? Json(body) ?? "{}", Encoding.UTF8, "application/json");
            else if (declared.MediaType.StartsWith("multipart/", StringComparison.Ordinal))
                request.Content = new MultipartFormDataContent();
            else
                request.Content = new ByteArrayContent([]) { Headers = { ContentType = MediaTypeHeaderValue.Parse(declared.MediaType) } };
        }
        else if (operation.Changes && operation.Method != "DELETE")
        {
            // Endpoints that read a form or a raw body themselves do not declare one: send an empty one.
            request.Content = new ByteArrayContent([]);
        }
        return request;
    }

    /// <summary>A status as one letter: 2 (done, or a redirect), x (refused: 401, 403, 404), 4 (any other 4xx), 5 (a server error).</summary>
    public static char Class(HttpStatusCode status) => (int)status switch
    {
        < 400 => '2',
        401 or 403 or 404 => 'x',
        < 500 => '4',
        _ => '5',
    };
}
