using System.Net.Http.Json;
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
    private NodeScriptServer? _node;

    public string Address { get; private set; } = "";

    public string RedirectUri(string name) => $"{Address}/callback/{name}";

    public string LoginUrl(string name, string scope, string? prompt = null) =>
        $"{Address}/login/{name}?scope={Uri.EscapeDataString(scope)}" + (prompt is null ? "" : "&prompt=" + prompt);

    public async ValueTask InitializeAsync()
    {
        _node = await NodeScriptServer.StartAsync(_package, Path.Combine("Identity", "openid-client-rp.mjs"));
        Address = _node.Address;
    }

    /// <summary>What the relying party printed (for a failing test's message).</summary>
    public string Output => _node?.Output ?? "";

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
        _node?.Dispose();
        _control.Dispose();
        return ValueTask.CompletedTask;
    }
}
