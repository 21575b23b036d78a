using System.Text;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Tests.Security;

/// <summary>
/// A cheap fingerprint of a SQLite database's content: each table's row count and, where the table has one, its
/// newest <c>updated_at</c>. Two equal fingerprints around a refused request mean it inserted, deleted and (where
/// rows say when they changed) updated nothing.
/// </summary>
public sealed class DatabaseFingerprint
{
    private readonly Db _db;
    private readonly string _query;

    private DatabaseFingerprint(Db db, string query)
    {
        _db = db;
        _query = query;
    }

    /// <param name="ignored">Tables a refused request is meant to write (a log of refusals, a sign-in throttle…).</param>
    public static async Task<DatabaseFingerprint> ForAsync(Db db, IReadOnlySet<string> ignored)
    {
        if (db.Dialect.Provider != DatabaseProvider.Sqlite) throw new NotSupportedException("The fingerprint reads SQLite's catalogue.");
        await using var connection = await db.OpenAsync();
        var tables = (await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")).Where(t => !ignored.Contains(t)).ToList();
        var parts = new List<string>();
        foreach (var table in tables)
        {
            var columns = (await connection.QueryAsync<string>("SELECT name FROM pragma_table_info(@table)", new { table })).ToHashSet();
            // Table names come from the database's own catalogue, never from a request.
            var newest = columns.Contains("updated_at") ? "CAST(MAX(updated_at) AS TEXT)" : "''";
            parts.Add($"SELECT '{table}' AS t, COUNT(*) AS n, {newest} AS u FROM \"{table}\"");
        }
        return new DatabaseFingerprint(db, string.Join(" UNION ALL ", parts));
    }

    public async Task<string> TakeAsync()
    {
        await using var connection = await _db.OpenAsync();
        var text = new StringBuilder();
        foreach (var row in await connection.QueryAsync<(string T, long N, string? U)>(_query))
            text.Append(row.T).Append('=').Append(row.N).Append('@').Append(row.U).Append(';');
        return text.ToString();
    }

    /// <summary>The tables whose entries differ between two fingerprints.</summary>
    public static string Difference(string before, string after)
    {
        var a = before.Split(';').ToHashSet();
        return string.Join(", ", after.Split(';').Where(x => !a.Contains(x)));
    }
}
