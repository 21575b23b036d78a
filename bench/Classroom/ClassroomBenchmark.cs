using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lms.Bench.Classroom;

/// <summary>
/// <c>./build.sh bench classroom</c>: one teacher broadcasts into one live session while simulated
/// students (real SignalR clients in this process) receive; the server under test is Lms.Server's
/// built dll in its own process on loopback, with a throwaway database. In the same run, the same
/// load goes through a bare SignalR hub that only broadcasts to one group (another child process):
/// the baseline. Prints one JSON object per scenario.
/// </summary>
public sealed class ClassroomBenchmark : IBenchmark
{
    public string Name => "classroom";
    public string Description => "live classroom: broadcast latency and loss at 200/1,000/5,000 students, a stalled student, a join storm";

    private sealed record Options(int[] Students, int Events, double Rate, int StallStudents, int Storm, double StormSpread, int Padding, bool MessagePack);

    public async Task<int> RunAsync(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--serve-baseline") return await BareHubServer.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
        var options = Parse(args);
        _messagePack = options.MessagePack;
        ThreadPool.SetMinThreads(256, 256);
        var needed = Math.Max(options.Students.DefaultIfEmpty(0).Max(), Math.Max(options.StallStudents, options.Storm)) + 1;
        Console.Error.WriteLine($"classroom: seeding {needed} students…");
        var seed = await Seed.CreateAsync(needed);
        try
        {
            await using var server = await StartServerAsync(seed);
            await using var baseline = await StartBaselineAsync();
            Console.Error.WriteLine($"classroom: Lms at {server.Address}, bare hub at {baseline.Address}");
            foreach (var students in options.Students)
                Print(await CompareAsync(seed, server, baseline, "broadcast", students, options, stall: false));
            // Enough bytes (about 5 MB per student: 4,000 messages of 1.2 KB at 200 a second) that the stalled
            // socket's kernel buffers (Linux grows a socket's send buffer up to 4 MB) and the transport's fill, and
            // the server has to hold that one connection's writes back while the others go on.
            if (options.StallStudents > 0)
                Print(await CompareAsync(seed, server, baseline, "stalled_student", options.StallStudents,
                    options with { Events = 4000, Rate = 200 }, stall: true));
            if (options.Storm > 0)
                Print(await JoinStormAsync(seed, server, baseline, options));
        }
        finally
        {
            seed.Delete();
        }
        return 0;
    }

