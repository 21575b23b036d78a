using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>npm <c>oidc-provider</c>, a certified OpenID Provider, installed by the tests once per machine.</summary>
public sealed class OidcProviderPackage() : NpmPackage("oidc-provider", "9.13.3");

/// <summary>
/// A real OpenID Provider (<c>Lms.Tests/Identity/oidc-provider.mjs</c> on npm <c>oidc-provider</c>) on a free loopback
/// port for a test class; each test adds the client (its Lms redirect URI) and the provider accounts it needs.
/// </summary>
public sealed class OidcProviderServer : IAsyncLifetime
{
    private readonly OidcProviderPackage _package = new();
    private readonly HttpClient _control = new();
    private Process? _node;
    private string _script = "";
    private readonly System.Text.StringBuilder _output = new();

    public string Issuer { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        await _package.InitializeAsync();
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        Issuer = $"http://127.0.0.1:{port}";
        // Next to the installed package, so that its import resolves.
        _script = Path.Combine(_package.Folder, $"oidc-provider-{Guid.NewGuid():N}.mjs");
        File.Copy(Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Tests", "Identity", "oidc-provider.mjs"), _script);
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
        var exited = _node.WaitForExitAsync();
        if (await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60))) != ready.Task)
            throw new InvalidOperationException("oidc-provider did not start: " + Output);
    }

    /// <summary>What the provider printed (for a failing test's message).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Registers a confidential client of this provider with one redirect URI.</summary>
    public async Task AddClientAsync(string clientId, string clientSecret, string redirectUri) =>
        (await _control.PostAsJsonAsync($"{Issuer}/test/clients",
            new { client_id = clientId, client_secret = clientSecret, redirect_uris = new[] { redirectUri } })).EnsureSuccessStatusCode();

    /// <summary>Adds (or changes) an account; <paramref name="sub"/> is what one types as the login on the provider's page.</summary>
    public async Task AddAccountAsync(string sub, string email, bool emailVerified, string name) =>
        (await _control.PostAsJsonAsync($"{Issuer}/test/accounts",
            new { sub, email, email_verified = emailVerified, name })).EnsureSuccessStatusCode();

    public ValueTask DisposeAsync()
    {
        if (_node is { HasExited: false }) _node.Kill(entireProcessTree: true);
        _node?.Dispose();
        _control.Dispose();
        try { File.Delete(_script); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
