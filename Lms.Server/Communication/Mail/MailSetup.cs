using Lms.Grains.Identity;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Communication.Mail;

public static class MailSetup
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration, string dataDirectory)
    {
        services.Configure<MailOptions>(configuration.GetSection(MailOptions.Section));
        services.AddSingleton(new MailOutbox(Path.Combine(dataDirectory, "outbox")));
        services.AddSingleton<Mailer>();
        services.AddHostedService<SmtpDelivery>();
        return services;
    }

    public static void MapMailEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/mail/outbox", Outbox).WithTags("Mail")
            .WithSummary("The newest outgoing messages, pending and sent (platform admins): with no SMTP server, this is how mail is read.");
    }

    private static async Task<IReadOnlyList<OutboxMessage>> Outbox(int? take, HttpContext http, UserRepository users, MailOutbox outbox)
    {
        if (await users.GetAsync(http.User.Id()) is not { PlatformAdmin: true })
            throw ProblemException.Forbidden("Only a platform administrator reads the outbox.");
        return await outbox.ListAsync(Math.Clamp(take ?? 50, 1, 200), http.RequestAborted);
    }
}
