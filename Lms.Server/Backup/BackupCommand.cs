namespace Lms.Server.Backup;

/// <summary>
/// <c>Lms.Server backup &lt;folder&gt;</c> and <c>Lms.Server restore &lt;folder&gt;</c> (also <c>./build.sh backup|restore</c>),
/// with the same configuration as the server (appsettings.json, environment, <c>--Key=value</c> after the folder).
/// </summary>
public static class BackupCommand
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "backup" or "restore";

    /// <returns>The process's exit code: 0 done, 1 refused or failed (the reason on standard error), 2 usage.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        if (args.Length < 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            error.WriteLine("usage: Lms.Server backup <folder> [--Key=value ...]   |   Lms.Server restore <folder> [--Key=value ...]");
            return 2;
        }
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args[2..])
            .Build();
        var backup = new LmsBackup(LmsPlace.From(configuration), output);
        var folder = Path.GetFullPath(args[1]);
        try
        {
            if (args[0] == "backup") await backup.BackupAsync(folder);
            else await backup.RestoreAsync(folder);
            return 0;
        }
        catch (BackupException e)
        {
            error.WriteLine(e.Message);
            return 1;
        }
        catch (System.Data.Common.DbException e)
        {
            error.WriteLine($"The database could not be read or written: {e.Message}");
            return 1;
        }
    }
}
