using Lms.Grains.Classroom;
using Lms.Media.Broadcast;
using Lms.Media.Content;

namespace Lms.Server.Classroom.Broadcast;

public static class BroadcastSetup
{
    /// <summary>Broadcast mode (<c>Classroom:Broadcast</c>). Its store (<see cref="IBroadcastStore"/>) comes with the content library.</summary>
    public static IServiceCollection AddLessonBroadcasts(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(BroadcastOptions.Section).Get<BroadcastOptions>() ?? new BroadcastOptions();
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<BroadcastTokens>();
        services.AddSingleton<BroadcastRepository>();
        services.AddSingleton(sp =>
        {
            var tools = sp.GetRequiredService<FfmpegTools>();
            return new LiveHlsPackager(tools, new MediaProber(tools));
        });
        services.AddSingleton<LessonBroadcasts>();
        services.AddSingleton<BroadcastFileCache>();
        services.AddHostedService<QuietBroadcastSweeper>();
        return services;
    }
}
