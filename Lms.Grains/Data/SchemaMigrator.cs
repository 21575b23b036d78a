using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lms.Grains.Data;

/// <summary>
/// Brings the database up to the newest schema with FluentMigrator: one set of migrations in
/// <c>Data/Migrations</c>, each provider's own runner.
/// </summary>
public static class SchemaMigrator
{
    public static void MigrateUp(Db db, ILoggerFactory? loggerFactory = null)
    {
        using var services = RunnerServices(db.Dialect.Provider, db.ConnectionString, loggerFactory, previewOnly: false);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();

        if (db.Dialect.Provider == DatabaseProvider.Sqlite)
            EnableWriteAheadLog(db.ConnectionString);
    }

    /// <summary>
    /// The migration runner for a provider. With <paramref name="previewOnly"/> it needs no
    /// database: it only logs the SQL it would run (used to parse-check the SQL Server script).
    /// </summary>
    public static ServiceProvider RunnerServices(
        DatabaseProvider provider, string? connectionString, ILoggerFactory? loggerFactory, bool previewOnly)
    {
        var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                _ = provider switch
                {
                    DatabaseProvider.Sqlite => runner.AddSQLite(),
                    DatabaseProvider.Postgres => runner.AddPostgres(),
                    DatabaseProvider.SqlServer => runner.AddSqlServer2016(),
                    _ => throw new ArgumentOutOfRangeException(nameof(provider)),
                };
                if (!previewOnly) runner.WithGlobalConnectionString(connectionString);
                runner.ScanIn(typeof(SchemaMigrator).Assembly).For.Migrations();
            })
            .AddScoped<FluentMigrator.Runner.Generators.SQLite.ISQLiteTypeMap, SqliteTimeTypeMap>()
            .Configure<RunnerOptions>(o => o.NoConnection = previewOnly)
            .Configure<FluentMigrator.Runner.Processors.ProcessorOptions>(o => o.PreviewOnly = previewOnly);
        if (loggerFactory is not null) services.AddSingleton(loggerFactory);
        return services.BuildServiceProvider(validateScopes: false);
    }

    private static void EnableWriteAheadLog(string connectionString)
    {
        // WAL lets readers go on while one writer writes; it is a property of the file, set once.
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
