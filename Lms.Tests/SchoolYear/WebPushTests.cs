using System.Buffers.Text;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lms.Grains.SchoolYear;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

/// <summary>The server, accepting the tests' own push service on the loopback address as a subscription's endpoint.</summary>
public sealed class PushLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--WebPush:AllowLoopbackEndpoints=true"];
}

/// <summary>npm's http_ece (the Web Push libraries' own aes128gcm code): decrypts what our server sent, independently of it.</summary>
public sealed class HttpEce() : NpmPackage("http_ece", "1.2.1");

/// <summary>
/// A contact-book message reaches the reader's browser by Web Push: the request to the push service is VAPID-signed
/// (an ES256 JWT for the endpoint's origin, valid at most 24 hours, checked with .NET's ECDsa) and its aes128gcm body
/// decrypts, with the browser's private key, by npm's http_ece to the notification; a device the push service says
/// is gone (410) is forgotten.
/// </summary>
public sealed class WebPushTests(PushLmsServer server, HttpEce ece) : IClassFixture<PushLmsServer>, IClassFixture<HttpEce>
{
    /// <summary>What a browser keeps for a subscription: its P-256 key pair and its 16-byte auth secret.</summary>
    private sealed record BrowserKeys(string P256dh, string PrivateKey, string Auth)
    {
        public static BrowserKeys Create()
        {
            using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            var p = key.ExportParameters(includePrivateParameters: true);
            return new BrowserKeys(Base64Url.EncodeToString([0x04, .. p.Q.X!, .. p.Q.Y!]), Base64Url.EncodeToString(p.D!),
                Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
        }
    }

    private const string DecryptScript = """
        import ece from 'http_ece';
        import crypto from 'node:crypto';
        const [body, privateKey, auth] = process.argv.slice(2);
        const browser = crypto.createECDH('prime256v1');
        browser.setPrivateKey(Buffer.from(privateKey, 'base64url'));
        const plain = ece.decrypt(Buffer.from(body, 'base64'), { version: 'aes128gcm', privateKey: browser, authSecret: Buffer.from(auth, 'base64url') });
        process.stdout.write(plain.toString('utf8'));
        """;

    [Fact]
    public async Task A_message_is_pushed_vapid_signed_and_encrypted_to_the_readers_devices_and_a_gone_device_is_forgotten()
    {
        await using var push = await WebPushService.StartAsync();
        var w = await SchoolDayWorld.CreateAsync(server);
        var anParentId = await server.UserIdAsync(w.AnParentEmail);
        var keys = BrowserKeys.Create();
        var (phone, oldPhone) = (push.Endpoint(), push.Endpoint(gone: true));
        foreach (var endpoint in new[] { phone, oldPhone })
            Assert.Equal(HttpStatusCode.NoContent, (await w.AnParent.PutAsJsonAsync("/api/contact-book/push/subscription",
                new { endpoint, p256dh = keys.P256dh, auth = keys.Auth })).StatusCode);
        // The server posts to the endpoint: a private address that is no push service's is refused.
        Assert.Equal("bad-push-endpoint", (await ProblemAssert.IsProblemAsync(await w.AnParent.PutAsJsonAsync("/api/contact-book/push/subscription",
            new { endpoint = "http://10.0.0.1/push/x", p256dh = keys.P256dh, auth = keys.Auth }), HttpStatusCode.BadRequest, "validation"))
            .GetProperty("code").GetString());

        var thread = (await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsJsonAsync("/api/contact-book/conversations",
            new { studentId = w.An, parentId = anParentId }))).GetProperty("id").GetGuid();
        var sentAt = DateTimeOffset.UtcNow;
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsJsonAsync($"/api/contact-book/conversations/{thread}/messages",
            new { body = "Chiều nay lớp tan học lúc 16 giờ.", attachmentIds = Array.Empty<Guid>() }));
        var delivery = await push.WaitForAsync(phone);

        // VAPID (RFC 8292): "vapid t=<JWT>, k=<the server's public key>", the key the browser subscribed with.
        var publicKey = (await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync("/api/contact-book/push/key")))
            .GetProperty("publicKey").GetString()!;
        var authorization = delivery.Headers["Authorization"];
        Assert.StartsWith("vapid ", authorization);
        var parameters = authorization["vapid ".Length..].Split(',').Select(p => p.Trim().Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(publicKey, parameters["k"]);
        var jwt = parameters["t"].Split('.');
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt[0])).RootElement;
        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        var point = Base64Url.DecodeFromChars(publicKey);
        using (var verifier = ECDsa.Create(new ECParameters
               {
                   Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..65] },
               }))
            Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes(jwt[0] + "." + jwt[1]), Base64Url.DecodeFromChars(jwt[2]), HashAlgorithmName.SHA256),
                "The JWT's ES256 signature does not verify with the server's public key.");
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(jwt[1])).RootElement;
        // The audience is the push service's origin. Lib.Net.Http.WebPush 3.3.1 writes it as scheme://host, leaving out a
        // port: the same for a push service (https on 443), not for this one on a loopback port, so that is what is checked.
        var endpointUri = new Uri(phone);
        Assert.Equal($"{endpointUri.Scheme}://{endpointUri.Host}", claims.GetProperty("aud").GetString());
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        Assert.True(expires > sentAt && expires <= DateTimeOffset.UtcNow.AddHours(24), $"exp {expires:O} is not within 24 hours of sending");
        Assert.StartsWith("mailto:", claims.GetProperty("sub").GetString());

        // Message Encryption for Web Push (RFC 8291, aes128gcm): npm's http_ece decrypts it with the browser's key.
        Assert.Equal("aes128gcm", delivery.Headers["Content-Encoding"]);
        Assert.True(int.Parse(delivery.Headers["TTL"]) > 0);
        var payload = JsonDocument.Parse(await ece.NodeAsync(DecryptScript, Convert.ToBase64String(delivery.Body), keys.PrivateKey, keys.Auth)).RootElement;
        Assert.Equal("Tin nhắn mới từ Nguyễn Thị Chủ Nhiệm (về Lê Hoàng An)", payload.GetProperty("title").GetString());
        Assert.Equal("Chiều nay lớp tan học lúc 16 giờ.", payload.GetProperty("body").GetString());
        Assert.Equal($"/contact-book/conversations/{thread}", payload.GetProperty("url").GetString());

        // The old phone's push service answered 410 Gone: the server forgets that device and keeps the other.
        await push.WaitForAsync(oldPhone);
        var devices = server.Get<PushRepository>();
        for (var attempt = 0; attempt < 100 && (await devices.DevicesAsync(anParentId)).Count > 1; attempt++) await Task.Delay(100);
        Assert.Equal([phone], (await devices.DevicesAsync(anParentId)).Select(d => d.Endpoint).ToList());
    }
}
