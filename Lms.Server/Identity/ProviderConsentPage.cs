using System.Text;
using Lms.Grains.Identity;
using Lms.Server.Security;
using Lms.Server.Web;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Lms.Server.Identity;

/// <summary>
/// "A school system wants to use your Lms account": rendered by the server in the reader's language (the app's own
/// words, <c>idp.consent.*</c>), a plain form that works without scripts on a phone. It posts the authorization
/// request's own parameters back to the authorization endpoint with the person's answer. The national ID has a box of
/// its own, unticked: it is shared only when the person ticks it.
/// </summary>
public sealed class ProviderConsentPage(AppPage page, AppTexts texts, ContentSecurityPolicy csp)
{
    public IResult Render(HttpContext http, OpenIddictRequest request, ProviderClientRow client, UserRow user, IReadOnlySet<string> asked)
    {
        var language = AppTexts.LanguageOf(http.Request);
        string T(string key, params (string, string)[] values) => texts.T(language, key, values);
        var body = new StringBuilder($"<div class=\"sign-in\"><div class=\"sign-in-top\"></div><main class=\"sign-in-card\" id=\"main\">");
        body.Append($"<div class=\"sign-in-brand\">{AppMarkup.Logo}<span>{E(T("app.name"))}</span></div>");
        body.Append($"<h1 data-testid=\"idp-consent-title\">{E(T("idp.consent.title", ("client", client.DisplayName)))}</h1>");
        body.Append($"<p class=\"muted\">{E(T("idp.consent.signedInAs", ("name", user.DisplayName)))}</p>");
        body.Append($"<form method=\"post\" action=\"{ProviderSetup.AuthorizePath}\" data-testid=\"idp-consent-form\">");
        foreach (var (name, value) in request.GetParameters())
            if (name is not (ProviderEndpoints.DecisionField or ProviderEndpoints.NationalIdField))
                body.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value.ToString())}\" />");
        body.Append($"<p>{E(T("idp.consent.shares"))}</p><ul data-testid=\"idp-consent-scopes\">");
        foreach (var scope in ProviderScopes.All.Where(s => asked.Contains(s) && s != ProviderScopes.NationalId))
            body.Append($"<li>{E(T("idp.scope." + scope))}</li>");
        body.Append("</ul>");
        if (asked.Contains(ProviderScopes.NationalId))
        {
            body.Append("<div class=\"field-check\">");
            body.Append($"<input id=\"idp-national-id\" name=\"{ProviderEndpoints.NationalIdField}\" type=\"checkbox\" value=\"true\" aria-describedby=\"idp-national-id-hint\" />");
            body.Append($"<label for=\"idp-national-id\">{E(T("idp.scope.national_id"))}</label></div>");
            body.Append($"<p class=\"muted small\" id=\"idp-national-id-hint\">{E(T("idp.consent.nationalIdHint"))}</p>");
        }
        body.Append($"<p class=\"muted small\">{E(T("idp.consent.revokeHint"))}</p>");
        body.Append($"<button type=\"submit\" name=\"{ProviderEndpoints.DecisionField}\" value=\"accept\" class=\"btn btn-primary btn-block\">{E(T("idp.consent.accept"))}</button>");
        body.Append($"<button type=\"submit\" name=\"{ProviderEndpoints.DecisionField}\" value=\"deny\" class=\"btn btn-quiet btn-block\">{E(T("idp.consent.deny"))}</button>");
        body.Append("</form></main></div>");

        // The answer to this form is a redirect to the school system: the page's form-action must allow its origin.
        var redirect = new Uri(request.RedirectUri!);
        http.Response.Headers.ContentSecurityPolicy = csp.For(http.Request)
            .Replace("form-action 'self'", $"form-action 'self' {redirect.GetLeftPart(UriPartial.Authority)}");
        http.Response.Headers.CacheControl = "no-store";
        var title = $"{T("idp.consent.pageTitle")} · {T("app.name")}";
        var html = page.Render(new PageHead(title, T("app.tagline")), body.ToString(), withScripts: false);
        return AppPage.Html(AppPage.WithLanguage(html, language));
    }

    private static string E(string? text) => AppPage.E(text);
}
