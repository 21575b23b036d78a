using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Communication.Mail;
using Microsoft.Extensions.Options;

namespace Lms.Server.SchoolYear;

/// <summary>Web Push configuration (section "WebPush").</summary>
public sealed class PushOptions
{
    public const string Section = "WebPush";

    /// <summary>The VAPID public key (P-256 point, base64url); with <see cref="PrivateKey"/>, else one is generated once and kept in the database.</summary>
    public string? PublicKey { get; set; }
    public string? PrivateKey { get; set; }
    /// <summary>Who push services contact about this server: a mailto: or https: address.</summary>
    public string Subject { get; set; } = "mailto:admin@lms.local";
    /// <summary>Accept http:// endpoints on the loopback address (the tests' own push service); push services are https.</summary>
    public bool AllowLoopbackEndpoints { get; set; }
}

/// <summary>The server's VAPID key pair: from configuration, or generated once and stored for every node.</summary>
public sealed class PushKeys(IOptions<PushOptions> options, PushRepository repository)
{
    private VapidKeys? _keys;

    public async Task<VapidKeys> GetAsync()
    {
        if (_keys is not null) return _keys;
        var o = options.Value;
        _keys = !string.IsNullOrEmpty(o.PublicKey) && !string.IsNullOrEmpty(o.PrivateKey)
            ? new VapidKeys { PublicKey = o.PublicKey, PrivateKey = o.PrivateKey }
            : await repository.KeysAsync(Generate);
        return _keys;
    }

    /// <summary>A fresh P-256 key pair as VAPID writes it: the uncompressed public point and the private scalar, base64url.</summary>
    public static VapidKeys Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: true);
        return new VapidKeys
        {
            PublicKey = Base64Url.EncodeToString([0x04, .. p.Q.X!, .. p.Q.Y!]), PrivateKey = Base64Url.EncodeToString(p.D!),
        };
    }
}

/// <summary>
/// The contact book's push notifications: to every device the reader subscribed, VAPID-signed and encrypted
/// (aes128gcm) by Lib.Net.Http.WebPush; a device its push service no longer knows (404, 410) is forgotten.
/// </summary>
public sealed class PushChannel(PushRepository devices, PushKeys keys, PushServiceClient client, IOptions<PushOptions> options, ILogger<PushChannel> log)
    : IContactChannel
{
    public async Task SendAsync(UserRow recipient, ContactPreferences preferences, ContactNotice notice, CancellationToken cancellationToken)
    {
        if (!preferences.ByPush) return;
        var subscriptions = await devices.DevicesAsync(recipient.Id);
        if (subscriptions.Count == 0) return;
        var vapid = await keys.GetAsync();
        using var authentication = new VapidAuthentication(vapid.PublicKey, vapid.PrivateKey) { Subject = options.Value.Subject };
        var payload = JsonSerializer.Serialize(new
        {
            title = Mailer.Subject(notice.MailKind, preferences.Language, notice.Values),
            body = notice.Values.GetValueOrDefault("text", ""),
            url = notice.Path,
            tag = $"{notice.Kind}-{notice.SubjectId}",
        });
        foreach (var device in subscriptions)
        {
            var subscription = new PushSubscription { Endpoint = device.Endpoint };
            subscription.SetKey(PushEncryptionKeyName.P256DH, device.P256dh);
            subscription.SetKey(PushEncryptionKeyName.Auth, device.Auth);
            try
            {
                await client.RequestPushMessageDeliveryAsync(subscription,
                    new PushMessage(payload) { Topic = null, Urgency = PushMessageUrgency.Normal, TimeToLive = (int)TimeSpan.FromDays(1).TotalSeconds },
                    authentication, VapidAuthenticationScheme.Vapid, cancellationToken);
            }
            catch (PushServiceClientException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                await devices.ForgetAsync(device.Id);
            }
            catch (Exception e) when (e is PushServiceClientException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // One device out of reach does not keep the others (or the e-mail) from being told.
                log.LogWarning(e, "A push notification to a device of {UserId} failed.", recipient.Id);
            }
        }
    }
}
