using System.Reflection;
using FluentMigrator.Runner;
using Lms.Grains.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Lms.Tests.Data;

/// <summary>
/// SQL Server cannot run on this machine, so every statement we would send to it is parsed by
/// Microsoft's own T-SQL parser: the migration script FluentMigrator generates for SQL Server,
/// and every <see cref="Sql"/> statement of the repositories rendered in the SQL Server dialect.
/// Parsing catches syntax (paging, upserts, quoting), not semantics: see the README.
/// </summary>
public sealed class SqlServerScriptTests
{
    [Fact]
    public void Migrations_generate_sql_server_script_that_parses()
    {
        var statements = GenerateMigrationScript();

        Assert.Contains(statements, s => s.Contains("CREATE TABLE [dbo].[users]", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("DATETIMEOFFSET", StringComparison.Ordinal));
        foreach (var statement in statements)
            AssertParses(statement);
    }

    [Fact]
    public void Every_repository_statement_parses_as_tsql()
    {
        var statements = RepositoryStatements().ToList();

        Assert.True(statements.Count > 40, $"Only {statements.Count} statements were found: did the Sql fields move?");
        foreach (var (name, text) in statements)
            AssertParses(text, name);
    }

    [Fact]
    public void Dialect_specific_statements_differ_where_they_must()
    {
        var paged = RepositoryStatements().First(s => s.Name.Contains("PeopleSql")).Text;
        Assert.Contains("OFFSET @skip ROWS FETCH NEXT @take ROWS ONLY", paged);
        Assert.DoesNotContain("LIMIT", paged);
    }

    private static IEnumerable<(string Name, string Text)> RepositoryStatements()
    {
        foreach (var assembly in new[] { typeof(Sql).Assembly, typeof(Lms.Server.Hosting.LmsApp).Assembly })
        foreach (var type in assembly.GetTypes())
        foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.FieldType != typeof(Sql)) continue;
            var sql = (Sql)field.GetValue(null)!;
            yield return ($"{type.Name}.{field.Name}", sql.For(SqlDialect.SqlServer));
        }
    }

    private static List<string> GenerateMigrationScript()
    {
        var sink = new SqlSink();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        using var services = SchemaMigrator.RunnerServices(DatabaseProvider.SqlServer, null, loggerFactory, previewOnly: true);
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
        Assert.NotEmpty(sink.Statements);
        return sink.Statements;
    }

    private static void AssertParses(string sql, string? name = null)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        parser.Parse(new StringReader(sql), out var errors);
        Assert.True(errors.Count == 0,
            $"{name ?? "Statement"} does not parse as T-SQL: {string.Join("; ", errors.Select(e => $"{e.Line}:{e.Column} {e.Message}"))}\n{sql}");
    }

    /// <summary>Collects the SQL that FluentMigrator's connectionless processor logs instead of running.</summary>
    private sealed class SqlSink : ILoggerProvider
    {
        public List<string> Statements { get; } = [];

        public ILogger CreateLogger(string categoryName) => new SinkLogger(this);

        public void Dispose() { }

        private sealed class SinkLogger(SqlSink sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id != RunnerEventIds.Sql.Id) return;
                var text = formatter(state, exception);
                lock (sink.Statements) sink.Statements.Add(text);
            }
        }
    }
}
