using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lms.Grains.Data;

/// <summary>Opens connections to the system of record and knows its dialect.</summary>
public sealed class Db
{
    private readonly string _connectionString;

    public Db(DatabaseOptions options)
    {
        DapperTypeHandlers.Register();
        Dialect = SqlDialect.For(options.Provider);
        _connectionString = options.Provider switch
        {
            DatabaseProvider.Sqlite => PrepareSqlite(options.ConnectionString),
            DatabaseProvider.Postgres => PreparePostgres(options.ConnectionString),
            _ => options.ConnectionString,
        };
    }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// The same database through a connection pool of its own (PostgreSQL: pools are per connection string,
    /// told apart here by the application name), for a few long-running loops that must not wait behind
    /// hundreds of requests for a connection. Other providers share the one pool.
    /// </summary>
    public Db WithOwnPool(string name) => Dialect.Provider != DatabaseProvider.Postgres ? this : new Db(new DatabaseOptions
    {
        Provider = Dialect.Provider,
        ConnectionString = new NpgsqlConnectionStringBuilder(_connectionString) { ApplicationName = name }.ToString(),
    });

    public string ConnectionString => _connectionString;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = Dialect.CreateConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it is saved, or none.</summary>
    public async Task<T> InTransactionAsync<T>(
        Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public string Text(Sql sql) => sql.For(Dialect);

    // One statement on a connection of its own: a repository method that runs a single statement is its SQL and
    // one of these lines. Several statements that must see each other use OpenAsync or InTransactionAsync.

    /// <summary>Every row <paramref name="sql"/> returns, mapped to <typeparamref name="T"/>.</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(Sql sql, object? args = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return (await connection.QueryAsync<T>(Command(sql, args, cancellationToken))).AsList();
    }

    /// <summary>The one row <paramref name="sql"/> returns, or default when it returns none (more than one is a bug).</summary>
    public async Task<T?> SingleOrDefaultAsync<T>(Sql sql, object? args = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<T>(Command(sql, args, cancellationToken));
    }

    /// <summary>The first column of the first row (a count, an id, a flag).</summary>
    public async Task<T?> ScalarAsync<T>(Sql sql, object? args = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<T>(Command(sql, args, cancellationToken));
    }

    /// <summary>Runs an INSERT, UPDATE or DELETE; returns the number of rows it changed.</summary>
    public async Task<int> ExecuteAsync(Sql sql, object? args = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(Command(sql, args, cancellationToken));
    }

    private CommandDefinition Command(Sql sql, object? args, CancellationToken cancellationToken) =>
        new(Text(sql), args, cancellationToken: cancellationToken);

    /// <summary>
    /// One page of a list: <paramref name="countSql"/> counts every row that matches, <paramref name="pageSql"/>
    /// (ending in <see cref="SqlDialect.Page"/>) returns the page. Both get <paramref name="args"/> plus @skip and @take.
    /// </summary>
    public async Task<Page<T>> PageAsync<T>(Sql countSql, Sql pageSql, object args, PageRequest page)
    {
        var parameters = new DynamicParameters(args);
        parameters.Add("skip", page.Skip);
        parameters.Add("take", page.Take);
        await using var connection = await OpenAsync();
        var total = await connection.ExecuteScalarAsync<long>(Text(countSql), parameters);
        var items = (await connection.QueryAsync<T>(Text(pageSql), parameters)).AsList();
        return new Page<T>(items, (int)total, page.Skip, page.Take);
    }

    /// <summary>
    /// Npgsql prepares the statements a connection runs most (unless the connection string says otherwise):
    /// PostgreSQL then parses and plans each of them once per connection instead of on every execution.
    /// </summary>
    private static string PreparePostgres(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("maxautoprepare")) builder.MaxAutoPrepare = 100;
        if (!given.Contains("autoprepareminusages")) builder.AutoPrepareMinUsages = 2;
        return builder.ToString();
    }

    private static string PrepareSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            ForeignKeys = true,
            // Writers wait for each other instead of failing with SQLITE_BUSY.
            DefaultTimeout = 30,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(directory) && builder.Mode != SqliteOpenMode.Memory)
            Directory.CreateDirectory(directory);
        return builder.ToString();
    }
}
