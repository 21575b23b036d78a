using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lms.Grains.Data;

/// <summary>
/// Everything that differs between SQLite, PostgreSQL and SQL Server, in one place.
/// SQL elsewhere is written in the portable subset and asks the dialect for the rest.
/// </summary>
public abstract class SqlDialect
{
    public static SqlDialect For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => Sqlite,
        DatabaseProvider.Postgres => Postgres,
        DatabaseProvider.SqlServer => SqlServer,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    public static readonly SqlDialect Sqlite = new SqliteDialect();
    public static readonly SqlDialect Postgres = new PostgresDialect();
    public static readonly SqlDialect SqlServer = new SqlServerDialect();

    public abstract DatabaseProvider Provider { get; }

    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Paging clause placed after ORDER BY (which SQL Server requires).</summary>
    public abstract string Page(string skipParameter = "@skip", string takeParameter = "@take");

    /// <summary>
    /// Inserts a row unless one with the same key exists. <paramref name="values"/> are parameter
    /// names in the order of <paramref name="columns"/>.
    /// </summary>
    public abstract string InsertIgnore(string table, string[] columns, string[] values, string[] keyColumns);

    /// <summary>Caps a SELECT to its first row; wraps the whole statement.</summary>
    public abstract string First(string select);

    /// <summary>True when <paramref name="value"/> begins with <paramref name="prefix"/> (both SQL expressions), without LIKE's wildcards.</summary>
    public abstract string StartsWith(string value, string prefix);

    /// <summary>Case-insensitive LIKE (names are compared on a folded column where it matters).</summary>
    public virtual string Like => "LIKE";

    private sealed class SqliteDialect : SqlDialect
    {
        public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
        public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);
        public override string Page(string skip, string take) => $"LIMIT {take} OFFSET {skip}";
        public override string InsertIgnore(string table, string[] columns, string[] values, string[] keys) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)}) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO NOTHING";
        public override string First(string select) => select + " LIMIT 1";
        public override string StartsWith(string value, string prefix) => $"substr({value}, 1, length({prefix})) = {prefix}";
    }

    private sealed class PostgresDialect : SqlDialect
    {
        public override DatabaseProvider Provider => DatabaseProvider.Postgres;
        public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);
        public override string Page(string skip, string take) => $"LIMIT {take} OFFSET {skip}";
        public override string InsertIgnore(string table, string[] columns, string[] values, string[] keys) =>
            $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)}) " +
            $"ON CONFLICT ({string.Join(", ", keys)}) DO NOTHING";
        public override string First(string select) => select + " LIMIT 1";
        public override string Like => "ILIKE";
        public override string StartsWith(string value, string prefix) => $"left({value}, length({prefix})) = {prefix}";
    }

    private sealed class SqlServerDialect : SqlDialect
    {
        public override DatabaseProvider Provider => DatabaseProvider.SqlServer;
        public override DbConnection CreateConnection(string connectionString) => new SqlConnection(connectionString);
        public override string Page(string skip, string take) => $"OFFSET {skip} ROWS FETCH NEXT {take} ROWS ONLY";
        public override string InsertIgnore(string table, string[] columns, string[] values, string[] keys)
        {
            var match = string.Join(" AND ", keys.Select(k => $"{k} = {values[Array.IndexOf(columns, k)]}"));
            return $"IF NOT EXISTS (SELECT 1 FROM {table} WITH (UPDLOCK, HOLDLOCK) WHERE {match}) " +
                   $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)})";
        }
        public override string StartsWith(string value, string prefix) => $"LEFT({value}, LEN({prefix})) = {prefix}";
        public override string First(string select) =>
            select.StartsWith("SELECT DISTINCT ", StringComparison.OrdinalIgnoreCase)
                ? "SELECT DISTINCT TOP 1 " + select["SELECT DISTINCT ".Length..]
                : "SELECT TOP 1 " + select["SELECT ".Length..];
    }
}
