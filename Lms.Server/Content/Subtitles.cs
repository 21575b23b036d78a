using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Server.Content;

/// <summary>Teachers' subtitle files: WebVTT as it is, SubRip (.srt) turned into WebVTT (what the player reads).</summary>
public static partial class Subtitles
{
    /// <returns>The WebVTT text, or null when the text is neither WebVTT nor SRT.</returns>
    public static string? ToWebVtt(string text)
    {
        var normalized = text.Replace("\r\n", "\n").Replace('\r', '\n').TrimStart('\uFEFF');
        if (normalized.StartsWith("WEBVTT", StringComparison.Ordinal))
            return normalized.Contains("-->", StringComparison.Ordinal) ? normalized : null;
        if (!SrtTiming().IsMatch(normalized)) return null;
        var vtt = new StringBuilder("WEBVTT\n\n");
        foreach (var line in normalized.Split('\n'))
            vtt.Append(SrtTiming().IsMatch(line) ? SrtComma().Replace(line, "$1.$2") : line).Append('\n');
        return vtt.ToString();
    }

    [GeneratedRegex(@"^\s*\d{1,2}:\d{2}:\d{2},\d{3}\s+-->\s+\d{1,2}:\d{2}:\d{2},\d{3}", RegexOptions.Multiline)]
    private static partial Regex SrtTiming();

    [GeneratedRegex(@"(\d{2}:\d{2}:\d{2}),(\d{3})")]
    private static partial Regex SrtComma();
}
