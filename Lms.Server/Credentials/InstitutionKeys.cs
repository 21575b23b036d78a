using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lms.Grains.Credentials;
using Microsoft.AspNetCore.DataProtection;

namespace Lms.Server.Credentials;

/// <summary>
/// Each institution's signing key (ECDSA P-256), made on first use. The private key is kept in the
/// database encrypted with ASP.NET Data Protection (whose own keys live under Data:KeysDirectory);
/// the public key is published as a JWK set at /institutions/{id}/.well-known/jwks.json.
/// </summary>
public sealed class InstitutionKeys(CredentialRepository repository, IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Lms.Credentials.InstitutionKeys.v1");
    private readonly ConcurrentDictionary<string, ECDsa> _signers = new();
    private readonly SemaphoreSlim _creating = new(1, 1);

    /// <summary>The institution's current key id and signer.</summary>
    public async Task<(string Kid, ECDsa Key)> SignerAsync(Guid institutionId)
    {
        var row = await repository.ActiveKeyAsync(institutionId);
        if (row is null)
        {
            await _creating.WaitAsync();
            try
            {
                row = await repository.ActiveKeyAsync(institutionId) ?? await CreateAsync(institutionId);
            }
            finally
            {
                _creating.Release();
            }
        }
        var key = _signers.GetOrAdd(row.Kid, _ =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Convert.FromBase64String(_protector.Unprotect(row.PrivateKey)), out int _);
            return ecdsa;
        });
        return (row.Kid, key);
    }

    private async Task<KeyRow> CreateAsync(Guid institutionId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = Jws.PublicJwk(key);
        var kid = Jws.Thumbprint(jwk);
        jwk["kid"] = kid;
        jwk["alg"] = Jws.Algorithm;
        jwk["use"] = "sig";
        var row = new KeyRow
        {
            Kid = kid, InstitutionId = institutionId, Algorithm = Jws.Algorithm, PublicJwk = jwk.ToJsonString(),
            PrivateKey = _protector.Protect(Convert.ToBase64String(key.ExportPkcs8PrivateKey())), CreatedAt = clock.GetUtcNow(),
        };
        await repository.InsertKeyAsync(row);
        return row;
    }

    /// <summary>The institution's public keys as a JWK set (RFC 7517).</summary>
    public async Task<JsonObject> JwksAsync(Guid institutionId)
    {
        var keys = new JsonArray();
        foreach (var row in await repository.KeysAsync(institutionId))
            keys.Add(JsonNode.Parse(row.PublicJwk));
        return new JsonObject { ["keys"] = keys };
    }
}
