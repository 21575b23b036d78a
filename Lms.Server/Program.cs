using Lms.Server.Backup;
using Lms.Server.Content;
using Lms.Server.Demo;
using Lms.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Lms.Server backup <folder> / restore <folder>: copy or bring back an installation, then exit.
if (BackupCommand.IsCommand(args))
{
    Environment.ExitCode = await BackupCommand.RunAsync(args);
    return;
}

// The same binary as a media worker only: no HTTP, just the job loop (--Roles=media).
if (MediaWorkerHost.IsWorkerOnly(args))
{
    await MediaWorkerHost.RunAsync(args);
    return;
}

WebApplication app;
try
{
    app = LmsApp.Build(args);
}
catch (Lms.Grains.Data.SchemaTooNewException refused)
{
    // An older binary on a newer database: say so plainly and stop (no stack trace; nothing was touched).
    Console.Error.WriteLine(refused.Message);
    Environment.ExitCode = 2;
    return;
}
app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    Console.WriteLine();
    foreach (var address in addresses) Console.WriteLine($"Lms is running at {address}");
    app.Services.GetRequiredService<DemoSeeder>().PrintSignIns(Console.Out);
});
await app.RunAsync();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
