using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Lms.Grains.Content;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Content;

/// <summary>A server with small size limits, so that refusing by size needs no large file.</summary>
public sealed class TusLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Content:MaxImageBytes=50000"];
}

/// <summary>
/// The tus 1.0 server, request by request, and the real tus-js-client (from npm, under Node)
/// uploading to it with an interruption and a resume.
/// </summary>
public sealed class TusProtocolTests(TusLmsServer server) : IClassFixture<TusLmsServer>
{
    private async Task<(HttpClient Client, string ItemId)> VideoItemAsync(string login = LmsServer.Teacher, string type = "video")
    {
        var client = await server.SignedInAsync(login);
        return (client, await ContentClient.CreateItemAsync(client, await server.DemoSchoolIdAsync(), type, "Tải lên " + type));
    }

    [Fact]
    public async Task Options_announce_the_version_extensions_and_checksum_algorithm()
    {
        var client = await server.SignedInAsync(LmsServer.Teacher);
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/content/uploads"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", response.Headers.GetValues("Tus-Version").Single());
        Assert.Equal("creation,termination,checksum,expiration", response.Headers.GetValues("Tus-Extension").Single());
        Assert.Equal("sha1", response.Headers.GetValues("Tus-Checksum-Algorithm").Single());
    }

    [Fact]
    public async Task Creation_checks_the_protocol_version_length_type_size_and_owner()
    {
        var (client, itemId) = await VideoItemAsync();

        var noVersion = new HttpRequestMessage(HttpMethod.Post, "/api/content/uploads");
        noVersion.Headers.Add("Upload-Length", "10");
        var refused = await client.SendAsync(noVersion);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal("1.0.0", refused.Headers.GetValues("Tus-Version").Single());

        var deferred = ContentClient.Tus(HttpMethod.Post, "/api/content/uploads");
        deferred.Headers.Add("Upload-Defer-Length", "1");
        deferred.Headers.Add("Upload-Metadata", ContentClient.Metadata(("itemId", itemId), ("filename", "a.mp4")));
        await ProblemAssert.IsProblemAsync(await client.SendAsync(deferred), HttpStatusCode.BadRequest, "bad-request");

        var wrongType = await ContentClient.CreateUploadAsync(client, itemId, "setup.exe", 1000);
        await ProblemAssert.IsProblemAsync(wrongType, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        await ProblemAssert.IsProblemAsync(await ContentClient.CreateUploadAsync(client, itemId, "empty.mp4", 0),
            HttpStatusCode.BadRequest, "validation");

        // Each type has its size limit (a picture here at most 50 kB), refused before a byte is sent.
        var (_, imageId) = await VideoItemAsync(type: "image");
        var tooBig = await ContentClient.CreateUploadAsync(client, imageId, "anh.jpg", 60_000);
        var problem = await ProblemAssert.IsProblemAsync(tooBig, HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Equal(50_000, problem.GetProperty("maxBytes").GetInt64());

        // Only the item's owner (or an admin) uploads to it.
        var student = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await ContentClient.CreateUploadAsync(student, itemId, "a.mp4", 100), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Offsets_checksums_termination_and_method_override_follow_the_protocol()
    {
        var (client, itemId) = await VideoItemAsync();
        var bytes = await File.ReadAllBytesAsync(await MediaSamples.SmallAsync(2));
        var created = await ContentClient.CreateUploadAsync(client, itemId, "clip.mp4", bytes.Length);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.Contains("Upload-Expires"));
        var location = created.Headers.Location!.ToString();
        Assert.Equal(0, await ContentClient.OffsetAsync(client, location));

        var first = bytes[..10_000];
        var wrong = await ContentClient.PatchAsync(client, location, 5, first);
        var conflict = await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(0, conflict.GetProperty("offset").GetInt64());

        var plain = ContentClient.Tus(HttpMethod.Patch, location);
        plain.Headers.Add("Upload-Offset", "0");
        plain.Content = new ByteArrayContent(first);
        plain.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await ProblemAssert.IsProblemAsync(await client.SendAsync(plain), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        // A checksum that does not match: 460, and nothing of that chunk is kept.
        var badSum = "sha1 " + Convert.ToBase64String(SHA1.HashData("something else"u8));
        var mismatch = await ContentClient.PatchAsync(client, location, 0, first, badSum);
        Assert.Equal(460, (int)mismatch.StatusCode);
        Assert.Equal(0, await ContentClient.OffsetAsync(client, location));
        var goodSum = "sha1 " + Convert.ToBase64String(SHA1.HashData(first));
        var good = await ContentClient.PatchAsync(client, location, 0, first, goodSum);
        Assert.Equal(HttpStatusCode.NoContent, good.StatusCode);
        Assert.Equal("10000", good.Headers.GetValues("Upload-Offset").Single());
        await ProblemAssert.IsProblemAsync(await ContentClient.PatchAsync(client, location, 10_000, first, "md5 AAAA"),
            HttpStatusCode.BadRequest, "bad-request");

        // Another person's upload does not exist for them.
        var other = await server.SignedInAsync(LmsServer.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(ContentClient.Tus(HttpMethod.Head, location))).StatusCode);

        // POST with X-HTTP-Method-Override: PATCH, for proxies that pass only GET and POST.
        var overridden = ContentClient.Tus(HttpMethod.Post, location);
        overridden.Headers.Add("X-HTTP-Method-Override", "PATCH");
        overridden.Headers.Add("Upload-Offset", "10000");
        overridden.Content = new ByteArrayContent(bytes[10_000..20_000]);
        overridden.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(overridden)).StatusCode);
        Assert.Equal(20_000, await ContentClient.OffsetAsync(client, location));

        // Termination: gone afterwards.
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(ContentClient.Tus(HttpMethod.Delete, location))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(ContentClient.Tus(HttpMethod.Head, location))).StatusCode);
    }

    [Fact]
    public async Task A_request_cut_off_mid_body_keeps_what_arrived_and_the_upload_resumes_from_there()
    {
        var (client, itemId) = await VideoItemAsync();
        var bytes = await File.ReadAllBytesAsync(await MediaSamples.SmallAsync(3));
        var created = await ContentClient.CreateUploadAsync(client, itemId, "phone.mp4", bytes.Length);
        var location = created.Headers.Location!.ToString();

        // The body stops after 60 % and the connection is torn down, as when a phone loses its network.
        var cut = bytes.Length * 6 / 10;
        using (var aborting = new CancellationTokenSource())
        {
            var request = ContentClient.Tus(HttpMethod.Patch, location);
            request.Headers.Add("Upload-Offset", "0");
            request.Content = new BrokenContent(bytes, cut, aborting);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
            request.Content.Headers.ContentLength = bytes.Length;
            await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(request, aborting.Token));
        }
        var offset = await WaitForSteadyOffsetAsync(client, location);
        Assert.InRange(offset, 1, cut);

        var rest = await ContentClient.PatchAsync(client, location, offset, bytes[(int)offset..]);
        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        var item = await ContentClient.WaitProcessedAsync(client, itemId);
        Assert.Equal("ready", item.GetProperty("status").GetString());
        var version = await server.Get<ContentRepository>().GetVersionAsync(item.GetProperty("media").GetProperty("versionId").GetGuid());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(bytes)), version!.SourceSha1);
    }

    [Fact]
    public async Task Tus_js_client_under_node_is_interrupted_resumes_and_the_video_is_published()
    {
        var (client, itemId) = await VideoItemAsync();
        var token = await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/token",
            new { login = LmsServer.Teacher, password = LmsServer.DemoPassword }));
        var file = await MediaSamples.MakeAsync("tus-node.mp4",
            "-f lavfi -i testsrc2=s=640x360:r=25:d=6 -f lavfi -i sine=d=6 -c:v libx264 -preset ultrafast -b:v 6M -c:a aac -shortest");
        var stdout = await NodeScript.RunAsync(Path.Combine("Content", "tus-resume.mjs"),
            new Uri(server.BaseAddress, "/api/content/uploads").ToString(), token.GetProperty("accessToken").GetString()!, itemId, file);

        var result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        var size = result.GetProperty("size").GetInt64();
        var kept = result.GetProperty("offsetAfterAbort").GetInt64();
        Assert.InRange(kept, 1, size - 1);
        Assert.True(result.GetProperty("resumedFrom").GetInt64() >= kept, $"Resumed from {result.GetProperty("resumedFrom")} after {kept} were kept.");

        var item = await ContentClient.WaitProcessedAsync(client, itemId);
        Assert.Equal("ready", item.GetProperty("status").GetString());
        var version = await server.Get<ContentRepository>().GetVersionAsync(item.GetProperty("media").GetProperty("versionId").GetGuid());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(file))), version!.SourceSha1);
        Assert.Equal("phone-video.mp4", version.SourceName);
    }

    private static async Task<long> WaitForSteadyOffsetAsync(HttpClient client, string location)
    {
        long last = -1;
        for (var i = 0; i < 50; i++)
        {
            var offset = await ContentClient.OffsetAsync(client, location);
            if (offset == last && offset > 0) return offset;
            last = offset;
            await Task.Delay(100);
        }
        return last;
    }

    /// <summary>A request body that sends part of its bytes, then tears the connection down.</summary>
    private sealed class BrokenContent(byte[] bytes, int cut, CancellationTokenSource abort) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, cut));
            await stream.FlushAsync();
            await Task.Delay(300);
            await abort.CancelAsync();
            throw new IOException("The phone lost its connection.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
