using System.Security.Claims;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lms.Bench.Classroom;

public sealed record BenchPerson(Guid Id, string Name, string Token);

/// <summary>
/// A throwaway database for the server under test: one school, one teacher, thousands of students
/// enrolled in one published course, and a live session per run, written with the same
/// repositories the server uses. Each person's bearer token is issued with the server's own
/// data-protection key ring and ticket format (what /api/identity/token hands out): signing
/// thousands of people in would spend minutes hashing passwords, which is not what is measured.
/// </summary>
public sealed class Seed
{
    public required string DataDirectory { get; init; }
    public required string ConnectionString { get; init; }
    public required BenchPerson Teacher { get; init; }
    public required IReadOnlyList<BenchPerson> Students { get; init; }
    public required Guid CourseId { get; init; }
    public required Guid ModuleId { get; init; }

    private Db Db => new(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = ConnectionString });

    public static async Task<Seed> CreateAsync(int students)
    {
        var directory = Path.Combine(Path.GetTempPath(), "lms-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var connectionString = $"Data Source={Path.Combine(directory, "lms.db")}";
        var db = new Db(new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = connectionString });
        SchemaMigrator.MigrateUp(db);
        var clock = TimeProvider.System;
        var school = await new InstitutionRepository(db, clock).CreateAsync(null, InstitutionKinds.School, "Trường THPT Benchmark", null);
        var users = new UserRepository(db, clock);
        var hash = new Passwords().Hash(Guid.NewGuid().ToString()); // nobody signs in with a password here
        var tokens = TokenIssuer(Path.Combine(directory, "keys"));
        var sessions = new SessionRepository(db, clock);
        async Task<BenchPerson> Person(string name)
        {
            var id = Guid.CreateVersion7();
            await users.InsertAsync(new NewUser(id, $"{id:N}@bench.test", null, name, hash));
            // The server honours a token only while the session it names is active, as a signed-in person's would be.
            var session = await sessions.StartAsync(id, SessionKinds.Token, "bench", null);
            return new BenchPerson(id, name, tokens(id, name, session));
        }
        var teacher = await Person("Cô giáo Benchmark");
        var list = new List<BenchPerson>(students);
        for (var i = 0; i < students; i++) list.Add(await Person($"Học sinh {i + 1:0000}"));
        var courses = new CourseRepository(db, clock);
        var course = await courses.CreateAsync(school.Id, "Khóa học benchmark", null, CourseKinds.Blended, teacher.Id);
        var module = await courses.AddModuleAsync(course, "Tuần 1");
        await courses.SetStatusAsync(course, CourseStatuses.Published);
        await courses.EnrolAsync(course, list.Select(s => s.Id).ToList());
        return new Seed
        {
            DataDirectory = directory, ConnectionString = connectionString, Teacher = teacher, Students = list, CourseId = course, ModuleId = module.Id,
        };
    }

    /// <summary>A fresh live session (a fresh room) for one run.</summary>
    public async Task<Guid> SessionAsync(string title)
    {
        var clock = TimeProvider.System;
        var created = await new LiveSessionRepository(Db, new CourseRepository(Db, clock), clock).CreateAsync(
            CourseId, ModuleId, title, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(2), Recurrences.None, null, Teacher.Id, []);
        return created!.Value.Session.Id;
    }

    /// <summary>The claim naming a person's server-side session (Lms.Server's CurrentUser.SessionClaim; the bench does not reference the server's assembly).</summary>
    private const string SessionClaim = "lms:sid";

    private static Func<Guid, string, Guid, string> TokenIssuer(string keys)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("lms").PersistKeysToFileSystem(new DirectoryInfo(keys));
        services.AddAuthentication().AddBearerToken(BearerTokenDefaults.AuthenticationScheme);
        var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<BearerTokenOptions>>().Get(BearerTokenDefaults.AuthenticationScheme);
        return (id, name, session) =>
        {
            var principal = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, id.ToString()), new Claim(ClaimTypes.Name, name), new Claim(SessionClaim, session.ToString())],
                BearerTokenDefaults.AuthenticationScheme));
            var properties = new AuthenticationProperties { IssuedUtc = DateTimeOffset.UtcNow, ExpiresUtc = DateTimeOffset.UtcNow.AddHours(3) };
            return options.BearerTokenProtector.Protect(new AuthenticationTicket(principal, properties, BearerTokenDefaults.AuthenticationScheme));
        };
    }

    public void Delete()
    {
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}
