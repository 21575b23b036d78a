using Lms.Grains.Content;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Moocs;
using Lms.Media.Content;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Lms.Server.Content;

/// <summary>The content library's registration: one line in LmsApp for its services, one for its endpoints, one for its hub.</summary>
public static class ContentSetup
{
    public static IServiceCollection AddContent(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddContentCore(configuration);
        services.AddMemoryCache();
        services.AddSignalR();
        services.AddScoped<ContentAccess>();
        services.AddSingleton<JobWatchers>();
        services.AddScoped<UploadIntake>();
        services.AddScoped<LessonRecordings>();
        services.Configure<LessonRecordingOptions>(configuration.GetSection(LessonRecordingOptions.Section));
        services.AddHostedService<AbandonedRecordingSweeper>();
        services.AddHostedService<JobProgressRelay>();
        // A course's standing (MOOC completion rules) asks this for its video and sound items.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IItemStateSource, WatchedItemStateSource>());
        // Web nodes of a cluster may leave the transcoding to media workers (Media:Worker=false).
        if (configuration.GetValue($"{MediaWorkerOptions.Section}:Worker", true)) services.AddHostedService<MediaWorker>();
        return services;
    }

    public static void MapContentHubs(this IEndpointRouteBuilder app) => app.MapHub<ContentHub>("/hubs/content");

    /// <summary>What both a web node and a media-only worker need: options, repositories, the store, the pipeline.</summary>
    public static IServiceCollection AddContentCore(this IServiceCollection services, IConfiguration configuration)
    {
        var data = Path.GetFullPath(configuration["Data:Directory"] ?? "data");
        services.Configure<ContentOptions>(configuration.GetSection(ContentOptions.Section));
        services.PostConfigure<ContentOptions>(o =>
        {
            o.Root = Path.GetFullPath(string.IsNullOrWhiteSpace(o.Root) ? Path.Combine(data, "content") : o.Root);
            o.UploadsDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(o.UploadsDirectory) ? Path.Combine(data, "uploads") : o.UploadsDirectory);
        });
        services.Configure<MediaWorkerOptions>(configuration.GetSection(MediaWorkerOptions.Section));
        services.PostConfigure<MediaWorkerOptions>(o =>
            o.WorkDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(o.WorkDirectory) ? Path.Combine(data, "media-work") : o.WorkDirectory));
        services.Configure<MediaLimits>(configuration.GetSection("Media:Limits"));

        services.TryAddSingleton<ContentRepository>();
        services.TryAddSingleton<MediaJobRepository>();
        services.TryAddSingleton<UploadRepository>();
        services.TryAddSingleton<StorageQuota>();
        services.TryAddSingleton<RecordingRepository>();
        services.TryAddSingleton<WatchRepository>();
        services.TryAddSingleton<IContentStore>(sp => new DiskContentStore(sp.GetRequiredService<IOptions<ContentOptions>>().Value.Root));
        services.TryAddSingleton<Lms.Server.Classroom.Broadcast.IBroadcastStore, ContentBroadcastStore>();
        services.TryAddSingleton(sp => new Lms.Media.Broadcast.BroadcastPoster(sp.GetRequiredService<FfmpegTools>()));
        services.TryAddSingleton<Lms.Server.Classroom.Broadcast.IBroadcastRecordings, BroadcastRecordingPublisher>();
        services.TryAddSingleton(_ => PopplerTools.Locate());
        services.TryAddSingleton(sp =>
        {
            var media = sp.GetRequiredService<IOptions<MediaWorkerOptions>>().Value;
            return new MediaPipeline(sp.GetRequiredService<FfmpegTools>(), sp.GetRequiredService<PopplerTools>(), new MediaPipelineOptions
            {
                Limits = sp.GetRequiredService<IOptions<MediaLimits>>().Value,
                Encoder = new EncoderOptions
                {
                    Preset = media.Preset, Threads = media.Threads,
                    TimeoutFactor = media.EncodeTimeoutFactor, MinimumTimeout = TimeSpan.FromSeconds(media.EncodeTimeoutMinimumSeconds),
                },
            });
        });
        services.TryAddSingleton(sp => new RecordingJoiner(sp.GetRequiredService<FfmpegTools>()));
        services.TryAddSingleton<MediaJobSignal>();
        services.TryAddSingleton<MediaJobRunner>();
        return services;
    }
}

/// <summary>
/// The same binary as a media worker only (<c>--Roles=media</c> or <c>--Media:WorkerOnly=true</c>):
/// no HTTP, no Orleans silo; the job loop against the shared database and content store. It waits
/// for a web node to have created the schema rather than migrating itself.
/// </summary>
public static class MediaWorkerHost
{
    public static bool IsWorkerOnly(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        return MediaWorkerOptions.IsWorkerOnly(configuration);
    }

    public static async Task RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args, ContentRootPath = AppContext.BaseDirectory,
        });
        var configuration = builder.Configuration;
        var data = Path.GetFullPath(configuration["Data:Directory"] ?? "data");
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new DatabaseOptions
        {
            Provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite),
            ConnectionString = configuration.GetConnectionString("Lms") ?? $"Data Source={Path.Combine(data, "lms.db")}",
        });
        services.AddSingleton<Db>();
        services.AddSingleton(FfmpegTools.Locate(configuration["Media:FfmpegFolder"]));
        services.AddContentCore(configuration);
        services.AddHostedService<MediaWorker>();
        var host = builder.Build();

        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MediaWorkerHost));
        if (!host.Services.GetRequiredService<FfmpegTools>().Found) log.LogWarning("ffmpeg and ffprobe were not found: media jobs will fail.");
        await WaitForSchemaAsync(host.Services.GetRequiredService<Db>(), log);
        await host.RunAsync();
    }

    private static readonly Sql SchemaSql = Sql.Portable("SELECT COUNT(*) FROM media_jobs WHERE 1 = 0");

    private static async Task WaitForSchemaAsync(Db db, ILogger log)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = await db.OpenAsync();
                await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, db.Text(SchemaSql));
                return;
            }
            catch (Exception e) when (attempt < 120)
            {
                if (attempt % 10 == 0) log.LogInformation("Waiting for the database schema (a web node creates it): {Message}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
