using System.Security.Cryptography;
using System.Text;

namespace Lms.Server.Classroom.Broadcast;

/// <summary><c>Classroom:Broadcast</c>: when a lesson goes out as HLS, and how its viewers are let in.</summary>
public sealed class BroadcastOptions
{
    public const string Section = "Classroom:Broadcast";

    /// <summary>A class with more students than this is broadcast unless its teacher chooses otherwise (peer to peer stops at about ten).</summary>
    public int AboveStudents { get; set; } = 12;

    /// <summary>Seconds per piece the teacher's browser sends, which is one HLS segment (1–2 s keeps students a few seconds behind).</summary>
    public int PieceSeconds { get; set; } = 2;

    /// <summary>How long a viewer token is good for. Everyone in a session gets the same token in the same window, so a CDN caches once for all.</summary>
    public int TokenHours { get; set; } = 6;

    /// <summary>The key viewer tokens are signed with. Every node of a cluster needs the same one; without it each process makes its own.</summary>
    public string? TokenSecret { get; set; }

    /// <summary>The biggest piece taken (a 2 s piece of a 1080p screen share is well under this).</summary>
    public long MaxPieceBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Whether each piece is also encoded small for weak links (the low rendition, in the master playlist and the student's
    /// "low" choice). It is the only encoding broadcast mode does: 10–26 CPU-seconds per minute of lesson as measured by
    /// <c>bench broadcast --low-rendition-only</c> (docs/broadcast.md); turn it off on a server with no CPU to spare.
    /// </summary>
    public bool LowRendition { get; set; } = true;

    /// <summary>The low picture's height (never more than the teacher's).</summary>
    public int LowHeight { get; set; } = Lms.Media.Broadcast.LowRendition.Default.Height;

    /// <summary>The low picture's rate in kb/s (the sound, copied, adds its own, about 32–64 kb/s).</summary>
    public int LowKbps { get; set; } = Lms.Media.Broadcast.LowRendition.Default.Kbps;

    /// <summary>The low picture's frames per second.</summary>
    public int LowFps { get; set; } = Lms.Media.Broadcast.LowRendition.Default.Fps;

    /// <summary>
    /// How long a piece waits for its low copy once its own copy is done (seconds; unset: twice the piece's length, or three
    /// times what its copy took); later, the low playlist lists the full segment in its place. Pieces are taken one after
    /// another, so a server whose low copies take longer than a piece's length falls behind live for everyone.
    /// </summary>
    public double? LowWaitSeconds { get; set; }

    /// <summary>
    /// A broadcast that received no piece for this many seconds is closed by the server and published as the lesson's
    /// recording: the teacher's tab was closed or its phone died before it could say the end. While the lesson is live and
    /// still in broadcast mode the same quiet time applies (the teacher's tab is gone); a lesson switched to peer to peer
    /// keeps its broadcast open until the lesson ends.
    /// </summary>
    public int QuietSeconds { get; set; } = 120;

    /// <summary>The low rendition as the packager takes it (null: none).</summary>
    public Lms.Media.Broadcast.LowRendition? Low => LowRendition ? new(LowHeight, LowKbps, LowFps, LowWaitSeconds) : null;

    /// <summary>How often the server looks for quiet broadcasts: a quarter of the quiet time, between 1 and 30 seconds.</summary>
    public TimeSpan SweepInterval => TimeSpan.FromSeconds(Math.Clamp(QuietSeconds / 4.0, 1, 30));

    public void Validate()
    {
        if (AboveStudents < 0) throw new InvalidOperationException("Classroom:Broadcast:AboveStudents is 0 or more.");
        if (PieceSeconds is < 1 or > 10) throw new InvalidOperationException("Classroom:Broadcast:PieceSeconds is between 1 and 10.");
        if (TokenHours is < 1 or > 48) throw new InvalidOperationException("Classroom:Broadcast:TokenHours is between 1 and 48.");
        if (LowHeight is < 90 or > 720) throw new InvalidOperationException("Classroom:Broadcast:LowHeight is between 90 and 720.");
        if (LowKbps is < 50 or > 2000) throw new InvalidOperationException("Classroom:Broadcast:LowKbps is between 50 and 2000.");
        if (LowFps is < 1 or > 30) throw new InvalidOperationException("Classroom:Broadcast:LowFps is between 1 and 30.");
        if (LowWaitSeconds is < 0 or > 60) throw new InvalidOperationException("Classroom:Broadcast:LowWaitSeconds is between 0 and 60.");
        if (QuietSeconds is < 1 or > 86_400) throw new InvalidOperationException("Classroom:Broadcast:QuietSeconds is between 1 and 86400.");
    }
}

/// <summary>
/// Viewer tokens: <c>{expiry}.{HMAC-SHA256(key, sessionId:expiry)}</c>, carried in the broadcast's URLs so that
/// a player needs no cookie and a proxy or CDN can cache the playlists and segments for everyone. The expiry is
/// rounded to the token window, so every viewer of a session holds the same token (and URL) in a window.
/// </summary>
public sealed class BroadcastTokens(BroadcastOptions options, TimeProvider clock)
{
    private readonly byte[] _key = options.TokenSecret is { Length: > 0 } secret
        ? SHA256.HashData(Encoding.UTF8.GetBytes(secret))
        : RandomNumberGenerator.GetBytes(32);

    /// <summary>A token good until the end of the next window (so a new viewer always has at least one whole window).</summary>
    public (string Token, DateTimeOffset ExpiresAt) Mint(Guid sessionId)
    {
        var window = options.TokenHours * 3600L;
        var expires = (clock.GetUtcNow().ToUnixTimeSeconds() / window + 2) * window;
        return (Sign(sessionId, expires), DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    /// <summary>A token for any expiry (tests make expired ones with it).</summary>
    public string Sign(Guid sessionId, long expiresUnixSeconds)
    {
        var mac = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{sessionId:N}:{expiresUnixSeconds}"));
        return $"{expiresUnixSeconds}.{Convert.ToBase64String(mac, 0, 18).Replace('+', '-').Replace('/', '_')}";
    }

    public bool IsValid(Guid sessionId, string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), out var expires)) return false;
        if (expires <= clock.GetUtcNow().ToUnixTimeSeconds()) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(sessionId, expires)), Encoding.ASCII.GetBytes(token));
    }
}
