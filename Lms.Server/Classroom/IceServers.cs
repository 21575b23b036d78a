using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lms.Server.Classroom;

/// <summary>
/// <c>Media:Ice</c>: how browsers in a peer-to-peer room find each other across routers and firewalls.
/// STUN tells a browser its public address; TURN relays the media when no direct path exists (a
/// carrier's NAT, a school firewall that lets only 443 out). TURN credentials are minted per join by
/// the TURN REST convention that coturn implements (<c>use-auth-secret</c>), so no lasting password
/// ever reaches a browser.
/// </summary>
public sealed class IceOptions
{
    /// <summary>STUN addresses, e.g. <c>stun:turn.school.edu.vn:3478</c>.</summary>
    public List<string> Stun { get; set; } = [];

    public TurnOptions Turn { get; set; } = new();

    /// <summary>Browsers use only relayed candidates (<c>iceTransportPolicy: relay</c>). For tests and for proving a TURN server works.</summary>
    public bool ForceRelay { get; set; }

    public bool HasTurn => Turn.Urls.Count > 0 && !string.IsNullOrEmpty(Turn.Secret);

    public void Validate()
    {
        foreach (var url in Stun)
            if (!url.StartsWith("stun:", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("stuns:", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Media:Ice:Stun lists STUN addresses (stun:host:port); '{url}' is not one.");
        foreach (var url in Turn.Urls)
            if (!url.StartsWith("turn:", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("turns:", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"Media:Ice:Turn:Urls lists TURN addresses (turn:host:port?transport=udp, turns:host:443?transport=tcp); '{url}' is not one.");
        if (Turn.Urls.Count > 0 && string.IsNullOrEmpty(Turn.Secret))
            throw new InvalidOperationException("Media:Ice:Turn:Secret (coturn's static-auth-secret) is needed with Media:Ice:Turn:Urls.");
        // Browsers renew at four fifths of the life but not more often than once a minute: under 2 minutes they would be late.
        if (Turn.TtlMinutes is < 2 or > 24 * 60)
            throw new InvalidOperationException("Media:Ice:Turn:TtlMinutes is between 2 and 1440.");
        if (ForceRelay && !HasTurn)
            throw new InvalidOperationException("Media:Ice:ForceRelay needs a TURN server (Media:Ice:Turn:Urls and Secret).");
    }
}

public sealed class TurnOptions
{
    /// <summary>TURN addresses: UDP, TCP, and TLS on 443 for firewalls that let nothing else out.</summary>
    public List<string> Urls { get; set; } = [];

    /// <summary>The secret shared with coturn (<c>static-auth-secret</c>); stays on the server.</summary>
    public string? Secret { get; set; }

    /// <summary>How long a minted credential is good for; the browser asks for a fresh one before then.</summary>
    public int TtlMinutes { get; set; } = 120;
}

/// <summary>One entry of <c>RTCConfiguration.iceServers</c>.</summary>
public sealed record IceServerView(IReadOnlyList<string> Urls, string? Username, string? Credential);

/// <summary>
/// What a browser's peer connections use: the servers, whether to relay only, whether a TURN server is
/// configured at all (the teacher's view says so when not), and when the TURN credential expires.
/// </summary>
public sealed record IceView(IReadOnlyList<IceServerView> Servers, bool Relay, bool Turn, DateTimeOffset? ExpiresAt);

/// <summary>Mints short-lived TURN credentials: username <c>expiry:userId</c>, password base64(HMAC-SHA1(secret, username)).</summary>
public sealed class IceCredentials(IceOptions options, TimeProvider clock)
{
    public IceView For(Guid userId)
    {
        var servers = new List<IceServerView>();
        if (options.Stun.Count > 0) servers.Add(new IceServerView(options.Stun, null, null));
        if (!options.HasTurn) return new IceView(servers, Relay: false, Turn: false, ExpiresAt: null);
        // Whole seconds: the expiry the browser is told is the one inside the username.
        var expires = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().AddMinutes(options.Turn.TtlMinutes).ToUnixTimeSeconds());
        var (username, credential) = Mint(options.Turn.Secret!, userId, expires);
        servers.Add(new IceServerView(options.Turn.Urls, username, credential));
        return new IceView(servers, options.ForceRelay, Turn: true, expires);
    }

    /// <summary>The TURN REST credential coturn checks with <c>use-auth-secret</c>: it recomputes the HMAC and refuses a username whose time has passed.</summary>
    public static (string Username, string Credential) Mint(string secret, Guid userId, DateTimeOffset expires)
    {
        var username = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + userId.ToString("N");
        // SHA-1 is what the TURN REST convention and coturn use; the secret, not the hash's strength, is what protects it.
#pragma warning disable CA5350
        var credential = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));
#pragma warning restore CA5350
        return (username, credential);
    }
}
