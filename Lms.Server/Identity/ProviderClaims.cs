using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Lms.Grains.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Lms.Server.Identity;

/// <summary>
/// What Lms tells a school system about a person, scope by scope (docs/identity-provider.md): never more than the client
/// was registered for and the person agreed to. <c>national_id</c> has a scope of its own that no other scope implies.
/// </summary>
public static class ProviderScopes
{
    public const string NationalId = "national_id";

    /// <summary>Every scope a client may be registered for, in the order the consent page lists them.</summary>
    public static readonly string[] All = [Scopes.OpenId, Scopes.Profile, Scopes.Email, NationalId, Scopes.OfflineAccess];

    public static readonly string[] Claims = [OpenIddictConstants.Claims.Subject, OpenIddictConstants.Claims.Name,
        OpenIddictConstants.Claims.Email, OpenIddictConstants.Claims.EmailVerified, NationalId];

    /// <summary>The scopes the person agreed to, the client was registered for, and this request or token asked for.</summary>
    public static IReadOnlyList<string> Granted(IEnumerable<string> asked, ProviderClientRow client, ProviderConsentRow consent) =>
        All.Where(s => asked.Contains(s) && client.ScopeList.Contains(s) && consent.ScopeList.Contains(s)).ToList();
}

/// <summary>The principal OpenIddict turns into codes and tokens, and the claims userinfo answers.</summary>
public static class ProviderClaims
{
    // Ours, never put into an ID token; the access token that carries them is encrypted (only Lms reads it).
    public const string UserId = "lms_uid";
    public const string Client = "lms_client";
    /// <summary>When the consent the token rests on was given: a consent revoked (and maybe given again) ends it.</summary>
    public const string ConsentedAt = "lms_consented";
    /// <summary>Makes the authorization code or refresh token single-use (<see cref="ProviderClientRepository.RedeemAsync"/>).</summary>
    public const string Grant = "lms_grant";

    /// <summary>
    /// The person's subject at this client: pairwise, so that two school systems cannot match their records of one
    /// person by it, and stable, since it depends only on the person and the client's own salt.
    /// </summary>
    public static string Subject(ProviderClientRow client, Guid userId)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(client.SubjectSalt));
        return Base64UrlEncoder.Encode(hmac.ComputeHash(userId.ToByteArray()));
    }

    /// <summary>The claims of <paramref name="scopes"/> about <paramref name="user"/> (always <c>sub</c>).</summary>
    public static Dictionary<string, object> For(UserRow user, ProviderClientRow client, IReadOnlyCollection<string> scopes)
    {
        var claims = new Dictionary<string, object> { [Claims.Subject] = Subject(client, user.Id) };
        if (scopes.Contains(Scopes.Profile)) claims[Claims.Name] = user.DisplayName;
        if (scopes.Contains(Scopes.Email) && user.Email is { } email)
        {
            claims[Claims.Email] = email;
            // An address someone else typed (a roster) is verified once its owner has claimed the account with it.
            claims[Claims.EmailVerified] = user.ClaimedAt is not null;
        }
        if (scopes.Contains(ProviderScopes.NationalId) && user.NationalId is { } nationalId) claims[ProviderScopes.NationalId] = nationalId;
        return claims;
    }

    public static ClaimsPrincipal Principal(UserRow user, ProviderClientRow client, ProviderConsentRow consent, IReadOnlyList<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        foreach (var (type, value) in For(user, client, scopes))
            identity.AddClaim(value is bool flag
                ? new Claim(type, flag ? "true" : "false", ClaimValueTypes.Boolean)
                : new Claim(type, (string)value));
        identity.SetClaim(UserId, user.Id.ToString());
        identity.SetClaim(Client, client.Id.ToString());
        identity.SetClaim(ConsentedAt, consent.GrantedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        identity.SetClaim(Grant, Guid.NewGuid().ToString("N"));
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
            UserId or Client or ConsentedAt => [Destinations.AccessToken],
            // The scope's claims go into the ID token too (many school systems read only that); userinfo answers them fresh.
            Claims.Name or Claims.Email or Claims.EmailVerified or ProviderScopes.NationalId => [Destinations.IdentityToken],
            _ => [],
        });
        return new ClaimsPrincipal(identity);
    }

    public static bool ConsentStillHolds(ClaimsPrincipal principal, ProviderConsentRow? consent) =>
        consent is not null && principal.GetClaim(ConsentedAt) == consent.GrantedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
