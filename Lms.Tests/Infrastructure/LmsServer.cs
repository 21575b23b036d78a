using System.Net;
using System.Net.Http.Json;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lms.Tests.Infrastructure;

/// <summary>
/// The real server (HTTP on a free loopback port, its Orleans silo, its database) in this process,
/// seeded with the demo. Subclasses choose the database.
/// </summary>
public abstract class LmsServer : IAsyncLifetime
{
    public const string DemoPassword = "Demo@2026";
    public const string Admin = "admin@demo.lms.vn";
    public const string Teacher = "giaovien@demo.lms.vn";
    public const string Student1 = "hocsinh1@demo.lms.vn";
    public const string Student2 = "hocsinh2@demo.lms.vn";
    public const string Student3 = "hocsinh3@demo.lms.vn";
    public const string Parent = "phuhuynh@demo.lms.vn";

    private WebApplication? _app;
    private string _dataDirectory = "";

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server's warnings and errors so far.</summary>
    public ServerLog Log { get; } = new();

    public IServiceProvider Services => _app!.Services;

    public abstract DatabaseProvider Provider { get; }

    protected abstract Task<string> ConnectionStringAsync(string dataDirectory);

    /// <summary>Services a test class replaces (a clock it moves, say); registered after the app's own, so they win.</summary>
    protected virtual void Customize(WebApplicationBuilder builder) { }

    /// <summary>Extra configuration for a test class (e.g. a lower lockout threshold).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    public virtual async ValueTask InitializeAsync()
    {
        _dataDirectory = Path.Combine(Path.GetTempPath(), "lms-server-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDirectory);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Production",
            $"--Database:Provider={Provider}",
            $"--ConnectionStrings:Lms={await ConnectionStringAsync(_dataDirectory)}",
            $"--Data:Directory={_dataDirectory}",
            "--Demo:Seed=true",
            "--Logging:LogLevel:Default=Warning",
            .. ExtraArguments,
        ];
        _app = LmsApp.Build(args, builder =>
        {
            builder.Logging.AddProvider(Log);
            Customize(builder);
        });
        await _app.StartAsync();
        lock (ProblemAssert.Servers) ProblemAssert.Servers.Add(this);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public virtual async ValueTask DisposeAsync()
    {
        lock (ProblemAssert.Servers) ProblemAssert.Servers.Remove(this);
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_dataDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>A client with its own cookie jar (like one browser), or with a jar it shares with other clients.</summary>
    public HttpClient Client(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
        };

    public async Task<HttpClient> SignedInAsync(string login, string password = DemoPassword, CookieContainer? cookies = null)
    {
        var client = Client(cookies);
        var response = await client.PostAsJsonAsync("/api/identity/sign-in", new { login, password });
        response.EnsureSuccessStatusCode();
        return client;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>
    /// Another school, beside the demo one, with people of its own (set up through the same
    /// repositories and roster import the API uses).
    /// </summary>
    public async Task<InstitutionRow> AddSchoolAsync(string name, params (string Role, string Name, string Email)[] people)
    {
        var institutions = Get<InstitutionRepository>();
        var school = await institutions.CreateAsync(null, InstitutionKinds.School, name, null);
        var entries = people.Select((p, i) => new RosterEntry(i + 2, p.Role, p.Name, p.Email, null, null, DemoPassword, [])).ToList();
        var (outcome, problems) = await Get<RosterImport>().ApplyAsync(school.Id, entries);
        if (outcome is null) throw new InvalidOperationException(string.Join("; ", problems.Select(p => p.Message)));
        return school;
    }

    /// <summary>
    /// The one-time code in the newest message of this kind to <paramref name="to"/> in the server's outbox
    /// (mail with no SMTP server configured stays there; it is written before the request that sends it answers).
    /// </summary>
    public async Task<string> MailedCodeAsync(string to, string kind)
    {
        var messages = await Get<Lms.Server.Communication.Mail.MailOutbox>().ListAsync(200);
        var message = messages.FirstOrDefault(m => m.Kind == kind && m.To.Contains(to, StringComparison.OrdinalIgnoreCase))
                      ?? throw new InvalidOperationException($"No {kind} message to {to} in the outbox.");
        return CodeInLink(message.Text);
    }

    /// <summary>The code=... of the first link in a message's text.</summary>
    public static string CodeInLink(string? text) =>
        System.Text.RegularExpressions.Regex.Match(text ?? "", @"[?&]code=([A-Za-z0-9]+)") is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("No link with a code in: " + text);

    public async Task<Guid> UserIdAsync(string login) => (await Get<UserRepository>().FindByLoginAsync(login))!.Id;

    public async Task<Guid> DemoSchoolIdAsync()
    {
        var memberships = await Get<UserRepository>().MembershipsAsync(await UserIdAsync(Admin));
        return memberships.Single(m => m.Role == Roles.Admin).InstitutionId;
    }
}

public class SqliteLmsServer : LmsServer
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<string> ConnectionStringAsync(string dataDirectory) =>
        Task.FromResult($"Data Source={Path.Combine(dataDirectory, "lms.db")}");
}

public class PostgresLmsServer(PostgresServer postgres) : LmsServer
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override Task<string> ConnectionStringAsync(string dataDirectory) => postgres.CreateDatabaseAsync();
}
