using Lms.Grains.SchoolYear;

namespace Lms.Server.SchoolYear;

/// <summary>The contact book: threads, announcements, attachments, and notifications by e-mail (and push) after quiet hours.</summary>
public static class ContactSetup
{
    public static IServiceCollection AddContactBook(this IServiceCollection services)
    {
        services.AddOptions<PushOptions>().BindConfiguration(PushOptions.Section);
        services.AddSingleton<PushRepository>();
        services.AddSingleton<PushKeys>();
        // One client for the process: push services are a few hosts, kept alive between notifications.
        services.AddSingleton(_ => new Lib.Net.Http.WebPush.PushServiceClient(new HttpClient { Timeout = TimeSpan.FromSeconds(20) }));
        services.AddSingleton<IContactChannel, PushChannel>();
        services.AddSingleton<ContactRepository>();
        services.AddSingleton<ContactAnnouncementRepository>();
        services.AddSingleton<ContactNotificationRepository>();
        services.AddSingleton<IContactChannel, ContactMailChannel>();
        services.AddSingleton<ContactNotifier>();
        services.AddHostedService<ContactNotificationSender>();
        services.AddSingleton<DigestRepository>();
        services.AddSingleton<WeeklyDigest>();
        services.AddHostedService<WeeklyDigestSender>();
        services.AddScoped<ContactAccess>();
        return services;
    }
}
