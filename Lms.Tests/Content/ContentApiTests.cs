using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Content;
using Lms.Grains.Identity;
using Lms.Server.Content;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace Lms.Tests.Content;

public sealed class ContentApiTestsOnSqlite(SqliteLmsServer server) : ContentApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ContentApiTestsOnPostgres(PostgresLmsServer server) : ContentApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>The content library over HTTP against the real server, its worker and real ffmpeg, on each database.</summary>
public abstract class ContentApiTests(LmsServer server)
{
    private async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string login)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var response = await client.PostAsJsonAsync("/api/identity/sign-in", new { login, password = LmsServer.DemoPassword });
        response.EnsureSuccessStatusCode();
        return (client, cookies);
    }

    /// <summary>A published course with one module, class 10A1 (hocsinh1, hocsinh2) enrolled.</summary>
    private static async Task<(string CourseId, string ModuleId)> CourseAsync(HttpClient teacher, Guid school, string title)
    {
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title, kind = "blended" }));
        var courseId = course.GetProperty("id").GetString()!;
        var module = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title = "Video" }));
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className = "10A1" }));
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsync($"/api/courses/{courseId}/publish", null)).StatusCode);
        return (courseId, module.GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task A_teacher_uploads_a_video_and_the_enrolled_students_of_a_course_using_it_watch_it()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Hàm số bậc hai — video bài giảng", subject: "Toán");
        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.SmallAsync(2), chunkSize: 40_000, fileName: "bai-giang.mp4");

        var item = await ContentClient.WaitProcessedAsync(teacher, itemId);
        Assert.Equal("ready", item.GetProperty("status").GetString());
        var media = item.GetProperty("media");
        Assert.Equal("video", media.GetProperty("kind").GetString());
        Assert.Equal(["360p", "240p"], media.GetProperty("renditions").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var master = media.GetProperty("hlsUrl").GetString()!;

        // Playlists and segments: authorized, privately cached for good, served in ranges.
        var playlist = await teacher.GetAsync(master);
        Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
        Assert.Equal("application/vnd.apple.mpegurl", playlist.Content.Headers.ContentType!.MediaType);
        Assert.Contains("private", playlist.Headers.CacheControl!.ToString());
        Assert.Contains("immutable", playlist.Headers.CacheControl!.ToString());
        var variant = master.Replace("master.m3u8", "360p/index.m3u8");
        var segmentName = (await teacher.GetStringAsync(variant)).Split('\n').First(l => l.EndsWith(".ts"));
        var segmentUrl = variant.Replace("index.m3u8", segmentName);
        var range = new HttpRequestMessage(HttpMethod.Get, segmentUrl);
        range.Headers.Range = new RangeHeaderValue(0, 187);
        var partial = await teacher.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(188, (await partial.Content.ReadAsByteArrayAsync()).Length);
        Assert.Equal(0x47, (await partial.Content.ReadAsByteArrayAsync())[0]); // an MPEG-TS sync byte
        var again = new HttpRequestMessage(HttpMethod.Get, segmentUrl);
        again.Headers.IfNoneMatch.Add(partial.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await teacher.SendAsync(again)).StatusCode);
        var download = await teacher.GetAsync(media.GetProperty("downloadUrl").GetString());
        Assert.Equal("video/mp4", download.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", download.Content.Headers.ContentDisposition!.ToString());

        // A private item: a student finds neither it nor its files.
        var (student, _) = await SignInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/content/items/{itemId}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await student.GetAsync(master), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await server.Client().GetAsync(segmentUrl), HttpStatusCode.Unauthorized, "unauthenticated");

        // Used in a course: its enrolled students watch it; a student of another class still does not.
        var (courseId, moduleId) = await CourseAsync(teacher, school, "Toán 10 — có video");
        var added = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/content/course-items",
            new { courseId, moduleId, contentId = itemId }));
        Assert.Equal("video", added.GetProperty("kind").GetString());
        var courseItemId = added.GetProperty("id").GetString()!;
        Assert.Equal("ready", (await ContentClient.ItemAsync(student, itemId)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await student.GetAsync(segmentUrl)).StatusCode);
        var (other, _) = await SignInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await other.GetAsync(master), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await student.PostAsJsonAsync("/api/content/course-items",
            new { courseId, moduleId, contentId = itemId }), HttpStatusCode.Forbidden, "forbidden");

        // Watching: the position is kept, the share grows with what was played, and past 80 % the item is seen.
        var watch = $"/api/content/watch/{courseId}/{courseItemId}";
        var first = await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync(watch,
            new { positionSeconds = 1.0, durationSeconds = 2.0, played = new[] { new { start = 0.0, end = 1.0 } } }));
        Assert.InRange(first.GetProperty("watchedShare").GetDouble(), 0.45, 0.55);
        Assert.False(first.GetProperty("seen").GetBoolean());
        // Seeking to the end does not count as watching it.
        var skipped = await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync(watch,
            new { positionSeconds = 2.0, durationSeconds = 2.0, played = Array.Empty<object>() }));
        Assert.False(skipped.GetProperty("seen").GetBoolean());
        var done = await ProblemAssert.OkAsync<JsonElement>(await student.PutAsJsonAsync(watch,
            new { positionSeconds = 1.9, durationSeconds = 2.0, played = new[] { new { start = 0.9, end = 1.9 } } }));
        Assert.True(done.GetProperty("watchedShare").GetDouble() >= 0.8);
        Assert.True(done.GetProperty("seen").GetBoolean());
        var progress = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}/progress"));
        Assert.Equal(1, progress.GetProperty("seen").GetInt32());
        var resumed = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync(watch));
        Assert.Equal(1.9, resumed.GetProperty("positionSeconds").GetDouble(), 1);

        // An item a course uses cannot be deleted from under it.
        await ProblemAssert.IsProblemAsync(await teacher.DeleteAsync($"/api/content/items/{itemId}"), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Progress_reaches_the_uploaders_page_over_signalr()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, cookies) = await SignInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Tiến độ xử lý");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/content"), o => o.Cookies = cookies)
            .Build();
        var events = new List<JsonElement>();
        var finished = new TaskCompletionSource();
        hub.On<JsonElement>("job", e =>
        {
            lock (events) events.Add(e);
            if (e.GetProperty("state").GetString() is "succeeded" or "failed") finished.TrySetResult();
        });
        await hub.StartAsync();
        await hub.InvokeAsync<JsonElement?>("WatchItem", Guid.Parse(itemId));

        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.SmallAsync(60), chunkSize: 4_000_000);
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(120));

        lock (events)
        {
            Assert.Equal("succeeded", events[^1].GetProperty("state").GetString());
            Assert.Equal(1.0, events[^1].GetProperty("progress").GetDouble());
            var running = events.Where(e => e.GetProperty("state").GetString() == "running").Select(e => e.GetProperty("progress").GetDouble()).ToList();
            // Progress of the encode itself, not only of the steps around it.
            Assert.True(running.Any(p => p is > 0.1 and < 0.9), "Progress seen: " + string.Join(", ", events.Select(e => $"{e.GetProperty("state")}:{e.GetProperty("progress")}")));
            Assert.Equal(running.Order(), running);
        }

        // Someone who may not see the item cannot watch it either.
        var (_, studentCookies) = await SignInAsync(LmsServer.Student1);
        await using var studentHub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/content"), o => o.Cookies = studentCookies).Build();
        await studentHub.StartAsync();
        var refused = await Assert.ThrowsAsync<HubException>(() => studentHub.InvokeAsync<JsonElement?>("WatchItem", Guid.Parse(itemId)));
        Assert.Contains("not-found", refused.Message);
    }

    [Fact]
    public async Task A_playlist_disguised_as_an_mp4_is_refused_with_its_reason_and_nothing_is_published()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Không phải video");
        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.PlaylistNamedMp4Async(), fileName: "lecture.mp4");

        var item = await ContentClient.WaitProcessedAsync(teacher, itemId);
        Assert.Equal("failed", item.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("media").ValueKind);
        var failure = item.GetProperty("lastFailure");
        Assert.Equal("playlist", failure.GetProperty("code").GetString());
        Assert.Contains("playlist", failure.GetProperty("message").GetString());
        Assert.Equal("failed", item.GetProperty("job").GetProperty("state").GetString());
        var version = Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/content/items/{itemId}/versions"))).EnumerateArray());
        Assert.Equal("failed", version.GetProperty("status").GetString());

        // Nothing was stored for it: no outputs, and the refused file itself is gone.
        var root = server.Get<IOptions<ContentOptions>>().Value.Root;
        var folder = Path.Combine(root, "items", itemId);
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Search_folds_vietnamese_filters_and_pages()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var marker = "m" + Guid.NewGuid().ToString("N")[..6];
        var quadratic = await ContentClient.CreateItemAsync(teacher, school, "link", $"Hàm số bậc hai {marker}", subject: "Toán",
            tags: ["Đại số"], url: "https://vi.wikipedia.org/wiki/H%C3%A0m_b%E1%BA%ADc_hai");
        var equation = await ContentClient.CreateItemAsync(teacher, school, "link", $"Phương trình bậc hai {marker}", subject: "Toán",
            url: "https://example.org/pt");
        await ContentClient.CreateItemAsync(teacher, school, "link", $"Lịch sử Việt Nam {marker}", subject: "Lịch sử",
            url: "https://example.org/ls", description: "Từ thời Hùng Vương");

        async Task<JsonElement> Find(string query) =>
            await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync("/api/content/items?" + query));
        static IEnumerable<string> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!);

        Assert.Equal([quadratic], Ids(await Find($"q={marker}+ham+so")));
        Assert.Equal([quadratic], Ids(await Find($"q={marker}+H%C3%80M+S%E1%BB%90")));
        Assert.Equal(new[] { quadratic, equation }.Order(), Ids(await Find($"q={marker}+bac+hai")).Order());
        Assert.Single(Ids(await Find($"q={marker}+hung+vuong")));
        Assert.Single(Ids(await Find($"q={marker}&subject=L%E1%BB%8Bch+s%E1%BB%AD")));
        Assert.Equal([quadratic], Ids(await Find($"q={marker}&tag=dai+so")));
        Assert.Empty(Ids(await Find($"q={marker}&type=video")));
        // Query syntax is never passed through.
        Assert.Empty(Ids(await Find($"q={marker}+%22+OR+*+NEAR(")));
        var paged = await Find($"q={marker}&take=2&skip=0");
        Assert.Equal(3, paged.GetProperty("total").GetInt32());
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
        var rest = await Find($"q={marker}&take=2&skip=2");
        Assert.Single(Ids(rest));
        // Without text: newest first, filtered.
        Assert.Contains(quadratic, Ids(await Find("scope=mine&type=link&take=200")));
    }

    [Fact]
    public async Task Visibility_decides_who_finds_and_opens_an_item()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var marker = "v" + Guid.NewGuid().ToString("N")[..6];
        var mine = await ContentClient.CreateItemAsync(teacher, school, "link", $"Riêng {marker}", "private", url: "https://example.org/1");
        var ours = await ContentClient.CreateItemAsync(teacher, school, "link", $"Trường {marker}", "institution", url: "https://example.org/2");
        var everyone = await ContentClient.CreateItemAsync(teacher, school, "link", $"Chung {marker}", "shared", url: "https://example.org/3");
        var email = $"gv-{marker}@other.test";
        await server.AddSchoolAsync($"Trường khác {marker}", (Roles.Teacher, "Cô Khác", email));

        async Task<IReadOnlyList<string>> Found(HttpClient client) =>
            (await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync($"/api/content/items?q={marker}")))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();

        Assert.Equal(new[] { mine, ours, everyone }.Order(), (await Found(teacher)).Order());
        var (student, _) = await SignInAsync(LmsServer.Student2);
        Assert.Equal(new[] { ours, everyone }.Order(), (await Found(student)).Order());
        var (outsider, _) = await SignInAsync(email);
        Assert.Equal([everyone], await Found(outsider));
        await ProblemAssert.IsProblemAsync(await outsider.GetAsync($"/api/content/items/{ours}"), HttpStatusCode.NotFound, "not-found");
        var (admin, _) = await SignInAsync(LmsServer.Admin);
        Assert.Equal(new[] { mine, ours, everyone }.Order(), (await Found(admin)).Order());

        // Only the owner and admins change an item.
        await ProblemAssert.IsProblemAsync(await student.PutAsJsonAsync($"/api/content/items/{ours}",
            new { title = "Đổi", url = "https://example.org/x" }), HttpStatusCode.Forbidden, "forbidden");
        var renamed = await ProblemAssert.OkAsync<JsonElement>(await admin.PutAsJsonAsync($"/api/content/items/{ours}",
            new { title = $"Trường (sửa) {marker}", url = "https://example.org/2", visibility = "institution", licence = "cc-by-sa" }));
        Assert.Equal("cc-by-sa", renamed.GetProperty("licence").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.DeleteAsync($"/api/content/items/{mine}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/content/items/{mine}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await teacher.PostAsJsonAsync("/api/content/items",
            new { institutionId = school, type = "link", title = "x", url = "javascript:alert(1)" }), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task An_upload_over_the_quota_is_refused_before_any_byte_and_admins_see_the_usage()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var (admin, _) = await SignInAsync(LmsServer.Admin);
        var repo = server.Get<ContentRepository>();
        var used = (await repo.UsageAsync(school, long.MaxValue)).UsedBytes;
        await repo.SetQuotaAsync(school, used + 50_000);
        try
        {
            var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Quá dung lượng");
            var refused = await ContentClient.CreateUploadAsync(teacher, itemId, "lon.mp4", 80_000);
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.RequestEntityTooLarge, "quota-exceeded");
            Assert.Equal(used + 50_000, problem.GetProperty("quotaBytes").GetInt64());

            // A smaller one fits, and its space is reserved at once.
            var accepted = await ContentClient.CreateUploadAsync(teacher, itemId, "nho.mp4", 30_000);
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
            var quota = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync($"/api/content/quota/{school}"));
            Assert.Equal(used + 30_000, quota.GetProperty("usedBytes").GetInt64());
            Assert.False(quota.GetProperty("canChange").GetBoolean());
            var mine = await ProblemAssert.OkAsync<JsonElement>(await admin.GetAsync("/api/content/quota"));
            Assert.Contains(mine.EnumerateArray(), q => q.GetProperty("institutionId").GetGuid() == school);
            // A second one no longer fits; abandoning the first frees its space.
            await ProblemAssert.IsProblemAsync(await ContentClient.CreateUploadAsync(teacher, itemId, "nua.mp4", 30_000),
                HttpStatusCode.RequestEntityTooLarge, "quota-exceeded");
            var terminate = ContentClient.Tus(HttpMethod.Delete, accepted.Headers.Location!.ToString());
            Assert.Equal(HttpStatusCode.NoContent, (await teacher.SendAsync(terminate)).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await ContentClient.CreateUploadAsync(teacher, itemId, "nua.mp4", 30_000)).StatusCode);

            await ProblemAssert.IsProblemAsync(await teacher.GetAsync($"/api/content/quota/{school}"), HttpStatusCode.Forbidden, "forbidden");
            // The school's own admin does not raise its own quota; an admin above it does.
            await ProblemAssert.IsProblemAsync(await admin.PutAsJsonAsync($"/api/content/quota/{school}", new { quotaBytes = 1L << 40 }),
                HttpStatusCode.Forbidden, "forbidden");
        }
        finally
        {
            await repo.SetQuotaAsync(school, server.Get<IOptions<ContentOptions>>().Value.QuotaBytes);
        }
    }

    [Fact]
    public async Task A_pdf_gets_its_first_page_and_opens_in_the_browser_and_a_picture_is_served_as_what_it_is()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var pdfId = await ContentClient.CreateItemAsync(teacher, school, "document", "Phiếu bài tập", "shared");
        await ContentClient.UploadAsync(teacher, pdfId, await MediaSamples.PdfAsync(), fileName: "phieu-bai-tap.pdf");
        var pdf = (await ContentClient.WaitProcessedAsync(teacher, pdfId)).GetProperty("media");
        Assert.Equal(2, pdf.GetProperty("pages").GetInt32());
        var preview = await teacher.GetAsync(pdf.GetProperty("previewUrl").GetString());
        Assert.Equal("image/png", preview.Content.Headers.ContentType!.MediaType);
        var open = await teacher.GetAsync(pdf.GetProperty("sourceUrl").GetString());
        Assert.Equal("application/pdf", open.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("inline", open.Content.Headers.ContentDisposition!.ToString());
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await open.Content.ReadAsByteArrayAsync())[..5]));
        var saved = await teacher.GetAsync(pdf.GetProperty("sourceUrl").GetString() + "?download=1");
        Assert.StartsWith("attachment", saved.Content.Headers.ContentDisposition!.ToString());

        // A picture whose name says PNG but which is a JPEG is served as a JPEG.
        var imageId = await ContentClient.CreateItemAsync(teacher, school, "image", "Sơ đồ");
        await ContentClient.UploadAsync(teacher, imageId, await MediaSamples.JpegAsync(), fileName: "so-do.png");
        var image = (await ContentClient.WaitProcessedAsync(teacher, imageId)).GetProperty("media");
        Assert.Equal(800, image.GetProperty("width").GetInt32());
        var picture = await teacher.GetAsync(image.GetProperty("sourceUrl").GetString());
        Assert.Equal("image/jpeg", picture.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", picture.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Subtitles_in_srt_are_kept_as_webvtt_and_served_to_viewers()
    {
        var school = await server.DemoSchoolIdAsync();
        var (teacher, _) = await SignInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Có phụ đề", "institution");
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes("1\r\n00:00:00,000 --> 00:00:01,500\r\nXin chào các em\r\n")), "file", "vi.srt" },
            { new StringContent("vi"), "language" },
            { new StringContent("Tiếng Việt"), "label" },
        };
        var added = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsync($"/api/content/items/{itemId}/subtitles", form));
        var url = added.GetProperty("url").GetString()!;
        var vtt = await teacher.GetAsync(url);
        Assert.Equal("text/vtt", vtt.Content.Headers.ContentType!.MediaType);
        var text = await vtt.Content.ReadAsStringAsync();
        Assert.StartsWith("WEBVTT", text);
        Assert.Contains("00:00:00.000 --> 00:00:01.500", text);
        var item = await ContentClient.ItemAsync(teacher, itemId);
        Assert.Equal("Tiếng Việt", item.GetProperty("subtitles")[0].GetProperty("label").GetString());

        var bad = new MultipartFormDataContent { { new ByteArrayContent("không phải phụ đề"u8.ToArray()), "file", "x.vtt" } };
        await ProblemAssert.IsProblemAsync(await teacher.PostAsync($"/api/content/items/{itemId}/subtitles", bad), HttpStatusCode.BadRequest, "validation");
    }
}
