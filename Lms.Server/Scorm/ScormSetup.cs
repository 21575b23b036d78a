using Lms.Grains.Courses;
using Lms.Grains.Scorm;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lms.Server.Scorm;

/// <summary>SCORM lessons: one line in LmsApp for the services, one for the endpoints.</summary>
public static class ScormSetup
{
    public static IServiceCollection AddScorm(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ScormOptions>(configuration.GetSection(ScormOptions.Section));
        services.AddSingleton<ScormRepository>();
        services.AddSingleton<ScormTokens>();
        services.AddSingleton<ScormContentServer>();
        services.AddHostedService(sp => sp.GetRequiredService<ScormContentServer>());
        // The app's pages may frame the content origin (the player's iframe), and nothing else.
        services.AddSingleton<Security.IFrameSource, ScormFrameSource>();
        // SCORM items in the course's completion and grade.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemStateSource, ScormItemStateSource>());
        return services;
    }
}

/// <summary>The content origin, for the app's Content-Security-Policy <c>frame-src</c>.</summary>
public sealed class ScormFrameSource(ScormContentServer content) : Security.IFrameSource
{
    public string? For(HttpRequest request) => content.OriginFor(request);
}
