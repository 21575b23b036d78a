using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Lms.Tests.Classroom;

/// <summary>
/// A TURN Allocate over UDP (RFC 8656 with RFC 8489's long-term credentials), as a browser sends it: first
/// without credentials (the server answers 401 with its realm and a nonce), then with the username, realm,
/// nonce and MESSAGE-INTEGRITY keyed by MD5(username:realm:password). Small and only for asking a real
/// coturn whether it accepts a credential.
/// </summary>
public static class TurnAllocation
{
    private const ushort AllocateRequest = 0x0003, AllocateSuccess = 0x0103, AllocateError = 0x0113;
    private const ushort Username = 0x0006, MessageIntegrity = 0x0008, ErrorCode = 0x0009, RealmAttribute = 0x0014, Nonce = 0x0015,
        RequestedTransport = 0x0019;
    private const uint MagicCookie = 0x2112A442;

    /// <summary>The outcome: 0 when an allocation was made, else the server's STUN error code (401: not authorised).</summary>
    public static async Task<int> TryAsync(int port, string username, string password)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var challenge = await ExchangeAsync(udp, server, Message([(RequestedTransport, [17, 0, 0, 0])], key: null));
        if (challenge.Type != AllocateError || challenge.Error != 401)
            throw new InvalidOperationException($"coturn did not ask for credentials (type {challenge.Type:x4}, error {challenge.Error}).");
        var realm = challenge.Attributes[RealmAttribute];
        var nonce = challenge.Attributes[Nonce];
        var key = MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{Encoding.UTF8.GetString(realm)}:{password}"));
        var answer = await ExchangeAsync(udp, server, Message(
            [(RequestedTransport, [17, 0, 0, 0]), (Username, Encoding.UTF8.GetBytes(username)), (RealmAttribute, realm), (Nonce, nonce)], key));
        return answer.Type switch
        {
            AllocateSuccess => 0,
            AllocateError => answer.Error,
            _ => throw new InvalidOperationException($"Unexpected TURN answer {answer.Type:x4}."),
        };
    }

    private sealed record Answer(ushort Type, int Error, Dictionary<ushort, byte[]> Attributes);

    /// <summary>Sends a request and waits for the answer with its transaction id; UDP may lose either, so it retries a bounded number of times.</summary>
    private static async Task<Answer> ExchangeAsync(UdpClient udp, IPEndPoint server, byte[] request)
    {
        var transaction = request.AsSpan(8, 12).ToArray();
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await udp.SendAsync(request, server);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (true)
                {
                    var received = await udp.ReceiveAsync(wait.Token);
                    var answer = Parse(received.Buffer, transaction);
                    if (answer is not null) return answer;
                }
            }
            catch (OperationCanceledException)
            {
                // Lost on the way there or back: send it again.
            }
        }
        throw new TimeoutException($"coturn on port {server.Port} did not answer a TURN Allocate.");
    }

    private static byte[] Message(IReadOnlyList<(ushort Type, byte[] Value)> attributes, byte[]? key)
    {
        var body = new List<byte>();
        foreach (var (type, value) in attributes) AppendAttribute(body, type, value);
        var header = new byte[20];
        BinaryPrimitives.WriteUInt16BigEndian(header, AllocateRequest);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), MagicCookie);
        RandomNumberGenerator.Fill(header.AsSpan(8, 12));
        if (key is null)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)body.Count);
            return [.. header, .. body];
        }
        // MESSAGE-INTEGRITY covers the message with its length already counting the integrity attribute (4 + 20 bytes).
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(body.Count + 24));
        byte[] signed = [.. header, .. body];
#pragma warning disable CA5350 // STUN's long-term credential mechanism is HMAC-SHA1 by definition.
        var integrity = HMACSHA1.HashData(key, signed);
#pragma warning restore CA5350
        var withIntegrity = new List<byte>(signed);
        AppendAttribute(withIntegrity, MessageIntegrity, integrity);
        return [.. withIntegrity];
    }

    private static void AppendAttribute(List<byte> into, ushort type, byte[] value)
    {
        var tl = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(tl, type);
        BinaryPrimitives.WriteUInt16BigEndian(tl.AsSpan(2), (ushort)value.Length);
        into.AddRange(tl);
        into.AddRange(value);
        while (into.Count % 4 != 0) into.Add(0);
    }

    private static Answer? Parse(byte[] message, byte[] transaction)
    {
        if (message.Length < 20 || !message.AsSpan(8, 12).SequenceEqual(transaction)) return null;
        var type = BinaryPrimitives.ReadUInt16BigEndian(message);
        var length = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2));
        var attributes = new Dictionary<ushort, byte[]>();
        for (var at = 20; at + 4 <= Math.Min(message.Length, 20 + length);)
        {
            var attributeType = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at));
            var attributeLength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at + 2));
            attributes[attributeType] = message.AsSpan(at + 4, attributeLength).ToArray();
            at += 4 + (attributeLength + 3) / 4 * 4;
        }
        var error = attributes.TryGetValue(ErrorCode, out var code) && code.Length >= 4 ? (code[2] & 0x7) * 100 + code[3] : 0;
        return new Answer(type, error, attributes);
    }
}
