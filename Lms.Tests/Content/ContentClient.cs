using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Content;

/// <summary>The library API as a test drives it: create items, upload with tus, wait for the pipeline.</summary>
public static class ContentClient
{
    public static async Task<string> CreateItemAsync(HttpClient client, Guid institutionId, string type, string title,
        string visibility = "private", string? subject = null, string[]? tags = null, string? url = null, string? description = null)
    {
        var response = await client.PostAsJsonAsync("/api/content/items", new
        {
            institutionId, type, title, description, subject, grade = "10", language = "vi", licence = "cc-by", visibility,
            tags = tags ?? [], url,
        });
        return (await ProblemAssert.OkAsync<JsonElement>(response)).GetProperty("id").GetString()!;
    }

    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(',', pairs.Select(p => p.Key + " " + Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))));

    public static HttpRequestMessage Tus(HttpMethod method, string url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    /// <summary>POST creation; returns the response (201 with Location, or a problem).</summary>
    public static async Task<HttpResponseMessage> CreateUploadAsync(HttpClient client, string itemId, string fileName, long length)
    {
        var request = Tus(HttpMethod.Post, "/api/content/uploads");
        request.Headers.Add("Upload-Length", length.ToString());
        request.Headers.Add("Upload-Metadata", Metadata(("itemId", itemId), ("filename", fileName), ("filetype", "video/mp4")));
        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, long offset, byte[] bytes, string? checksum = null)
    {
        var request = Tus(HttpMethod.Patch, location);
        request.Headers.Add("Upload-Offset", offset.ToString());
        if (checksum is not null) request.Headers.Add("Upload-Checksum", checksum);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return await client.SendAsync(request);
    }

    public static async Task<long> OffsetAsync(HttpClient client, string location)
    {
        var response = await client.SendAsync(Tus(HttpMethod.Head, location));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return long.Parse(response.Headers.GetValues("Upload-Offset").Single());
    }

    /// <summary>Uploads a whole file with tus in chunks (a HEAD between each, as a resuming client does).</summary>
    public static async Task UploadAsync(HttpClient client, string itemId, string path, int chunkSize = 256 * 1024, string? fileName = null)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        var created = await CreateUploadAsync(client, itemId, fileName ?? Path.GetFileName(path), bytes.Length);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var location = created.Headers.Location!.ToString();
        long offset = 0;
        while (offset < bytes.Length)
        {
            Assert.Equal(offset, await OffsetAsync(client, location));
            var chunk = bytes[(int)offset..(int)Math.Min(bytes.Length, offset + chunkSize)];
            var patched = await PatchAsync(client, location, offset, chunk);
            Assert.True(patched.StatusCode == HttpStatusCode.NoContent, await patched.Content.ReadAsStringAsync());
            offset = long.Parse(patched.Headers.GetValues("Upload-Offset").Single());
        }
    }

    public static async Task<JsonElement> ItemAsync(HttpClient client, string itemId) =>
        await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync($"/api/content/items/{itemId}"));

    /// <summary>Waits (bounded) until the item's processing is over: ready, or failed with a reason.</summary>
    public static async Task<JsonElement> WaitProcessedAsync(HttpClient client, string itemId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120));
        while (true)
        {
            var item = await ItemAsync(client, itemId);
            var status = item.GetProperty("status").GetString();
            var jobState = item.TryGetProperty("job", out var job) && job.ValueKind == JsonValueKind.Object ? job.GetProperty("state").GetString() : null;
            if (status is "ready" or "failed" && jobState is null or "succeeded" or "failed" or "cancelled") return item;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Item {itemId} was not processed in time: {item}");
            await Task.Delay(200);
        }
    }
}
