using System.Threading.RateLimiting;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Mvc;

namespace Lms.Server.Identity;

/// <summary>
/// <c>Identity:SignInLimit:PerMinute</c>: how many sign-in, sign-up, reset and code attempts one
/// client address may make a minute. Generous on purpose (a whole school signs in at 7:00 through
/// one public address); guessing one account is slowed by the account's own throttle instead.
/// </summary>
public static class SignInRateLimit
{
    public const string Policy = "identity";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("Identity:SignInLimit:PerMinute", 1000);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests, Type = ProblemTypes.TooManyRequests,
                        Title = "Too many attempts from this address; wait a minute.",
                    },
                });
            };
        });
        return services;
    }
}
