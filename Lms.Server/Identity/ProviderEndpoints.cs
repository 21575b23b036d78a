using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Lms.Grains.Identity;
using Lms.Server.Problems;
using Lms.Server.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Lms.Server.Identity;

/// <summary>A registered school system as a platform admin sees it (never its secret).</summary>
public sealed record ProviderClientView(
    Guid Id, string ClientId, string DisplayName, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> Scopes, bool Confidential,
    DateTimeOffset CreatedAt);

/// <summary>A client just registered: its secret (confidential clients) is in this answer and nowhere else, ever.</summary>
public sealed record ProviderClientCreated(ProviderClientView Client, string? ClientSecret, string Issuer);

public sealed record ProviderClientRequest(
    [property: Required, StringLength(100, MinimumLength = 2)] string DisplayName,
    [property: Required, MinLength(1), MaxLength(ProviderEndpoints.MaxRedirectUris)] IReadOnlyList<string> RedirectUris,
    [property: Required] IReadOnlyList<string> Scopes,
    bool Confidential = true);

/// <summary>A school system the person lets sign them in, and what it may know.</summary>
public sealed record ProviderConsentView(Guid ClientId, string ClientName, IReadOnlyList<string> Scopes, DateTimeOffset GrantedAt);

public static class ProviderEndpoints
{
    public const int MaxRedirectUris = 10;

    /// <summary>The consent form's fields (posted back to the authorization endpoint with the request's own parameters).</summary>
    public const string DecisionField = "lms_decision";
    public const string NationalIdField = "lms_national_id";

    public static void MapIdentityProvider(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        // OpenIddict has validated the request (client, redirect URI, PKCE) before these run.
        app.MapMethods(ProviderSetup.AuthorizePath, ["GET", "POST"], Authorize).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        app.MapPost(ProviderSetup.TokenPath, Token).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods(ProviderSetup.UserInfoPath, ["GET", "POST"], UserInfo).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();

        var clients = api.MapGroup("/identity/provider/clients").WithTags("Identity").ProducesProblems(403);
        clients.MapGet("", List).WithSummary("The school systems registered to sign people in with Lms (platform admins).");
        clients.MapPost("", Create).ProducesProblems(400)
            .WithSummary("Register a school system (platform admins); a confidential client's secret is in this answer only.");
        clients.MapDelete("/{id:guid}", Delete).ProducesProblems(404)
            .WithSummary("Remove a registered school system and every consent to it (platform admins).");

        var consents = api.MapGroup("/identity/provider/consents").WithTags("Identity");
        consents.MapGet("", Consents).WithSummary("The school systems the caller lets sign them in with Lms, and what each may know.");
        consents.MapDelete("/{clientId:guid}", Revoke).ProducesProblems(404)
            .WithSummary("Withdraw the caller's consent to a school system: its tokens stop working, and it asks again next time.");
    }

    private static async Task<IResult> Authorize(
        HttpContext http, ProviderClientRepository clients, UserRepository users, ProviderConsentPage page)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var client = (await clients.FindAsync(request.ClientId!))!;
        if (http.User.Identity?.IsAuthenticated != true)
        {
            if (request.HasPromptValue(PromptValues.None)) return Refuse(Errors.LoginRequired, "The person is not signed in to Lms.");
            if (HttpMethods.IsPost(http.Request.Method)) return Refuse(Errors.LoginRequired, "Sign in to Lms first.");
            // A page, not a redirect: the session cookie is SameSite=Strict, and this request came from the school
            // system's site; the sign-in page (a navigation that starts on Lms) sends the person on, or signs them in.
            var next = ProviderSetup.AuthorizePath + http.Request.QueryString.Value;
            await SignInPages.ContinueAsync(http, "/sign-in?next=" + Uri.EscapeDataString(next));
            return Results.Empty;
        }
        var user = await users.GetAsync(http.User.Id());
        if (user is null || user.DisabledAt is not null) return Refuse(Errors.AccessDenied, "The account is disabled.");

