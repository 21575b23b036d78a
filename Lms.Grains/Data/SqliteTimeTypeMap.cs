using System.Data;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.SQLite;

namespace Lms.Grains.Data;

/// <summary>
/// FluentMigrator's SQLite type map has no DateTimeOffset; we store times there as fixed-format
/// text (see <see cref="DapperTypeHandlers"/>), so the same migration works on every provider.
/// </summary>
internal sealed class SqliteTimeTypeMap : ISQLiteTypeMap
{
    private readonly SQLiteTypeMap _inner = new(useStrictTables: false);

    public string GetTypeMap(DbType type, int? size, int? precision) =>
        type == DbType.DateTimeOffset ? "TEXT" : _inner.GetTypeMap(type, size, precision);

    public string GetTypeMap(DbType type, int size, int precision) =>
        type == DbType.DateTimeOffset ? "TEXT" : _inner.GetTypeMap(type, size, precision);
}
