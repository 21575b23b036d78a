using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lms.Grains.Classroom;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Bench.Classroom;

/// <summary>
/// <c>./build.sh bench soak</c>: a whole lesson as teachers run one, in scaled time (by default one simulated minute
/// is one real second, and the room's sender retires after one simulated minute of quiet, as in production). Random
/// quiet gaps of 5 s to 5 min, students joining and leaving throughout, teacher chat, a poll every few minutes.
/// Prints events sent, received, lost and duplicated for the students in the room, joins ok/failed, and the longest
/// time an event took to reach a student.
/// </summary>
public sealed class SoakBenchmark : IBenchmark
{
    public string Name => "soak";
    public string Description => "live classroom soak: a 45-minute lesson in scaled time with quiet gaps, joins and leaves, chat and polls";

    private sealed record Options(double Minutes, double Scale, int Students, int Seed);

    /// <summary>One student's stay in the room: the events it must get are those numbered after its join and up to its leave.</summary>
    private sealed class Stay(HubConnection connection, long from)
    {
        public HubConnection Connection { get; } = connection;
        public long From { get; } = from;
        public long To { get; set; } = long.MaxValue;
        public ConcurrentQueue<(long Seq, long At)> Received { get; } = new();
    }

    public async Task<int> RunAsync(string[] args)
    {
        var options = Parse(args);
        var seconds = TimeSpan.FromSeconds(60 / options.Scale); // one simulated minute
        Console.Error.WriteLine($"soak: a {options.Minutes}-minute lesson, a minute is {seconds.TotalSeconds:0.##} s, {options.Students} students");
        var seed = await Seed.CreateAsync(options.Students);
        try
        {
            await using var server = await ClassroomBenchmark.StartServerAsync(seed,
                $"--Classroom:SenderIdle={seconds:c}", $"--Classroom:Grace={seconds / 3:c}");
            var room = await seed.SessionAsync("Buổi học dài có khoảng lặng");
            var hub = new Uri(server.Address, "/hubs/classroom");
            await using var teacher = ClassroomBenchmark.Hub(hub, seed.Teacher.Token);
            await teacher.StartAsync();
            await teacher.InvokeAsync<JoinResult>("Join", room, (long?)null);
            await teacher.InvokeAsync<CommandResult>("Start", room, Guid.NewGuid().ToString("N"));

            var random = new Random(options.Seed);
            var clock = Stopwatch.StartNew();
            var present = new Dictionary<int, Stay>();
            var stays = new List<Stay>();
            var sentAt = new Dictionary<long, long>();
            int joinsOk = 0, joinsFailed = 0, polls = 0;
            long lastSent = 0;

            async Task JoinAsync(int index)
            {
                var connection = ClassroomBenchmark.Hub(hub, seed.Students[index].Token);
                Stay? stay = null;
                var early = new ConcurrentQueue<(long, long)>();
                connection.On<ClassroomEvent>("event", e =>
                {
                    var item = (e.Seq, clock.ElapsedMilliseconds);
                    if (stay is null) early.Enqueue(item); else stay.Received.Enqueue(item);
                });
                try
                {
                    await connection.StartAsync();
                    var joined = await connection.InvokeAsync<JoinResult>("Join", room, (long?)null).WaitAsync(TimeSpan.FromSeconds(30));
                    if (joined.Status != JoinStatuses.Joined) throw new InvalidOperationException($"{joined.Status}: {joined.Reason}");
                    stay = new Stay(connection, joined.Seq);
                    foreach (var item in early) stay.Received.Enqueue(item);
                    present[index] = stay;
                    stays.Add(stay);
                    joinsOk++;
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"soak: a join failed: {e.Message}");
                    joinsFailed++;
                    await connection.DisposeAsync();
                }
            }

            async Task LeaveAsync(int index)
            {
                var stay = present[index];
                present.Remove(index);
                // Whatever was sent before the leave must still arrive (bounded wait), then it goes.
                var deadline = clock.ElapsedMilliseconds + 30_000;
                while (lastSent > stay.From && !stay.Received.Any(r => r.Seq >= lastSent) && clock.ElapsedMilliseconds < deadline) await Task.Delay(20);
                stay.To = lastSent;
                try { await stay.Connection.InvokeAsync("Leave", room); } catch (Exception) { /* leaving anyway */ }
                await stay.Connection.DisposeAsync();
            }

            for (var i = 0; i < options.Students / 2; i++) await JoinAsync(i);
            var simulated = 0.0;
            var nextPoll = 3.0;
            Guid? openPoll = null;
            while (simulated < options.Minutes)
            {
                // A quiet gap of 5 seconds to 5 minutes (simulated), most of them short.
                var gap = random.Next(3) == 0 ? 1 + random.NextDouble() * 4 : 5 / 60.0 + random.NextDouble() * 0.9;
                simulated += gap;
                await Task.Delay(seconds * gap);
                var who = random.Next(options.Students);
                if (random.Next(3) == 0)
                {
                    if (present.ContainsKey(who)) await LeaveAsync(who); else await JoinAsync(who);
                }
                long seq;
                var at = clock.ElapsedMilliseconds;
                if (simulated >= nextPoll)
                {
                    nextPoll += 2 + random.NextDouble() * 3;
                    if (openPoll is { })
                    {
                        seq = (await teacher.InvokeAsync<CommandResult>("ClosePoll", room, Guid.NewGuid().ToString("N"), true)).Seq;
                        openPoll = null;
                    }
                    else
                    {
                        var opened = await teacher.InvokeAsync<CommandResult>("OpenPoll", room, Guid.NewGuid().ToString("N"), $"Câu hỏi phút {simulated:0}?",
                            new[] { "Có", "Không" }, false, false);
                        openPoll = Guid.Parse(opened.Value!);
                        seq = opened.Seq;
                        polls++;
                    }
                }
                else seq = (await teacher.InvokeAsync<CommandResult>("SendChat", room, Guid.NewGuid().ToString("N"), $"Phút {simulated:0.0}")).Seq;
                sentAt[seq] = at;
                lastSent = seq;
            }
            foreach (var index in present.Keys.ToList()) await LeaveAsync(index);

            long expected = 0, received = 0, lost = 0, duplicated = 0, longest = 0;
            foreach (var stay in stays)
            {
                var seqs = stay.Received.Select(r => r.Seq).ToList();
                duplicated += seqs.Count - seqs.Distinct().Count();
                foreach (var (seq, at) in sentAt.Where(s => s.Key > stay.From && s.Key <= stay.To))
                {
                    expected++;
                    var arrival = stay.Received.Where(r => r.Seq == seq).Select(r => r.At).DefaultIfEmpty(-1).First();
                    if (arrival < 0) { lost++; continue; }
                    received++;
                    longest = Math.Max(longest, arrival - at);
                }
            }
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["benchmark"] = "soak", ["simulated_minutes"] = Math.Round(simulated, 1), ["real_s"] = Math.Round(clock.Elapsed.TotalSeconds, 1),
                ["minute_is_s"] = seconds.TotalSeconds, ["students"] = options.Students, ["teacher_events_sent"] = sentAt.Count, ["polls"] = polls,
                ["events_expected"] = expected, ["events_received"] = received, ["lost"] = lost, ["duplicated"] = duplicated,
                ["joins_ok"] = joinsOk, ["joins_failed"] = joinsFailed, ["longest_delivery_ms"] = longest,
            }));
            return lost == 0 && duplicated == 0 && joinsFailed == 0 ? 0 : 1;
        }
        finally
        {
            seed.Delete();
        }
    }

    private static Options Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        double Number(string name, double fallback) => Value(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(Number("--minutes", 45), Number("--scale", 60), (int)Number("--students", 30), (int)Number("--seed", 2026));
    }
}
