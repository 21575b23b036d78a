using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// A server of the tests written against an independent npm package (<c>Lms.Tests/&lt;path&gt;.mjs</c>, given a free loopback
/// port), run by Node next to the installed package so that its import resolves; it prints "ready …" once it listens.
/// Disposing it stops it and removes its copy of the script.
/// </summary>
public sealed class NodeScriptServer : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _node;
    private readonly string _script;

    public int Port { get; }

    public string Address => $"http://127.0.0.1:{Port}";

    /// <summary>What the script printed (for a failing test's message).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private NodeScriptServer(NpmPackage package, string path, int port)
    {
        Port = port;
        _script = Path.Combine(package.Folder, $"{Path.GetFileNameWithoutExtension(path)}-{Guid.NewGuid():N}.mjs");
        File.Copy(Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Tests", path), _script);
        _node = new Process
        {
            StartInfo = new ProcessStartInfo("node", [_script, port.ToString()])
            {
                WorkingDirectory = package.Folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            },
        };
    }

    /// <summary>Installs <paramref name="package"/> if needed, starts the script and waits (a minute at most) until it says it is ready.</summary>
    public static async Task<NodeScriptServer> StartAsync(NpmPackage package, string path)
    {
        await package.InitializeAsync();
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var server = new NodeScriptServer(package, path, port);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server._node.OutputDataReceived += (_, e) =>
        {
            lock (server._output) server._output.AppendLine(e.Data);
            if (e.Data?.StartsWith("ready ", StringComparison.Ordinal) == true) ready.TrySetResult();
        };
        server._node.ErrorDataReceived += (_, e) => { lock (server._output) server._output.AppendLine(e.Data); };
        server._node.Start();
        server._node.BeginOutputReadLine();
        server._node.BeginErrorReadLine();
        if (await Task.WhenAny(ready.Task, server._node.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60))) != ready.Task)
        {
            var output = server.Output;
            server.Dispose();
            throw new InvalidOperationException($"{path} did not start: {output}");
        }
        return server;
    }

    public void Dispose()
    {
        if (!_node.HasExited) _node.Kill(entireProcessTree: true);
        _node.Dispose();
        try { File.Delete(_script); } catch (IOException) { }
    }
}
