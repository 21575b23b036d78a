using Microsoft.AspNetCore.SignalR;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Lms.Server.Classroom.LiveKit;
using Lms.Server.Classroom.Broadcast;

namespace Lms.Server.Classroom;

/// <summary>Which media the rooms use: peer to peer (embedded default) or a LiveKit server.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";
    public const string PeerToPeer = "P2P";
    public const string LiveKitProvider = "LiveKit";

    /// <summary><c>P2P</c> (default) or <c>LiveKit</c>.</summary>
    public string Provider { get; set; } = PeerToPeer;

    public LiveKitOptions LiveKit { get; set; } = new();

    /// <summary>STUN and TURN for peer-to-peer rooms (<c>Media:Ice</c>).</summary>
    public IceOptions Ice { get; set; } = new();

    public bool UsesLiveKit => string.Equals(Provider, LiveKitProvider, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What the web app is told about the media of a room ("p2p" or "livekit").</summary>
public sealed record ClassroomMediaInfo(string Provider);

public static class ClassroomSetup
{
    public static IServiceCollection AddClassroom(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<LiveSessionRepository>();
        // A course copy leaves scheduled lessons out (they belong to the original class and its dates).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemCopier, LiveSessionCopier>());
        services.AddScoped<ClassroomAccess>();
        services.Configure<ClassroomOptions>(configuration.GetSection(ClassroomOptions.Section));
        services.Configure<ClassroomHubLimits>(configuration.GetSection(ClassroomHubLimits.Section));
        services.AddSingleton<ClassroomConnections>();
        services.AddSingleton<CallerSeal>();
        // In cluster mode (Cluster:Redis) the hosting adds the Redis backplane to this same SignalR.
        services.AddSignalR(o =>
        {
            // WebRTC offers carry a few kilobytes of SDP.
            o.MaximumReceiveMessageSize = 128 * 1024;
            o.AddFilter<HubFailureLogging>();
        }).AddMessagePackProtocol();
        services.AddLogging(logging => logging.AddFilter(HubFailureLogging.DispatcherCategory, LogLevel.Critical));
        services.AddSingleton<IClassroomPublisher, HubClassroomPublisher>();

        var media = configuration.GetSection(MediaOptions.Section).Get<MediaOptions>() ?? new MediaOptions();
        services.AddSingleton(media);
        media.Ice.Validate();
        services.AddSingleton(media.Ice);
        services.AddSingleton<IceCredentials>();
        services.AddLessonBroadcasts(configuration);
        if (media.UsesLiveKit)
        {
            media.LiveKit.Validate();
            services.AddSingleton(media.LiveKit);
            services.AddHttpClient<LiveKitRoomService>();
            services.AddSingleton<LiveKitTokens>();
            services.AddSingleton<LiveKitWebhooks>();
            services.AddTransient<LiveKitEgress>();
            services.AddSingleton<IClassroomMedia, LiveKitClassroomMedia>();
            services.AddSingleton(new ClassroomMediaInfo("livekit"));
        }
        else
        {
            services.AddSingleton<IClassroomMedia, NoClassroomMedia>();
            services.AddSingleton(new ClassroomMediaInfo("p2p"));
        }
        return services;
    }

    /// <summary>The classroom's HTTP API under <c>/api/classroom</c>.</summary>
    public static void MapClassroomEndpoints(this RouteGroupBuilder api)
    {
        api.MapClassroomApi();
        api.MapClassroomMedia();
        api.MapBroadcastEndpoints();
    }

    /// <summary>The hub at <c>/hubs/classroom</c>, and LiveKit's webhook at <c>/hooks/livekit</c> (signed by LiveKit, not by a person).</summary>
    public static void MapClassroomHub(this IEndpointRouteBuilder app)
    {
        app.MapHub<ClassroomHub>("/hubs/classroom");
        app.MapLiveKitWebhook();
    }
}
