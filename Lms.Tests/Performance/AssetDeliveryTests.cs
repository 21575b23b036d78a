using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Lms.Server.Hosting;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Performance;

/// <summary>
/// A phone on 3G pays for every byte: the web app's files go out Brotli- or gzip-compressed (copies made at build
/// time), the hashed ones under /assets/ are cached for good, and the rest (index.html and its like) is revalidated.
/// </summary>
public sealed partial class AssetDeliveryTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    private async Task<string> MainScriptAsync()
    {
        var html = await server.Client().GetStringAsync("/sign-in");
        return ModuleScript().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("No module script in: " + html);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, params string[] encodings)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var encoding in encodings) request.Headers.AcceptEncoding.Add(StringWithQualityHeaderValue.Parse(encoding));
        return await server.Client().SendAsync(request);
    }

    [Fact]
    public async Task The_main_script_comes_brotli_or_gzip_encoded_far_smaller_and_immutable_and_plain_to_a_client_that_asks_for_neither()
    {
        var script = await MainScriptAsync();
        Assert.StartsWith("/assets/", script);

        var plain = await GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var plainBytes = await plain.Content.ReadAsByteArrayAsync();
        Assert.Equal(File.ReadAllBytes(Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Web", "dist", script.TrimStart('/'))), plainBytes);

        foreach (var (accept, coding) in new[] { ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip") })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, script);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", accept);
            var response = await server.Client().SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal([coding], response.Content.Headers.ContentEncoding);
            Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(PrecompressedFiles.Immutable, response.Headers.CacheControl?.ToString());
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
            var sent = await response.Content.ReadAsByteArrayAsync();
            // A minified script shrinks to well under half; what arrives decodes to the very file.
            Assert.True(sent.Length * 2 < plainBytes.Length, $"{coding}: {sent.Length} bytes of {plainBytes.Length}");
            Assert.Equal(plainBytes, Decode(sent, coding));
        }
        Assert.Equal(PrecompressedFiles.Immutable, plain.Headers.CacheControl?.ToString());
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
    }

    [Fact]
    public async Task Index_html_and_the_other_unhashed_files_are_revalidated_by_their_etag_never_kept_as_immutable()
    {
        foreach (var path in new[] { "/index.html", "/manifest.webmanifest" })
        {
            var response = await GetAsync(path, "br");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoCache, $"{path}: {response.Headers.CacheControl}");
            Assert.DoesNotContain("immutable", response.Headers.CacheControl?.ToString());
            var etag = response.Headers.ETag ?? throw new InvalidOperationException($"{path} has no ETag");

            var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            again.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.NotModified, (await server.Client().SendAsync(again)).StatusCode);
        }
    }

    [Fact]
    public async Task A_page_of_the_client_side_app_is_its_index_html_revalidated_each_time()
    {
        var response = await GetAsync("/courses/" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
    }

    private static byte[] Decode(byte[] data, string coding)
    {
        using var input = new MemoryStream(data);
        using Stream decoder = coding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    // The main script: the module script that is not async (the early script, src/early.ts, is small and async).
    [GeneratedRegex("<script type=\"module\" crossorigin src=\"([^\"]+)\"")]
    private static partial Regex ModuleScript();
}
