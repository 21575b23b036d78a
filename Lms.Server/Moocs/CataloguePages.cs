using System.Globalization;
using System.Text;
using System.Text.Json;
using Lms.Grains.Credentials;
using Lms.Grains.Moocs;
using Lms.Server.Credentials;

namespace Lms.Server.Moocs;

/// <summary>
/// The public pages a search engine or a link preview reads without running the app: /catalogue,
/// /catalogue/{slug} and /verify/{id} are the web app's index.html with the page's own title,
/// description, Open Graph tags (and schema.org data for a course) in its head, and the content as
/// plain HTML inside the app's root element, which the app then replaces when it starts.
/// </summary>
public sealed class CataloguePages(IWebHostEnvironment environment, CatalogueCache cache, MoocRepository moocs,
    CredentialRepository credentials, PublicUrl urls)
{
    private string? _template;
    private DateTime _templateTime;

    public static void Map(IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("/catalogue", (HttpContext http, CataloguePages p) => p.CatalogueAsync(http));
        pages.MapGet("/catalogue/{slug}", (string slug, HttpContext http, CataloguePages p) => p.CourseAsync(http, slug));
        pages.MapGet("/verify/{credentialId:guid}", (Guid credentialId, HttpContext http, CataloguePages p) => p.VerifyAsync(http, credentialId));
    }

    private async Task<IResult> CatalogueAsync(HttpContext http)
    {
        var html = await cache.GetAsync("page|catalogue", async () =>
        {
            var page = await moocs.SearchAsync(new CatalogueQuery(null, null, null, null, null, false), Grains.Data.PageRequest.Of(0, 50));
            var body = new StringBuilder("<main class=\"ssr\"><h1>Khoá học trực tuyến mở (MOOC) · Online courses</h1><ul>");
            foreach (var c in page.Items)
                body.Append($"<li><a href=\"/catalogue/{E(c.Slug)}\">{E(c.Title)}</a> — {E(c.InstitutionName)}{(c.Credits is > 0 ? $" · {c.Credits} tín chỉ" : "")}<p>{E(c.Summary)}</p></li>");
            body.Append("</ul></main>");
            return Render("Danh mục khoá học · Lms", "Khoá học trực tuyến mở của các trường đại học Việt Nam: học miễn phí, nhận chứng chỉ và tín chỉ có thể xác minh.",
                urls.Base + "/catalogue", "website", null, body.ToString());
        });
        return Html(html, 200);
    }

    private sealed record CachedPage(string Html, int Status);

    private async Task<IResult> CourseAsync(HttpContext http, string slug)
    {
        var page = await cache.GetAsync("page|course|" + slug, async () =>
        {
            var c = await moocs.PublishedBySlugAsync(slug);
            if (c is null)
                return new CachedPage(Render("Không tìm thấy · Lms", "Khoá học này không có trong danh mục.", urls.Base + "/catalogue", "website", null,
                    "<main class=\"ssr\"><h1>Không tìm thấy khoá học / Course not found</h1></main>"), 404);
            var runs = await moocs.RunsAsync(c.Id);
            var card = MoocEndpoints.Card(c, runs);
            var description = Shorten(c.Summary ?? c.Title, 200);
            var facts = new List<string> { c.InstitutionName, c.Subject };
            if (c.Credits is > 0) facts.Add($"{c.Credits} tín chỉ{(c.Ects is { } e ? $" ({e.ToString("0.#", CultureInfo.InvariantCulture)} ECTS)" : "")}");
            if (c.DurationWeeks is { } w) facts.Add($"{w} tuần");
            facts.Add(c.PriceVnd == 0 ? "Miễn phí" : $"{c.PriceVnd.ToString("N0", CultureInfo.GetCultureInfo("vi-VN"))} ₫");
            var body = new StringBuilder($"<main class=\"ssr\"><p><a href=\"/catalogue\">Danh mục</a></p><h1>{E(c.Title)}</h1>");
            body.Append($"<p>{E(string.Join(" · ", facts))}</p><p>{E(c.Summary)}</p>");
            if (card.NextRunStartsAt is { } start) body.Append($"<p>Bắt đầu / Starts: {start:yyyy-MM-dd}</p>");
            if (!string.IsNullOrWhiteSpace(c.Syllabus)) body.Append($"<h2>Đề cương / Syllabus</h2><pre>{E(c.Syllabus)}</pre>");
            var instructors = MoocEndpoints.Instructors(c.Instructors);
            if (instructors.Count > 0) body.Append("<h2>Giảng viên / Instructors</h2><ul>" + string.Concat(instructors.Select(i => $"<li>{E(i)}</li>")) + "</ul>");
            body.Append("</main>");
            var url = $"{urls.Base}/catalogue/{c.Slug}";
            var jsonLd = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["@context"] = "https://schema.org",
                ["@type"] = "Course",
                ["name"] = c.Title,
                ["description"] = c.Summary,
                ["url"] = url,
                ["inLanguage"] = c.Language,
                ["educationalLevel"] = c.Level,
                ["provider"] = new Dictionary<string, object?> { ["@type"] = "CollegeOrUniversity", ["name"] = c.InstitutionName },
                ["offers"] = new Dictionary<string, object?> { ["@type"] = "Offer", ["price"] = c.PriceVnd, ["priceCurrency"] = "VND", ["category"] = c.PriceVnd == 0 ? "Free" : "Paid" },
            });
            return new CachedPage(Render($"{c.Title} · {c.InstitutionName}", description, url, "website", c.ImageUrl, body.ToString(), jsonLd), 200);
        });
        return Html(page.Html, page.Status);
    }

    private async Task<IResult> VerifyAsync(HttpContext http, Guid credentialId)
    {
        var c = await credentials.GetAsync(credentialId);
        if (c is null)
            return Html(Render("Không tìm thấy chứng chỉ · Lms", "Không có chứng chỉ nào với mã này.", urls.Verify(credentialId), "website", null,
                "<main class=\"ssr\"><h1>Không tìm thấy / Not found</h1></main>"), 404);
        var kind = c.Kind == CredentialKinds.Credit ? "Chứng nhận tín chỉ" : "Chứng chỉ";
        var status = c.SupersededBy is { } by ? $"Đã được thay thế / Superseded → {urls.Verify(by)}"
            : c.RevokedAt is null ? "Hợp lệ / Valid" : "Đã thu hồi / Revoked";
        var title = $"{kind}: {c.CourseTitle} — {c.SubjectName}";
        var description = $"{status}. {c.SubjectName} · {c.CourseTitle} · {c.InstitutionName} · {c.IssuedAt:yyyy-MM-dd}";
        var body = $"<main class=\"ssr\"><h1>{E(title)}</h1><p>{E(status)}</p><p>{E(c.InstitutionName)} · {c.IssuedAt:yyyy-MM-dd}</p></main>";
        // Verification pages answer live (a revocation shows at once), so they are not cached.
        http.Response.Headers.CacheControl = "no-cache";
        return Html(Render(title, description, urls.Verify(credentialId), "article", null, body), 200);
    }

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private string Render(string title, string description, string url, string type, string? image, string body, string? jsonLd = null)
    {
        var head = new StringBuilder();
        head.Append($"<title>{E(title)}</title>");
        head.Append($"<meta name=\"description\" content=\"{E(description)}\" />");
        head.Append($"<link rel=\"canonical\" href=\"{E(url)}\" />");
        head.Append($"<meta property=\"og:title\" content=\"{E(title)}\" />");
        head.Append($"<meta property=\"og:description\" content=\"{E(description)}\" />");
        head.Append($"<meta property=\"og:type\" content=\"{E(type)}\" />");
        head.Append($"<meta property=\"og:url\" content=\"{E(url)}\" />");
        head.Append("<meta property=\"og:site_name\" content=\"Lms\" />");
        head.Append("<meta property=\"og:locale\" content=\"vi_VN\" />");
        if (image is not null) head.Append($"<meta property=\"og:image\" content=\"{E(image)}\" />");
        head.Append($"<meta name=\"twitter:card\" content=\"summary\" />");
        if (jsonLd is not null) head.Append($"<script type=\"application/ld+json\">{jsonLd.Replace("</", "<\\/")}</script>");

        var template = Template();
        var withoutTitle = System.Text.RegularExpressions.Regex.Replace(template, "<title>.*?</title>", "", System.Text.RegularExpressions.RegexOptions.Singleline);
        withoutTitle = System.Text.RegularExpressions.Regex.Replace(withoutTitle, "<meta name=\"description\"[^>]*>", "");
        return withoutTitle
            .Replace("</head>", head + "</head>")
            .Replace("<div id=\"root\"></div>", $"<div id=\"root\">{body}</div>");
    }

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

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    // Only what HTML needs escaped: Vietnamese letters stay readable in the page source.
    private static string E(string? text) =>
        (text ?? "").Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");
}
