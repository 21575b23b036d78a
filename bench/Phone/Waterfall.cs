using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lms.Bench.Phone;

/// <summary>
/// Where a page's time goes (<c>--waterfall</c>): each request the page sent, from the DevTools protocol's network
/// events, with when it was sent, answered and finished (ms after the first request, the navigation), its size on
/// the wire, where it came from (network, memory/disk cache, service worker) and what started it (the parser, a
/// script, a preload). A request that starts only when another has finished is a round trip the page waits for.
/// </summary>
internal sealed class Waterfall
{
    private sealed class Entry
    {
        public required string Url { get; init; }
        public required string Type { get; init; }
        public required string Initiator { get; init; }
        public required double Sent { get; init; }
        public double? Answered { get; set; }
        public double? Finished { get; set; }
        public long Bytes { get; set; }
        public string Source { get; set; } = "net";
    }

    private readonly Dictionary<string, Entry> _entries = [];
    private double? _origin;

    public void Sent(JsonElement e)
    {
        var time = e.GetProperty("timestamp").GetDouble();
        _origin ??= time;
        var id = e.GetProperty("requestId").GetString()!;
        var initiator = e.GetProperty("initiator");
        var by = initiator.GetProperty("type").GetString() ?? "";
        if (initiator.TryGetProperty("url", out var from)) by += " " + Short(from.GetString());
        else if (initiator.TryGetProperty("stack", out var stack) && stack.TryGetProperty("callFrames", out var frames) && frames.GetArrayLength() > 0)
            by += " " + Short(frames[0].GetProperty("url").GetString());
        // A redirect reuses the request id: the later request replaces the first.
        _entries[id] = new Entry
        {
            Url = e.GetProperty("request").GetProperty("url").GetString()!,
            Type = e.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "",
            Initiator = by,
            Sent = time,
        };
    }

    public void Answered(JsonElement e)
    {
        if (!_entries.TryGetValue(e.GetProperty("requestId").GetString()!, out var entry)) return;
        entry.Answered = e.GetProperty("timestamp").GetDouble();
        var response = e.GetProperty("response");
        if (response.TryGetProperty("fromServiceWorker", out var sw) && sw.GetBoolean()) entry.Source = "sw";
        else if (response.TryGetProperty("fromDiskCache", out var disk) && disk.GetBoolean()) entry.Source = "disk";
        else if (response.TryGetProperty("status", out var status) && status.GetInt32() == 304) entry.Source = "304";
    }

    public void Finished(JsonElement e)
    {
        if (!_entries.TryGetValue(e.GetProperty("requestId").GetString()!, out var entry)) return;
        entry.Finished = e.GetProperty("timestamp").GetDouble();
        entry.Bytes = (long)e.GetProperty("encodedDataLength").GetDouble();
    }

    public string Describe(string title)
    {
        var text = new StringBuilder($"--- waterfall {title}\n");
        text.Append("   sent  answered  finished     bytes  from  type        url  ← initiator\n");
        string Ms(double? t) => t is { } v && _origin is { } o ? ((v - o) * 1000).ToString("0", CultureInfo.InvariantCulture) : "-";
        foreach (var e in _entries.Values.OrderBy(e => e.Sent))
            text.Append(CultureInfo.InvariantCulture, $"{Ms(e.Sent),7} {Ms(e.Answered),9} {Ms(e.Finished),9} {e.Bytes,9}  {e.Source,-4}  {e.Type,-10}  {Short(e.Url)}  ← {e.Initiator}\n");
        return text.ToString();
    }

    private static string Short(string? url) =>
        url is null ? "" : Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal) ? uri.PathAndQuery : url.Length > 60 ? url[..60] : url;
}
