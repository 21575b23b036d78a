using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lms.Server.Credentials;

/// <summary>
/// Compact JWS with ES256 (ECDSA P-256, SHA-256, the signature as R‖S: RFC 7515/7518), and public
/// keys as JWKs with their RFC 7638 thumbprint as key id. Just what VC-JWTs need, on .NET's own crypto.
/// </summary>
public static class Jws
{
    public const string Algorithm = "ES256";

    public static string Sign(JsonObject header, JsonObject payload, ECDsa key)
    {
        var signingInput = B64(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + B64(signature);
    }

    /// <summary>The header and payload of a compact JWS, unverified; null when it is not one.</summary>
    public static (JsonObject Header, JsonObject Payload, byte[] SigningInput, byte[] Signature)? Parse(string jws)
    {
        var parts = jws.Trim().Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var header = JsonNode.Parse(Unb64(parts[0])) as JsonObject;
            var payload = JsonNode.Parse(Unb64(parts[1])) as JsonObject;
            if (header is null || payload is null) return null;
            return (header, payload, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Unb64(parts[2]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    public static bool Verify(byte[] signingInput, byte[] signature, ECDsa key) =>
        signature.Length == 64 &&
        key.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>The public half of a P-256 key as a JWK (kty, crv, x, y).</summary>
    public static JsonObject PublicJwk(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) };
    }

    /// <summary>RFC 7638: SHA-256 over the required members in lexical order, no white space.</summary>
    public static string Thumbprint(JsonObject jwk)
    {
        var canonical = $"{{\"crv\":\"{jwk["crv"]}\",\"kty\":\"{jwk["kty"]}\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}";
        return B64(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static ECDsa FromPublicJwk(JsonObject jwk)
    {
        if ((string?)jwk["kty"] != "EC" || (string?)jwk["crv"] != "P-256") throw new CryptographicException("Not a P-256 key.");
        return ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Unb64((string)jwk["x"]!), Y = Unb64((string)jwk["y"]!) },
        });
    }

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Unb64(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
