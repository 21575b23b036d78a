using System.Text;
using Lms.Grains.Identity;
using Lms.Server.Security;
using Lms.Server.Web;

namespace Lms.Server.Identity;

/// <summary>
/// The sign-in page as HTML from the server, so that a phone on a slow network shows a form in its first round trips
/// and signing in works without JavaScript: <c>GET /sign-in</c> is the app's index.html with the form inside its root
/// (the app keeps it until its own form is ready, with what was typed). The form posts to
/// <c>/api/identity/sign-in/form</c> (a plain form post: the same password check, account throttle, trusted device,
/// rate limit and second step as the JSON sign-in), which sets the session cookie and redirects (303) to
/// the page asked for; a wrong password or a second step answers a page of its own without the app's scripts
/// (its address is not a page of the app). Only same-origin posts are taken (no login forgery from another site).
/// </summary>
public static class SignInPages
{
    public const string FormAction = "/api/identity/sign-in/form";
    public const string CodeFormAction = "/api/identity/sign-in/code/form";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/sign-in", Page).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(FormAction, SignIn).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery()
            .RequireRateLimiting(SignInRateLimit.Policy).WithMetadata(new SameOriginOnlyAttribute());
        app.MapPost(CodeFormAction, SignInWithCode).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery()
            .RequireRateLimiting(SignInRateLimit.Policy).WithMetadata(new SameOriginOnlyAttribute());
    }

    private static IResult Page(HttpContext http, AppPage page, AppTexts texts, string? next)
    {
        if (http.User.Identity?.IsAuthenticated == true) return Results.Redirect(AppMarkup.SafeNext(next));
        var language = AppTexts.LanguageOf(http.Request);
        NotStored(http);
        return Render(page, texts, language, PasswordForm(texts, language, AppMarkup.SafeNext(next), "", null), withScripts: true);
    }

    private static async Task<IResult> SignIn(HttpContext http, AppPage page, AppTexts texts, SignInService signIn, UserRepository users,
        SecondStepTickets tickets)
    {
        var language = AppTexts.LanguageOf(http.Request);
        NotStored(http);
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : FormCollection.Empty;
        var login = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var remember = form["remember"] == "true";
        var next = AppMarkup.SafeNext(form["next"]);
        if (login.Length is 0 or > 256 || password.Length is 0 or > Passwords.MaximumLength)
            return Failed(StatusCodes.Status400BadRequest, texts.T(language, "signIn.missing"));

        switch (await signIn.CheckAsync(login, password, http))
        {
            case SignInResult.Succeeded ok:
                await IdentityEndpoints.SignInWithCookieAsync(http, users, ok.User, remember);
                return AppMarkup.SeeOther(http, next);
            case SignInResult.SecondFactorNeeded second:
                var ticket = tickets.Issue(second.User.Id, SessionKinds.Cookie, remember);
                return Render(page, texts, language, CodeForm(texts, language, ticket.Ticket, next, null), withScripts: false);
            default:
                return Failed(StatusCodes.Status401Unauthorized, texts.T(language, "signIn.invalidCredentials"));
        }

        IResult Failed(int status, string message) =>
            Render(page, texts, language, PasswordForm(texts, language, next, login, message), withScripts: false, status);
    }

    private static async Task<IResult> SignInWithCode(HttpContext http, AppPage page, AppTexts texts, SignInService signIn,
        UserRepository users, SecondStepTickets tickets)
    {
        var language = AppTexts.LanguageOf(http.Request);
        NotStored(http);
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync() : FormCollection.Empty;
        var ticketText = form["ticket"].ToString();
        var code = form["code"].ToString().Trim();
        var next = AppMarkup.SafeNext(form["next"]);
        // An expired or forged ticket: back to the password, as the app does.
        if (ticketText.Length is 0 or > 2000 || tickets.Read(ticketText, SessionKinds.Cookie) is not { } ticket)
            return Render(page, texts, language, PasswordForm(texts, language, next, "", texts.T(language, "problem.invalid-code")),
                withScripts: false, StatusCodes.Status401Unauthorized);
        if (code.Length is > 0 and <= 40 && await signIn.CheckSecondStepAsync(ticket.UserId, code, http) is { } user)
        {
            await IdentityEndpoints.SignInWithCookieAsync(http, users, user, ticket.Remember);
            return AppMarkup.SeeOther(http, next);
        }
        return Render(page, texts, language, CodeForm(texts, language, ticketText, next, texts.T(language, "problem.invalid-two-factor-code")),
            withScripts: false, StatusCodes.Status401Unauthorized);
    }

    /// <summary>
    /// A sign-in with the school's provider that gave no session (refused, the provider down): this page with why, in
    /// the reader's language (<c>schoolSignIn.refused.*</c>), and the password form still there.
    /// </summary>
    public static Task<IResult> ExternalRefusalResultAsync(HttpContext http, string code, string next, int status)
    {
        var texts = http.RequestServices.GetRequiredService<AppTexts>();
        var language = AppTexts.LanguageOf(http.Request);
        NotStored(http);
        return Task.FromResult(Render(http.RequestServices.GetRequiredService<AppPage>(), texts, language,
            PasswordForm(texts, language, next, "", texts.T(language, "schoolSignIn.refused." + code)), withScripts: false, status));
    }

    public static async Task ExternalRefusalAsync(HttpContext http, string code, string next) =>
        await (await ExternalRefusalResultAsync(http, code, next,
            code == ExternalRefusals.Unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status403Forbidden)).ExecuteAsync(http);

    /// <summary>
    /// After a provider sign-in: a page that moves on to <paramref name="next"/> by itself. Not a redirect: the session
    /// cookie is SameSite=Strict, and a redirect chain that began on the provider's site would arrive without it.
    /// </summary>
    public static async Task ContinueAsync(HttpContext http, string next)
    {
        var texts = http.RequestServices.GetRequiredService<AppTexts>();
        NotStored(http);
        var target = E(next);
        var html = $"<!DOCTYPE html><html lang=\"{AppTexts.LanguageOf(http.Request)}\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={target}\">" +
                   $"<title>{E(texts.T(AppTexts.LanguageOf(http.Request), "app.name"))}</title></head>" +
                   $"<body><a href=\"{target}\" data-testid=\"continue\">{E(texts.T(AppTexts.LanguageOf(http.Request), "schoolSignIn.continue"))}</a></body></html>";
        await AppPage.Html(html).ExecuteAsync(http);
    }

    /// <summary>A sign-in answer (the typed login, a second-step ticket) is kept by no cache.</summary>
    private static void NotStored(HttpContext http) => http.Response.Headers.CacheControl = "no-store";

    private static IResult Render(AppPage page, AppTexts texts, string language, string form, bool withScripts, int status = StatusCodes.Status200OK)
    {
        var body = new StringBuilder($"<div class=\"sign-in\" {AppMarkup.ServerPageAttribute}=\"sign-in\"><div class=\"sign-in-top\"></div>");
        body.Append("<main class=\"sign-in-card\" id=\"main\">");
        body.Append($"<div class=\"sign-in-brand\">{AppMarkup.Logo}<span>{E(texts.T(language, "app.name"))}</span></div>");
        body.Append($"<p class=\"muted sign-in-tagline\">{E(texts.T(language, "app.tagline"))}</p>");
        body.Append($"<h1>{E(texts.T(language, "signIn.title"))}</h1>");
        body.Append(form);
        body.Append($"<p class=\"sign-in-links small\"><a href=\"/forgot-password\">{E(texts.T(language, "account.forgotLink"))}</a> · ");
        body.Append($"<a href=\"/set-password\">{E(texts.T(language, "account.codeLink"))}</a></p></main></div>");
        var title = $"{texts.T(language, "signIn.title")} · {texts.T(language, "app.name")}";
        var html = page.Render(new PageHead(title, texts.T(language, "app.tagline")), body.ToString(), withScripts);
        return AppPage.Html(AppPage.WithLanguage(html, language), status);
    }

    /// <summary>The app's form (Lms.Web/src/pages/SignInPage.tsx): the same ids, names and classes.</summary>
    private static string PasswordForm(AppTexts texts, string language, string next, string login, string? error)
    {
        var form = new StringBuilder($"<form method=\"post\" action=\"{FormAction}\" data-testid=\"sign-in-form\">");
        if (error is not null) form.Append($"<div class=\"alert alert-error\" role=\"alert\" id=\"sign-in-error\" data-testid=\"sign-in-error\">{E(error)}</div>");
        var invalid = error is null ? "" : " aria-invalid=\"true\" aria-describedby=\"sign-in-error\"";
        form.Append($"<input type=\"hidden\" name=\"next\" value=\"{E(next)}\" />");
        form.Append($"<div class=\"field\"><label for=\"login\">{E(texts.T(language, "signIn.login"))}</label>");
        form.Append($"<input id=\"login\" name=\"username\" autocomplete=\"username\" inputmode=\"email\" autocapitalize=\"none\" spellcheck=\"false\" required value=\"{E(login)}\"{invalid} /></div>");
        form.Append($"<div class=\"field\"><label for=\"password\">{E(texts.T(language, "signIn.password"))}</label>");
        form.Append($"<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required{invalid} /></div>");
        form.Append($"<div class=\"field-check\"><input id=\"remember\" name=\"remember\" type=\"checkbox\" value=\"true\" checked />");
        form.Append($"<label for=\"remember\">{E(texts.T(language, "signIn.rememberMe"))}</label></div>");
        form.Append($"<button type=\"submit\" class=\"btn btn-primary btn-block\">{E(texts.T(language, "signIn.submit"))}</button></form>");
        return form.ToString();
    }

    /// <summary>The code step (Lms.Web/src/auth/SecondStepForm.tsx); the ticket is signed and expires in five minutes.</summary>
    private static string CodeForm(AppTexts texts, string language, string ticket, string next, string? error)
    {
        var form = new StringBuilder($"<form method=\"post\" action=\"{CodeFormAction}\" data-testid=\"second-step-form\">");
        form.Append($"<p>{E(texts.T(language, "twoFactor.signIn.explain"))}</p>");
        if (error is not null) form.Append($"<div class=\"alert alert-error\" role=\"alert\" id=\"second-step-error\" data-testid=\"second-step-error\">{E(error)}</div>");
        form.Append($"<input type=\"hidden\" name=\"ticket\" value=\"{E(ticket)}\" /><input type=\"hidden\" name=\"next\" value=\"{E(next)}\" />");
        form.Append($"<div class=\"field\"><label for=\"totp-code\">{E(texts.T(language, "twoFactor.signIn.code"))}</label>");
        form.Append("<input id=\"totp-code\" name=\"code\" class=\"mono\" autocomplete=\"one-time-code\" autocapitalize=\"characters\" spellcheck=\"false\" autofocus maxlength=\"40\" required aria-describedby=\"totp-hint");
        form.Append(error is null ? "\"" : " second-step-error\" aria-invalid=\"true\"");
        form.Append($" /><p class=\"muted small\" id=\"totp-hint\">{E(texts.T(language, "twoFactor.signIn.recoveryHint"))}</p></div>");
        form.Append($"<button type=\"submit\" class=\"btn btn-primary btn-block\">{E(texts.T(language, "twoFactor.signIn.submit"))}</button>");
        var again = next == "/" ? "/sign-in" : "/sign-in?next=" + Uri.EscapeDataString(next);
        form.Append($"<a class=\"btn btn-quiet btn-block\" href=\"{E(again)}\">{E(texts.T(language, "twoFactor.signIn.back"))}</a></form>");
        return form.ToString();
    }

    private static string E(string? text) => AppPage.E(text);
}
