using System.Net;
using System.Net.Sockets;

namespace Lms.Server.Hosting;

public static class OrleansSetup
{
    /// <summary>
    /// Embedded mode: one silo with localhost clustering. Its ports default to free ones so that a
    /// second server (a test, a bench) on the same machine never collides with the first.
    /// </summary>
    public static void AddLmsSilo(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Orleans");
        var siloPort = section.GetValue<int?>("SiloPort") is int s and > 0 ? s : FreePort();
        var gatewayPort = section.GetValue<int?>("GatewayPort") is int g and > 0 ? g : FreePort();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: "lms", clusterId: section["ClusterId"] ?? "lms-embedded");
        });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
