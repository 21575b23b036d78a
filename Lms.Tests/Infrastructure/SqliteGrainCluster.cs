using Lms.Grains.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace Lms.Tests.Infrastructure;

/// <summary>What a test cluster's silo needs beyond the clock and the database.</summary>
public interface ISiloServices
{
    static abstract void Add(IServiceCollection services);
}

/// <summary>
/// A real Orleans test cluster (one silo, in process) whose grains use a real, migrated SQLite file.
/// <typeparamref name="TServices"/> adds the feature's repositories and options.
/// </summary>
public class SqliteGrainCluster<TServices> : IAsyncLifetime where TServices : ISiloServices
{
    public TestCluster Cluster { get; private set; } = null!;
    public Db Db { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        var options = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, postgres: null!);
        Db = new Db(options);
        var builder = new TestClusterBuilder(initialSilosCount: 1);
        builder.Properties["LmsConnectionString"] = options.ConnectionString;
        builder.AddSiloBuilderConfigurator<Configurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class Configurator : IHostConfigurator
    {
        public void Configure(IHostBuilder hostBuilder) => hostBuilder.ConfigureServices((context, services) =>
        {
            services.AddSingleton(TimeProvider.System);
            services.AddSingleton(new DatabaseOptions
            {
                Provider = DatabaseProvider.Sqlite, ConnectionString = context.Configuration["LmsConnectionString"]!,
            });
            services.AddSingleton<Db>();
            TServices.Add(services);
        });
    }
}
