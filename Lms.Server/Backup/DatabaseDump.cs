using System.Diagnostics;
using Dapper;
using Lms.Grains.Data;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lms.Server.Backup;

/// <summary>
/// A consistent copy of the database while the server may be running, and its restore into an empty
/// one: SQLite through its online backup API (page by page, a consistent snapshot), PostgreSQL through
/// pg_dump (one snapshot transaction, custom format) and pg_restore.
/// </summary>
public abstract class DatabaseDump(DatabaseOptions options)
{
    protected DatabaseOptions Options { get; } = options;

    /// <summary>The file the dump is kept in, inside the backup folder.</summary>
    public abstract string FileName { get; }

    public abstract Task DumpAsync(string file);

    public abstract Task RestoreAsync(string file);

    /// <summary>Whether the database already holds tables (a restore never writes over one).</summary>
    public abstract Task<bool> HasTablesAsync();

    /// <summary>The newest migration applied (FluentMigrator's VersionInfo table).</summary>
    public async Task<long> SchemaVersionAsync()
    {
        await using var connection = await new Db(Options).OpenAsync();
        return await connection.ExecuteScalarAsync<long?>("SELECT MAX(\"Version\") FROM \"VersionInfo\"") ?? 0;
    }

    public static DatabaseDump For(DatabaseOptions options, string? postgresBin) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteDump(options),
        DatabaseProvider.Postgres => new PostgresDump(options, postgresBin),
        _ => throw new BackupException(
            $"Backups of {options.Provider} are made with its own tools (SQL Server: BACKUP DATABASE); this command copies SQLite and PostgreSQL."),
    };
}

public sealed class SqliteDump(DatabaseOptions options) : DatabaseDump(options)
{
    public override string FileName => "database.sqlite";

    public override Task DumpAsync(string file)
    {
        using (var source = new SqliteConnection(Options.ConnectionString))
        using (var copy = new SqliteConnection(Unpooled(file)))
        {
            source.Open();
            copy.Open();
            source.BackupDatabase(copy);
            // One self-contained file (the live database is in WAL mode; the copy needs no -wal beside it).
            copy.Execute("PRAGMA journal_mode=DELETE;");
        }
        return Task.CompletedTask;
    }

    public override async Task RestoreAsync(string file)
    {
        var target = new SqliteConnectionStringBuilder(Options.ConnectionString).DataSource;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        using (var copy = new SqliteConnection(Unpooled(file, readOnly: true)))
        using (var database = new SqliteConnection(Unpooled(target)))
        {
            copy.Open();
            database.Open();
            copy.BackupDatabase(database);
        }
        await Task.CompletedTask;
    }

    public override async Task<bool> HasTablesAsync()
    {
        var target = new SqliteConnectionStringBuilder(Options.ConnectionString).DataSource;
        if (!File.Exists(target)) return false;
        await using var connection = new SqliteConnection(Unpooled(target, readOnly: true));
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'") > 0;
    }

    // Unpooled: the file is closed (and can be checksummed, moved) as soon as we are done.
    private static string Unpooled(string file, bool readOnly = false) => new SqliteConnectionStringBuilder
    {
        DataSource = file, Pooling = false, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
    }.ToString();
}

public sealed class PostgresDump(DatabaseOptions options, string? bin) : DatabaseDump(options)
{
    public override string FileName => "database.pgdump";

    public override Task DumpAsync(string file) =>
        RunAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", file]);

    public override Task RestoreAsync(string file) =>
        RunAsync("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname", Database.Database!, file]);

    public override async Task<bool> HasTablesAsync()
    {
        await using var connection = await new Db(Options).OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')") > 0;
    }

    private NpgsqlConnectionStringBuilder Database => new(Options.ConnectionString);

    /// <summary>Runs pg_dump or pg_restore with the connection in libpq's environment variables (the password never on a command line).</summary>
    private async Task RunAsync(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(Tool(tool)) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var database = Database;
        start.Environment["PGHOST"] = database.Host ?? "127.0.0.1";
        start.Environment["PGPORT"] = database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["PGDATABASE"] = database.Database ?? "";
        if (database.Username is { } user) start.Environment["PGUSER"] = user;
        if (database.Password is { } password) start.Environment["PGPASSWORD"] = password;
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BackupException($"{tool} could not be started ({e.Message}): install PostgreSQL's client tools or set Backup:PostgresBin.");
        }
        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new BackupException($"{tool} failed ({process.ExitCode}): {(await error).Trim()}");
        }
    }

    /// <summary><c>Backup:PostgresBin</c>, else the newest /usr/lib/postgresql/*/bin that has it, else PATH.</summary>
    private string Tool(string name)
    {
        if (!string.IsNullOrWhiteSpace(bin)) return Path.Combine(bin, name);
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return installed ?? name;
    }
}
