using System.Diagnostics;

namespace Lms.Tests.Infrastructure;

/// <summary>A script of the tests run under Node with the web app's packages (LMS_WEB_PACKAGE points at its package.json).</summary>
public static class NodeScript
{
    /// <summary>Runs <c>Lms.Tests/&lt;path&gt;</c> with the arguments; fails the test unless it exits 0; returns what it printed.</summary>
    public static async Task<string> RunAsync(string path, params string[] args)
    {
        var root = BrowserFixture.RepositoryRoot();
        var start = new ProcessStartInfo("node", [Path.Combine(root, "Lms.Tests", path), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            Environment = { ["LMS_WEB_PACKAGE"] = Path.Combine(root, "Lms.Web", "package.json") },
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(node.ExitCode == 0, $"node failed: {await stderr}{await stdout}");
        return await stdout;
    }
}
