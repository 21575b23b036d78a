using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Bench;

/// <summary>The processes a benchmark runs against: the built server, and a throwaway PostgreSQL cluster.</summary>
public sealed partial class QuizBenchmark
{
    /// <summary>The built Lms.Server (Release) as its own process, on a free loopback port.</summary>
    internal sealed class ServerProcess : IAsyncDisposable
    {
        private Process? _process;
        private readonly ConcurrentQueue<string> _output = new();
        public Uri BaseAddress { get; private init; } = null!;

        /// <param name="settings">more command-line settings for the server (e.g. <c>--Identity:SignInLimit:PerMinute=100000</c>).</param>
        public static async Task<ServerProcess> StartAsync(string dir, DatabaseOptions db, params string[] settings)
        {
            var port = FreePort();
            var server = new ServerProcess { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var start = new ProcessStartInfo("dotnet",
            [
                ServerDll(), $"--urls=http://127.0.0.1:{port}", "--environment=Production", $"--Data:Directory={dir}", "--Demo:Seed=false",
                $"--Database:Provider={db.Provider}", $"--ConnectionStrings:Lms={db.ConnectionString}", "--Logging:LogLevel:Default=Warning",
                .. settings,
            ]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
            server._process = Process.Start(start)!;
            server._process.OutputDataReceived += (_, e) => { if (e.Data is not null) server._output.Enqueue(e.Data); };
            server._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._output.Enqueue(e.Data); };
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            // Generous: on a machine shared with other builds (load averages of 40 on 2 cores) a start has taken over two minutes.
            var until = DateTime.UtcNow.AddSeconds(300);
            while (true)
            {
                if (server._process.HasExited) throw new InvalidOperationException("The server exited: " + string.Join("\n", server._output));
                try { if ((await probe.GetAsync("/health/live")).IsSuccessStatusCode) return server; }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                if (DateTime.UtcNow > until) throw new TimeoutException("The server did not start: " + string.Join("\n", server._output));
                await Task.Delay(200);
            }
        }

        private static string ServerDll()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var dll = Path.Combine(dir.FullName, "Lms.Server", "bin", "Release", "net10.0", "Lms.Server.dll");
                if (File.Exists(dll)) return dll;
            }
            throw new FileNotFoundException("Lms.Server is not built in Release (./build.sh bench builds it).");
        }

        /// <summary>A SIGTERM, as systemd or an operator stops the server; the seconds it took to exit.</summary>
        public async Task<double> TerminateAsync()
        {
            if (_process is null) return 0;
            var clock = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])!) await kill.WaitForExitAsync();
            await _process.WaitForExitAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            _process.Dispose();
            _process = null;
            return seconds;
        }

        public async Task StopAsync()
        {
            if (_process is null) return;
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            if (Environment.GetEnvironmentVariable("LMS_BENCH_SERVER_LOG") is { Length: > 0 } log) await File.WriteAllLinesAsync(log, _output);
            _process.Dispose();
            _process = null;
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A throwaway PostgreSQL cluster (initdb into a temp folder, a free port), as the tests start one; default durability settings.</summary>
    internal sealed class PgCluster : IAsyncDisposable
    {
        private string _root = "";
        private string _bin = "";
        private int _port;
        private int _databases;

        public static async Task<PgCluster> StartAsync()
        {
            var pg = new PgCluster();
            pg._bin = Environment.GetEnvironmentVariable("LMS_PG_BIN")
                      ?? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                          .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
                      ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql).");
            pg._root = Path.Combine(Path.GetTempPath(), "lms-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(pg._root);
            if (IsRoot) await RunAsync("chown", ["postgres:postgres", pg._root], false);
            pg._port = FreePort();
            var data = Path.Combine(pg._root, "data");
            await RunAsync(Path.Combine(pg._bin, "initdb"), ["-D", data, "-U", "lms", "--auth=trust", "-E", "UTF8", "--locale=C"], true);
            await RunAsync(Path.Combine(pg._bin, "pg_ctl"), ["-D", data, "-o",
                $"-p {pg._port} -k {pg._root} -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=256MB",
                "-l", Path.Combine(pg._root, "server.log"), "-w", "-t", "60", "start"], true);
            return pg;
        }

        private static bool IsRoot => Environment.UserName == "root";

        public async Task<string> CreateDatabaseAsync()
        {
            var name = $"bench_{Interlocked.Increment(ref _databases)}";
            await using var c = new Npgsql.NpgsqlConnection(Conn("postgres"));
            await c.OpenAsync();
            await c.ExecuteAsync($"CREATE DATABASE {name}");
            return Conn(name);
        }

        private string Conn(string database) => new Npgsql.NpgsqlConnectionStringBuilder
        {
            // Npgsql's defaults otherwise: the server's Db turns on automatic preparation itself.
            Host = "127.0.0.1", Port = _port, Username = "lms", Database = database, MaxPoolSize = 100,
        }.ToString() + Environment.GetEnvironmentVariable("LMS_BENCH_PG_EXTRA");

        public async ValueTask DisposeAsync()
        {
            try { await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], true); }
            finally { try { Directory.Delete(_root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { } }
        }

        private static async Task RunAsync(string file, string[] args, bool asPostgres)
        {
            var start = asPostgres && IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args]) : new ProcessStartInfo(file, args);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.WorkingDirectory = Path.GetTempPath();
            using var p = Process.Start(start)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);
            if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {await err}{await output}");
        }
    }
}
