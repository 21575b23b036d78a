using System.Globalization;
using System.Text;
using System.Text.Json;
using Lms.Grains.Credentials;
using Lms.Grains.Moocs;
using Lms.Server.Credentials;
using Lms.Server.Web;

namespace Lms.Server.Moocs;

/// <summary>
/// The public pages a search engine or a link preview reads without running the app: /catalogue,
/// /catalogue/{slug} and /verify/{id} are the web app's index.html with the page's own title,
/// description, Open Graph tags (and schema.org data for a course) in its head, and the content as
/// plain HTML inside the app's root element, which the app then replaces when it starts.
/// </summary>
public sealed class CataloguePages(CatalogueCache cache, MoocRepository moocs,
    CredentialRepository credentials, PublicUrl urls, AppPage appPage)
{
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
        var cached = await cache.GetAsync("page|course|" + slug, async () =>
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
        return Html(cached.Html, cached.Status);
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

    private static IResult Html(string html, int status) => AppPage.Html(html, status);

    private string Render(string title, string description, string url, string type, string? image, string body, string? jsonLd = null) =>
        appPage.Render(new PageHead(title, description, url, type, image, jsonLd), body);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    private static string E(string? text) => AppPage.E(text);
}
