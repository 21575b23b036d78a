using System.Globalization;
using System.Text.RegularExpressions;

namespace Lms.Grains.Scorm;

/// <summary>Session times as SCOs write them: SCORM 1.2's <c>HHHH:MM:SS.SS</c>, SCORM 2004's ISO 8601 duration (<c>PT1H2M3.5S</c>).</summary>
public static partial class ScormTime
{
    /// <summary>Seconds, or null when the text is neither form.</summary>
    public static double? Seconds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return 0;
        if (Clock().Match(text) is { Success: true } c)
            return int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture) * 3600 + int.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture) * 60
                   + double.Parse(c.Groups[3].Value, CultureInfo.InvariantCulture);
        if (Iso().Match(text) is { Success: true } i && text != "P" && !text.EndsWith('T'))
        {
            double Part(int group) => i.Groups[group].Success ? double.Parse(i.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
            // A month is 30 days and a year 365 here: SCOs report minutes and hours in practice.
            return Part(1) * 365 * 86400 + Part(2) * 30 * 86400 + Part(3) * 86400 + Part(4) * 3600 + Part(5) * 60 + Part(6);
        }
        return null;
    }

    [GeneratedRegex(@"^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)$")]
    private static partial Regex Clock();

    [GeneratedRegex(@"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex Iso();
}
