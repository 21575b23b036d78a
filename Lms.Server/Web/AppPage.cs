using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Server.Web;

/// <summary>What goes into the head of a page the server renders (title and description; the rest when a page is shared).</summary>
public sealed record PageHead(string Title, string Description, string? Url = null, string? Type = null, string? Image = null, string? JsonLd = null);

/// <summary>
/// Pages the server renders: the web app's own index.html (its stylesheet and scripts, so the app takes over
/// when it starts) with the page's title and description in its head and the page's HTML inside the root
/// element. Used by the public catalogue, the sign-in page and a student's home.
/// </summary>
public sealed partial class AppPage(IWebHostEnvironment environment)
{
    private string? _template;
    private DateTime _templateTime;

    public static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <param name="withScripts">False for an answer to a plain form post: the address is not a page of the app, so the app must not start there.</param>
    public string Render(PageHead page, string body, bool withScripts = true)
    {
        var head = new StringBuilder();
        head.Append($"<title>{E(page.Title)}</title>");
        head.Append($"<meta name=\"description\" content=\"{E(page.Description)}\" />");
        if (page.Url is not null)
        {
            head.Append($"<link rel=\"canonical\" href=\"{E(page.Url)}\" />");
            head.Append($"<meta property=\"og:title\" content=\"{E(page.Title)}\" />");
            head.Append($"<meta property=\"og:description\" content=\"{E(page.Description)}\" />");
            head.Append($"<meta property=\"og:type\" content=\"{E(page.Type ?? "website")}\" />");
            head.Append($"<meta property=\"og:url\" content=\"{E(page.Url)}\" />");
            head.Append("<meta property=\"og:site_name\" content=\"Lms\" />");
            head.Append("<meta property=\"og:locale\" content=\"vi_VN\" />");
            if (page.Image is not null) head.Append($"<meta property=\"og:image\" content=\"{E(page.Image)}\" />");
            head.Append("<meta name=\"twitter:card\" content=\"summary\" />");
        }
        if (page.JsonLd is not null) head.Append($"<script type=\"application/ld+json\">{page.JsonLd.Replace("</", "<\\/")}</script>");

        var html = TitleTag().Replace(Template(), "");
        html = DescriptionTag().Replace(html, "");
        if (!withScripts) html = ModuleScripts().Replace(html, "");
        return html
            .Replace("</head>", head + "</head>")
            .Replace("<div id=\"root\"></div>", $"<div id=\"root\">{body}</div>");
    }

    /// <summary>The page's language on the html element (index.html says vi).</summary>
    public static string WithLanguage(string html, string language) =>
        language == "vi" ? html : html.Replace("<html lang=\"vi\">", $"<html lang=\"{E(language)}\">");

    private string Template()
    {
        var path = environment.WebRootPath is { } root ? Path.Combine(root, "index.html") : null;
        if (path is null || !File.Exists(path))
            return "<!doctype html><html lang=\"vi\"><head><meta charset=\"UTF-8\" /><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" /></head><body><div id=\"root\"></div></body></html>";
        var time = File.GetLastWriteTimeUtc(path);
        if (_template is null || time != _templateTime)
        {
            _template = File.ReadAllText(path);
            _templateTime = time;
        }
        return _template;
    }

    // Only what HTML needs escaped: Vietnamese letters stay readable in the page source.
    public static string E(string? text) =>
        (text ?? "").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");

    [GeneratedRegex("<title>.*?</title>", RegexOptions.Singleline)]
    private static partial Regex TitleTag();

    [GeneratedRegex("<meta name=\"description\"[^>]*>")]
    private static partial Regex DescriptionTag();

    [GeneratedRegex("<script type=\"module\"[^>]*></script>|<link rel=\"modulepreload\"[^>]*>")]
    private static partial Regex ModuleScripts();
}
