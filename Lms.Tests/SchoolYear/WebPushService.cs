using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lms.Tests.SchoolYear;

/// <summary>A request the push service received: its headers and its (encrypted) body.</summary>
public sealed record PushDelivery(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A push service of the tests' own on 127.0.0.1 (Chromium's cannot be reached here): it keeps every request it is
/// sent and answers 201 Created, or 410 Gone on a path the test says is gone (a device that unsubscribed).
/// </summary>
public sealed class WebPushService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<PushDelivery> _received = new();
    private readonly ConcurrentDictionary<string, bool> _gone = new();

    private WebPushService(WebApplication app) => _app = app;

    public string Origin { get; private set; } = "";

    public static async Task<WebPushService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new WebPushService(app);
        app.MapPost("/push/{id}", async (string id, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            service._received.Enqueue(new PushDelivery(request.Path, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(),
                StringComparer.OrdinalIgnoreCase), body.ToArray()));
            return service._gone.ContainsKey(id) ? Results.StatusCode(StatusCodes.Status410Gone) : Results.StatusCode(StatusCodes.Status201Created);
        });
        await app.StartAsync();
        service.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return service;
    }

    /// <summary>A fresh endpoint for one subscription; a gone one answers 410 as a push service does for an unsubscribed device.</summary>
    public string Endpoint(bool gone = false)
    {
        var id = Guid.NewGuid().ToString("N");
        if (gone) _gone[id] = true;
        return $"{Origin}/push/{id}";
    }

    /// <summary>The first request to <paramref name="endpoint"/>, waiting a bounded time for it.</summary>
    public async Task<PushDelivery> WaitForAsync(string endpoint)
    {
        var path = new Uri(endpoint).AbsolutePath;
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (_received.FirstOrDefault(d => d.Path == path) is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Nothing was pushed to {endpoint}; the service received {_received.Count} request(s).");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
