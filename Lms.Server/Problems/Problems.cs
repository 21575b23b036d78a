using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Orleans.Runtime;

namespace Lms.Server.Problems;

/// <summary>
/// The stable <c>type</c> of every problem the API returns (RFC 7807). Clients and the web app
/// switch on these, never on the human-readable title.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "urn:lms:problem:";
    public const string BadRequest = Prefix + "bad-request";
    public const string Validation = Prefix + "validation";
    public const string Unauthenticated = Prefix + "unauthenticated";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string Conflict = Prefix + "conflict";
    public const string TooLarge = Prefix + "too-large";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string TooManyRequests = Prefix + "too-many-requests";
    public const string Internal = Prefix + "internal";
    public const string InvalidCredentials = Prefix + "invalid-credentials";
    public const string RosterInvalid = Prefix + "roster-invalid";
    public const string OneRosterInvalid = Prefix + "oneroster-invalid";
    public const string RunFull = Prefix + "run-full";
    public const string RunClosed = Prefix + "run-closed";
    public const string ItemClosed = Prefix + "item-closed";
    public const string ReviewsClosed = Prefix + "reviews-closed";
    public const string GradeFinal = Prefix + "grade-final";
    public const string ReviewTakenBack = Prefix + "review-taken-back";
    public const string ReviewNotAllocated = Prefix + "review-not-allocated";
    public const string AccountExists = Prefix + "account-exists";
    public const string ImportInvalid = Prefix + "import-invalid";
    public const string QuizUnavailable = Prefix + "quiz-unavailable";
    public const string AnswerRefused = Prefix + "answer-refused";
    public const string AttemptClosed = Prefix + "attempt-closed";
    public const string QuotaExceeded = Prefix + "quota-exceeded";
    public const string ChecksumMismatch = Prefix + "checksum-mismatch";
    public const string InvalidCode = Prefix + "invalid-code";
    public const string EmailTaken = Prefix + "email-taken";
    public const string CrossOrigin = Prefix + "cross-origin";
    /// <summary>503: the part of the cluster holding the object is failing over; the answer says when to try again.</summary>
    public const string Unavailable = Prefix + "unavailable";

    public static string ForStatus(int status) => status switch
    {
        400 => BadRequest,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => TooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => Unavailable,
        _ when status >= 500 => Internal,
        _ => Prefix + "http-" + status,
    };
}

/// <summary>Thrown anywhere in a request to end it with a problem response.</summary>
public sealed class ProblemException(
    int status, string type, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ProblemException NotFound(string what) =>
        new(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "Not found", $"{what} was not found.");

    public static ProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden", detail);

    public static ProblemException Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Conflict", detail);

    /// <summary>A 403 or 409 with a stable <c>code</c> (the web app's translation key) and the value it is about.</summary>
    public static ProblemException Coded(int status, string type, string code, string detail, string? value = null, string? field = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (value is not null) extensions["value"] = value;
        if (field is not null) extensions["field"] = field;
        return new ProblemException(status, type, status == 409 ? "Conflict" : "Forbidden", detail, extensions);
    }

    /// <summary>
    /// A validation failure in the same shape as the framework's own (an <c>errors</c> map), with a
    /// stable <c>code</c> a client can translate and the <c>value</c> that was refused, when there is one.
    /// </summary>
    public static ProblemException Invalid(string field, string message, string? code = null, string? value = null)
    {
        var extensions = new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [message] } };
        if (code is not null) extensions["code"] = code;
        if (value is not null) extensions["value"] = value;
        return new(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "One or more validation errors occurred.", message, extensions);
    }
}

/// <summary>Turns exceptions into problem details: ours as they say, anything else as a 500 that reveals nothing.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails details;
        if (exception is ProblemException p)
        {
            details = new ProblemDetails { Status = p.Status, Type = p.Type, Title = p.Title, Detail = p.Detail };
            foreach (var (key, value) in p.Extensions) details.Extensions[key] = value;
        }
        else if (exception is BadHttpRequestException bad)
        {
            details = new ProblemDetails
            {
                Status = bad.StatusCode, Type = ProblemTypes.ForStatus(bad.StatusCode), Title = "Bad request", Detail = bad.Message,
            };
        }
        else if (ClusterFailover.IsTransient(exception))
        {
            // A silo died with the grain this request needed; the grain comes back on another within seconds.
            log.LogWarning("{Method} {Path}: the cluster is failing over ({Error}); answered 503", context.Request.Method,
                context.Request.Path, exception.GetType().Name);
            context.Response.Headers.RetryAfter = ClusterFailover.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            details = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable, Type = ProblemTypes.Unavailable,
                Title = "The server is recovering; try again in a moment.",
            };
        }
        else
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            details = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError, Type = ProblemTypes.Internal,
                Title = "Something went wrong on the server.",
            };
        }
        context.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context, ProblemDetails = details, Exception = exception,
        });
    }
}

/// <summary>The errors a grain call gives while the silo that hosted the grain is being declared dead (cluster mode).</summary>
public static class ClusterFailover
{
    /// <summary>What a 503 tells the client to wait: about how long a membership change takes to settle here.</summary>
    public const int RetryAfterSeconds = 2;

    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException => true,
        // A call to a dead silo ends in the response timeout; our own code does not throw TimeoutException to requests.
        TimeoutException => true,
        AggregateException { InnerExceptions.Count: 1 } a => IsTransient(a.InnerExceptions[0]),
        _ => false,
    };
}

public static class ProblemSetup
{
    public static IServiceCollection AddLmsProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var details = context.ProblemDetails;
            var status = details.Status ?? context.HttpContext.Response.StatusCode;
            // The framework's own problems point at RFC sections; give them our stable types.
            if (details.Type is null || !details.Type.StartsWith(ProblemTypes.Prefix, StringComparison.Ordinal))
                details.Type = details is HttpValidationProblemDetails ? ProblemTypes.Validation : ProblemTypes.ForStatus(status);
            details.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        // After the framework's writer, which writes only when the request accepts JSON: a failure is still a problem.
        services.AddSingleton<IProblemDetailsWriter, AnyAcceptProblemWriter>();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

/// <summary>
/// Writes the problem as <c>application/problem+json</c> when the request accepts no JSON (<c>Accept: application/xml</c>):
/// the framework's writer declines those, and the error became an empty 500 (an exception handler that cannot write
/// rethrows). Tried last, so every request that accepts JSON is answered by the framework's own writer as before.
/// </summary>
internal sealed class AnyAcceptProblemWriter(
    Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options,
    Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var details = context.ProblemDetails;
        details.Status ??= context.HttpContext.Response.StatusCode;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
            details, details.GetType(), json.Value.SerializerOptions, "application/problem+json", context.HttpContext.RequestAborted));
    }
}
