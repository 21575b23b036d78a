using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Net;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lms.Server.SchoolYear;

/// <summary>A browser's push subscription as <c>PushSubscription.toJSON()</c> gives it: the endpoint and its two keys.</summary>
public sealed record PushSubscriptionRequest([property: StringLength(800)] string Endpoint, [property: StringLength(200)] string P256dh,
    [property: StringLength(100)] string Auth);

public sealed record PushUnsubscribeRequest([property: StringLength(800)] string Endpoint);

public sealed record PushKeyView(string PublicKey);

/// <summary>Web Push for the contact book: the server's public key for <c>PushManager.subscribe</c>, and a device's subscription.</summary>
public static class PushEndpoints
{
    public static void MapPushEndpoints(this RouteGroupBuilder book)
    {
        book.MapGet("/push/key", Key).WithSummary("The server's VAPID public key (base64url), the applicationServerKey a browser subscribes with.");
        book.MapPut("/push/subscription", Subscribe).ProducesProblems(400)
            .WithSummary("Keeps this browser's push subscription for the caller (one per device).");
        book.MapPost("/push/unsubscribe", Unsubscribe).ProducesProblems(400).WithSummary("Forgets this browser's push subscription.");
    }

    private static async Task<PushKeyView> Key(PushKeys keys) => new((await keys.GetAsync()).PublicKey);

    private static async Task<NoContent> Subscribe(
        PushSubscriptionRequest request, HttpContext http, PushRepository devices, IOptions<PushOptions> options)
    {
        var endpoint = ValidEndpoint(request.Endpoint, options.Value);
        // The browser's P-256 public key (an uncompressed point) and its 16-byte authentication secret.
        if (!Decodes(request.P256dh, 65, out var point) || point[0] != 0x04)
            throw ProblemException.Invalid("p256dh", "The subscription's p256dh key is not a P-256 public key.", "bad-push-key");
        if (!Decodes(request.Auth, 16, out _))
            throw ProblemException.Invalid("auth", "The subscription's auth secret is not 16 bytes.", "bad-push-key");
        await devices.SubscribeAsync(http.User.Id(), endpoint, request.P256dh, request.Auth);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Unsubscribe(PushUnsubscribeRequest request, HttpContext http, PushRepository devices)
    {
        await devices.UnsubscribeAsync(http.User.Id(), request.Endpoint);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The server posts to this address, so it must be a push service's: https on a public name (http on the loopback
    /// only when configuration allows it, for the tests' own push service).
    /// </summary>
    private static string ValidEndpoint(string endpoint, PushOptions options)
    {
        if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.UserInfo.Length == 0)
        {
            var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
            if (uri.Scheme == Uri.UriSchemeHttps && !loopback && uri.HostNameType == UriHostNameType.Dns) return uri.AbsoluteUri;
            if (loopback && options.AllowLoopbackEndpoints && uri.Scheme is "http" or "https") return uri.AbsoluteUri;
        }
        throw ProblemException.Invalid("endpoint", "The endpoint is not a push service's https address.", "bad-push-endpoint");
    }

    private static bool Decodes(string text, int length, out byte[] bytes)
    {
        bytes = [];
        try
        {
            bytes = Base64Url.DecodeFromChars(text.TrimEnd('='));
        }
        catch (FormatException)
        {
            return false;
        }
        return bytes.Length == length;
    }
}
