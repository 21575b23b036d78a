using System.Collections.Concurrent;
using Lms.Grains.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Lms.Server.Identity;

/// <summary>
/// <c>Identity:ExternalSignIn</c>: how long a call to a provider (discovery, keys, the token endpoint) may take before the
/// sign-in page says the provider cannot be reached.
/// </summary>
public sealed class ExternalSignInOptions
{
    public const string Section = "Identity:ExternalSignIn";

    public TimeSpan ProviderTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// One ASP.NET Core OpenID Connect scheme per provider, made when a sign-in with it starts or comes back (the providers
/// live in the database, not in configuration). The handler does the protocol: discovery, the authorization code flow
/// with PKCE, state and nonce in protected cookies, the ID token's signature (JWKS), issuer, audience, lifetime and
/// nonce. A scheme is rebuilt when its provider was edited (on any server: the row's <c>updated_at</c> is compared).
/// What happens with the validated token is <see cref="ExternalSignIn"/>'s business.
/// </summary>
public sealed class OidcSchemes(
    IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> optionsCache, IDataProtectionProvider protection,
    IOptions<ExternalSignInOptions> settings)
{
    public const string CallbackPrefix = "/api/identity/external/";

    private readonly IDataProtector _secrets = protection.CreateProtector(SecretPurpose);
    private readonly ConcurrentDictionary<Guid, (DateTimeOffset Stamp, OpenIdConnectOptions Options)> _built = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The data protection purpose of stored client secrets.</summary>
    public const string SecretPurpose = "Lms.Identity.OidcClientSecret";

    private const string SchemePrefix = "oidc-";

    public static string SchemeOf(Guid providerId) => SchemePrefix + providerId.ToString("N");

    public static bool IsProviderScheme(AuthenticationScheme scheme) => scheme.Name.StartsWith(SchemePrefix, StringComparison.Ordinal);

    public static string CallbackPathOf(Guid providerId) => $"{CallbackPrefix}{providerId:N}/callback";

    /// <summary>The provider id in a start or callback path of ours, if it is one.</summary>
    public static Guid? ProviderInPath(PathString path)
    {
        if (!path.StartsWithSegments(CallbackPrefix.TrimEnd('/'), out var rest)) return null;
        var segment = rest.Value?.TrimStart('/').Split('/')[0];
        return Guid.TryParse(segment, out var id) ? id : null;
    }

    /// <summary>The options of the provider's scheme, registering or rebuilding it when needed.</summary>
    public async Task<OpenIdConnectOptions> EnsureAsync(OidcProviderRow provider)
    {
        var name = SchemeOf(provider.Id);
        if (_built.TryGetValue(provider.Id, out var built) && built.Stamp == provider.UpdatedAt && await schemes.GetSchemeAsync(name) is not null)
            return built.Options;
        await _gate.WaitAsync();
        try
        {
            if (_built.TryGetValue(provider.Id, out built) && built.Stamp == provider.UpdatedAt && await schemes.GetSchemeAsync(name) is not null)
                return built.Options;
            optionsCache.TryRemove(name);
            var options = Build(provider, name);
            optionsCache.TryAdd(name, options);
            if (await schemes.GetSchemeAsync(name) is null)
                schemes.TryAddScheme(new AuthenticationScheme(name, provider.DisplayName, typeof(OpenIdConnectHandler)));
            _built[provider.Id] = (provider.UpdatedAt, options);
            return options;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets a provider's scheme (it was removed, or its discovery failed and should be tried afresh).</summary>
    public void Forget(Guid providerId)
    {
        _built.TryRemove(providerId, out _);
        optionsCache.TryRemove(SchemeOf(providerId));
    }

    private OpenIdConnectOptions Build(OidcProviderRow provider, string name)
    {
        var issuer = new Uri(provider.Issuer);
        var options = new OpenIdConnectOptions
        {
            Authority = provider.Issuer,
            ClientId = provider.ClientId,
            ClientSecret = _secrets.Unprotect(provider.ProtectedClientSecret),
            ResponseType = OpenIdConnectResponseType.Code,
            // The answer comes back as a top-level GET: the correlation and nonce cookies can then be SameSite=Lax.
            ResponseMode = OpenIdConnectResponseMode.Query,
            UsePkce = true,
            CallbackPath = CallbackPathOf(provider.Id),
            SignInScheme = AuthSchemes.Cookie,
            // Claims by their names in the token (sub, email, email_verified), not mapped to WS-Federation URIs.
            MapInboundClaims = false,
            GetClaimsFromUserInfoEndpoint = false,
            SaveTokens = false,
            DisableTelemetry = true,
            // Plain HTTP only to a provider on this machine (the tests' own OP); anything else must be HTTPS.
            RequireHttpsMetadata = !issuer.IsLoopback,
            BackchannelTimeout = settings.Value.ProviderTimeout,
            RemoteAuthenticationTimeout = TimeSpan.FromMinutes(15),
        };
        options.Scope.Clear();
        options.Scope.Add("openid");
        options.Scope.Add("email");
        options.Scope.Add("profile");
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Path = CallbackPrefix.TrimEnd('/');
        }
        options.Events.OnTicketReceived = context => context.HttpContext.RequestServices.GetRequiredService<ExternalSignIn>()
            .CompleteAsync(context, provider.Id);
        options.Events.OnRemoteFailure = context => context.HttpContext.RequestServices.GetRequiredService<ExternalSignIn>()
            .FailedAsync(context, provider.Id);
        new OpenIdConnectPostConfigureOptions(protection).PostConfigure(name, options);
        options.Validate(name);
        return options;
    }
}

/// <summary>
/// Before authentication runs: a request to a provider's start or callback path makes sure its scheme exists on this
/// server (after a restart, or when another server started the sign-in), and a callback is handed to that provider's
/// handler alone.
/// </summary>
public sealed class OidcSchemeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, OidcSchemes schemes, OidcProviderRepository providers, IAuthenticationHandlerProvider handlers)
    {
        if (OidcSchemes.ProviderInPath(http.Request.Path) is { } providerId && await providers.GetAsync(providerId) is { } provider)
        {
            await schemes.EnsureAsync(provider);
            if (http.Request.Path == OidcSchemes.CallbackPathOf(provider.Id)
                && await handlers.GetHandlerAsync(http, OidcSchemes.SchemeOf(provider.Id)) is IAuthenticationRequestHandler handler
                && await handler.HandleRequestAsync())
                return;
        }
        await next(http);
    }
}

