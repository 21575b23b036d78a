using System.Security.Claims;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Lms.Server.Identity;

/// <summary>Why a validated provider sign-in did not give a session; each is a translation key <c>schoolSignIn.refused.&lt;code&gt;</c>.</summary>
public static class ExternalRefusals
{
    public const string UnverifiedEmail = "unverified-email";
    public const string ForeignDomain = "foreign-domain";
    public const string NotOnRoster = "not-on-roster";
    public const string OtherAccount = "other-account";
    public const string Disabled = "disabled";
    public const string PlatformAdmin = "platform-admin";
    public const string Unavailable = "unavailable";
    public const string Failed = "failed";
}

public abstract record ExternalSignInResult
{
    public sealed record Succeeded(UserRow User) : ExternalSignInResult;
    public sealed record Refused(string Code) : ExternalSignInResult;
}

/// <summary>
/// What a validated ID token from an institution's provider may do (docs/sign-in-with-school-account.md):
/// <list type="bullet">
/// <item>A provider account linked before (issuer + subject) signs its person in, whatever its e-mail says now.</item>
/// <item>Otherwise the provider must say the e-mail is verified (<c>email_verified</c>, or Entra's <c>xms_edov</c>) and
/// the address must be in a domain this provider vouches for: never a link on an unverified claim.</item>
/// <item>An existing account with that address is linked only if it is on the roster of the provider's institution
/// (or one below it) and has no other subject at this issuer; a platform administrator is never signed in this way.</item>
/// <item>No account: one is made with the configured role when the provider allows it, else "not on the roster".</item>
/// </list>
/// Lms's own second step is not asked after a provider sign-in: the institution's provider is the authority for its
/// people (their second factor is its business, as in other products), and its admins can reset Lms's anyway.
/// </summary>
public sealed class ExternalSignIn(
    OidcProviderRepository providers, UserRepository users, InstitutionRepository institutions, ILogger<ExternalSignIn> log)
{
    private const string NextItem = "lms.next";

    public async Task<ExternalSignInResult> DecideAsync(OidcProviderRow provider, ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub");
        if (string.IsNullOrEmpty(subject) || subject.Length > 200) return new ExternalSignInResult.Refused(ExternalRefusals.Failed);
        var issuer = provider.Issuer;

        if (await providers.LinkedUserAsync(issuer, subject) is { } linkedId)
        {
            var linked = await users.GetAsync(linkedId);
            if (linked is null || linked.DisabledAt is not null) return new ExternalSignInResult.Refused(ExternalRefusals.Disabled);
            if (linked.PlatformAdmin) return new ExternalSignInResult.Refused(ExternalRefusals.PlatformAdmin);
            await providers.TouchLinkAsync(issuer, subject);
            return new ExternalSignInResult.Succeeded(linked);
        }

        var email = principal.FindFirstValue("email")?.Trim();
        if (!IsTrue(principal, "email_verified") && !IsTrue(principal, "xms_edov") || string.IsNullOrEmpty(email))
            return new ExternalSignInResult.Refused(ExternalRefusals.UnverifiedEmail);
        email = UserRepository.NormalizeEmail(email);
        if (DomainOf(email) is not { } domain || !provider.Domains.Contains(domain))
            return new ExternalSignInResult.Refused(ExternalRefusals.ForeignDomain);

        var institution = await institutions.GetAsync(provider.InstitutionId);
        if (institution is null) return new ExternalSignInResult.Refused(ExternalRefusals.Failed);
        if (await users.FindByLoginAsync(email) is { } existing)
        {
            if (existing.DisabledAt is not null) return new ExternalSignInResult.Refused(ExternalRefusals.Disabled);
            if (existing.PlatformAdmin) return new ExternalSignInResult.Refused(ExternalRefusals.PlatformAdmin);
            if (!await providers.IsOnRosterAsync(existing.Id, institution.Path))
                return new ExternalSignInResult.Refused(ExternalRefusals.NotOnRoster);
            // The unique indexes refuse a second subject for this person at this issuer.
            if (!await providers.LinkAsync(provider.Id, issuer, subject, existing.Id))
            {
                log.LogWarning("A provider account tried to take over a person already linked to another account of {Issuer}", issuer);
                return new ExternalSignInResult.Refused(ExternalRefusals.OtherAccount);
            }
            await users.MarkClaimedAsync(existing.Id);
            return new ExternalSignInResult.Succeeded(existing);
        }

        if (!provider.CreatesAccounts || provider.NewPersonRole is not { } role)
            return new ExternalSignInResult.Refused(ExternalRefusals.NotOnRoster);
        var name = principal.FindFirstValue("name")?.Trim();
        var person = new NewUser(Guid.CreateVersion7(), email, null,
            string.IsNullOrEmpty(name) ? email[..email.IndexOf('@')] : name[..Math.Min(name.Length, 200)], "",
            CreatedByInstitutionId: provider.InstitutionId, Claimed: true);
        if (!await providers.CreatePersonAsync(users, person, provider.InstitutionId, role, provider.Id, issuer, subject))
            return new ExternalSignInResult.Refused(ExternalRefusals.OtherAccount);
        return new ExternalSignInResult.Succeeded((await users.GetAsync(person.Id))!);
    }

    /// <summary>The lower-case domain of an address, or null when it has none.</summary>
    public static string? DomainOf(string email)
    {
        var at = email.LastIndexOf('@');
        return at > 0 && at < email.Length - 1 ? email[(at + 1)..].Trim().ToLowerInvariant() : null;
    }

    // A JSON true arrives as the claim value "true" (or "True").
    private static bool IsTrue(ClaimsPrincipal principal, string claim) =>
        string.Equals(principal.FindFirstValue(claim), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the person goes after the sign-in, kept in the protected state the provider hands back.</summary>
    public static AuthenticationProperties PropertiesFor(string next) => new() { Items = { [NextItem] = AppMarkup.SafeNext(next) } };

    /// <summary>The ID token was valid: link or refuse, then start an ordinary Lms session (the same as a password sign-in).</summary>
    public async Task CompleteAsync(TicketReceivedContext context, Guid providerId)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var next = AppMarkup.SafeNext(context.Properties?.Items.TryGetValue(NextItem, out var n) == true ? n : null);
        if (await providers.GetAsync(providerId) is not { } provider)
        {
            await SignInPages.ExternalRefusalAsync(http, ExternalRefusals.Failed, next);
            return;
        }
        switch (await DecideAsync(provider, context.Principal!))
        {
            case ExternalSignInResult.Succeeded ok:
                await IdentityEndpoints.SignInWithCookieAsync(http, users, ok.User, remember: true);
                await SignInPages.ContinueAsync(http, next);
                break;
            case ExternalSignInResult.Refused refused:
                await SignInPages.ExternalRefusalAsync(http, refused.Code, next);
                break;
        }
    }

    /// <summary>
    /// The provider said no, could not be reached for the token, or the answer did not validate (state, nonce,
    /// signature): the sign-in page says so, never a 500.
    /// </summary>
    public async Task FailedAsync(RemoteFailureContext context, Guid providerId)
    {
        context.HandleResponse();
        var unreachable = context.Failure is HttpRequestException or TaskCanceledException or TimeoutException
                          || context.Failure?.InnerException is HttpRequestException or TaskCanceledException;
        log.LogWarning("A sign-in with provider {Provider} failed: {Reason}", providerId, context.Failure?.Message);
        var next = AppMarkup.SafeNext(context.Properties?.Items.TryGetValue(NextItem, out var n) == true ? n : null);
        await SignInPages.ExternalRefusalAsync(context.HttpContext, unreachable ? ExternalRefusals.Unavailable : ExternalRefusals.Failed, next);
    }
}
