using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Bench.Institutions;

/// <summary>
/// <c>./build.sh bench roster [--db sqlite,postgres]</c>: a school's roster (90 teachers, 1,500 students in 36
/// classes, 1,200 parents; <see cref="SchoolRosterFile"/>) sent to a real server process as an admin would: first
/// with its planted mistakes (all reported by one upload), then corrected into an empty database, then again
/// unchanged. One JSON line per database: rows, people, errors_reported (and errors_planted), check_s (the
/// synchronous check of the upload), import_s and reimport_s (upload to finished job); and, for comparison with
/// the import that hashed a generated password per person, hashing_estimate_s: 100 password hashes on every
/// core (as that import did), scaled to the file's rows. Then the unchanged file re-imported in update mode
/// (update_preview_s: upload to a preview of update_changes changes, none), and the people list of the school
/// topped up to 3,000 people (list_p95_ms, the slowest of the cases <c>bench people-list</c> measures).
/// </summary>
public sealed class RosterBenchmark : IBenchmark
{
    public string Name => "roster";
    public string Description => "import a 2,790-row school roster into an empty database and again (SQLite, PostgreSQL)";

    public async Task<int> RunAsync(string[] args)
    {
        var i = Array.IndexOf(args, "--db");
        var databases = (i >= 0 && i + 1 < args.Length ? args[i + 1] : "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);
        QuizBenchmark.PgCluster? pg = null;
        try
        {
            foreach (var name in databases)
            {
                if (name == "postgres") pg ??= await QuizBenchmark.PgCluster.StartAsync();
                Console.WriteLine(JsonSerializer.Serialize(await RunOnceAsync(name, pg)));
            }
        }
        finally
        {
            if (pg is not null) await pg.DisposeAsync();
        }
        return 0;
    }

    private static async Task<Dictionary<string, object>> RunOnceAsync(string dbName, QuizBenchmark.PgCluster? pg)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lms-bench-roster-{dbName}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        var options = await QuizBenchmark.MigratedDatabaseAsync(dbName, dir, pg);
        var db = new Db(options);
        var school = await SeedAdminAsync(db);

        await using var server = await QuizBenchmark.ServerProcess.StartAsync(dir, options);
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        var signIn = await http.PostAsJsonAsync("/api/identity/token", new { login = "qt@bench.test", password = "Bench@2026" });
        signIn.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var imports = $"/api/institutions/{school}/roster/imports";

        var spoiled = new SchoolRosterFile(mistakes: true);
        var refused = await http.PostAsync(imports, Csv(spoiled.Text));
        var problems = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").GetArrayLength();

        var file = new SchoolRosterFile();
        var (checkSeconds, importSeconds, first) = await ImportAsync(http, imports, file.Text);
        var (_, reimportSeconds, again) = await ImportAsync(http, imports, file.Text);
        var (_, previewSeconds, preview) = await ImportAsync(http, imports, file.Text, "?mode=update");
        var people = (await http.GetFromJsonAsync<JsonElement>($"/api/institutions/{school}/people?take=1")).GetProperty("total").GetInt32() - 1;
        // The people list of this school, topped up to 3,000 people: the same figures as `bench people-list`.
        await PeopleListBenchmark.AddPeopleAsync(db, school, ListPeople - people - 1);
        var lists = await PeopleListBenchmark.MeasureAsync(db, school, ListPeople, runs: 100);
        var hashing = Stopwatch.StartNew();
        _ = Enumerable.Range(0, 100).AsParallel().Select(n => new Passwords().Hash($"Bench-{n}-2026")).ToList();
        var hashingEstimate = hashing.Elapsed.TotalSeconds * file.Rows / 100;
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        return new Dictionary<string, object>
        {
            ["benchmark"] = "roster", ["db"] = dbName, ["rows"] = file.Rows, ["people"] = people,
            ["errors_reported"] = problems, ["errors_planted"] = spoiled.Planted.Count,
            ["check_s"] = Math.Round(checkSeconds, 2), ["import_s"] = Math.Round(importSeconds, 2), ["reimport_s"] = Math.Round(reimportSeconds, 2),
            ["hashing_estimate_s"] = Math.Round(hashingEstimate, 1),
            ["update_preview_s"] = Math.Round(previewSeconds, 2),
            ["update_changes"] = preview.GetProperty("previewCounts").EnumerateObject().Sum(c => c.Value.GetInt32()),
            ["list_people"] = ListPeople,
            // The slowest case's p95 (search, sorted page, page by surname), and each case's.
            ["list_p95_ms"] = lists.Max(l => (double)l["list_p95_ms"]),
            ["list_p95_ms_by_case"] = lists.ToDictionary(l => (string)l["case"], l => l["list_p95_ms"]),
            ["load_average"] = lists[^1]["load_average"],
            ["created"] = first.GetProperty("peopleCreated").GetInt32(), ["created_on_reimport"] = again.GetProperty("peopleCreated").GetInt32(),
        };
    }

    private const int ListPeople = 3000;

    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    /// <summary>Uploads, then follows the job until it ends: (seconds to the upload's answer, seconds to the end, the outcome; an update's preview: the import).</summary>
    private static async Task<(double Check, double Total, JsonElement Outcome)> ImportAsync(HttpClient http, string imports, string csv, string query = "")
    {
        var clock = Stopwatch.StartNew();
        var response = await http.PostAsync(imports + query, Csv(csv));
        var check = clock.Elapsed.TotalSeconds;
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        for (var poll = 0; poll < 6000; poll++)
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"{imports}/{id}");
            var state = view.GetProperty("state").GetString();
            if (state == "succeeded") return (check, clock.Elapsed.TotalSeconds, view.TryGetProperty("outcome", out var o) && o.ValueKind != JsonValueKind.Null ? o : view);
            if (state is "failed" or "cancelled") throw new InvalidOperationException("The import failed: " + view);
            await Task.Delay(100);
        }
        throw new TimeoutException("The import did not finish in 10 minutes.");
    }

    private static async Task<Guid> SeedAdminAsync(Db db)
    {
        var clock = TimeProvider.System;
        var institutions = new InstitutionRepository(db, clock);
        var school = await institutions.CreateAsync(null, InstitutionKinds.School, "Trường THPT Bench", null);
        var admin = Guid.CreateVersion7();
        await new UserRepository(db, clock).InsertAsync(new NewUser(admin, "qt@bench.test", null, "Quản Trị", new Passwords().Hash("Bench@2026"), Claimed: true));
        await institutions.AddMembershipAsync(school.Id, admin, Roles.Admin);
        return school.Id;
    }
}
