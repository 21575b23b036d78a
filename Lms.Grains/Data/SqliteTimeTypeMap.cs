using System.Data;
using FluentMigrator.Runner.Generators.SQLite;

namespace Lms.Grains.Data;

/// <summary>
/// FluentMigrator's SQLite type map has no DateTimeOffset; we store times there as fixed-format
/// text (see <see cref="DapperTypeHandlers"/>), so the same migration works on every provider.
/// </summary>
internal sealed class SqliteTimeTypeMap : ISQLiteTypeMap
{
    private readonly SQLiteTypeMap _inner = new(useStrictTables: false);

    // Doubles get REAL affinity, so that 1.0 reads back as a double (not as the integer 1) and Dapper
    // sees one type per column.
    public string GetTypeMap(DbType type, int? size, int? precision) => type switch
    {
        DbType.DateTimeOffset => "TEXT",
        DbType.Double => "REAL",
        _ => _inner.GetTypeMap(type, size, precision),
    };

    public string GetTypeMap(DbType type, int size, int precision) => GetTypeMap(type, (int?)size, (int?)precision);
}
