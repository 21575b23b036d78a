using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Lms.Bench.Broadcast;

/// <summary>What a crowd of simulated viewers saw in one run.</summary>
public sealed record ViewerFigures(
    int Viewers, double Seconds, long Segments, long Bytes, double SegmentP99Ms, int Stalled, double LatencyP95S, long Errors);

/// <summary>
/// N viewers that behave like hls.js on a live playlist: fetch the playlist, start two segments from its end, then poll
/// it about once a target duration and fetch each new segment once. A viewer stalls when a segment it has not fetched
/// has already left the playlist (it missed it) or a fetch fails. Latency is the time a segment is in hand less its
/// <c>#EXT-X-PROGRAM-DATE-TIME</c>. Runs in its own process (<c>broadcast --viewers URL N SECONDS</c>) so that the
/// crowd's work is not counted as the server's.
/// </summary>
public static class HlsViewers
{
    private sealed record Entry(long Sequence, string Uri, DateTimeOffset? ProgramDateTime);

    public static async Task<ViewerFigures> RunAsync(Uri playlist, int viewers, TimeSpan duration)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(256, viewers), PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var fetchMs = new ConcurrentBag<double>();
        var latency = new ConcurrentBag<double>();
        long segments = 0, bytes = 0, errors = 0;
        var stalled = 0;
        var clock = Stopwatch.StartNew();
        var random = new Random(11);
        var starts = Enumerable.Range(0, viewers).Select(_ => random.NextDouble() * 2).ToArray();

        async Task ViewerAsync(double startAfter)
        {
            await Task.Delay(TimeSpan.FromSeconds(startAfter));
            long next = -1;
            var target = 2.0;
            var missed = false;
            while (clock.Elapsed < duration)
            {
                var polled = clock.Elapsed;
                try
                {
                    var text = await http.GetStringAsync(playlist);
                    var (entries, targetDuration) = Parse(text);
                    target = targetDuration;
                    if (entries.Count > 0)
                    {
                        if (next < 0) next = entries[Math.Max(0, entries.Count - 2)].Sequence;
                        if (entries[0].Sequence > next) missed = true;
                        foreach (var entry in entries.Where(e => e.Sequence >= next))
                        {
                            var watch = Stopwatch.StartNew();
                            var body = await http.GetByteArrayAsync(new Uri(playlist, entry.Uri));
                            fetchMs.Add(watch.Elapsed.TotalMilliseconds);
                            Interlocked.Increment(ref segments);
                            Interlocked.Add(ref bytes, body.Length);
                            if (entry.ProgramDateTime is { } filmed) latency.Add((DateTimeOffset.UtcNow - filmed).TotalSeconds);
                            next = entry.Sequence + 1;
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    missed = true;
                }
                var wait = TimeSpan.FromSeconds(target) - (clock.Elapsed - polled);
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
            }
            if (missed) Interlocked.Increment(ref stalled);
        }

        await Task.WhenAll(starts.Select(ViewerAsync));
        return new ViewerFigures(viewers, clock.Elapsed.TotalSeconds, segments, bytes, Percentile(fetchMs.ToList(), 0.99), stalled,
            Percentile(latency.ToList(), 0.95), errors);
    }

    private static (List<Entry> Entries, double Target) Parse(string playlist)
    {
        var entries = new List<Entry>();
        long sequence = 0;
        var target = 2.0;
        DateTimeOffset? date = null;
        foreach (var raw in playlist.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal)) sequence = long.Parse(line[22..], CultureInfo.InvariantCulture);
            else if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal)) target = double.Parse(line[22..], CultureInfo.InvariantCulture);
            else if (line.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal)) date = DateTimeOffset.Parse(line[25..], CultureInfo.InvariantCulture);
            else if (line.Length > 0 && !line.StartsWith('#'))
            {
                entries.Add(new Entry(sequence++, line, date));
                date = null;
            }
        }
        return (entries, target);
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return 0;
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
    }

    /// <summary>The child process's entry: runs the crowd and prints its figures as one JSON line.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var figures = await RunAsync(new Uri(args[0]), int.Parse(args[1], CultureInfo.InvariantCulture),
            TimeSpan.FromSeconds(double.Parse(args[2], CultureInfo.InvariantCulture)));
        Console.WriteLine(JsonSerializer.Serialize(figures));
        return 0;
    }
}
