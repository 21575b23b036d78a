using System.Runtime.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lms.Bench.Classroom;

/// <summary>The baseline: a bare SignalR hub that broadcasts what it is given to one group, nothing else.</summary>
public sealed class BareHub : Hub
{
    public Task Join() => Groups.AddToGroupAsync(Context.ConnectionId, "g");

    public Task Broadcast(BareMessage message) => Clients.Group("g").SendAsync("event", message);
}

/// <summary>The same shape as a classroom event (so both hubs carry the same bytes).</summary>
[DataContract]
public sealed record BareMessage(
    [property: DataMember(Name = "sessionId")] string SessionId,
    [property: DataMember(Name = "seq")] long Seq,
    [property: DataMember(Name = "type")] string Type,
    [property: DataMember(Name = "at")] string At,
    [property: DataMember(Name = "data")] string Data);

public static class BareHubServer
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 128 * 1024).AddMessagePackProtocol();
        var app = builder.Build();
        app.MapGet("/ready", () => "ok");
        app.MapHub<BareHub>("/hubs/bare");
        await app.RunAsync();
        return 0;
    }
}
