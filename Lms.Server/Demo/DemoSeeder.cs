using System.Text.Json;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Microsoft.Extensions.Options;

namespace Lms.Server.Demo;

public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>
    /// Seed the demo institution, people and course on first start (an empty database). Unset: only
    /// when the server listens on loopback alone (a newcomer's <c>./build.sh run</c>); a server other
    /// machines can reach never starts with the demo's published passwords unless told to.
    /// </summary>
    public bool? Seed { get; set; }

    /// <summary>Whether to seed, for a server listening on <paramref name="urls"/>.</summary>
    public bool SeedsWhenListeningOn(IEnumerable<string> urls) => Seed ?? urls.All(IsLoopback);

    private static bool IsLoopback(string url)
    {
        var host = Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)
            ? uri.Host.Trim('[', ']')
            : "";
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
    }

    /// <summary>The demo description; defaults to the one copied beside the binary from <c>assets/demo</c>.</summary>
    public string File { get; set; } = Path.Combine(AppContext.BaseDirectory, "assets", "demo", "demo.json");
}

/// <summary>
/// On first start, fills an empty database with what a newcomer needs to look around: a school
/// under a department under the ministry, its admin, a teacher, students, a parent, a course and the school's year
/// (timetable, teachers, first marks).
/// It goes through the same repositories and roster import as real data does.
/// </summary>
public sealed class DemoSeeder(
    IOptions<DemoOptions> options,
    Db db,
    InstitutionRepository institutions,
    RosterImport roster,
    CourseRepository courses,
    ClassRepository classes,
    UserRepository users,
    Moocs.MoocDemo moocDemo,
    SchoolYear.SchoolYearDemo schoolYearDemo,
    ILogger<DemoSeeder> log)
{
    private static readonly Sql AnyInstitutionSql = Sql.Portable("SELECT COUNT(*) FROM institutions");

    private bool _enabled;

    public async Task SeedIfEmptyAsync(IEnumerable<string> urls)
    {
        _enabled = options.Value.SeedsWhenListeningOn(urls);
        if (!_enabled) return;
        await using (var connection = await db.OpenAsync())
        {
            if (await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, db.Text(AnyInstitutionSql)) > 0) return;
        }
        var demo = Load();
        var byKey = new Dictionary<string, InstitutionRow>();
        foreach (var i in demo.Institutions)
            byKey[i.Key] = await institutions.CreateAsync(i.Parent is null ? null : byKey[i.Parent], i.Kind, i.Name, i.Code);

        foreach (var group in demo.People.GroupBy(p => p.Institution))
        {
            var entries = group.Select((p, index) => new RosterEntry(index + 2, p.Role, p.Name, p.Email, p.NationalId, p.Class,
                demo.Password, p.ParentOf ?? [])).ToList();
            var (outcome, problems) = await roster.ApplyAsync(byKey[group.Key].Id, entries);
            if (outcome is null)
                throw new InvalidOperationException("The demo roster is wrong: " + string.Join("; ", problems.Select(p => p.Message)));
        }
        // The demo's people hold their published password: their accounts count as claimed.
        foreach (var p in demo.People)
        {
            var person = await users.FindByLoginAsync(p.Email ?? p.NationalId!) ?? throw new InvalidOperationException($"No demo person {p.Name}.");
            await users.MarkClaimedAsync(person.Id);
            if (p.PlatformAdmin) await users.SetPlatformAdminAsync(person.Id, true);
        }

        foreach (var c in demo.Courses)
        {
            var institution = byKey[c.Institution];
            var owner = await users.FindByLoginAsync(c.Owner) ?? throw new InvalidOperationException($"No demo owner {c.Owner}.");
            var courseId = await courses.CreateAsync(institution.Id, c.Title, c.Summary, c.Kind, owner.Id);
            foreach (var m in c.Modules)
            {
                var module = await courses.AddModuleAsync(courseId, m.Title);
                foreach (var item in m.Items)
                    await courses.AddItemAsync(courseId, module.Id, item.Kind, item.Title, item.Body, item.Url);
            }
            if (c.EnrolClass is not null)
            {
                await courses.EnrolAsync(courseId, await courses.ClassStudentsAsync(institution.Id, c.EnrolClass));
                await classes.LinkCourseAsync(institution.Id, c.EnrolClass, courseId);
            }
            if (c.Publish) await courses.SetStatusAsync(courseId, CourseStatuses.Published);
        }
        await moocDemo.SeedAsync(options.Value.File, byKey);
        await schoolYearDemo.SeedAsync(options.Value.File, byKey);
        log.LogInformation("Seeded the demo: {Institutions} institutions, {People} people, {Courses} course(s)",
            demo.Institutions.Count, demo.People.Count, demo.Courses.Count);
    }

    public void PrintSignIns(TextWriter output)
    {
        if (!_enabled || !File.Exists(options.Value.File)) return;
        var demo = Load();
        output.WriteLine($"Demo sign-ins (password for all: {demo.Password}):");
        foreach (var p in demo.People)
            output.WriteLine($"  {p.Role,-8} {p.Email ?? p.NationalId}  ({p.Name})");
        output.WriteLine();
    }

    private DemoFile Load() =>
        JsonSerializer.Deserialize<DemoFile>(File.ReadAllText(options.Value.File), JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"Cannot read {options.Value.File}.");

    private sealed record DemoFile(string Password, List<DemoInstitution> Institutions, List<DemoPerson> People, List<DemoCourse> Courses);
    private sealed record DemoInstitution(string Key, string? Parent, string Kind, string Name, string? Code);
    private sealed record DemoPerson(string Institution, string Role, string Name, string? Email, string? NationalId, string? Class,
        List<string>? ParentOf, bool PlatformAdmin = false);
    private sealed record DemoCourse(string Institution, string Owner, string Title, string? Summary, string Kind, bool Publish,
        string? EnrolClass, List<DemoModule> Modules);
    private sealed record DemoModule(string Title, List<DemoItem> Items);
    private sealed record DemoItem(string Kind, string Title, string? Body, string? Url);
}
