using Dapper;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Data;

public sealed class MigrationTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Migrations_create_the_schema_and_running_them_again_changes_nothing(DatabaseProvider provider)
    {
        var options = await TestDatabase.CreateAsync(provider, postgres);
        var db = new Db(options);

        SchemaMigrator.MigrateUp(db);

        await using var connection = await db.OpenAsync();
        var defined = typeof(Db).Assembly.GetTypes().Count(t => t.GetCustomAttributes(typeof(FluentMigrator.MigrationAttribute), false).Length > 0);
        Assert.True(defined >= 2);
        Assert.Equal(defined, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM \"VersionInfo\""));
        foreach (var table in new[] { "institutions", "users", "memberships", "courses", "course_items", "item_progress" })
            Assert.Equal(0L, await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table}"));
    }
}
