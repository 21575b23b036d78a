using Lms.Grains.Data;

namespace Lms.Tests.Infrastructure;

/// <summary>A fresh, migrated database of either kind, for repository tests.</summary>
public static class TestDatabase
{
    public static async Task<DatabaseOptions> CreateAsync(DatabaseProvider provider, PostgresServer postgres)
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
        SchemaMigrator.MigrateUp(new Db(options));
        return options;
    }
}
