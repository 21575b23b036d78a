using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Server.Hosting;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Lms.Tests.Performance;

/// <summary>
/// API answers and server pages go out compressed, except those that carry a secret (a token, a refresh token, a
/// second-step ticket) beside text a caller chose: their compressed size would leak the secret (BREACH).
/// </summary>
public sealed class ResponseCompressionTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    private static HttpRequestMessage Compressible(HttpMethod method, string path, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");
        if (json is not null) request.Content = JsonContent.Create(json);
        return request;
    }

    private static async Task<string> TextAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Stream body = new MemoryStream(bytes);
        if (response.Content.Headers.ContentEncoding.Contains("br")) body = new BrotliStream(body, CompressionMode.Decompress);
        else if (response.Content.Headers.ContentEncoding.Contains("gzip")) body = new GZipStream(body, CompressionMode.Decompress);
        using var reader = new StreamReader(body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task A_students_course_list_is_compressed_and_reads_the_same()
    {
        var student = await server.SignedInAsync(LmsServer.Student1);
        var response = await student.SendAsync(Compressible(HttpMethod.Get, "/api/courses"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        using var json = JsonDocument.Parse(await TextAsync(response));
        Assert.True(json.RootElement.GetProperty("total").GetInt32() > 0);
    }

    [Fact]
    public async Task The_server_rendered_sign_in_page_is_compressed()
    {
        var response = await server.Client().SendAsync(Compressible(HttpMethod.Get, "/sign-in"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
        Assert.Contains("action=\"/api/identity/sign-in/form\"", await TextAsync(response));
    }

    [Fact]
    public async Task Token_and_refresh_answers_are_never_compressed()
    {
        var client = server.Client();
        var token = await client.SendAsync(Compressible(HttpMethod.Post, "/api/identity/token",
            new { login = LmsServer.Student1, password = LmsServer.DemoPassword }));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Empty(token.Content.Headers.ContentEncoding);
        var refreshToken = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("refreshToken").GetString();
        Assert.False(string.IsNullOrEmpty(refreshToken));

        var refreshed = await client.SendAsync(Compressible(HttpMethod.Post, "/api/identity/refresh", new { refreshToken }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Empty(refreshed.Content.Headers.ContentEncoding);
        Assert.Contains("refreshToken", await refreshed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_in_answers_and_the_identity_reads_are_never_compressed()
    {
        var client = server.Client();
        var signIn = await client.SendAsync(Compressible(HttpMethod.Post, "/api/identity/sign-in",
            new { login = LmsServer.Student1, password = LmsServer.DemoPassword }));
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Empty(signIn.Content.Headers.ContentEncoding);

        var student = await server.SignedInAsync(LmsServer.Student1);
        foreach (var path in new[] { "/api/identity/me", "/api/identity/sessions" })
        {
            var read = await student.SendAsync(Compressible(HttpMethod.Get, path));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Empty(read.Content.Headers.ContentEncoding);
        }

        // The plain form's answer (a wrong password: the login typed is in it) is a POST answer: not compressed either.
        var form = new HttpRequestMessage(HttpMethod.Post, "/api/identity/sign-in/form")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = LmsServer.Student1, ["password"] = "wrong" }),
        };
        form.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        var failed = await client.SendAsync(form);
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        Assert.Empty(failed.Content.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData("GET", "/api/courses", true)]
    [InlineData("GET", "/catalogue", true)]
    [InlineData("POST", "/api/courses", false)]
    [InlineData("GET", "/api/setup", false)]
    [InlineData("GET", "/api/identity/two-factor", false)]
    [InlineData("GET", "/api/classroom/sessions/0190a0a0-0000-7000-8000-000000000000/media", false)]
    [InlineData("GET", "/api/classroom/sessions/0190a0a0-0000-7000-8000-000000000000", true)]
    [InlineData("GET", "/hubs/classroom", false)]
    public void The_breach_rule_by_method_and_path(string method, string path, bool compressed)
    {
        var context = new DefaultHttpContext { Request = { Method = method, Path = path } };
        Assert.Equal(compressed, SafeResponseCompression.MayCompress(context));
    }
}
