using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Lms.Bench.Network;

/// <summary>
/// A bad link between one student's browser and Lms, on loopback: a rate (a token-bucket-like serializer with a
/// bounded queue, as a mobile cell's buffer), a delay each way (half the round trip), and random loss of datagrams.
/// </summary>
public sealed record LinkProfile(string Name, int RateKbps, int RoundTripMs, double LossPercent)
{
    /// <summary>No shaping: the relay alone, to compare with.</summary>
    public static readonly LinkProfile None = new("none", 0, 0, 0);
    public static readonly LinkProfile ThreeG = new("3g", 1000, 150, 2);
    public static readonly LinkProfile TwoG = new("2g", 250, 400, 5);

    /// <summary>At most this much queued per direction (as a cell's buffer); more is dropped, as a full queue drops.</summary>
    public int QueueBytes => RateKbps == 0 ? int.MaxValue : Math.Max(16_000, RateKbps * 1000 / 8); // about one second of the rate
}

/// <summary>
/// One direction of the link: every piece (a datagram, or a chunk of a TCP stream) leaves after those before it
/// at the link's rate, arrives half a round trip later, and a datagram may be lost. Pieces are delivered in order.
/// </summary>
public sealed class ShapedDirection
{
    private readonly LinkProfile _link;
    private readonly Channel<(DateTime DeliverAt, Func<Task> Deliver, int Bytes)> _queue = Channel.CreateUnbounded<(DateTime, Func<Task>, int)>();
    private readonly Random _random = new(11);
    private DateTime _lastDeparture = DateTime.MinValue;
    private long _queued;
    public long Delivered;
    public long Dropped;

    public ShapedDirection(LinkProfile link, CancellationToken stop)
    {
        _link = link;
        _ = Task.Run(() => PumpAsync(stop), stop);
    }

    /// <summary>Sends a piece over the link; false when it is lost (random loss, only for datagrams; or the queue is full).</summary>
    public bool Send(int bytes, bool datagram, Func<Task> deliver)
    {
        lock (_random)
        {
            if (datagram && _link.LossPercent > 0 && _random.NextDouble() * 100 < _link.LossPercent) { Dropped++; return false; }
            if (datagram && Interlocked.Read(ref _queued) + bytes > _link.QueueBytes) { Dropped++; return false; }
            var now = DateTime.UtcNow;
            var departure = _lastDeparture > now ? _lastDeparture : now;
            if (_link.RateKbps > 0) departure += TimeSpan.FromMilliseconds(bytes * 8.0 / _link.RateKbps);
            _lastDeparture = departure;
            Interlocked.Add(ref _queued, bytes);
            _queue.Writer.TryWrite((departure + TimeSpan.FromMilliseconds(_link.RoundTripMs / 2.0), deliver, bytes));
            return true;
        }
    }

    private async Task PumpAsync(CancellationToken stop)
    {
        await foreach (var (deliverAt, deliver, bytes) in _queue.Reader.ReadAllAsync(stop))
        {
            var wait = deliverAt - DateTime.UtcNow;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, stop);
            Interlocked.Add(ref _queued, -bytes);
            try
            {
                await deliver();
                Interlocked.Increment(ref Delivered);
            }
            catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException) { }
        }
    }
}

/// <summary>
/// The student's side of the bad link: a UDP relay in front of coturn (all the student's media goes through TURN)
/// and a TCP relay in front of Lms (the page, its API and the classroom hub's WebSocket), both through the same
/// shaped directions, so media and classroom events share the link as they would on a phone.
/// </summary>
public sealed class LinkShaper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly UdpClient _udp;
    private readonly TcpListener _tcp;
    private readonly IPEndPoint _turn;
    private readonly IPEndPoint _lms;
    private readonly ShapedDirection _up;
    private readonly ShapedDirection _down;
    private readonly Dictionary<IPEndPoint, UdpClient> _upstreams = new();

    public int UdpPort { get; }
    public int TcpPort { get; }
    public LinkProfile Profile { get; }

    public LinkShaper(LinkProfile profile, int turnPort, int lmsPort)
    {
        Profile = profile;
        _turn = new IPEndPoint(IPAddress.Loopback, turnPort);
        _lms = new IPEndPoint(IPAddress.Loopback, lmsPort);
        _up = new ShapedDirection(profile, _stop.Token);
        _down = new ShapedDirection(profile, _stop.Token);
        _udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        UdpPort = ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;
        _tcp = new TcpListener(IPAddress.Loopback, 0);
        _tcp.Start();
        TcpPort = ((IPEndPoint)_tcp.LocalEndpoint).Port;
        _ = Task.Run(UdpFromStudentAsync);
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>Datagrams the link lost or dropped, up and down.</summary>
    public (long Up, long Down) Dropped => (_up.Dropped, _down.Dropped);

    private async Task UdpFromStudentAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try { received = await _udp.ReceiveAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { if (_stop.IsCancellationRequested) return; continue; }
            var upstream = Upstream(received.RemoteEndPoint);
            var data = received.Buffer;
            _up.Send(data.Length, datagram: true, () => upstream.SendAsync(data, _turn, _stop.Token).AsTask());
        }
    }

    /// <summary>One socket toward coturn per student address, so coturn sees one client per browser socket.</summary>
    private UdpClient Upstream(IPEndPoint student)
    {
        lock (_upstreams)
        {
            if (_upstreams.TryGetValue(student, out var upstream)) return upstream;
            upstream = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            _upstreams[student] = upstream;
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    UdpReceiveResult back;
                    try { back = await upstream.ReceiveAsync(_stop.Token); }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { if (_stop.IsCancellationRequested) return; continue; }
                    var data = back.Buffer;
                    _down.Send(data.Length, datagram: true, () => _udp.SendAsync(data, student, _stop.Token).AsTask());
                }
            });
            return upstream;
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient student;
            try { student = await _tcp.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(async () =>
            {
                using var s = student;
                using var lms = new TcpClient();
                s.NoDelay = true;
                lms.NoDelay = true;
                try
                {
                    await lms.ConnectAsync(_lms, _stop.Token);
                    var a = s.GetStream();
                    var b = lms.GetStream();
                    await Task.WhenAny(PumpAsync(a, b, _up), PumpAsync(b, a, _down));
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or IOException) { }
            });
        }
    }

    /// <summary>A TCP stream through the link: each chunk read waits its turn at the link's rate and its delay (never lost: TCP would resend).</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, ShapedDirection direction)
    {
        var done = new TaskCompletionSource();
        // Chunks no bigger than a few packets, so a large page does not hold the link in one piece.
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try { read = await from.ReadAsync(buffer, _stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { read = 0; }
            if (read == 0)
            {
                direction.Send(0, datagram: false, () => { try { to.Socket.Shutdown(SocketShutdown.Send); } catch (SocketException) { } done.TrySetResult(); return Task.CompletedTask; });
                await done.Task;
                return;
            }
            var chunk = buffer[..read];
            direction.Send(read, datagram: false, () => to.WriteAsync(chunk, _stop.Token).AsTask());
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _udp.Dispose();
        _tcp.Stop();
        lock (_upstreams) foreach (var u in _upstreams.Values) u.Dispose();
        return ValueTask.CompletedTask;
    }
}
