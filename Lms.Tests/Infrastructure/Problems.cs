using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Lms.Tests.Infrastructure;

public static class ProblemAssert
{
    /// <summary>Servers started by this test run; their logs are quoted when a response is not what was expected.</summary>
    public static readonly List<LmsServer> Servers = [];

    private static string ServerErrors()
    {
        lock (Servers)
            return string.Concat(Servers.SelectMany(s => s.Log.Entries.TakeLast(5)).Select(e => Environment.NewLine + e));
    }

    /// <summary>Asserts an RFC 7807 response with the given status and stable type; returns its body.</summary>
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {body}{ServerErrors()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:lms:problem:" + type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static async Task<T> OkAsync<T>(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            Assert.Fail($"Expected success but got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}{ServerErrors()}");
        return (await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web))!;
    }
}
