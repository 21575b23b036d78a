using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Lms.Server.Security;
using Lms.Tests.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Hosting;

/// <summary>Two nodes whose silos speak mutual TLS with the cluster's certificate (a PFX each node holds).</summary>
public sealed class TlsTwoSiloCluster(PostgresServer postgres) : TwoSiloCluster(postgres)
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("lms-cluster-tls-").FullName;
    public string ClusterPfx => Path.Combine(Folder, "cluster.pfx");
    public int SiloPortOfA { get; } = FreePortBelowEphemeral();

    /// <summary>As the server picks its silo port: below the ephemeral range, so no outgoing connection takes it first.</summary>
    internal static int FreePortBelowEphemeral()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var probe = new TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException) when (attempt < 100) { }
        }
    }

    public override async ValueTask InitializeAsync()
    {
        await File.WriteAllBytesAsync(ClusterPfx, ClusterTrustTests.SelfSigned("lms-cluster").Export(X509ContentType.Pfx, "cluster-pass"));
        await base.InitializeAsync();
    }

    protected override IEnumerable<string> NodeArguments(int node) =>
    [
        $"--Cluster:Tls:Certificate={ClusterPfx}", "--Cluster:Tls:Password=cluster-pass",
        .. node == 0 ? new[] { $"--Orleans:SiloPort={SiloPortOfA}" } : [],
    ];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

public sealed class ClusterTrustTests(TlsTwoSiloCluster cluster) : IClassFixture<TlsTwoSiloCluster>
{
    internal static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    [Fact]
    public async Task Nodes_holding_the_cluster_certificate_serve_one_room_and_a_silo_port_refuses_anyone_without_it()
    {
        // The two nodes work together over TLS: a message sent on one reaches a student on the other.
        var course = await ClassroomKit.LiveCourseAsync(cluster.A, "Tin học 11 — cụm có TLS");
        await using var teacher = await ClassroomKit.ConnectAsync(cluster.A, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var onB = await ClassroomKit.ConnectAsync(cluster.B, LmsServer.Student1, course.SessionId);
        await onB.JoinAsync();
        var hello = (await teacher.Command("SendChat", "Xin chào qua TLS")).Seq;
        await onB.WaitForAsync(e => e.Any(x => x.Seq == hello), "the message across the TLS cluster");

        // The silo port: the cluster's certificate gets a TLS session (the control), no certificate or another one does not.
        var own = X509CertificateLoader.LoadPkcs12FromFile(cluster.ClusterPfx, "cluster-pass");
        Assert.True(await HandshakeAsync(own), "The cluster's own certificate should be accepted.");
        Assert.False(await HandshakeAsync(null), "A connection without a certificate reached the silo.");
        Assert.False(await HandshakeAsync(SelfSigned("lms-cluster")), "A certificate of the same name but another key reached the silo.");
    }

    private async Task<bool> HandshakeAsync(X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", cluster.SiloPortOfA);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "lms-cluster",
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            }).WaitAsync(TimeSpan.FromSeconds(20));
            // With TLS 1.3 the server checks the client's certificate after the client thinks it is done: read to see.
            var buffer = new byte[1];
            var read = tls.ReadAsync(buffer).AsTask();
            var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(3)));
            return finished != read || read.Result > 0;
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or SocketException or TimeoutException)
        {
            return false;
        }
    }

    [Fact]
    public void The_key_ring_is_encrypted_at_rest_and_a_copy_without_the_certificate_opens_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("lms-keyring-").FullName;
        try
        {
            var pfx = Path.Combine(folder, "keys.pfx");
            File.WriteAllBytes(pfx, SelfSigned("lms-keys").Export(X509ContentType.Pfx, "keys-pass"));
            var keys = Path.Combine(folder, "keys");
            var settings = new Dictionary<string, string?> { ["DataProtection:Certificate"] = pfx, ["DataProtection:Password"] = "keys-pass" };

            var secret = Provider(keys, settings).CreateProtector("lms-test").Protect("phiên đăng nhập của cô Lan");
            var written = string.Join("\n", Directory.GetFiles(keys, "*.xml").Select(File.ReadAllText));
            Assert.Contains("encryptedSecret", written);
            Assert.DoesNotContain("<value>", written); // the plain key ring keeps the master key in a <value> element

            var copy = Path.Combine(folder, "stolen");
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(keys)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            Assert.ThrowsAny<CryptographicException>(() => Provider(copy, []).CreateProtector("lms-test").Unprotect(secret));
            Assert.Equal("phiên đăng nhập của cô Lan", Provider(copy, settings).CreateProtector("lms-test").Unprotect(secret));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>A key ring as the server configures it (ClusterTrust.ProtectKeyRing), on a folder.</summary>
    private static IDataProtectionProvider Provider(string keys, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        var builder = services.AddDataProtection().SetApplicationName("lms").PersistKeysToFileSystem(new DirectoryInfo(keys));
        builder.ProtectKeyRing(configuration);
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }
}
