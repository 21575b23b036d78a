using Lms.Grains.Data;

namespace Lms.Tests.Infrastructure;

/// <summary>A fresh, migrated database of either kind, for repository tests.</summary>
public static class TestDatabase
{
    /// <param name="schemaVersion">Migrate only this far (an earlier release's schema); the newest if none.</param>
    public static async Task<DatabaseOptions> CreateAsync(DatabaseProvider provider, PostgresServer postgres, long? schemaVersion = null)
    {
        var options = provider switch
        {
            DatabaseProvider.Sqlite => new DatabaseOptions
            {
                Provider = provider,
                ConnectionString = $"Data Source={Path.Combine(Path.GetTempPath(), "lms-test-" + Guid.NewGuid().ToString("N") + ".db")}",
            },
            DatabaseProvider.Postgres => new DatabaseOptions
            {
                Provider = provider, ConnectionString = await postgres.CreateDatabaseAsync(),
            },
            _ => throw new NotSupportedException($"{provider} cannot run on this machine."),
        };
        SchemaMigrator.MigrateUp(new Db(options), targetVersion: schemaVersion);
        return options;
    }
}
