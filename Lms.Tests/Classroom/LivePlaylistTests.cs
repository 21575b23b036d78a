using Lms.Media.Broadcast;

namespace Lms.Tests.Classroom;

/// <summary>The live playlists' numbering as a player (hls.js) follows it while the window of the last segments moves on.</summary>
public sealed class LivePlaylistTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Segments 0-1 at one picture size, the rest at another (the teacher turned the phone): two initialisation parts.</summary>
    private static List<LiveSegment> Turned(int count) =>
        Enumerable.Range(0, count).Select(i => new LiveSegment(i, 2, Start.AddSeconds(2 * i), i < 2 ? "init-a.mp4" : "init-b.mp4", null, 1000, 0)).ToList();

    [Fact]
    public void A_discontinuity_that_leaves_the_window_is_counted_once_it_is_no_longer_listed()
    {
        // Window 1-15: segment 2 is listed after its discontinuity tag.
        var before = LivePlaylist.Media(Turned(LivePlaylist.LiveWindow + 1), LiveRendition.Full, 2, ended: false);
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:1\n", before);
        Assert.Contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-b.mp4\"", before);
        Assert.DoesNotContain("#EXT-X-DISCONTINUITY-SEQUENCE", before);

        // Window 2-16: segment 2 comes first, without its tag, so the tag is counted as gone: segment 2 keeps number 1.
        var after = LivePlaylist.Media(Turned(LivePlaylist.LiveWindow + 2), LiveRendition.Full, 2, ended: false);
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:2\n", after);
        Assert.Contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n", after);
        Assert.DoesNotContain("#EXT-X-DISCONTINUITY\n", after);
    }
}
