using System.Globalization;
using System.Text;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Server.Identity;
using Lms.Server.Web;

namespace Lms.Server.Courses;

/// <summary>
/// A signed-in person's home (<c>/</c>) as HTML from the server: today's live lessons of their courses and the
/// first page of their courses, as links that work without JavaScript, in the app's markup (Lms.Web's
/// MyCoursesPage and TodayLive). The app keeps this on screen until its own page has loaded the same list, then
/// takes over. Someone not signed in is sent to the sign-in page, as the app would.
/// </summary>
public static class HomePage
{
    /// <summary>As many courses as the app's first page shows.</summary>
    public const int PageSize = 12;

    /// <summary>The viewer's time zone, which the app writes for the server (Lms.Web/src/serverPage.ts).</summary>
    public const string TimeZoneCookie = "lms.tz";

    private static readonly TimeZoneInfo DefaultZone =
        TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Ho_Chi_Minh", out var vietnam) ? vietnam : TimeZoneInfo.CreateCustomTimeZone("ICT", TimeSpan.FromHours(7), "ICT", "ICT");

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/", Home).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> Home(HttpContext http, AppPage page, AppTexts texts, CourseRepository courses,
        LiveSessionRepository sessions, UserRepository users, TimeProvider clock)
    {
        if (http.User.Identity?.IsAuthenticated != true) return Results.Redirect("/sign-in");
        var me = http.User.Id();
        var language = AppTexts.LanguageOf(http.Request);
        var zone = ZoneOf(http.Request);
        var now = clock.GetUtcNow();
        // "Today" in the viewer's zone, as the app's TodayLive: from midnight to midnight, what has not ended yet or is live.
        var localMidnight = TimeZoneInfo.ConvertTime(now, zone).Date;
        var start = new DateTimeOffset(localMidnight, zone.GetUtcOffset(localMidnight));
        var agenda = (await sessions.AgendaAsync(me, start, start.AddDays(1)))
            .Where(a => a.Session.LiveRunId is not null || a.End > now).ToList();
        var mine = await courses.MineAsync(me, PageRequest.Of(0, PageSize));
        var teaches = (await users.MembershipsAsync(me)).Any(m => m.Role is Roles.Teacher or Roles.Admin);

        string T(string key, params (string, string)[] values) => texts.T(language, key, values);
        var culture = CultureInfo.GetCultureInfo(language == "en" ? "en-GB" : "vi-VN");
        string Local(DateTimeOffset time, string format) => TimeZoneInfo.ConvertTime(time, zone).ToString(format, culture);

        var body = new StringBuilder($"<div class=\"app\" {AppMarkup.ServerPageAttribute}=\"home\">");
        body.Append($"<a href=\"#main\" class=\"skip-link\">{E(T("shell.skipToContent"))}</a>");
        body.Append($"<header class=\"app-header\"><div class=\"header-inner\"><a href=\"/\" class=\"brand\">{AppMarkup.Logo}<span>{E(T("app.name"))}</span></a>");
        body.Append("<div class=\"header-tools\"></div></div></header>");
        body.Append("<main id=\"main\" class=\"app-main\" tabindex=\"-1\"><div class=\"page\">");
        body.Append($"<div class=\"page-head\"><div><h1>{E(T("courses.title"))}</h1>");
        body.Append($"<p class=\"muted\">{E(T("courses.greeting", ("name", http.User.Identity?.Name ?? "")))}</p></div></div>");

        if (agenda.Count > 0)
        {
            body.Append("<section class=\"card live-today\" aria-labelledby=\"live-today-title\" data-testid=\"today-live\">");
            body.Append($"<h2 id=\"live-today-title\">{E(T("live.today"))}</h2><ul>");
            foreach (var (session, startsAt, _) in agenda)
            {
                var live = session.LiveRunId is not null;
                var action = live ? "● " + T("live.joinNow") : session.MyRole == "teacher" ? T("live.openRoom") : T("live.join");
                body.Append($"<li data-testid=\"today-item\"><span><strong>{Local(startsAt, "HH:mm")}</strong> {E(session.Title)}");
                body.Append($"<span class=\"muted small\"> · {E(session.CourseTitle)}</span></span>");
                body.Append($"<a class=\"btn btn-small{(live ? " btn-primary" : "")}\" href=\"/live/{session.Id}\">{E(action)}</a></li>");
            }
            body.Append("</ul></section>");
        }

        if (mine.Items.Count == 0)
            body.Append($"<div class=\"empty\"><p>{E(T(teaches ? "courses.emptyTeacher" : "courses.emptyStudent"))}</p></div>");
        else
        {
            body.Append($"<ul class=\"course-grid\" aria-label=\"{E(T("courses.title"))}\" data-testid=\"course-list\">");
            foreach (var c in mine.Items)
            {
                body.Append($"<li class=\"card course-card\" data-testid=\"course-card\" data-course-id=\"{c.Id}\"><div class=\"course-card-badges\">");
                if (c.MyRole.Length > 0) body.Append($"<span class=\"badge badge-role-{E(c.MyRole)}\">{E(T("courseRole." + c.MyRole))}</span>");
                body.Append($"<span class=\"badge badge-{E(c.Status)}\">{E(T("courseStatus." + c.Status))}</span>");
                body.Append($"<span class=\"badge badge-kind\">{E(T("courseKind." + c.Kind))}</span></div>");
                body.Append($"<h2 class=\"course-card-title\"><a href=\"/courses/{c.Id}\" data-testid=\"course-link\">{E(c.Title)}</a></h2>");
                if (!string.IsNullOrWhiteSpace(c.Summary)) body.Append($"<p class=\"course-card-summary\">{E(c.Summary)}</p>");
                body.Append($"<p class=\"course-card-meta muted\"><span>{E(c.InstitutionName)}</span><span aria-hidden=\"true\"> · </span>");
                body.Append($"<span>{E(T("courses.updated", ("time", Local(c.UpdatedAt, "g"))))}</span></p>");
                if (c.MyRole == "student" && c.ItemsTotal > 0)
                    body.Append($"<p class=\"muted small\">{E(T("course.progress"))}: {E(T("course.progressDetail", ("seen", c.ItemsSeen.ToString(culture)), ("total", c.ItemsTotal.ToString(culture))))}</p>");
                body.Append("</li>");
            }
            body.Append("</ul>");
            if (mine.Total > mine.Items.Count)
                body.Append($"<p class=\"muted\">{E(T("common.shownOf", ("shown", mine.Items.Count.ToString(culture)), ("total", mine.Total.ToString(culture))))}</p>");
        }
        body.Append("</div></main></div>");

        // Someone's own courses: kept by no shared cache, checked again on every visit.
        http.Response.Headers.CacheControl = "private, no-cache";
        var html = page.Render(new PageHead($"{T("courses.title")} · {T("app.name")}", T("app.tagline")), body.ToString());
        return AppPage.Html(AppPage.WithLanguage(html, language));
    }

    private static TimeZoneInfo ZoneOf(HttpRequest request) =>
        request.Cookies.TryGetValue(TimeZoneCookie, out var id) && id is { Length: > 0 and < 64 }
        && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : DefaultZone;

    private static string E(string? text) => AppPage.E(text);
}
