using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Problems;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Identity;

/// <summary>
/// A provider as its institution's admins see it: never the client secret, only whether one is stored; the redirect
/// URI to register at the provider and the direct sign-in link to hand out.
/// </summary>
public sealed record SignInProviderView(
    Guid Id, string DisplayName, string Issuer, string ClientId, bool HasClientSecret, IReadOnlyList<string> Domains,
    bool CreatesAccounts, string? NewPersonRole, string RedirectUri, string SignInUrl);

public sealed record SignInProviderRequest(
    [property: Required, StringLength(100, MinimumLength = 2)] string DisplayName,
    [property: Required, StringLength(200)] string Issuer,
    [property: Required, StringLength(200)] string ClientId,
    // Required when a provider is connected; on a change, null keeps the stored one.
    [property: StringLength(1000)] string? ClientSecret,
    [property: Required, MaxLength(OidcProviderEndpoints.MaxDomains)] IReadOnlyList<string> Domains,
    bool CreatesAccounts = false,
    [property: StringLength(20)] string? NewPersonRole = null);

/// <summary>The provider that vouches for a typed address, for the sign-in page's "with the school account" button.</summary>
public sealed record ExternalProviderHint(Guid ProviderId, string DisplayName, string InstitutionName, string SignInUrl);

public static partial class OidcProviderEndpoints
{
    public const int MaxDomains = 20;

    /// <summary>The roles a person made on first sign-in may get: never an admin.</summary>
    private static readonly string[] NewPersonRoles = [Roles.Student, Roles.Teacher];

    public static void MapExternalSignInEndpoints(this RouteGroupBuilder api)
    {
        var identity = api.MapGroup("/identity/external").WithTags("Identity");
        identity.MapGet("/providers", Providers).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy).ProducesProblems(429)
            .WithSummary("The institution provider (if any) that vouches for an e-mail address's domain, for the sign-in page.");
        // A browser navigation (a redirect to the provider), not an API call.
        identity.MapGet("/{providerId:guid}/start", Start).AllowAnonymous().RequireRateLimiting(SignInRateLimit.Policy).ExcludeFromDescription();

