using System.Net.Http.Json;
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
    private NodeScriptServer? _node;

    public string Issuer { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        _node = await NodeScriptServer.StartAsync(_package, Path.Combine("Identity", "oidc-provider.mjs"));
        Issuer = _node.Address;
    }

    /// <summary>What the provider printed (for a failing test's message).</summary>
    public string Output => _node?.Output ?? "";

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
        _node?.Dispose();
        _control.Dispose();
        return ValueTask.CompletedTask;
    }
}
