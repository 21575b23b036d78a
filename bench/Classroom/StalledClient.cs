using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Lms.Bench.Classroom;

/// <summary>
/// A student whose socket stalls: it opens a WebSocket by hand (a tiny receive buffer), does the
/// SignalR handshake, joins, and then never reads again, like a phone that froze or lost its radio
/// without closing the connection.
/// </summary>
public sealed class StalledClient : IDisposable
{
    private readonly Socket _socket;

    private StalledClient(Socket socket) => _socket = socket;

    /// <summary>Bytes that reached this client's socket and lie there unread.</summary>
    public int Unread => _socket.Available;

    public static async Task<StalledClient> ConnectAsync(Uri server, string path, string? token, string joinInvocation)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                      $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n" +
                      (token is null ? "" : $"Authorization: Bearer {token}\r\n") + "\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        var response = new StringBuilder();
        var buffer = new byte[1];
        while (!response.ToString().EndsWith("\r\n\r\n"))
        {
            if (await socket.ReceiveAsync(buffer) == 0) throw new IOException("The server closed the connection during the upgrade.");
            response.Append((char)buffer[0]);
        }
        if (!response.ToString().StartsWith("HTTP/1.1 101")) throw new IOException($"No WebSocket: {response}");
        var client = new StalledClient(socket);
        await client.SendTextAsync("{\"protocol\":\"json\",\"version\":1}\u001e");
        await client.SendTextAsync(joinInvocation + "\u001e");
        return client; // and from here on, it never reads
    }

    private async Task SendTextAsync(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var mask = RandomNumberGenerator.GetBytes(4);
        var frame = new List<byte> { 0x81 };
        if (payload.Length < 126) frame.Add((byte)(0x80 | payload.Length));
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        frame.AddRange(mask);
        for (var i = 0; i < payload.Length; i++) frame.Add((byte)(payload[i] ^ mask[i % 4]));
        await _socket.SendAsync(frame.ToArray());
    }

    public void Dispose() => _socket.Dispose();
}
