using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>npm <c>openid-client</c>, a certified OpenID relying party, installed by the tests once per machine.</summary>
public sealed class OpenIdClientPackage() : NpmPackage("openid-client", "6.8.9");

/// <summary>
/// A real relying party (<c>Lms.Tests/Identity/openid-client-rp.mjs</c> on npm <c>openid-client</c>) on a free loopback
/// port for a test class: a school system that signs people in with Lms. Each test registers its own client in Lms
/// and names it here; the sign-in then goes browser → this RP → Lms → back, and openid-client checks every answer.
/// </summary>
public sealed class IdentityProviderRelyingParty : IAsyncLifetime
{
    private readonly OpenIdClientPackage _package = new();
    private readonly HttpClient _control = new();
    private readonly System.Text.StringBuilder _output = new();
    private Process? _node;
    private string _script = "";

    public string Address { get; private set; } = "";

    public string RedirectUri(string name) => $"{Address}/callback/{name}";

    public string LoginUrl(string name, string scope, string? prompt = null) =>
        $"{Address}/login/{name}?scope={Uri.EscapeDataString(scope)}" + (prompt is null ? "" : "&prompt=" + prompt);

    public async ValueTask InitializeAsync()
    {
        await _package.InitializeAsync();
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        Address = $"http://127.0.0.1:{port}";
        // Next to the installed package, so that its import resolves.
        _script = Path.Combine(_package.Folder, $"openid-client-rp-{Guid.NewGuid():N}.mjs");
        File.Copy(Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Tests", "Identity", "openid-client-rp.mjs"), _script);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _node = new Process
        {
            StartInfo = new ProcessStartInfo("node", [_script, port.ToString()])
            {
                WorkingDirectory = _package.Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            },
        };
        _node.OutputDataReceived += (_, e) =>
        {
            lock (_output) _output.AppendLine(e.Data);
            if (e.Data?.StartsWith("ready ", StringComparison.Ordinal) == true) ready.TrySetResult();
        };
        _node.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _node.Start();
        _node.BeginOutputReadLine();
        _node.BeginErrorReadLine();
        if (await Task.WhenAny(ready.Task, _node.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))) != ready.Task)
            throw new InvalidOperationException("The relying party did not start: " + Output);
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Names a client Lms registered; openid-client reads Lms's discovery document. Returns that document.</summary>
    public async Task<JsonElement> AddClientAsync(string name, Uri issuer, string clientId, string? clientSecret)
    {
        var response = await _control.PostAsJsonAsync($"{Address}/test/clients",
            new { name, issuer = issuer.ToString(), client_id = clientId, client_secret = clientSecret });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"openid-client could not use Lms's discovery: {text}\n{Output}");
        return JsonDocument.Parse(text).RootElement.GetProperty("metadata");
    }

    /// <summary>The refresh token grant with the client's last refresh token, then userinfo with the new access token.</summary>
    public async Task<JsonElement> RefreshAsync(string name)
    {
        var response = await _control.PostAsync($"{Address}/test/refresh/{name}", null);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public ValueTask DisposeAsync()
    {
        if (_node is { HasExited: false }) _node.Kill(entireProcessTree: true);
        _node?.Dispose();
        _control.Dispose();
        try { File.Delete(_script); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