        var group = api.MapGroup("/institutions/{institutionId:guid}/sign-in-providers").ProducesProblems(404, 403).WithTags("Identity");
        group.MapGet("", List).WithSummary("The institution's OpenID Connect providers (admins of it, platform admins).");
        group.MapPost("", Create).ProducesProblems(400, 409).WithSummary("Connect an OpenID Connect provider (admins of it, platform admins).");
        group.MapPut("/{providerId:guid}", Update).ProducesProblems(400, 409)
            .WithSummary("Change a provider; a null client secret keeps the stored one (admins of it, platform admins).");
        group.MapDelete("/{providerId:guid}", Delete).WithSummary("Disconnect a provider and its links to people's accounts.");
    }

    private static async Task<IReadOnlyList<ExternalProviderHint>> Providers(string? email, HttpContext http, OidcProviderRepository providers)
    {
        if (email is null || email.Length > 320 || ExternalSignIn.DomainOf(email) is not { } domain) return [];
        return await providers.ForDomainAsync(domain) is { } found
            ? [new ExternalProviderHint(found.ProviderId, found.DisplayName, found.InstitutionName, StartPath(found.ProviderId))]
            : [];
    }

    private static string StartPath(Guid providerId) => $"{OidcSchemes.CallbackPrefix}{providerId:N}/start";

    private static async Task<IResult> Start(
        Guid providerId, string? next, HttpContext http, OidcProviderRepository providers, OidcSchemes schemes, ILogger<ExternalSignIn> log)
    {
        var target = Web.AppMarkup.SafeNext(next);
        if (await providers.GetAsync(providerId) is not { } provider)
            return await SignInPages.ExternalRefusalResultAsync(http, ExternalRefusals.Failed, target, StatusCodes.Status404NotFound);
        var options = await schemes.EnsureAsync(provider);
        // Discovery first, with a bounded wait: a provider that is down is a sentence on the sign-in page, not a 500.
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(options.BackchannelTimeout);
            await options.ConfigurationManager!.GetConfigurationAsync(timeout.Token);
        }
        catch (Exception error) when (!http.RequestAborted.IsCancellationRequested)
        {
            log.LogWarning("The provider {Provider} ({Issuer}) could not be reached: {Reason}", provider.Id, provider.Issuer, error.Message);
            schemes.Forget(provider.Id);
            return await SignInPages.ExternalRefusalResultAsync(http, ExternalRefusals.Unavailable, target, StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Challenge(ExternalSignIn.PropertiesFor(target), [OidcSchemes.SchemeOf(provider.Id)]);
    }

    private static async Task<IReadOnlyList<SignInProviderView>> List(
        Guid institutionId, HttpContext http, ProviderAdmins admins, OidcProviderRepository providers)
    {
        await admins.RequireAsync(http.User, institutionId);
        return (await providers.ListAsync(institutionId)).Select(p => View(http, p)).ToList();
    }

    private static async Task<Created<SignInProviderView>> Create(
        Guid institutionId, SignInProviderRequest request, HttpContext http, ProviderAdmins admins, OidcProviderRepository providers,
        IDataProtectionProvider protection)
    {
        await admins.RequireAsync(http.User, institutionId);
        if (string.IsNullOrWhiteSpace(request.ClientSecret))
            throw ProblemException.Invalid("clientSecret", "The client secret is required.", "secret-required");
        var saved = Saved(await providers.CreateAsync(institutionId, Draft(request, protection)));
        var row = await providers.GetAsync(saved.Id) ?? throw ProblemException.NotFound("The provider");
        return TypedResults.Created($"/api/institutions/{institutionId}/sign-in-providers/{row.Id}", View(http, row));
    }

    private static async Task<SignInProviderView> Update(
        Guid institutionId, Guid providerId, SignInProviderRequest request, HttpContext http, ProviderAdmins admins,
        OidcProviderRepository providers, IDataProtectionProvider protection)
    {
        await admins.RequireAsync(http.User, institutionId);
        if (await providers.GetAsync(providerId) is not { } existing || existing.InstitutionId != institutionId)
            throw ProblemException.NotFound("The provider");
        Saved(await providers.UpdateAsync(providerId, Draft(request, protection)) ?? throw ProblemException.NotFound("The provider"));
        return View(http, (await providers.GetAsync(providerId))!);
    }

    private static async Task<NoContent> Delete(
        Guid institutionId, Guid providerId, HttpContext http, ProviderAdmins admins, OidcProviderRepository providers, OidcSchemes schemes)
    {
        await admins.RequireAsync(http.User, institutionId);
        if (await providers.GetAsync(providerId) is not { } existing || existing.InstitutionId != institutionId
            || !await providers.DeleteAsync(providerId))
            throw ProblemException.NotFound("The provider");
        schemes.Forget(providerId);
        return TypedResults.NoContent();
    }

    private static OidcProviderRow Saved(OidcProviderSave save) => save switch
    {
        OidcProviderSave.Saved ok => ok.Provider,
        OidcProviderSave.DomainTaken taken => throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict,
            "domain-taken", $"Another provider already vouches for {taken.Domain}.", taken.Domain, "domains"),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Checks and normalises what the admin typed; the secret is encrypted here and never leaves encrypted storage again but to the provider.</summary>
    private static OidcProviderDraft Draft(SignInProviderRequest request, IDataProtectionProvider protection)
    {
        var issuer = request.Issuer.Trim().TrimEnd('/');
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || uri.Scheme == "http" && !uri.IsLoopback || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            throw ProblemException.Invalid("issuer", "The issuer must be an https:// address without query or fragment.", "issuer-invalid", request.Issuer);
        var domains = request.Domains.Select(d => d.Trim().TrimStart('@').ToLowerInvariant()).Where(d => d.Length > 0).Distinct().ToList();
        if (domains.Count == 0)
            throw ProblemException.Invalid("domains", "Name at least one e-mail domain the provider vouches for.", "domains-required");
        if (domains.FirstOrDefault(d => !DomainPattern().IsMatch(d)) is { } bad)
            throw ProblemException.Invalid("domains", $"{bad} is not a domain name.", "domain-invalid", bad);
        var role = request.CreatesAccounts ? request.NewPersonRole?.Trim().ToLowerInvariant() : null;
        if (request.CreatesAccounts && !NewPersonRoles.Contains(role))
            throw ProblemException.Invalid("newPersonRole", "New people are made as students or teachers.", "role-invalid", request.NewPersonRole);
        var secret = string.IsNullOrWhiteSpace(request.ClientSecret)
            ? null
            : protection.CreateProtector(OidcSchemes.SecretPurpose).Protect(request.ClientSecret.Trim());
        return new OidcProviderDraft(request.DisplayName.Trim(), issuer, request.ClientId.Trim(), secret, request.CreatesAccounts, role, domains);
    }

    private static SignInProviderView View(HttpContext http, OidcProviderRow row)
    {
        var origin = $"{http.Request.Scheme}://{http.Request.Host}";
        return new SignInProviderView(row.Id, row.DisplayName, row.Issuer, row.ClientId, row.ProtectedClientSecret.Length > 0,
            row.Domains, row.CreatesAccounts, row.NewPersonRole, origin + OidcSchemes.CallbackPathOf(row.Id), origin + StartPath(row.Id));
    }

    // Labels of letters, digits and hyphens, at least two of them: "truong.edu.vn".
    [GeneratedRegex(@"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex DomainPattern();
}

/// <summary>Who manages an institution's providers: its admins (and those of institutions above it), and platform admins.</summary>
public sealed class ProviderAdmins(InstitutionAccess access, InstitutionRepository institutions, UserRepository users)
{
    public async Task RequireAsync(System.Security.Claims.ClaimsPrincipal user, Guid institutionId)
    {
        if ((await users.GetAsync(user.Id()))?.PlatformAdmin == true)
        {
            if (await institutions.GetAsync(institutionId) is null) throw ProblemException.NotFound("The institution");
            return;
        }
        await access.RequireAsync(user, institutionId, Roles.Admin);
    }
}
