namespace Lms.Server.Hosting;

/// <summary>
/// Finds the built web app (Lms.Web's <c>dist</c>): <c>Web:Root</c> if set, else <c>wwwroot</c> beside
/// the binary (a published server), else <c>Lms.Web/dist</c> in the source tree above it (run and test).
/// </summary>
public static class WebRoot
{
    public static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        var besideBinary = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (File.Exists(Path.Combine(besideBinary, "index.html"))) return besideBinary;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dist = Path.Combine(dir.FullName, "Lms.Web", "dist");
            if (File.Exists(Path.Combine(dist, "index.html"))) return dist;
        }
        return null;
    }
}
