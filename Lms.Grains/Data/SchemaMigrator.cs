using System.Reflection;
using FluentMigrator;
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
    /// <summary>The newest migration this binary has.</summary>
    public static long LatestVersion { get; } = typeof(SchemaMigrator).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Version ?? 0).Max();

    /// <summary>
    /// Applies the migrations not applied yet, up to <paramref name="targetVersion"/> (the newest if none: an older
    /// release's schema is a prefix of the list). Refuses a database a newer Lms has already taken further, before
    /// touching it: this binary would misread what it does not know.
    /// </summary>
    public static void MigrateUp(Db db, ILoggerFactory? loggerFactory = null, long? targetVersion = null)
    {
        using var services = RunnerServices(db.Dialect.Provider, db.ConnectionString, loggerFactory, previewOnly: false);
        using var scope = services.CreateScope();
        var applied = scope.ServiceProvider.GetRequiredService<IVersionLoader>().VersionInfo.Latest();
        if (applied > LatestVersion) throw new SchemaTooNewException(applied, LatestVersion);
        var runner = scope.ServiceProvider.GetRequiredService<IMigrationRunner>();
        if (targetVersion is { } target) runner.MigrateUp(target);
        else runner.MigrateUp();

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

/// <summary>The database's schema is newer than this binary's migrations: a newer Lms upgraded it.</summary>
public sealed class SchemaTooNewException(long databaseVersion, long knownVersion) : InvalidOperationException(
    $"The database's schema is at version {databaseVersion}, newer than this Lms knows (version {knownVersion}): a newer Lms has " +
    "upgraded it. Start that version (or a newer one), or restore a backup made before the upgrade; this one will not run on it.")
{
    public long DatabaseVersion { get; } = databaseVersion;

    public long KnownVersion { get; } = knownVersion;
}
