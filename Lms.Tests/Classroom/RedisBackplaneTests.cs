using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lms.Grains.Classroom;
using Lms.Server.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Classroom;

/// <summary>A real redis-server on a free loopback port, started and stopped by the tests (nothing saved to disk).</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    public int Port { get; }

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static async Task<RedisServer> StartAsync()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start (apt-get install redis-server).");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG")) return new RedisServer(process, port);
            }
            catch (SocketException) { }
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"redis-server did not answer on port {port}.");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>The real server using the Redis backplane (cluster mode's SignalR).</summary>
public sealed class RedisLmsServer(int redisPort) : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => [$"--SignalR:Redis=127.0.0.1:{redisPort}"];
}

/// <summary>Two web hosts on one real redis-server, as in cluster mode.</summary>
public sealed class TwoHostsOnRedis : IAsyncLifetime
{
    private RedisServer? _redis;
    public RedisLmsServer A { get; private set; } = null!;
    public RedisLmsServer B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        A = new RedisLmsServer(_redis.Port);
        B = new RedisLmsServer(_redis.Port);
        await A.InitializeAsync();
        await B.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}

public sealed class RedisBackplaneTests(TwoHostsOnRedis hosts) : IClassFixture<TwoHostsOnRedis>
{
    [Fact]
    public async Task A_room_on_one_host_reaches_a_student_connected_to_another_host_in_order_through_a_real_redis()
    {
        // A student connected to host B (signed in there), not joined to any room through B.
        await using var student = await ClassroomKit.ConnectAsync(hosts.B, LmsServer.Student1, Guid.NewGuid());
        var connectionId = student.Connection.ConnectionId!;
        var sessionId = Guid.NewGuid();

        // Host A's publisher (the one a grain on A uses) puts B's connection in the room and sends to it.
        var publisher = hosts.A.Get<IClassroomPublisher>();
        var userId = await hosts.B.UserIdAsync(LmsServer.Student1);
        await publisher.SetAudiencesAsync(sessionId, connectionId, [Audiences.All, Audiences.User(userId)], []);
        for (var i = 1; i <= 50; i++)
            publisher.Publish(sessionId, new ClassroomEvent(sessionId.ToString(), i, "chat.message", DateTimeOffset.UtcNow.ToString("O"), $"{{\"n\":{i}}}"), [Audiences.All]);

        await student.WaitForAsync(e => e.Count >= 50, "the events sent from the other host");
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), student.Received.Select(e => e.Seq));

        // Signalling goes to the person's own audience, across hosts too.
        publisher.Signal(sessionId, userId, new SignalMessage(sessionId.ToString(), "x", "x", "hello", ""));
        await student.WaitForAsync(_ => !student.Signals.IsEmpty, "a signal sent from the other host");
        Assert.Equal("hello", student.Signals.Single().Kind);
    }

    [Fact]
    public async Task A_whole_lesson_runs_on_a_host_whose_sends_all_go_through_redis()
    {
        var course = await ClassroomKit.LiveCourseAsync(hosts.A, "Tin học 10 — qua Redis");
        await using var teacher = await ClassroomKit.ConnectAsync(hosts.A, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var student = await ClassroomKit.ConnectAsync(hosts.A, LmsServer.Student2, course.SessionId, messagePack: true);
        await student.JoinAsync();
        var seq = (await teacher.Command("SendChat", "Xin chào qua Redis")).Seq;
        await student.WaitForAsync(e => e.Any(x => x.Seq == seq), "the chat message");
        await student.Command("RaiseHand");
        await teacher.WaitForAsync(e => e.Any(x => x.Type == "hand.raised"), "the raised hand");
    }
}
