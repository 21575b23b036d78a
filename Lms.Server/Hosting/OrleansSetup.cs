using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.DataProtection;
using Lms.Server.Classroom;
using Lms.Server.Security;
using StackExchange.Redis;

namespace Lms.Server.Hosting;

/// <summary>
/// The one place that knows which mode the process runs in.
/// Embedded (no <c>Cluster:Redis</c>): one silo with localhost clustering, SignalR in process,
/// cookie keys on disk. Cluster (<c>Cluster:Redis</c> set): silos find each other through Redis
/// (membership and reminders), SignalR fans out through the Redis backplane, and every silo
/// shares the cookie-encryption keys kept in Redis, so any silo accepts any session.
/// </summary>
public static class OrleansSetup
{
    public static void AddLmsSilo(this WebApplicationBuilder builder, string dataDirectory)
    {
        var configuration = builder.Configuration;
        var section = configuration.GetSection("Orleans");
        // Free ports by default, so that a second server on the same machine never collides with the first.
        var siloPort = section.GetValue<int?>("SiloPort") is int s and > 0 ? s : FreePort();
        var gatewayPort = section.GetValue<int?>("GatewayPort") is int g and > 0 ? g : FreePort();
        var redis = configuration["Cluster:Redis"];

        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("lms");
        dataProtection.ProtectKeyRing(configuration);
        var signalR = builder.Services.AddSignalR();

        if (string.IsNullOrWhiteSpace(redis))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(configuration["Data:KeysDirectory"] ?? Path.Combine(dataDirectory, "keys")));
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "lms", clusterId: section["ClusterId"] ?? "lms-embedded");
                silo.AddIncomingGrainCallFilter<SealedCallerFilter>();
                silo.UseInMemoryReminderService();
            });
            return;
        }

        var redisOptions = ConfigurationOptions.Parse(redis);
        var multiplexer = ConnectionMultiplexer.Connect(redisOptions);
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        dataProtection.PersistKeysToStackExchangeRedis(multiplexer, "lms:data-protection-keys");
        signalR.AddStackExchangeRedis(redis, options => options.Configuration.ChannelPrefix = RedisChannel.Literal("lms"));
        builder.UseOrleans(silo =>
        {
            silo.Configure<Orleans.Configuration.ClusterOptions>(options =>
            {
                options.ServiceId = "lms";
                options.ClusterId = section["ClusterId"] ?? "lms";
            });
            // The address other silos reach this one at; on one machine (and in tests) the loopback.
            var advertised = IPAddress.TryParse(section["AdvertisedIP"], out var ip) ? ip : IPAddress.Loopback;
            silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            if (ClusterTrust.ClusterCertificate(configuration) is { } certificate) silo.UseClusterTls(certificate, configuration);
            silo.UseRedisClustering(options => options.ConfigurationOptions = redisOptions.Clone());
            silo.AddIncomingGrainCallFilter<SealedCallerFilter>();
            silo.UseRedisReminderService(options => options.ConfigurationOptions = redisOptions.Clone());
        });
    }

    /// <summary>
    /// A port that is free now, chosen below the ephemeral range (Linux: 32768–60999; Windows starts at
    /// 49152). A port the kernel hands out for "port 0" is an ephemeral one, and any outgoing connection
    /// (an HTTP client, a database pool) may take it as its local port before the silo binds it:
    /// "Address already in use" when many servers start at once, as in the test suite.
    /// </summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
