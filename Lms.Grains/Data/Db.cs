using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Lms.Grains.Data;

/// <summary>Opens connections to the system of record and knows its dialect.</summary>
public sealed class Db
{
    private readonly string _connectionString;

    public Db(DatabaseOptions options)
    {
        DapperTypeHandlers.Register();
        Dialect = SqlDialect.For(options.Provider);
        _connectionString = options.Provider == DatabaseProvider.Sqlite
            ? PrepareSqlite(options.ConnectionString)
            : options.ConnectionString;
    }

    public SqlDialect Dialect { get; }

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
