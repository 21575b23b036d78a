using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;

namespace Lms.Grains.Data;

/// <summary>
/// One write (a <see cref="Data.Sql"/> kept in a static field, and its arguments: a row record or an
/// anonymous object whose property names match the <c>@names</c> in the SQL). Statements of many writers
/// can be sent together: <see cref="RunAsync"/> pipelines them as one <see cref="DbBatch"/> (one round trip)
/// where the provider supports it (PostgreSQL, SQL Server), and runs them one by one through Dapper
/// otherwise (SQLite, in process: a statement there costs no round trip).
/// </summary>
public sealed record WriteStatement(Sql Sql, object Args)
{
    /// <summary>Commands per round trip: large enough to amortise it, small enough to bound one message.</summary>
    public const int MaxPerBatch = 1000;

    public static async Task RunAsync(Db db, DbConnection connection, DbTransaction transaction, IReadOnlyList<WriteStatement> statements)
    {
        if (statements.Count == 0) return;
        if (!connection.CanCreateBatch || statements.Count == 1)
        {
            foreach (var s in statements) await connection.ExecuteAsync(db.Text(s.Sql), s.Args, transaction);
            return;
        }
        for (var from = 0; from < statements.Count; from += MaxPerBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            for (var i = from; i < Math.Min(statements.Count, from + MaxPerBatch); i++)
            {
                var statement = statements[i];
                var text = db.Text(statement.Sql);
                var command = batch.CreateBatchCommand();
                command.CommandText = text;
                foreach (var p in ParameterMap.For(text, statement.Args.GetType()))
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = p.Name;
                    parameter.DbType = p.Type;
                    var value = p.Property.GetValue(statement.Args);
                    parameter.Value = value switch
                    {
                        null => DBNull.Value,
                        // Npgsql accepts only UTC offsets for timestamptz (as DapperTypeHandlers does).
                        DateTimeOffset t => t.ToUniversalTime(),
                        _ => value,
                    };
                    command.Parameters.Add(parameter);
                }
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync();
        }
    }

    private sealed record ParameterMap(string Name, PropertyInfo Property, DbType Type)
    {
        private static readonly ConcurrentDictionary<(string Sql, Type Args), IReadOnlyList<ParameterMap>> Maps = new();
        private static readonly Regex Names = new(@"(?<![@\w])@([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.Compiled);

        public static IReadOnlyList<ParameterMap> For(string sql, Type args) => Maps.GetOrAdd((sql, args), key =>
        {
            var properties = key.Args.GetProperties(BindingFlags.Public | BindingFlags.Instance);
            return Names.Matches(key.Sql).Select(m => m.Groups[1].Value).Distinct().Select(name =>
            {
                var property = properties.FirstOrDefault(p => p.Name == name)
                               ?? properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                               ?? throw new InvalidOperationException($"No property {name} on {key.Args.Name} for: {key.Sql}");
                return new ParameterMap(name, property, TypeOf(property.PropertyType));
            }).ToList();
        });

        private static DbType TypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(Guid) => DbType.Guid,
            var t when t == typeof(DateTimeOffset) => DbType.DateTimeOffset,
            var t when t == typeof(string) => DbType.String,
            var t when t == typeof(int) => DbType.Int32,
            var t when t == typeof(long) => DbType.Int64,
            var t when t == typeof(double) => DbType.Double,
            var t when t == typeof(bool) => DbType.Boolean,
            var t => throw new NotSupportedException($"A batched write cannot pass a {t.Name}."),
        };
    }
}
