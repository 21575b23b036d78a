using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Lms.Server.Identity;

/// <summary>The browser signs in with a cookie; API clients with a bearer token. One policy picks per request.</summary>
public static class AuthSchemes
{
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Bearer = BearerTokenDefaults.AuthenticationScheme;
    public const string CookieOrBearer = "CookieOrBearer";
    public const string CookieName = "lms.auth";

    public static IServiceCollection AddLmsAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(CookieOrBearer)
            .AddPolicyScheme(CookieOrBearer, "Cookie or bearer token", options =>
                options.ForwardDefaultSelector = context =>
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? Bearer
                        : Cookie)
            .AddCookie(Cookie, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.HttpOnly = true;
                // Strict: a cookie-authenticated request never comes from another site's page.
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.ExpireTimeSpan = TimeSpan.FromDays(14);
                options.SlidingExpiration = true;
                // An API answers 401/403; it never redirects to a login page.
                options.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddBearerToken(Bearer, options =>
            {
                options.BearerTokenExpiration = TimeSpan.FromHours(1);
                options.RefreshTokenExpiration = TimeSpan.FromDays(14);
            });
        services.AddAuthorization();
        return services;
    }
}
