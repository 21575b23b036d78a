using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Classroom;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Performance;

public sealed class ServerPagesTestsOnSqlite(SqliteLmsServer server) : ServerPagesTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ServerPagesTestsOnPostgres(PostgresLmsServer server) : ServerPagesTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The sign-in page and a student's home come as HTML from the server: a form that signs in without JavaScript
/// (cookie, redirect, the same errors in the person's language, the same second step), and the student's courses
/// and today's live lessons as links.
/// </summary>
public abstract partial class ServerPagesTests(LmsServer server)
{
    private const string FormAction = "/api/identity/sign-in/form";

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string action, params (string, string)[] fields) =>
        client.PostAsync(action, Form(fields));

    [Fact]
    public async Task The_sign_in_page_is_a_working_form_in_the_persons_language()
    {
        var vietnamese = await server.Client().GetAsync("/sign-in");
        Assert.Equal(HttpStatusCode.OK, vietnamese.StatusCode);
        var html = await vietnamese.Content.ReadAsStringAsync();
        Assert.Contains($"<form method=\"post\" action=\"{FormAction}\"", html);
        Assert.Contains("<label for=\"login\">Email hoặc mã định danh (hay số điện thoại)</label>", html);
        Assert.Contains("<html lang=\"vi\">", html);
        Assert.Contains("<title>Đăng nhập · Lms</title>", html);
        Assert.Contains("<script type=\"module\"", html); // the app takes over
        Assert.Contains("<link rel=\"stylesheet\"", html); // styled by the app's CSS
        Assert.Equal("no-store", vietnamese.Headers.CacheControl?.ToString());

        var client = server.Client();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-GB, en;q=0.9");
        var english = await client.GetStringAsync("/sign-in");
        Assert.Contains("<html lang=\"en\">", english);
        Assert.Contains("<label for=\"login\">Email or national ID (or phone number)</label>", english);

        // The language chosen in the app wins over the browser's.
        var jar = new CookieContainer();
        jar.Add(server.BaseAddress, new Cookie("lms.lang", "vi"));
        var chosen = server.Client(jar);
        chosen.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        Assert.Contains("<html lang=\"vi\">", await chosen.GetStringAsync("/sign-in"));
    }

    [Fact]
    public async Task A_plain_form_post_signs_in_sets_the_cookie_and_sends_the_student_home_to_their_courses()
    {
        var cookies = new CookieContainer();
        var client = server.Client(cookies);
        Assert.Equal("/sign-in", (await client.GetAsync("/")).Headers.Location?.OriginalString);

        var posted = await PostFormAsync(client, FormAction, ("username", LmsServer.Student1), ("password", LmsServer.DemoPassword),
            ("remember", "true"), ("next", "/"));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal("/", posted.Headers.Location?.OriginalString);
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "lms.auth");

        // The same courses the API lists, each a link that works without scripts.
        var listed = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/courses?take=12"));
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Khóa học của tôi</h1>", html);
        var courses = listed.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(courses);
        foreach (var course in courses)
            Assert.Contains($"<a href=\"/courses/{course.GetProperty("id").GetGuid()}\" data-testid=\"course-link\">", html);
        Assert.Equal(courses.Count, CourseCard().Matches(html).Count);

        // Signed in already: the sign-in page sends them on.
        var again = await client.GetAsync("/sign-in?next=%2Fcredentials");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/credentials", again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Todays_live_lesson_is_on_the_students_home_with_a_link_to_join_it()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa 10 — Buổi học trên trang chủ " + Guid.NewGuid().ToString("N")[..6]);
        var student = server.Client(new CookieContainer());
        Assert.Equal(HttpStatusCode.SeeOther,
            (await PostFormAsync(student, FormAction, ("username", LmsServer.Student1), ("password", LmsServer.DemoPassword))).StatusCode);
        var html = await student.GetStringAsync("/");
        Assert.Contains("data-testid=\"today-live\"", html);
        Assert.Contains($"href=\"/live/{course.SessionId}\"", html);
        Assert.Contains("Buổi 1: Đồ thị hàm số", html);

        // Another class's student does not see it.
        var other = server.Client(new CookieContainer());
        Assert.Equal(HttpStatusCode.SeeOther,
            (await PostFormAsync(other, FormAction, ("username", LmsServer.Student3), ("password", LmsServer.DemoPassword))).StatusCode);
        Assert.DoesNotContain($"/live/{course.SessionId}", await other.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_wrong_password_answers_the_form_again_with_the_error_in_the_persons_language_and_no_session()
    {
        var cookies = new CookieContainer();
        var client = server.Client(cookies);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var failed = await PostFormAsync(client, FormAction, ("username", LmsServer.Student2), ("password", "not-the-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var html = await failed.Content.ReadAsStringAsync();
        Assert.Contains("The email, phone number, national ID or password is not right.", html);
        Assert.Contains($"value=\"{LmsServer.Student2}\"", html); // what was typed stays
        Assert.DoesNotContain("not-the-password", html);
        Assert.Contains("aria-invalid=\"true\"", html);
        Assert.DoesNotContain("<script type=\"module\"", html); // not a page of the app: it must not start here
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "lms.auth");

        var empty = await PostFormAsync(server.Client(), FormAction, ("username", ""), ("password", ""));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Hãy nhập email, số điện thoại hoặc mã định danh và mật khẩu.", await empty.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/courses/abc?x=1", "/courses/abc?x=1")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/sign-in", "/")]
    public async Task After_signing_in_the_form_goes_only_to_a_page_of_the_app(string next, string expected)
    {
        var posted = await PostFormAsync(server.Client(), FormAction, ("username", LmsServer.Student1), ("password", LmsServer.DemoPassword),
            ("next", next));
        Assert.Equal(HttpStatusCode.SeeOther, posted.StatusCode);
        Assert.Equal(expected, posted.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Another_site_cannot_post_the_form_to_sign_a_person_in()
    {
        foreach (var (header, value) in new[] { ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example") })
        {
            var cookies = new CookieContainer();
            var request = new HttpRequestMessage(HttpMethod.Post, FormAction)
            {
                Content = Form(("username", LmsServer.Student1), ("password", LmsServer.DemoPassword)),
            };
            request.Headers.Add(header, value);
            var response = await server.Client(cookies).SendAsync(request);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, "cross-origin");
            Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "lms.auth");
        }
    }

    [Fact]
    public async Task With_a_second_factor_the_form_asks_for_the_code_and_signs_in_with_it()
    {
        var email = $"gv.{Guid.NewGuid():N}"[..14] + "@ssr.test";
        await server.AddSchoolAsync("Trường SSR " + Guid.NewGuid().ToString("N")[..6], ("teacher", "Giáo viên SSR", email));
        var staff = await server.SignedInAsync(email);
        var secret = (await ProblemAssert.OkAsync<JsonElement>(await staff.PostAsync("/api/identity/two-factor/enrol", null)))
            .GetProperty("secret").GetString()!;
        string Code(int steps = 0) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * steps));
        (await staff.PostAsJsonAsync("/api/identity/two-factor/confirm", new { code = Code() })).EnsureSuccessStatusCode();

        var cookies = new CookieContainer();
        var client = server.Client(cookies);
        var step = await PostFormAsync(client, FormAction, ("username", email), ("password", LmsServer.DemoPassword), ("next", "/learning"));
        Assert.Equal(HttpStatusCode.OK, step.StatusCode);
        var html = await step.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"second-step-form\"", html);
        Assert.DoesNotContain(cookies.GetAllCookies(), c => c.Name == "lms.auth");
        var ticket = WebUtility.HtmlDecode(Ticket().Match(html).Groups[1].Value);
        Assert.NotEmpty(ticket);

        var wrong = await PostFormAsync(client, "/api/identity/sign-in/code/form", ("ticket", ticket), ("code", "000000"), ("next", "/learning"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Mã không đúng, hoặc đã được dùng.", await wrong.Content.ReadAsStringAsync());

        // The code of the next step: the one of this step was used by the confirmation.
        var right = await PostFormAsync(client, "/api/identity/sign-in/code/form", ("ticket", ticket), ("code", Code(1)), ("next", "/learning"));
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Equal("/learning", right.Headers.Location?.OriginalString);
        Assert.Contains(cookies.GetAllCookies(), c => c.Name == "lms.auth");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/identity/me")).StatusCode);

        var forged = await PostFormAsync(server.Client(), "/api/identity/sign-in/code/form", ("ticket", "forged"), ("code", Code(1)));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains("data-testid=\"sign-in-form\"", await forged.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("data-testid=\"course-card\"")]
    private static partial Regex CourseCard();

    [GeneratedRegex("name=\"ticket\" value=\"([^\"]+)\"")]
    private static partial Regex Ticket();
}