/// <summary>
/// The schemes whose handlers look at every request, without the providers' ones: with a scheme per provider, every
/// request would otherwise make a handler for each provider used since the server started, only for it to see that the
/// path is not its callback. <see cref="OidcSchemeMiddleware"/> runs a provider's handler for its own callback.
/// </summary>
public sealed class LmsAuthenticationSchemeProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options)
{
    public override async Task<IEnumerable<AuthenticationScheme>> GetRequestHandlerSchemesAsync() =>
        (await base.GetRequestHandlerSchemesAsync()).Where(s => !OidcSchemes.IsProviderScheme(s)).ToList();
}

public static class ExternalSignInSetup
{
    public static IServiceCollection AddExternalSignIn(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ExternalSignInOptions>(configuration.GetSection(ExternalSignInOptions.Section));
        services.AddSingleton<OidcProviderRepository>();
        services.AddSingleton<OidcSchemes>();
        // Before AddAuthentication, which only adds its own scheme provider when none is there.
        services.AddSingleton<IAuthenticationSchemeProvider, LmsAuthenticationSchemeProvider>();
        services.AddScoped<ExternalSignIn>();
        services.AddScoped<ProviderAdmins>();
        return services;
    }

    /// <summary>Goes before <c>UseAuthentication</c>: a provider's callback needs its scheme registered on this server.</summary>
    public static IApplicationBuilder UseExternalSignInSchemes(this IApplicationBuilder app) => app.UseMiddleware<OidcSchemeMiddleware>();
}
