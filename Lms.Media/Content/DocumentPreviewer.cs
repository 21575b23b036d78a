using System.Globalization;
using System.Text.RegularExpressions;

namespace Lms.Media.Content;

/// <summary>Poppler's pdftoppm and pdfinfo (Debian's poppler-utils), found once on PATH.</summary>
public sealed record PopplerTools(string? PdftoppmPath, string? PdfinfoPath)
{
    public bool Found => PdftoppmPath is not null && PdfinfoPath is not null;

    public static PopplerTools Locate()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        string? Find(string tool) => path
            .SelectMany(d => OperatingSystem.IsWindows() ? new[] { Path.Combine(d, tool + ".exe") } : [Path.Combine(d, tool)])
            .FirstOrDefault(File.Exists);
        return new PopplerTools(Find("pdftoppm"), Find("pdfinfo"));
    }
}

/// <summary>A PDF's page count and a picture of its first page; Office files are kept as they are.</summary>
public sealed partial class DocumentPreviewer(PopplerTools tools)
{
    public const string Preview = "preview.png";

    /// <summary>Returns the number of pages and writes <see cref="Preview"/> into the output directory.</summary>
    public async Task<int> PreviewPdfAsync(string source, string outputDirectory, CancellationToken cancellationToken)
    {
        if (!tools.Found) throw new InvalidOperationException("pdftoppm and pdfinfo were not found (install poppler-utils).");
        Directory.CreateDirectory(outputDirectory);
        var info = await ToolProcess.RunAsync(tools.PdfinfoPath!, [Path.GetFullPath(source)], outputDirectory, cancellationToken,
            timeout: TimeSpan.FromSeconds(60));
        var pages = PagesLine().Match(info.StandardOutput);
        if (info.ExitCode != 0 || !pages.Success)
            throw new MediaRefusedException(RefusalCodes.Damaged,
                $"The PDF is damaged and cannot be opened ({MediaProber.FirstError(info.StandardError)}).");

        // -singlefile writes "preview.png" (no page number) for the first page only.
        var render = await ToolProcess.RunAsync(tools.PdftoppmPath!,
        [
            "-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", "800",
            Path.GetFullPath(source), Path.Combine(outputDirectory, "preview"),
        ], outputDirectory, cancellationToken, timeout: TimeSpan.FromMinutes(2));
        if (render.ExitCode != 0 || !File.Exists(Path.Combine(outputDirectory, Preview)))
            throw new MediaRefusedException(RefusalCodes.Damaged,
                $"The PDF's first page cannot be drawn ({MediaProber.FirstError(render.StandardError)}).");
        return int.Parse(pages.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();
}
