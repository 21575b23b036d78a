using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Media.Content;
using Lms.Server.Assessment;
using Lms.Server.Classroom;
using Lms.Server.Communication.Mail;
using Lms.Server.Content;
using Lms.Server.Courses;
using Lms.Server.Credentials;
using Lms.Server.Demo;
using Lms.Server.Health;
using Lms.Server.Identity;
using Lms.Server.Institutions;
using Lms.Server.Moocs;
using Lms.Server.Privacy;
using Lms.Server.Problems;
using Lms.Server.SchoolYear;
using Lms.Server.Scorm;
using Lms.Server.Security;
using Lms.Server.Web;
using Microsoft.Extensions.FileProviders;
using Scalar.AspNetCore;

namespace Lms.Server.Hosting;

/// <summary>Builds the one process of embedded mode: HTTP API, web app, Orleans silo, database.</summary>
public static class LmsApp
{
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <param name="customize">Lets a test host add to the services (a log sink, say) before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? customize = null)
    {
        // appsettings.json travels with the binary; ./data is relative to where the server is started.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = builder.Configuration;

        // The standard ASPNETCORE_URLS / --urls win; with neither, loopback port 5000.
        if (string.IsNullOrEmpty(configuration["urls"])) builder.WebHost.UseUrls(DefaultUrl);

        var webRoot = WebRoot.Locate(configuration["Web:Root"]);
        if (webRoot is not null)
        {
            builder.Environment.WebRootPath = webRoot;
            builder.Environment.WebRootFileProvider = new PhysicalFileProvider(webRoot);
        }

        var dataDirectory = Path.GetFullPath(configuration["Data:Directory"] ?? "data");
        var database = new DatabaseOptions
        {
            Provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite),
            ConnectionString = configuration.GetConnectionString("Lms")
                               ?? $"Data Source={Path.Combine(dataDirectory, "lms.db")}",
        };

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(database);
        services.AddSingleton<Db>();
        services.AddSingleton<Passwords>();
        services.AddSingleton<UserRepository>();
        services.AddSingleton<InstitutionRepository>();
        services.AddSingleton<RosterImport>();
        services.AddSingleton<AdminAudit>();
        services.AddSingleton<PeopleRepository>();
        services.AddSingleton<ClassRepository>();
        services.AddSingleton<PhoneLogins>();
        services.AddRosterImports(configuration);
        services.AddSingleton<CourseRepository>();
        services.AddSingleton<CourseCopy>();
        services.AddSingleton<ProgressRepository>();
        services.AddSingleton(FfmpegTools.Locate(configuration["Media:FfmpegFolder"]));
        services.AddScoped<InstitutionAccess>();
        services.AddScoped<CourseAccess>();
        services.AddScoped<SignInService>();
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<PasswordPolicy>();
        services.AddScoped<Accounts>();
        services.AddMail(configuration, dataDirectory);
        services.AddSessions();
        services.AddSingleton<FirstAdminSetup>();
        services.Configure<ThrottleOptions>(configuration.GetSection(ThrottleOptions.Section));
        services.AddSingleton<TrustedDevices>();
        services.AddSingleton<TwoFactorRepository>();
        services.AddSingleton<TwoFactor>();
        services.AddSingleton<SecondStepTickets>();
        services.AddSignInRateLimit(configuration);
        services.AddExternalSignIn(configuration);
        services.AddIdentityProvider();
        services.Configure<DemoOptions>(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<DemoSeeder>();
        services.AddMoocs(configuration);
        services.AddCredentials(configuration);
        services.AddAssessment(configuration);
        services.AddContent(configuration);
        services.AddPrivacy();
        services.AddSchoolYear();
        services.AddScorm(configuration);

        services.AddLmsProblems();
        services.AddBrowserProtections(configuration);
        services.AddPrecompressedFiles();
        services.AddSingleton<AppPage>();
        services.AddSingleton<AppTexts>();
        services.AddSafeResponseCompression();
        services.AddValidation();
        services.AddLmsAuthentication();
        services.AddLmsOpenApi();
        services.AddLmsHealthChecks();
        services.AddClassroom(configuration);
        services.AddLiveQuiz(configuration);

        builder.AddLmsSilo(dataDirectory);
        customize?.Invoke(builder);

        var app = builder.Build();
        PrepareDatabase(app);
        Configure(app);
        return app;
    }

    /// <summary>Migrations, then the demo seed; one silo at a time when several start together.</summary>
    private static void PrepareDatabase(WebApplication app)
    {
        var db = app.Services.GetRequiredService<Db>();
        StartupLock.RunAsync(db, async () =>
        {
            SchemaMigrator.MigrateUp(db, app.Services.GetRequiredService<ILoggerFactory>());
            var urls = (app.Configuration["urls"] ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            await app.Services.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(urls);
            await app.Services.GetRequiredService<FirstAdminSetup>().PrintCodeIfNeededAsync();
        }).GetAwaiter().GetResult();
    }

    private static void Configure(WebApplication app)
    {
        app.UseBrowserProtections();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseResponseCompression();
        // No UseDefaultFiles: "/" is the student's home page rendered on the server (or the web app's fallback).
        app.UsePrecompressedFiles();
        app.UseStaticFiles();
        app.UseExternalSignInSchemes();
        app.UseIdentityProviderTransport();
        app.UseAuthentication();
        app.UseMiddleware<SessionCheckMiddleware>();
        app.UseMiddleware<TwoFactorGateMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();

        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/docs").AllowAnonymous();
        app.MapHealthEndpoints();
        // Every API endpoint needs a signed-in caller unless it says AllowAnonymous; each feature
        // then checks the caller's role in the institution or course it touches.
        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapIdentityEndpoints();
        api.MapMailEndpoints();
        FirstAdminSetup.Map(api);
        api.MapInstitutionEndpoints();
        api.MapRosterExportEndpoints();
        api.MapPeopleEndpoints();
        api.MapTwoFactorAdminEndpoints();
        api.MapExternalSignInEndpoints();
        app.MapIdentityProvider(api);
        api.MapClassEndpoints();
        api.MapCourseEndpoints();
        api.MapCourseCopyEndpoints();
        app.MapMoocs(api);
        app.MapCredentials(api);
        api.MapAssessmentEndpoints();
        api.MapClassroomEndpoints();
        api.MapLiveQuizEndpoints();
        app.MapClassroomHub();
        api.MapContentEndpoints();
        api.MapPrivacy();
        api.MapSchoolYear();
        api.MapScormEndpoints();
        app.MapContentHubs();

        // The pages a phone sees first, rendered on the server; the web app takes over when it has started.
        SignInPages.Map(app);
        HomePage.Map(app);

        // Any other path is the web app's (client-side routed) page; unknown API paths stay a 404 problem.
        if (app.Environment.WebRootPath is not null)
            app.MapFallbackToFile("{*path:nonfile:regex(^(?!(api|hubs|health|openapi)/).*$)}", "index.html").AllowAnonymous();
    }
}
