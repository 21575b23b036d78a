using Lms.Grains.Scorm;

namespace Lms.Server.Scorm;

/// <summary><c>Scorm:*</c>: where packages are served from (never the app's own origin) and the package limits.</summary>
public sealed class ScormOptions
{
    public const string Section = "Scorm";

    /// <summary>
    /// The origin browsers load packages from (<c>https://scorm.school.edu.vn</c>), a reverse proxy forwarding to
    /// <see cref="ContentUrls"/>. Unset (embedded mode): the content port on loopback, named by the other loopback
    /// name than the one the app was opened with (127.0.0.1 ↔ localhost), since cookies are shared across ports.
    /// </summary>
    public string? ContentOrigin { get; set; }

    /// <summary>Where the content server listens (Kestrel URLs, ';' between several); port 0 picks a free one at start.</summary>
    public string ContentUrls { get; set; } = "http://127.0.0.1:0";

    /// <summary>How long a launch's token opens the package's files (a long lesson keeps loading pages and media).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(4);

    public ScormLimits Limits { get; set; } = new();
}
