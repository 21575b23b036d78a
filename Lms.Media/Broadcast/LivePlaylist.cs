using System.Globalization;
using System.Text;

namespace Lms.Media.Broadcast;

/// <summary>One segment of a broadcast: its place, length, when it was filmed, and the initialisation parts it needs.</summary>
/// <param name="ProgramDateTime">When its first frame was filmed (the piece's arrival less its length), for the players' latency.</param>
/// <param name="LowInit">The low rendition's initialisation part (null: this piece has no low copy, and the low playlist lists the full one).</param>
public sealed record LiveSegment(
    int Index, double Duration, DateTimeOffset ProgramDateTime, string Init, string? AudioInit, long Bytes, long AudioBytes,
    string? LowInit = null, long LowBytes = 0)
{
    public string File => Invariant($"v{Index}.m4s");
    public string AudioFile => Invariant($"a{Index}.m4s");
    public string LowFile => Invariant($"l{Index}.m4s");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Which playlist of a broadcast: picture and sound, a small picture and sound (weak links), or the sound alone.</summary>
public enum LiveRendition { Full, Low, AudioOnly }

/// <summary>
/// The HLS playlists of a broadcast, written from its list of segments: while it is live, a media
/// playlist of the last segments (players start near its end and poll it about once a segment); when it
/// has ended, every segment with <c>#EXT-X-ENDLIST</c>, which is then the lesson's recording. Each
/// segment carries <c>#EXT-X-PROGRAM-DATE-TIME</c>; a change of initialisation part (the teacher's
/// picture changed size) is a discontinuity with its own <c>#EXT-X-MAP</c>.
/// </summary>
public static class LivePlaylist
{
    public const string Master = "master.m3u8";
    public const string FullPlaylist = "av.m3u8";
    public const string AudioPlaylist = "audio.m3u8";
    public const string LowPlaylist = "low.m3u8";

    /// <summary>How many segments a live playlist lists (about half a minute at 2 s).</summary>
    public const int LiveWindow = 15;

    public static string Media(IReadOnlyList<LiveSegment> segments, LiveRendition rendition, int targetSeconds, bool ended)
    {
        var first = ended ? 0 : Math.Max(0, segments.Count - LiveWindow);
        // A segment's EXTINF, rounded to the nearest second, is at most the target (RFC 8216 4.3.3.1).
        var target = Math.Max(targetSeconds, segments.Count == 0 ? 1 : (int)Math.Round(segments.Max(s => s.Duration), MidpointRounding.AwayFromZero));
        // A piece whose low copy failed is listed in full in the low playlist (a discontinuity with its own map), so the
        // low playlist never skips a segment and its sequence numbers stay those of the other playlists.
        string? InitOf(LiveSegment s) => rendition switch
        {
            LiveRendition.Full => s.Init,
            LiveRendition.Low => s.LowInit ?? s.Init,
            _ => s.AudioInit,
        };
        string FileOf(LiveSegment s) => rendition switch
        {
            LiveRendition.Full => s.File,
            LiveRendition.Low => s.LowInit is null ? s.File : s.LowFile,
            _ => s.AudioFile,
        };
        // The discontinuities gone with the segments before the window, the one in front of its first segment included (that
        // segment is listed without its tag): a player that saw the tag numbers the segment the same after the window moves.
        var discontinuities = 0;
        for (var i = 1; i <= first; i++)
            if (InitOf(segments[i]) != InitOf(segments[i - 1])) discontinuities++;

        var text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{target}\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{(segments.Count == 0 ? 0 : segments[first].Index)}\n");
        if (discontinuities > 0) text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuities}\n");
        text.Append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (ended) text.Append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        string? map = null;
        for (var i = first; i < segments.Count; i++)
        {
            var segment = segments[i];
            var init = InitOf(segment);
            if (init is null) continue;
            if (init != map)
            {
                if (map is not null) text.Append("#EXT-X-DISCONTINUITY\n");
                text.Append("#EXT-X-MAP:URI=\"").Append(init).Append("\"\n");
                map = init;
            }
            text.Append("#EXT-X-PROGRAM-DATE-TIME:")
                .Append(segment.ProgramDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.Duration:0.000},\n");
            text.Append(FileOf(segment)).Append('\n');
        }
        if (ended) text.Append("#EXT-X-ENDLIST\n");
        return text.ToString();
    }

    /// <summary>
    /// The master playlist: picture and sound, the low picture (when the broadcast has one) and the sound alone. The
    /// picture variants name their sizes, so hls.js's ABR moves between them with the link; it leaves the sound-only
    /// variant to a player that asks for it (the student's "sound only" choice loads it directly).
    /// </summary>
    public static string MasterPlaylist(IReadOnlyList<LiveSegment> segments, int width, int height, string? audioCodec, int lowWidth = 0, int lowHeight = 0)
    {
        static long Bandwidth(IEnumerable<(long Bytes, double Duration)> s) =>
            Math.Max(16_000, s.Select(x => x.Duration > 0 ? (long)(x.Bytes * 8 / x.Duration) : 0).DefaultIfEmpty(0).Max());
        var recent = segments.TakeLast(LiveWindow).ToList();
        var text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        text.Append(CultureInfo.InvariantCulture,
            $"#EXT-X-STREAM-INF:BANDWIDTH={Bandwidth(recent.Select(s => (s.Bytes, s.Duration)))},RESOLUTION={width}x{height}\n{FullPlaylist}\n");
        if (lowHeight > 0 && recent.Any(s => s.LowInit is not null))
            text.Append(CultureInfo.InvariantCulture,
                $"#EXT-X-STREAM-INF:BANDWIDTH={Bandwidth(recent.Where(s => s.LowInit is not null).Select(s => (s.LowBytes, s.Duration)))},RESOLUTION={lowWidth}x{lowHeight}\n{LowPlaylist}\n");
        if (audioCodec is not null)
        {
            var codec = audioCodec == "aac" ? "mp4a.40.2" : "opus";
            text.Append(CultureInfo.InvariantCulture,
                $"#EXT-X-STREAM-INF:BANDWIDTH={Bandwidth(recent.Select(s => (s.AudioBytes, s.Duration)))},CODECS=\"{codec}\"\n{AudioPlaylist}\n");
        }
        return text.ToString();
    }
}
