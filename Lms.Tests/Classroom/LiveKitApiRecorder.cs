using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Lms.Server.Classroom.LiveKit;

namespace Lms.Tests.Classroom;

/// <summary>
/// A loopback listener standing where LiveKit's server API would be (LiveKit cannot run here): it
/// records every Twirp request (path, content type, JSON body, the grant of the token that signed it),
/// refuses a request whose token does not verify with the API key and secret (401, as LiveKit does),
/// and answers in LiveKit's shape: what <see cref="Answers"/> holds for the method, else <c>{}</c>.
/// </summary>
public sealed class LiveKitApiRecorder : IDisposable
{
    public sealed record Call(string Path, string? ContentType, JsonNode? Body, JsonNode? Grant)
    {
        /// <summary>The Twirp method: <c>/twirp/livekit.RoomService/CreateRoom</c> → <c>CreateRoom</c>.</summary>
        public string Method => Path.Split('/').Last();
    }

    private readonly HttpListener _listener = new();
    private readonly List<Call> _calls = [];
    private readonly LiveKitTokens _tokens;

    public LiveKitApiRecorder(string key, string secret)
    {
        _tokens = new LiveKitTokens(new LiveKitOptions { ApiKey = key, ApiSecret = secret }, TimeProvider.System);
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}";
        }
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    /// <summary>The answer's JSON by Twirp method (e.g. the participants <c>ListParticipants</c> reports).</summary>
    public ConcurrentDictionary<string, string> Answers { get; } = new();

    public List<Call> Calls
    {
        get { lock (_calls) return _calls.ToList(); }
    }

    /// <summary>The calls so far, forgetting them.</summary>
    public List<Call> Take()
    {
        lock (_calls)
        {
            var copy = _calls.ToList();
            _calls.Clear();
            return copy;
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            JsonNode? grant;
            try
            {
                grant = _tokens.Verify((context.Request.Headers["Authorization"] ?? "").Replace("Bearer ", ""))["video"]?.DeepClone();
            }
            catch (LiveKitAuthException)
            {
                await AnswerAsync(context, HttpStatusCode.Unauthorized, """{"code":"unauthenticated","msg":"invalid token"}""");
                continue;
            }
            var call = new Call(context.Request.Url!.AbsolutePath, context.Request.ContentType?.Split(';')[0],
                string.IsNullOrEmpty(body) ? null : JsonNode.Parse(body), grant);
            lock (_calls) _calls.Add(call);
            await AnswerAsync(context, HttpStatusCode.OK, Answers.GetValueOrDefault(call.Method, "{}"));
        }
    }

    private static async Task AnswerAsync(HttpListenerContext context, HttpStatusCode status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