        var asked = request.GetScopes().ToHashSet(StringComparer.Ordinal);
        var consent = await clients.ConsentAsync(user.Id, client.Id);
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            if (form[DecisionField] != "accept") return Refuse(Errors.AccessDenied, "The person did not agree.");
            // The national ID only when its own box was ticked; every other scope asked is what the page listed.
            var agreed = asked.Where(s => s != ProviderScopes.NationalId || form[NationalIdField] == "true").ToList();
            consent = await clients.GrantAsync(user.Id, client.Id, agreed);
            return Issue(user, client, consent, asked);
        }

        var covered = consent is not null && asked.All(consent.ScopeList.Contains);
        if (covered && !request.HasPromptValue(PromptValues.Consent)) return Issue(user, client, consent!, asked);
        if (request.HasPromptValue(PromptValues.None)) return Refuse(Errors.ConsentRequired, "The person has not agreed yet.");
        return page.Render(http, request, client, user, asked);
    }

    private static IResult Issue(UserRow user, ProviderClientRow client, ProviderConsentRow consent, IEnumerable<string> asked) =>
        Results.SignIn(ProviderClaims.Principal(user, client, consent, ProviderScopes.Granted(asked, client, consent)),
            authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);

    /// <summary>An OAuth error, answered (and, where the redirect URI was validated, sent back to the client) by OpenIddict.</summary>
    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>
    /// Codes and refresh tokens are single-use, the person must still be there and enabled, and the consent the code
    /// rests on must still stand: a revoked consent ends the refresh token. Claims are read afresh from Lms.
    /// </summary>
    private static async Task<IResult> Token(HttpContext http, ProviderClientRepository clients, UserRepository users, TimeProvider clock)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
            return Refuse(Errors.UnsupportedGrantType, "Only the authorization code and refresh token grants.");
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal?.GetClaim(ProviderClaims.Grant) is not { } grant || !Guid.TryParse(principal.GetClaim(ProviderClaims.UserId), out var userId))
            return Refuse(Errors.InvalidGrant, "The grant is not valid.");
        if (!await clients.RedeemAsync(grant, clock.GetUtcNow() + ProviderKeys.RefreshTokenLifetime + TimeSpan.FromDays(1)))
            return Refuse(Errors.InvalidGrant, "The grant was used already.");
        var client = await clients.FindAsync(request.ClientId!);
        var user = await users.GetAsync(userId);
        if (client is null || user is null || user.DisabledAt is not null) return Refuse(Errors.InvalidGrant, "The grant is not valid any more.");
        var consent = await clients.ConsentAsync(user.Id, client.Id);
        if (!ProviderClaims.ConsentStillHolds(principal, consent)) return Refuse(Errors.InvalidGrant, "The person withdrew their consent.");
        return Issue(user, client, consent!, principal.GetScopes());
    }

    private static async Task<IResult> UserInfo(HttpContext http, ProviderClientRepository clients, UserRepository users)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null || !Guid.TryParse(principal.GetClaim(ProviderClaims.UserId), out var userId)
                              || !Guid.TryParse(principal.GetClaim(ProviderClaims.Client), out var clientId))
            return InvalidToken("The access token is not valid.");
        var client = await clients.GetAsync(clientId);
        var user = await users.GetAsync(userId);
        var consent = client is null || user is null ? null : await clients.ConsentAsync(user.Id, client.Id);
        if (client is null || user is null || user.DisabledAt is not null || !ProviderClaims.ConsentStillHolds(principal, consent))
            return InvalidToken("The access token is not valid any more.");
        return Results.Json(ProviderClaims.For(user, client, ProviderScopes.Granted(principal.GetScopes(), client, consent!)));
    }

    private static IResult InvalidToken(string description) => Results.Challenge(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static async Task RequirePlatformAdminAsync(HttpContext http, UserRepository users)
    {
        if (await users.GetAsync(http.User.Id()) is not { PlatformAdmin: true })
            throw ProblemException.Forbidden("Only a platform administrator registers school systems.");
    }

    private static async Task<IReadOnlyList<ProviderClientView>> List(HttpContext http, UserRepository users, ProviderClientRepository clients)
    {
        await RequirePlatformAdminAsync(http, users);
        return (await clients.ListAsync()).Select(View).ToList();
    }

    private static async Task<Created<ProviderClientCreated>> Create(
        ProviderClientRequest request, HttpContext http, UserRepository users, ProviderClientRepository clients)
    {
        await RequirePlatformAdminAsync(http, users);
        var redirects = request.RedirectUris.Select(u => u.Trim()).Where(u => u.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (redirects.Count == 0) throw ProblemException.Invalid("redirectUris", "Name at least one redirect URI.", "redirect-required");
        if (redirects.FirstOrDefault(u => !IsRedirectUri(u)) is { } bad)
            throw ProblemException.Invalid("redirectUris", $"{bad} is not an https:// address (http:// only on this machine) without a fragment.",
                "redirect-invalid", bad);
        if (request.Scopes.FirstOrDefault(s => !ProviderScopes.All.Contains(s)) is { } unknown)
            throw ProblemException.Invalid("scopes", $"{unknown} is not a scope Lms offers.", "scope-invalid", unknown);
        var scopes = ProviderScopes.All.Where(s => s == Scopes.OpenId || request.Scopes.Contains(s));
        var secret = request.Confidential ? ProviderSecrets.New() : null;
        var row = await clients.CreateAsync(new ProviderClientRow
        {
            Id = Guid.CreateVersion7(), ClientId = "lms-" + Guid.NewGuid().ToString("N")[..20], DisplayName = request.DisplayName.Trim(),
            RedirectUris = string.Join('\n', redirects), AllowedScopes = string.Join(' ', scopes),
            SecretHash = secret is null ? null : ProviderSecrets.Hash(secret), SubjectSalt = ProviderSecrets.New(),
        }, http.User.Id());
        return TypedResults.Created($"/api/identity/provider/clients/{row.Id}",
            new ProviderClientCreated(View(row), secret, $"{http.Request.Scheme}://{http.Request.Host}/"));
    }

    private static async Task<NoContent> Delete(Guid id, HttpContext http, UserRepository users, ProviderClientRepository clients)
    {
        await RequirePlatformAdminAsync(http, users);
        if (!await clients.DeleteAsync(id)) throw ProblemException.NotFound("The client");
        return TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<ProviderConsentView>> Consents(HttpContext http, ProviderClientRepository clients) =>
        (await clients.ConsentsAsync(http.User.Id())).Select(c => new ProviderConsentView(c.ClientId, c.ClientName, c.ScopeList, c.GrantedAt)).ToList();

    private static async Task<NoContent> Revoke(Guid clientId, HttpContext http, ProviderClientRepository clients)
    {
        if (!await clients.RevokeAsync(http.User.Id(), clientId)) throw ProblemException.NotFound("The consent");
        return TypedResults.NoContent();
    }

    private static ProviderClientView View(ProviderClientRow row) =>
        new(row.Id, row.ClientId, row.DisplayName, row.RedirectUriList, row.ScopeList, row.Confidential, row.CreatedAt);

    /// <summary>An exact address to send codes to: https (http only to this machine, for a development client), no fragment.</summary>
    public static bool IsRedirectUri(string uri) =>
        uri.Length <= 300 && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0 && parsed.UserInfo.Length == 0
        && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp && parsed.IsLoopback);
}
