using Lms.Grains.Privacy;

namespace Lms.Server.Privacy;

public static class PrivacySetup
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ErasureRepository>();
        services.AddSingleton<PersonalDataSections>();
        services.AddSingleton<DataCopy>();
        return services;
    }

    public static void MapPrivacy(this RouteGroupBuilder api)
    {
        api.MapAuditLogEndpoints();
        api.MapPrivacyEndpoints();
    }
}
