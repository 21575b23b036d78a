using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Orleans.Connections.Security;

namespace Lms.Server.Security;

/// <summary>
/// Who a node trusts in cluster mode. Silo-to-silo and gateway connections run over mutual TLS with the cluster's
/// certificate (<c>Cluster:Tls:Certificate</c>, a PFX file every node holds, and <c>Cluster:Tls:Password</c>): a
/// connection is accepted only from a peer presenting that certificate's key, or one listed in
/// <c>Cluster:Tls:TrustedThumbprints</c> (to roll a new certificate out node by node). Nothing else reaches a grain.
/// The key ring (cookies, tokens, the sealing of credential-signing keys) is encrypted at rest with
/// <c>DataProtection:Certificate</c> (or the cluster's certificate), so a copy of Redis or of the keys folder alone
/// yields nothing.
/// </summary>
public static class ClusterTrust
{
    /// <summary>The cluster's certificate, or null when none is configured (then the silo ports must be private: docs/security.md).</summary>
    public static X509Certificate2? ClusterCertificate(IConfiguration configuration) =>
        Load(configuration["Cluster:Tls:Certificate"], configuration["Cluster:Tls:Password"]);

    public static void UseClusterTls(this ISiloBuilder silo, X509Certificate2 certificate, IConfiguration configuration)
    {
        var trusted = (configuration.GetSection("Cluster:Tls:TrustedThumbprints").Get<string[]>() ?? [])
            .Select(t => t.Replace(":", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet();
        var ownKey = certificate.GetPublicKey();
        silo.UseTls(certificate, options =>
        {
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            // The peers are pinned: a self-signed cluster certificate has no chain to validate, and a certificate from a
            // public authority must not be enough to join. Platform errors (no chain, name) are therefore not the test.
            options.RemoteCertificateValidation = (remote, _, _) =>
                remote is not null && (remote.GetPublicKey().AsSpan().SequenceEqual(ownKey) || trusted.Contains(remote.Thumbprint.ToUpperInvariant()));
        });
    }

    /// <summary>Encrypts the key ring at rest when a certificate is configured; old certificates can still read it.</summary>
    public static void ProtectKeyRing(this IDataProtectionBuilder dataProtection, IConfiguration configuration)
    {
        var certificate = Load(configuration["DataProtection:Certificate"], configuration["DataProtection:Password"])
            ?? ClusterCertificate(configuration);
        if (certificate is null) return;
        var previous = (configuration.GetSection("DataProtection:PreviousCertificates").Get<string[]>() ?? [])
            .Select(path => Load(path, configuration["DataProtection:Password"])!).ToArray();
        dataProtection.ProtectKeysWithCertificate(certificate);
        // Decryption on Linux cannot look the certificate up in a store: it is given here, with the ones it replaced.
        dataProtection.UnprotectKeysWithAnyCertificate([certificate, .. previous]);
    }

    private static X509Certificate2? Load(string? path, string? password)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        if (!File.Exists(path)) throw new InvalidOperationException($"The certificate file {path} does not exist (see docs/security.md, \"Cluster trust\").");
        return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
    }
}
