using Dapper;
using FluentMigrator.Runner;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Lms.Tests.Content;

/// <summary>Each database's full-text search is really there, and SQL Server's is in its script and parses.</summary>
public sealed class ContentSchemaTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Full_text_search_is_created_for_the_database(DatabaseProvider provider)
    {
        var db = new Db(await TestDatabase.CreateAsync(provider, postgres));
        await using var connection = await db.OpenAsync();
        var found = provider == DatabaseProvider.Sqlite
            ? await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'content_search'")
            : await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'content_items' AND column_name = 'search_vector'");
        Assert.Equal(1, found);
    }

    [Fact]
    public void The_sql_server_script_creates_a_full_text_index_and_the_query_uses_containstable()
    {
        var statements = new List<string>();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new Sink(statements)).SetMinimumLevel(LogLevel.Trace));
        using (var services = SchemaMigrator.RunnerServices(DatabaseProvider.SqlServer, null, loggerFactory, previewOnly: true))
        using (var scope = services.CreateScope())
            scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();

        var fullText = statements.Where(s => s.Contains("FULLTEXT", StringComparison.Ordinal)).ToList();
        Assert.Contains(fullText, s => s.Contains("CREATE FULLTEXT CATALOG lms_content_catalog"));
        Assert.Contains(fullText, s => s.Contains("CREATE FULLTEXT INDEX ON content_items (search_text LANGUAGE 0) KEY INDEX pk_content_items"));
        foreach (var statement in fullText)
        {
            new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(statement), out var errors);
            Assert.Empty(errors);
        }
        Assert.Equal("\"ham*\" AND \"so*\"", FullTextQuery.For(DatabaseProvider.SqlServer, "Hàm số"));
        Assert.Equal("ham:* & so:*", FullTextQuery.For(DatabaseProvider.Postgres, "Hàm số"));
        Assert.Equal("\"ham\"* \"so\"*", FullTextQuery.For(DatabaseProvider.Sqlite, "HÀM, số!"));
        Assert.Null(FullTextQuery.For(DatabaseProvider.Sqlite, " \" * ( "));
    }

    private sealed class Sink(List<string> statements) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(statements);
        public void Dispose() { }

        private sealed class Logger(List<string> statements) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id == RunnerEventIds.Sql.Id) lock (statements) statements.Add(formatter(state, exception));
            }
        }
    }
}
