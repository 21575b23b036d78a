using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lms.Grains.Credentials;
using Lms.Grains.Institutions;

namespace Lms.Server.Credentials;

public sealed record VerificationCheck(string Check, bool Passed, string? Detail = null);

public sealed record Verification(
    bool Valid,
    bool Revoked,
    IReadOnlyList<VerificationCheck> Checks,
    Guid? IssuerId,
    string? IssuerName,
    JsonObject? Credential);

/// <summary>
/// Checks a VC-JWT as a receiving institution would, from the credential alone: its form, the
/// issuer's published key, the signature, that the issuer it names is the key's institution, its
/// dates, and its revocation bit in the issuer's status list.
/// </summary>
public sealed class CredentialVerifier(
    CredentialRepository credentials,
    InstitutionRepository institutions,
    PublicUrl urls,
    TimeProvider clock)
{
    public async Task<Verification> VerifyAsync(string jwt)
    {
        var checks = new List<VerificationCheck>();
        Verification Fail(string check, string detail, JsonObject? credential = null, Guid? issuer = null, string? issuerName = null)
        {
            checks.Add(new VerificationCheck(check, false, detail));
            return new Verification(false, false, checks, issuer, issuerName, credential);
        }

        var parsed = Jws.Parse(jwt);
        if (parsed is not { } p) return Fail("format", "Not a compact JWS.");
        var (header, payload, signingInput, signature) = p;
        if ((string?)header["alg"] != Jws.Algorithm) return Fail("format", "The algorithm is not ES256.", payload);
        if ((string?)header["typ"] is not ("vc+jwt" or "vc+ld+jwt")) return Fail("format", "The type is not vc+jwt.", payload);
        checks.Add(new VerificationCheck("format", true));

        var kid = (string?)header["kid"];
        var key = kid is null ? null : (await FindKeyAsync(kid));
        if (key is null) return Fail("key", "The key that signed it is not published by any institution here.", payload);
        var institution = await institutions.GetAsync(key.InstitutionId);
        checks.Add(new VerificationCheck("key", true, urls.Jwks(key.InstitutionId)));

        using (var ecdsa = Jws.FromPublicJwk(JsonNode.Parse(key.PublicJwk)!.AsObject()))
        {
            if (!Jws.Verify(signingInput, signature, ecdsa))
                return Fail("signature", "The signature does not match the content.", payload, key.InstitutionId, institution?.Name);
        }
        checks.Add(new VerificationCheck("signature", true));

        var issuer = payload["issuer"] is JsonObject o ? (string?)o["id"] : (string?)payload["issuer"];
        var expectedIssuer = urls.Issuer(key.InstitutionId);
        if (issuer != expectedIssuer || ((string?)payload["iss"] is { } iss && iss != issuer))
            return Fail("issuer", $"The credential names {issuer}, but its key belongs to {expectedIssuer}.", payload, key.InstitutionId, institution?.Name);
        checks.Add(new VerificationCheck("issuer", true, institution?.Name));

        var now = clock.GetUtcNow();
        if (!DateTimeOffset.TryParse((string?)payload["validFrom"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from) || from > now.AddMinutes(5))
            return Fail("dates", "It is not valid yet.", payload, key.InstitutionId, institution?.Name);
        if (payload["validUntil"] is JsonValue until && DateTimeOffset.TryParse((string?)until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var end) && end < now)
            return Fail("dates", "It has expired.", payload, key.InstitutionId, institution?.Name);
        checks.Add(new VerificationCheck("dates", true));

        var status = payload["credentialStatus"] as JsonObject;
        if (status is null || !int.TryParse((string?)status["statusListIndex"], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || (string?)status["statusListCredential"] is not { } listUrl)
            return Fail("status", "It has no revocation status.", payload, key.InstitutionId, institution?.Name);
        var list = ListNumber(listUrl, key.InstitutionId);
        if (list is null) return Fail("status", "Its status list is not its issuer's.", payload, key.InstitutionId, institution?.Name);
        var globalIndex = (list.Value - 1) * CredentialIssuer.StatusListSize + index;
        var revoked = (await credentials.RevokedIndexesAsync(key.InstitutionId)).Contains(globalIndex);
        checks.Add(new VerificationCheck("status", !revoked));
        return new Verification(!revoked, revoked, checks, key.InstitutionId, institution?.Name, payload);
    }

    private int? ListNumber(string url, Guid institutionId)
    {
        var prefix = urls.StatusList(institutionId, 0)[..^1];
        return url.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(url[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : null;
    }

    private async Task<KeyRow?> FindKeyAsync(string kid)
    {
        try
        {
            return await credentials.KeyAsync(kid);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
