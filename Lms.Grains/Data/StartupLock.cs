using Dapper;

namespace Lms.Grains.Data;

/// <summary>
/// When several silos start at once against one database, one at a time migrates and seeds.
/// PostgreSQL and SQL Server hold a session-level application lock; SQLite is a single process's file.
/// </summary>
public static class StartupLock
{
    private const long PostgresKey = 0x4C4D53_5354415254; // "LMS START"

    private static readonly Sql AcquireSql = Sql.PerDialect(d => d.Provider switch
    {
        DatabaseProvider.Postgres => "SELECT pg_advisory_lock(@key)",
        DatabaseProvider.SqlServer =>
            "EXEC sp_getapplock @Resource = 'lms-startup', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 600000",
        _ => "SELECT 1",
    });

    private static readonly Sql ReleaseSql = Sql.PerDialect(d => d.Provider switch
    {
        DatabaseProvider.Postgres => "SELECT pg_advisory_unlock(@key)",
        DatabaseProvider.SqlServer => "EXEC sp_releaseapplock @Resource = 'lms-startup', @LockOwner = 'Session'",
        _ => "SELECT 1",
    });

    public static async Task RunAsync(Db db, Func<Task> work)
    {
        // The lock belongs to this connection's session: keep it open for the whole of the work,
        // and release explicitly, because a pooled connection's session outlives Dispose.
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(AcquireSql), new { key = PostgresKey }, commandTimeout: 600);
        try
        {
            await work();
        }
        finally
        {
            await connection.ExecuteAsync(db.Text(ReleaseSql), new { key = PostgresKey });
        }
    }
}
