using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// A real TURN server (Debian's coturn, <c>turnserver</c>) on a free loopback port with the TURN REST
/// credentials Lms mints (<c>--use-auth-secret</c>), no TLS, logging to stdout where the test reads it.
/// Everything on loopback needs <c>--allow-loopback-peers</c> (coturn refuses 127.x peers by default) and
/// <c>--listening-ip/--relay-ip=127.0.0.1</c> (relayed addresses the browsers on this machine can reach).
/// </summary>
public sealed class TurnServer : IAsyncLifetime
{
    public const string Realm = "lms.test";
    private Process? _process;
    private string _folder = "";
    private readonly ConcurrentQueue<string> _log = new();

    public int Port { get; private set; }

    /// <summary>The secret shared with Lms (<c>Media:Ice:Turn:Secret</c>).</summary>
    public string Secret { get; } = "turn-" + Guid.NewGuid().ToString("N");

    public string Url => $"turn:127.0.0.1:{Port}?transport=udp";

    /// <summary>What coturn has logged so far (sessions, allocations, refusals).</summary>
    public IReadOnlyList<string> Log => _log.ToList();

    public async ValueTask InitializeAsync()
    {
        var binary = new[] { "/usr/bin/turnserver", "/usr/sbin/turnserver" }.FirstOrDefault(File.Exists)
                     ?? throw new InvalidOperationException("coturn is not installed: run ./build.sh test (it installs coturn).");
        _folder = Path.Combine(Path.GetTempPath(), "lms-turn-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(binary,
        [
            "-n", "--no-cli", "--no-tls", "--no-dtls", "--log-file=stdout", "--simple-log", "--verbose",
            $"--listening-port={Port}", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--allow-loopback-peers",
            "--use-auth-secret", $"--static-auth-secret={Secret}", $"--realm={Realm}",
            $"--pidfile={Path.Combine(_folder, "turnserver.pid")}", $"--userdb={Path.Combine(_folder, "turndb")}",
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _folder,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start turnserver.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // coturn listens on TCP and UDP at once: when the TCP listener answers, it is serving.
        for (var attempt = 0; attempt < 400; attempt++)
        {
            if (_process.HasExited) break;
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"turnserver did not start on port {Port}:\n{string.Join('\n', _log.TakeLast(30))}");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}

/// <summary>The real server with <see cref="TurnServer"/> as its TURN server and every browser made to relay through it.</summary>
public class TurnLmsServer : SqliteLmsServer
{
    public TurnServer Turn { get; } = new();

    /// <summary>How long the TURN credentials Lms mints are good for (<c>Media:Ice:Turn:TtlMinutes</c>).</summary>
    public virtual int TtlMinutes => 30;

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Classroom:StudentChatInterval=00:00:00",
        $"--Media:Ice:Turn:Urls:0={Turn.Url}", $"--Media:Ice:Turn:Secret={Turn.Secret}", $"--Media:Ice:Turn:TtlMinutes={TtlMinutes}",
        "--Media:Ice:ForceRelay=true",
    ];

    public override async ValueTask InitializeAsync()
    {
        await Turn.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Turn.DisposeAsync();
    }
}

/// <summary>The same with credentials that expire within a lesson (the shortest Lms allows), to prove they are renewed.</summary>
public sealed class ShortTurnLmsServer : TurnLmsServer
{
    public override int TtlMinutes => 2;
}
