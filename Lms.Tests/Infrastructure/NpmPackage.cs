using System.Diagnostics;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// An independent implementation from npm (a certified client, a reference SDK, another parser), installed by the tests
/// with npm into a temp folder once per machine and version, so that our side of a standard is checked against it.
/// </summary>
public abstract class NpmPackage(string name, string version) : IAsyncLifetime
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"lms-npm-{name.Replace('/', '-')}-{version}");

    public async ValueTask InitializeAsync()
    {
        if (File.Exists(Path.Combine(Folder, "node_modules", name, "package.json"))) return;
        Directory.CreateDirectory(Folder);
        await File.WriteAllTextAsync(Path.Combine(Folder, "package.json"), "{\"name\":\"lms-independent-check\",\"private\":true,\"type\":\"module\"}");
        var (code, output) = await RunAsync("npm", ["install", "--no-audit", "--no-fund", "--no-save", $"{name}@{version}"], TimeSpan.FromMinutes(4));
        if (code != 0) throw new InvalidOperationException($"npm could not install {name}: {output}");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs an ES module script next to the installed package; returns its standard output.</summary>
    public async Task<string> NodeAsync(string script, params string[] args)
    {
        var file = Path.Combine(Folder, $"script-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var (code, output) = await RunAsync("node", [file, .. args], TimeSpan.FromSeconds(60));
            Assert.True(code == 0, $"node failed: {output}");
            return output;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in {timeout}.");
        }
        return (process.ExitCode, (await stdout).Trim() + (process.ExitCode == 0 ? "" : "\n" + await stderr));
    }
}
