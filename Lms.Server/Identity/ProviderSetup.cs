using System.Security.Cryptography;
using Lms.Grains.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Lms.Server.Identity;

/// <summary>
/// Lms as an OpenID Connect provider (OpenIddict's server) for other school systems: discovery, JWKS, the authorization
/// code flow with PKCE (S256 only), refresh tokens, userinfo. OpenIddict runs in its degraded mode: it keeps nothing
/// itself, and Lms's own tables (clients, consents, single use of codes) are checked by the handlers below and by
/// <see cref="ProviderEndpoints"/>. Why not stores for OpenIddict's own model: see docs/identity-provider.md.
/// </summary>
public static class ProviderSetup
{
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string JwksPath = "/.well-known/jwks";
    public const string DiscoveryPath = "/.well-known/openid-configuration";

    public static IServiceCollection AddIdentityProvider(this IServiceCollection services)
    {
        services.AddSingleton<ProviderClientRepository>();
        services.AddSingleton<ProviderKeys>();
        services.AddSingleton<ProviderConsentPage>();
        services.AddOpenIddict().AddServer(options =>
        {
            options.SetAuthorizationEndpointUris(AuthorizePath[1..])
                .SetTokenEndpointUris(TokenPath[1..])
                .SetUserInfoEndpointUris(UserInfoPath[1..])
                .SetJsonWebKeySetEndpointUris(JwksPath[1..]);
            options.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow();
            options.RequireProofKeyForCodeExchange();
            options.RegisterScopes(ProviderScopes.All);
            options.RegisterClaims(ProviderScopes.Claims);
            options.SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(5))
                .SetAccessTokenLifetime(TimeSpan.FromHours(1))
                .SetIdentityTokenLifetime(TimeSpan.FromMinutes(20))
                .SetRefreshTokenLifetime(ProviderKeys.RefreshTokenLifetime);
            options.EnableDegradedMode();
            // The HTTPS rule is ProviderTransportMiddleware's: loopback may be plain HTTP (a development machine, the tests).
            options.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableUserInfoEndpointPassthrough()
                .DisableTransportSecurityRequirement();
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler
                .UseScopedHandler<ClientOnAuthorization>()
                .SetOrder(OpenIddictServerHandlers.Authentication.ValidateClientRedirectUri.Descriptor.Order));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler
                .UseScopedHandler<ClientOnToken>()
                .SetOrder(OpenIddictServerHandlers.Exchange.ValidateClientIdParameter.Descriptor.Order + 1));
        });
        // The keys come from the database (made on first use, the same on every server and after every restart).
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ProviderKeyOptions>();
        return services;
    }

    /// <summary>Before authentication: the provider's endpoints answer only over HTTPS, except on loopback.</summary>
    public static IApplicationBuilder UseIdentityProviderTransport(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var path = http.Request.Path;
        if (!http.Request.IsHttps && !IsLoopback(http.Request.Host.Host)
            && (path.StartsWithSegments("/connect") || path == DiscoveryPath || path == JwksPath))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.BadRequest, "HTTPS required",
                "The identity provider answers over HTTPS only.", new Dictionary<string, object?> { ["code"] = "https-required" });
        }
        await next(http);
    });

    private static bool IsLoopback(string host) =>
        host is "localhost" or "127.0.0.1" or "[::1]" or "::1";
}

/// <summary>
/// The provider's signing key (RSA, for RS256 ID tokens) and the key that encrypts its own codes and tokens (AES),
/// kept in the database encrypted with the data protection key ring, like the institutions' credential keys: every
/// server signs with the same key, and tokens given before a restart stay valid.
/// </summary>
public sealed class ProviderKeys(ProviderClientRepository repository, IDataProtectionProvider protection)
{
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    private readonly IDataProtector _protector = protection.CreateProtector("Lms.Identity.ProviderKeys.v1");

    public async Task<(SecurityKey Signing, SecurityKey Encryption)> LoadAsync()
    {
        var signing = _protector.Unprotect(await repository.KeyAsync("signing", () =>
        {
            using var rsa = RSA.Create(2048);
            return _protector.Protect(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey()));
        }));
        var encryption = _protector.Unprotect(await repository.KeyAsync("encryption", () =>
            _protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)))));
        var rsaKey = RSA.Create();
        rsaKey.ImportPkcs8PrivateKey(Convert.FromBase64String(signing), out _);
        var signingKey = new RsaSecurityKey(rsaKey);
        signingKey.KeyId = Base64UrlEncoder.Encode(signingKey.ComputeJwkThumbprint());
        return (signingKey, new SymmetricSecurityKey(Convert.FromBase64String(encryption)));
    }
}

/// <summary>Adds the stored keys to OpenIddict's options when they are first needed (after the migrations ran).</summary>
public sealed class ProviderKeyOptions(ProviderKeys keys) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var (signing, encryption) = keys.LoadAsync().GetAwaiter().GetResult();
        options.SigningCredentials.Add(new SigningCredentials(signing, SecurityAlgorithms.RsaSha256));
        options.EncryptionCredentials.Add(new EncryptingCredentials(encryption, SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        // S256 only: a "plain" challenge protects nothing against someone who sees the authorization request.
        options.CodeChallengeMethods.Clear();
        options.CodeChallengeMethods.Add(CodeChallengeMethods.Sha256);
    }
}

/// <summary>
/// An authorization request names a registered client, one of its exact redirect URIs, and only scopes it was
/// registered for. A request that fails here is answered by the provider itself, never sent to the unknown address.
/// </summary>
public sealed class ClientOnAuthorization(ProviderClientRepository clients) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
{
    public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
    {
        var request = context.Request;
        if (string.IsNullOrEmpty(request.ClientId) || await clients.FindAsync(request.ClientId) is not { } client)
        {
            context.Reject(Errors.InvalidClient, "The client is not registered.");
            return;
        }
        if (string.IsNullOrEmpty(request.RedirectUri) || !client.RedirectUriList.Contains(request.RedirectUri, StringComparer.Ordinal))
        {
            context.Reject(Errors.InvalidRequest, "The redirect_uri is not one registered for this client.");
            return;
        }
        context.SetRedirectUri(request.RedirectUri);
        // OpenIddict answers a refusal here itself (400), before anything is sent to the client.
        if (request.GetScopes().Any(s => !client.ScopeList.Contains(s)))
            context.Reject(Errors.InvalidScope, "The client is not registered for a scope it asked for.");
    }
}

/// <summary>
/// A token request comes from a registered client: a confidential one proves it with its secret (basic or post), a
/// public one sends none (its proof is the PKCE verifier, which OpenIddict checks against the code's challenge).
/// </summary>
public sealed class ClientOnToken(ProviderClientRepository clients) : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    public async ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        var request = context.Request;
        if (string.IsNullOrEmpty(request.ClientId) || await clients.FindAsync(request.ClientId) is not { } client)
        {
            context.Reject(Errors.InvalidClient, "The client is not registered.");
            return;
        }
        if (client.Confidential != !string.IsNullOrEmpty(request.ClientSecret)
            || client.Confidential && !ProviderSecrets.Matches(request.ClientSecret!, client.SecretHash!))
            context.Reject(Errors.InvalidClient, "The client could not be authenticated.");
    }
}

/// <summary>Client secrets: 256 random bits, shown once; only their SHA-256 is kept (a random secret needs no slow hash).</summary>
public static class ProviderSecrets
{
    public static string New() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(Hash(secret)), Convert.FromBase64String(hash));
}
