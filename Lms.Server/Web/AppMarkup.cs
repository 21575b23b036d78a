namespace Lms.Server.Web;

/// <summary>Pieces of the web app's markup that pages rendered on the server share with it (same classes, same look).</summary>
public static class AppMarkup
{
    /// <summary>The app's logo (Lms.Web/src/components/Shell.tsx, AppLogo): decorative, the name beside it is the text.</summary>
    public const string Logo =
        "<svg class=\"logo\" viewBox=\"0 0 64 64\" aria-hidden=\"true\" focusable=\"false\"><rect width=\"64\" height=\"64\" rx=\"14\" fill=\"currentColor\" />" +
        "<path d=\"M14 24 32 15l18 9-18 9z\" fill=\"#fff\" /><path d=\"M21 29v10c0 4 5 7 11 7s11-3 11-7V29l-11 6z\" fill=\"#fff\" opacity=\".85\" /></svg>";

    /// <summary>
    /// The attribute that marks a page the app keeps on screen until its own page is ready (Lms.Web/src/serverPage.ts):
    /// no blank flash, and what was typed into the server's form is carried over.
    /// </summary>
    public const string ServerPageAttribute = "data-server-page";

    /// <summary>Only a path inside the app: never send someone to another site (<c>//host</c>, <c>/\host</c>) after signing in.</summary>
    public static string SafeNext(string? next) =>
        next is { Length: > 1 } && next[0] == '/' && next[1] != '/' && !next.Contains('\\') && !next.StartsWith("/sign-in", StringComparison.Ordinal)
            ? next
            : "/";

    /// <summary>A redirect after a form post: the browser follows it with a GET (303 See Other).</summary>
    public static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
