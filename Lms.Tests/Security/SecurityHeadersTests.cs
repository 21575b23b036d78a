using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lms.Tests.Content;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Security;

/// <summary>Every kind of answer carries the browser protections: pages, the app's files, API answers and problems, content files, HLS segments.</summary>
public sealed partial class SecurityHeadersTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    [GeneratedRegex("src=\"(/assets/[^\"]+\\.js)\"")]
    private static partial Regex AppScript();

    private static void AssertProtected(HttpResponseMessage response, string what)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
            : throw new Xunit.Sdk.XunitException($"{what} ({(int)response.StatusCode}) has no {name} header");

        var csp = Header("Content-Security-Policy").Split(';', StringSplitOptions.TrimEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("script-src 'self'", csp["script-src"]);
        Assert.Equal("frame-ancestors 'none'", csp["frame-ancestors"]);
        Assert.Equal("object-src 'none'", csp["object-src"]);
        Assert.Equal("default-src 'self'", csp["default-src"]);
        Assert.Contains("blob:", csp["media-src"]);
        Assert.StartsWith("connect-src 'self' ws://127.0.0.1:", csp["connect-src"]);
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header("Referrer-Policy"));
        Assert.Contains("camera=(self), microphone=(self), display-capture=(self)", Header("Permissions-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: HSTS over plain http");
    }

    [Fact]
    public async Task Pages_app_files_api_answers_problems_content_files_and_hls_segments_carry_the_headers()
    {
        var anonymous = server.Client();
        var index = await anonymous.GetAsync("/");
        AssertProtected(index, "the app's page");
        var html = await index.Content.ReadAsStringAsync();
        // The built page runs no inline script: everything is a file from the app's own origin.
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)(?![^>]*application/ld\\+json)[^>]*>", html);
        AssertProtected(await anonymous.GetAsync(AppScript().Match(html).Groups[1].Value), "the app's script");
        AssertProtected(await anonymous.GetAsync("/sign-in"), "a client-side route");
        AssertProtected(await anonymous.GetAsync("/catalogue"), "the public catalogue page");
        AssertProtected(await anonymous.GetAsync($"/verify/{Guid.NewGuid()}"), "a certificate's verification page");
        AssertProtected(await anonymous.GetAsync("/api/identity/me"), "a 401 problem");
        AssertProtected(await anonymous.GetAsync("/api/no-such-thing"), "a 404 problem");

        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        AssertProtected(await teacher.GetAsync("/api/identity/me"), "an API answer");

        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Tiêu đề bảo mật — video", subject: "Tin học");
        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.SmallAsync(2), chunkSize: 100_000, fileName: "video.mp4");
        var item = await ContentClient.WaitProcessedAsync(teacher, itemId);
        var master = item.GetProperty("media").GetProperty("hlsUrl").GetString()!;
        var playlist = await teacher.GetAsync(master);
        Assert.Equal(HttpStatusCode.OK, playlist.StatusCode);
        AssertProtected(playlist, "an HLS playlist");
        var variant = master.Replace("master.m3u8", "360p/index.m3u8");
        var segment = (await teacher.GetStringAsync(variant)).Split('\n').First(l => l.EndsWith(".ts"));
        var segmentAnswer = await teacher.GetAsync(variant.Replace("index.m3u8", segment));
        Assert.Equal(HttpStatusCode.OK, segmentAnswer.StatusCode);
        Assert.Equal("video/mp2t", segmentAnswer.Content.Headers.ContentType!.MediaType);
        AssertProtected(segmentAnswer, "an HLS segment");

        var pictureId = await ContentClient.CreateItemAsync(teacher, school, "image", "Sơ đồ mạng", subject: "Tin học");
        await ContentClient.UploadAsync(teacher, pictureId, await MediaSamples.JpegAsync(), fileName: "so-do.jpg");
        var picture = await ContentClient.WaitProcessedAsync(teacher, pictureId);
        var source = await teacher.GetAsync(picture.GetProperty("media").GetProperty("sourceUrl").GetString()!);
        Assert.Equal(HttpStatusCode.OK, source.StatusCode);
        AssertProtected(source, "an uploaded picture");
    }
}
