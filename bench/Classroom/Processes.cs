using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lms.Bench.Classroom;

/// <summary>A server the benchmark starts as a child process on loopback, and stops when done.</summary>
public sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    public Uri Address { get; }

    /// <summary>The child's process id (a benchmark reads its CPU time from /proc).</summary>
    public int ProcessId => _process.Id;

    private ChildServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public static async Task<ChildServer> StartAsync(string file, IEnumerable<string> args, int port, string readyPath, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {errors}");
            try
            {
                if ((await http.GetAsync(readyPath)).IsSuccessStatusCode) return new ChildServer(process, address);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} did not answer {readyPath} within {timeout}: {errors}");
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The repository root (where Lms.sln is), from the benchmark's own folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lms.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from the repository (./build.sh bench classroom).");
    }

    /// <summary>How to start this same program again (as a child), e.g. to host the baseline hub.</summary>
    public static (string File, List<string> Args) Self()
    {
        var path = Environment.ProcessPath!;
        var dll = typeof(ChildServer).Assembly.Location;
        return Path.GetFileNameWithoutExtension(path) == "dotnet" ? (path, [dll]) : (path, []);
    }
}
