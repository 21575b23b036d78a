namespace Lms.Media.Content;

/// <summary>One rung of the HLS ladder: its upright size and its bitrates.</summary>
public sealed record Rendition(string Name, int Width, int Height, int VideoKbps, int AudioKbps)
{
    public int MaxRateKbps => VideoKbps * 11 / 10;
    public int BufferKbps => VideoKbps * 2;
}

/// <summary>
/// The renditions made from a source: chosen by the short side of its upright picture, never
/// larger than the source (no upscaling), the same aspect ratio, even dimensions; portrait phone
/// videos get portrait rungs.
/// </summary>
public static class Ladder
{
    private static readonly (int Short, int VideoKbps, int AudioKbps)[] Rungs =
    [
        (1080, 5000, 128),
        (720, 2800, 128),
        (480, 1400, 128),
        (360, 800, 96),
        (240, 400, 64),
    ];

    /// <summary>The rung sizes kept for each top rung: a spread that still has a small one for slow phones.</summary>
    private static readonly Dictionary<int, int[]> Picks = new()
    {
        [1080] = [1080, 720, 360],
        [720] = [720, 480, 360],
        [480] = [480, 360, 240],
        [360] = [360, 240],
        [240] = [240],
    };

    public static IReadOnlyList<Rendition> For(int displayWidth, int displayHeight)
    {
        if (displayWidth <= 0 || displayHeight <= 0) throw new ArgumentOutOfRangeException(nameof(displayWidth));
        var shortSide = Math.Min(displayWidth, displayHeight);
        var top = Rungs.FirstOrDefault(r => r.Short <= shortSide);
        if (top.Short == 0)
        {
            // Smaller than the smallest rung: one rendition at the source's own (even) size.
            var w = Even(displayWidth);
            var h = Even(displayHeight);
            return [new Rendition($"{Math.Min(w, h)}p", w, h, 300, 64)];
        }
        return Picks[top.Short].Select(size =>
        {
            var rung = Rungs.First(r => r.Short == size);
            var scale = (double)size / shortSide;
            // The short side is the rung; the long side keeps the aspect ratio.
            var (w, h) = displayWidth <= displayHeight ? (size, Even(displayHeight * scale)) : (Even(displayWidth * scale), size);
            return new Rendition($"{size}p", w, h, rung.VideoKbps, rung.AudioKbps);
        }).ToList();
    }

    /// <summary>The rendition offered as the MP4 download: the middle one (720p from a 1080p source).</summary>
    public static Rendition Middle(IReadOnlyList<Rendition> ladder) => ladder[(ladder.Count - 1) / 2];

    /// <summary>
    /// The output frame rate: the source's base rate (what a variable-rate phone video was recorded at),
    /// else its average, capped at 30, as a whole number; the output is constant-rate.
    /// </summary>
    public static int FrameRate(ProbeStream video)
    {
        var rate = video.BaseFrameRate is { } r and >= 5 and <= 120 ? r : video.AverageFrameRate;
        return rate is { } fps and > 1 and < 1000 ? (int)Math.Clamp(Math.Round(fps), 10, 30) : 30;
    }

    private static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
}