    private static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var students = Value("--students") is { } list
            ? list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [200, 1000, 5000];
        return new Options(students, Int("--events", 100), Int("--rate", 5), Int("--stall-students", 200), Int("--storm", 1000),
            Int("--storm-spread", 3), Int("--padding", 200), (Value("--protocol") ?? "msgpack") != "json");
    }

    private static bool _messagePack = true;

    private static void Print(Dictionary<string, object?> figures) =>
        Console.WriteLine(JsonSerializer.Serialize(figures));

    internal static async Task<ChildServer> StartServerAsync(Seed seed, params string[] extra)
    {
        // The server built like this bench (Release by ./build.sh bench; Debug for a quick look at figures that are CPU time, not speed).
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        var dll = Path.Combine(ChildServer.RepositoryRoot(), "Lms.Server", "bin", configuration, "net10.0", "Lms.Server.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build Lms.Server in {configuration} first (./build.sh bench builds it).", dll);
        var port = ChildServer.FreePort();
        return await ChildServer.StartAsync("dotnet", [
            dll, $"--urls=http://127.0.0.1:{port}", "--environment=Production", "--Database:Provider=Sqlite",
            $"--ConnectionStrings:Lms={seed.ConnectionString}", $"--Data:Directory={seed.DataDirectory}", "--Demo:Seed=false",
            "--Logging:LogLevel:Default=Warning", "--Classroom:StudentChatInterval=00:00:00", .. extra,
        ], port, "/health/live", TimeSpan.FromMinutes(2));
    }

    private static async Task<ChildServer> StartBaselineAsync()
    {
        var port = ChildServer.FreePort();
        var (file, args) = ChildServer.Self();
        return await ChildServer.StartAsync(file, [.. args, "classroom", "--serve-baseline", port.ToString(CultureInfo.InvariantCulture)],
            port, "/ready", TimeSpan.FromMinutes(1));
    }

    // ------------------------------------------------------------------ broadcast: ours and the baseline

    private async Task<Dictionary<string, object?>> CompareAsync(Seed seed, ChildServer server, ChildServer baseline, string scenario,
        int students, Options options, bool stall)
    {
        Console.Error.WriteLine($"classroom: {scenario} with {students} students…");
        var ours = await BroadcastAsync(new LmsTarget(seed, server), students, options, stall);
        var bare = await BroadcastAsync(new BareTarget(baseline), students, options, stall);
        var figures = new Dictionary<string, object?>
        {
            ["benchmark"] = "classroom", ["scenario"] = scenario, ["students"] = students, ["events"] = options.Events,
            ["stalled_students"] = stall ? 1 : 0,
            ["rate_per_s"] = options.Rate, ["event_bytes"] = ours.EventBytes, ["protocol"] = options.MessagePack ? "messagepack" : "json",
            ["p50_ms"] = ours.P50, ["p99_ms"] = ours.P99, ["max_ms"] = ours.Max, ["lost"] = ours.Lost, ["duplicated"] = ours.Duplicated,
            ["msgs_per_s"] = ours.Throughput,
            ["baseline_p50_ms"] = bare.P50, ["baseline_p99_ms"] = bare.P99, ["baseline_max_ms"] = bare.Max, ["baseline_lost"] = bare.Lost,
            ["baseline_duplicated"] = bare.Duplicated, ["baseline_msgs_per_s"] = bare.Throughput,
            ["p99_vs_baseline"] = bare.P99 > 0 ? Math.Round(ours.P99 / bare.P99, 2) : null,
            ["throughput_vs_baseline"] = bare.Throughput > 0 ? Math.Round(ours.Throughput / bare.Throughput, 2) : null,
        };
        if (stall)
        {
            figures["stalled_unread_bytes"] = ours.StalledUnread;
            figures["baseline_stalled_unread_bytes"] = bare.StalledUnread;
            figures["bytes_sent_to_each_student"] = (long)ours.EventBytes * options.Events;
            // How long the teacher's send took to be acknowledged: the bare hub awaits its group send, ours does not.
            figures["teacher_send_p99_ms"] = ours.SendAckP99;
            figures["baseline_teacher_send_p99_ms"] = bare.SendAckP99;
        }
        return figures;
    }

    private sealed record Outcome(double P50, double P99, double Max, long Lost, long Duplicated, double Throughput, int EventBytes, int StalledUnread,
        double SendAckP99);

    /// <summary>What differs between our hub and the bare one: how to connect, join, and send one event.</summary>
    private interface ITarget
    {
        Task<Guid> PrepareAsync(string title);
        HubConnection Connection(BenchPerson? person);
        Task JoinAsync(HubConnection connection, Guid room);
        Task StartAsync(HubConnection teacher, Guid room);
        Task SendAsync(HubConnection teacher, Guid room, string text);
        Task<StalledClient> StallAsync(BenchPerson person, Guid room);
        BenchPerson Teacher { get; }
        IReadOnlyList<BenchPerson> Students { get; }
    }

    private sealed class LmsTarget(Seed seed, ChildServer server) : ITarget
    {
        public BenchPerson Teacher => seed.Teacher;
        public IReadOnlyList<BenchPerson> Students => seed.Students;
        public Task<Guid> PrepareAsync(string title) => seed.SessionAsync(title);
        public HubConnection Connection(BenchPerson? person) => Hub(new Uri(server.Address, "/hubs/classroom"), person!.Token);
        public Task JoinAsync(HubConnection connection, Guid room) => connection.InvokeAsync<JsonElement>("Join", room, (long?)null);
        public Task StartAsync(HubConnection teacher, Guid room) => teacher.InvokeAsync<JsonElement>("Start", room, Guid.NewGuid().ToString("N"));
        public Task SendAsync(HubConnection teacher, Guid room, string text) =>
            teacher.InvokeAsync<JsonElement>("SendChat", room, Guid.NewGuid().ToString("N"), text);
        public Task<StalledClient> StallAsync(BenchPerson person, Guid room) => StalledClient.ConnectAsync(server.Address, "/hubs/classroom",
            person.Token, $"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"Join\",\"arguments\":[\"{room}\",null]}}");
    }

    private sealed class BareTarget(ChildServer server) : ITarget
    {
        private long _seq;
        public BenchPerson Teacher { get; } = new(Guid.Empty, "teacher", "");
        public IReadOnlyList<BenchPerson> Students { get; } = Enumerable.Range(0, 6000).Select(i => new BenchPerson(Guid.NewGuid(), $"s{i}", "")).ToList();
        public Task<Guid> PrepareAsync(string title) => Task.FromResult(Guid.NewGuid());
        public HubConnection Connection(BenchPerson? person) => Hub(new Uri(server.Address, "/hubs/bare"), null);
        public Task JoinAsync(HubConnection connection, Guid room) => connection.InvokeAsync("Join");
        public Task StartAsync(HubConnection teacher, Guid room) => Task.CompletedTask;
        public Task SendAsync(HubConnection teacher, Guid room, string text)
        {
            // The same envelope and payload size as a classroom chat event.
            var data = JsonSerializer.Serialize(new
            {
                id = Guid.NewGuid(), userId = Guid.NewGuid(), name = "Cô giáo Benchmark", role = "teacher", text, at = DateTimeOffset.UtcNow, group = (int?)null, deleted = false,
            });
            return teacher.InvokeAsync("Broadcast", new BareMessage(room.ToString(), Interlocked.Increment(ref _seq), "chat.message",
                DateTimeOffset.UtcNow.ToString("O"), data));
        }
        public Task<StalledClient> StallAsync(BenchPerson person, Guid room) => StalledClient.ConnectAsync(server.Address, "/hubs/bare",
            null, "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Join\",\"arguments\":[]}");
    }

    internal static HubConnection Hub(Uri url, string? token)
    {
        var builder = new HubConnectionBuilder();
        if (_messagePack) builder.AddMessagePackProtocol();
        var connection = builder
            .WithUrl(url, o =>
            {
                o.SkipNegotiation = true;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                if (token is not null) o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Critical))
            .Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(60);
        return connection;
    }



    /// <summary>Per student: when each numbered message first arrived, and how many times.</summary>
    private sealed class Receiver(int events)
    {
        public readonly long[] FirstAt = new long[events];
        public readonly int[] Count = new int[events];
        public int Received;

        public void Take(BenchEvent e)
        {
            var at = Stopwatch.GetTimestamp();
            var marker = e.Data.IndexOf("\"text\":\"#", StringComparison.Ordinal);
            if (marker < 0) return;
            var start = marker + 9;
            var end = e.Data.IndexOf('#', start);
            if (end < 0 || !int.TryParse(e.Data.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return;
            if (index < 0 || index >= Count.Length) return;
            if (Interlocked.Increment(ref Count[index]) == 1)
            {
                FirstAt[index] = at;
                Interlocked.Increment(ref Received);
            }
        }
    }

    private static async Task<Outcome> BroadcastAsync(ITarget target, int students, Options options, bool stall)
    {
        var room = await target.PrepareAsync($"Benchmark {students} {(stall ? "stall" : "")}");
        var teacher = target.Connection(target.Teacher);
        await teacher.StartAsync();
        await target.JoinAsync(teacher, room);
        await target.StartAsync(teacher, room);

        var receivers = new Receiver[students];
        var connections = new HubConnection[students];
        await ForEachAsync(Enumerable.Range(0, students), 64, async i =>
        {
            var receiver = receivers[i] = new Receiver(options.Events);
            var connection = connections[i] = target.Connection(target.Students[i]);
            connection.On<BenchEvent>("event", receiver.Take);
            await connection.StartAsync();
            await target.JoinAsync(connection, room);
        });
        StalledClient? stalled = stall ? await target.StallAsync(target.Students[students], room) : null;

        // Warm-up (not counted): the first sends pay for JIT compilation on both sides.
        for (var i = 0; i < 10; i++) await target.SendAsync(teacher, room, "warm-up");
        await Task.Delay(500);

        var padding = new string('x', stall ? 990 : options.Padding);
        var sentAt = new long[options.Events];
        var interval = TimeSpan.FromSeconds(1 / options.Rate);
        var clock = Stopwatch.StartNew();
        var sends = new List<Task>(options.Events);
        var acks = new List<double>(options.Events);
        for (var i = 0; i < options.Events; i++)
        {
            var due = interval * i - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            var at = sentAt[i] = Stopwatch.GetTimestamp();
            sends.Add(target.SendAsync(teacher, room, $"#{i}# {padding}").ContinueWith(t =>
            {
                lock (acks) acks.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                return t;
            }).Unwrap());
        }
        await Task.WhenAll(sends);

        // Drain: until everyone has everything, or 30 seconds after the last send.
        var drain = Stopwatch.StartNew();
        while (receivers.Any(r => r.Received < options.Events) && drain.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);

        var latencies = new List<double>(students * options.Events);
        long lost = 0, duplicated = 0, last = 0;
        foreach (var r in receivers)
            for (var i = 0; i < options.Events; i++)
            {
                if (r.Count[i] == 0) { lost++; continue; }
                duplicated += r.Count[i] - 1;
                latencies.Add(Stopwatch.GetElapsedTime(sentAt[i], r.FirstAt[i]).TotalMilliseconds);
                last = Math.Max(last, r.FirstAt[i]);
            }
        latencies.Sort();
        var seconds = latencies.Count == 0 ? 0 : Stopwatch.GetElapsedTime(sentAt[0], last).TotalSeconds;
        var unread = stalled?.Unread ?? 0;
        stalled?.Dispose();
        await ForEachAsync(connections.Append(teacher), 128, c => c.DisposeAsync().AsTask());
        var eventBytes = System.Text.Encoding.UTF8.GetByteCount(padding) + 250;
        acks.Sort();
        return new Outcome(Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count == 0 ? 0 : Math.Round(latencies[^1], 1),
            lost, duplicated, seconds > 0 ? Math.Round(latencies.Count / seconds) : 0, eventBytes, unread, Percentile(acks, 0.99));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)], 1);

    private static async Task ForEachAsync<T>(IEnumerable<T> items, int parallel, Func<T, Task> action)
    {
        using var gate = new SemaphoreSlim(parallel);
        var tasks = items.Select(async item =>
        {
            await gate.WaitAsync();
            try { await action(item); }
            finally { gate.Release(); }
        }).ToList();
        await Task.WhenAll(tasks);
    }

    // ------------------------------------------------------------------ join storm

    private async Task<Dictionary<string, object?>> JoinStormAsync(Seed seed, ChildServer server, ChildServer baseline, Options options)
    {
        Console.Error.WriteLine($"classroom: join storm of {options.Storm} students over {options.StormSpread} s…");
        var ours = await StormAsync(new LmsTarget(seed, server), options);
        var bare = await StormAsync(new BareTarget(baseline), options);
        return new Dictionary<string, object?>
        {
            ["benchmark"] = "classroom", ["scenario"] = "join_storm", ["students"] = options.Storm, ["spread_s"] = options.StormSpread,
            ["p50_join_ms"] = ours.P50, ["p95_join_ms"] = ours.P95, ["max_join_ms"] = ours.Max, ["failed"] = ours.Failed,
            ["baseline_p50_join_ms"] = bare.P50, ["baseline_p95_join_ms"] = bare.P95, ["baseline_failed"] = bare.Failed,
        };
    }

    private sealed record StormOutcome(double P50, double P95, double Max, int Failed);

    private static async Task<StormOutcome> StormAsync(ITarget target, Options options)
    {
        var room = await target.PrepareAsync("Join storm");
        var teacher = target.Connection(target.Teacher);
        await teacher.StartAsync();
        await target.JoinAsync(teacher, room);
        await target.StartAsync(teacher, room);
        var times = new ConcurrentBag<double>();
        var failed = 0;
        var connections = new ConcurrentBag<HubConnection>();
        var spread = TimeSpan.FromSeconds(options.StormSpread);
        var tasks = Enumerable.Range(0, options.Storm).Select(async i =>
        {
            await Task.Delay(spread * i / options.Storm);
            var clock = Stopwatch.StartNew();
            try
            {
                var connection = target.Connection(target.Students[i]);
                connections.Add(connection);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await connection.StartAsync(timeout.Token);
                await target.JoinAsync(connection, room).WaitAsync(timeout.Token);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            catch (Exception)
            {
                Interlocked.Increment(ref failed);
            }
        }).ToList();
        await Task.WhenAll(tasks);
        await ForEachAsync(connections.Append(teacher), 128, c => c.DisposeAsync().AsTask());
        var sorted = times.Order().ToList();
        return new StormOutcome(Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted.Count == 0 ? 0 : Math.Round(sorted[^1], 1), failed);
    }
}

/// <summary>A classroom event as the simulated students read it (public: MessagePack serializes public types only).</summary>
[System.Runtime.Serialization.DataContract]
public sealed record BenchEvent(
    [property: System.Runtime.Serialization.DataMember(Name = "sessionId")] string SessionId,
    [property: System.Runtime.Serialization.DataMember(Name = "seq")] long Seq,
    [property: System.Runtime.Serialization.DataMember(Name = "type")] string Type,
    [property: System.Runtime.Serialization.DataMember(Name = "at")] string At,
    [property: System.Runtime.Serialization.DataMember(Name = "data")] string Data);
