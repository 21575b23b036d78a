using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the whole test run: initdb into a temp folder, started on a
/// free loopback port, removed afterwards. Postgres refuses to run as root, so as root it runs as
/// the Debian "postgres" user through runuser. Each test class asks for its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _root = "";
    private string _bin = "";
    private int _databases;

    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _bin = FindBin();
        _root = Path.Combine(Path.GetTempPath(), "lms-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        if (IsRoot) await RunAsync("chown", ["postgres:postgres", _root], asPostgres: false);
        Port = FreePort();
        var data = Path.Combine(_root, "data");
        await RunAsync(Path.Combine(_bin, "initdb"),
            ["-D", data, "-U", "lms", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], asPostgres: true);
        // Durability of the test cluster itself does not matter: skip the fsyncs.
        var options = $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                      "-c full_page_writes=off -c max_connections=300";
        await RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", data, "-o", options, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start"], asPostgres: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_bin.Length == 0 || _root.Length == 0) return;
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], asPostgres: true);
        }
        finally
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "lms", Database = database, Pooling = true, MaxPoolSize = 100,
        }.ToString();

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "lms")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string FindBin()
    {
        var configured = Environment.GetEnvironmentVariable("LMS_PG_BIN");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .ToList()
            : [];
        return candidates.FirstOrDefault()
               ?? throw new InvalidOperationException(
                   "PostgreSQL's initdb was not found: run ./build.sh test (it installs postgresql) or set LMS_PG_BIN.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres)
    {
        var start = asPostgres && IsRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args])
            : new ProcessStartInfo(file, args);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
