using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Bench.Institutions;

/// <summary>
/// <c>./build.sh bench people-list [--db sqlite|postgres --connection "…"] [--people 3000] [--runs 200]</c>: an
/// institution of 3,000 people (students in 36 classes, teachers, parents; names typed every way) seeded
/// into an empty database (a temporary SQLite file unless a connection is given), then the admin's
/// people list asked <c>--runs</c> times for a diacritic-free search and for a sorted page deep in the
/// list. Prints one JSON line per case with <c>people</c> and <c>list_p95_ms</c>.
/// </summary>
public sealed class PeopleListBenchmark : IBenchmark
{
    public string Name => "people-list";
    public string Description => "the admin's people list with 3,000 people: p95 of a search and of a sorted page";

    private static readonly string[] Surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
    private static readonly string[] Middles = ["Văn", "Thị", "Hồng", "Minh", "Đình", "Ngọc", "Thanh", "Quốc", "Thu", "Gia"];
    private static readonly string[] Givens = ["An", "Ân", "Anh", "Bình", "Châu", "Dung", "Dũng", "Đức", "Giang", "Hà", "Hải", "Khoa", "Lan", "Linh", "Mai", "Nam", "Ngọc", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy"];

    private static readonly Sql InsertMembershipSql = Sql.Portable(
        "INSERT INTO memberships (institution_id, user_id, role, created_at) VALUES (@institutionId, @userId, @role, @now)");
    private static readonly Sql InsertClassSql = Sql.Portable("INSERT INTO classes (id, institution_id, name) VALUES (@id, @institutionId, @name)");
    private static readonly Sql InsertPlaceSql = Sql.Portable("INSERT INTO class_members (class_id, user_id) VALUES (@classId, @userId)");

    public async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var count = int.Parse(Option("--people") ?? "3000");
        var runs = int.Parse(Option("--runs") ?? "200");
        var provider = Option("--db")?.ToLowerInvariant() == "postgres" ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        var folder = Path.Combine(Path.GetTempPath(), "lms-bench-people-" + Guid.NewGuid().ToString("N")[..8]);
        var connection = Option("--connection") ?? $"Data Source={Path.Combine(folder, "lms.db")}";
        if (provider == DatabaseProvider.Postgres && Option("--connection") is null)
        {
            Console.Error.WriteLine("PostgreSQL needs --connection \"Host=…;Database=<an empty database>;…\"");
            return 2;
        }
        try
        {
            var db = new Db(new DatabaseOptions { Provider = provider, ConnectionString = connection });
            SchemaMigrator.MigrateUp(db);
            var institutionId = await SchoolAsync(db);
            await AddPeopleAsync(db, institutionId, count);
            foreach (var line in await MeasureAsync(db, institutionId, count, runs))
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["benchmark"] = Name, ["db"] = provider.ToString().ToLowerInvariant(),
                }.Concat(line).ToDictionary()));
            return 0;
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The admin's people list of <paramref name="institutionId"/> asked <paramref name="runs"/> times per case (a
    /// diacritic-free search, a sorted page deep in the list, a page by surname): one line of figures per case.
    /// Also used by <c>./build.sh bench roster</c> on the school its import made.
    /// </summary>
    public static async Task<List<Dictionary<string, object>>> MeasureAsync(Db db, Guid institutionId, int people, int runs)
    {
        var repository = new PeopleRepository(db, new AdminAudit(db, TimeProvider.System), TimeProvider.System);
        var cases = new (string Case, PeopleQuery Query)[]
        {
            ("search", new PeopleQuery(null, "bui hong dung", null, NameOrder.GivenName, PageRequest.Of(0, 50))),
            ("sorted_page", new PeopleQuery(Roles.Student, null, null, NameOrder.GivenName, PageRequest.Of(people / 2, 50))),
            ("surname_page", new PeopleQuery(null, null, null, NameOrder.Surname, PageRequest.Of(people / 3, 50))),
        };
        var lines = new List<Dictionary<string, object>>();
        foreach (var (name, query) in cases)
        {
            await repository.ListAsync(institutionId, query); // warm: connection pool, JIT
            var times = new List<double>(runs);
            var found = 0;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var page = await repository.ListAsync(institutionId, query);
                times.Add(watch.Elapsed.TotalMilliseconds);
                found = page.Total;
            }
            // Wall times on a shared machine include waiting for a core; the CPU this process spent (the database
            // is in process for SQLite) and the load average say how much of it was waiting.
            var cpuPerList = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / runs;
            times.Sort();
            lines.Add(new Dictionary<string, object>
            {
                ["case"] = name, ["people"] = people, ["matching"] = found, ["runs"] = runs,
                ["list_p50_ms"] = Math.Round(times[runs / 2], 2), ["list_p95_ms"] = Math.Round(times[(int)Math.Ceiling(runs * 0.95) - 1], 2),
                ["cpu_ms_per_list"] = Math.Round(cpuPerList, 2), ["cores"] = Environment.ProcessorCount, ["load_average"] = LoadAverage(),
            });
        }
        return lines;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static async Task<Guid> SchoolAsync(Db db) =>
        (await new InstitutionRepository(db, TimeProvider.System).CreateAsync(null, InstitutionKinds.School, "Trường THPT Đo Tốc Độ", null)).Id;

    private static readonly Sql ClassesSql = Sql.Portable("SELECT id FROM classes WHERE institution_id = @institutionId");

    /// <summary>
    /// Adds <paramref name="count"/> people to a school: 3% teachers, 12% parents, the rest students in its classes (36
    /// made when it has none); names with NFD and double spaces as imports leave them; logins that no roster uses.
    /// </summary>
    public static async Task AddPeopleAsync(Db db, Guid institutionId, int count)
    {
        var clock = TimeProvider.System;
        var users = new UserRepository(db, clock);
        var random = new Random(19);
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var classes = (await connection.QueryAsync<Guid>(db.Text(ClassesSql), new { institutionId }, transaction)).ToList();
            if (classes.Count == 0)
                for (var c = 0; c < 36; c++)
                {
                    var classId = Guid.CreateVersion7();
                    await connection.ExecuteAsync(db.Text(InsertClassSql), new { id = classId, institutionId, name = $"{10 + c / 12}A{c % 12 + 1}" }, transaction);
                    classes.Add(classId);
                }
            for (var i = 0; i < count; i++)
            {
                var name = $"{Surnames[random.Next(Surnames.Length)]} {Middles[random.Next(Middles.Length)]} {Givens[random.Next(Givens.Length)]}";
                if (i % 7 == 0) name = name.Normalize(System.Text.NormalizationForm.FormD);
                if (i % 11 == 0) name = name.Replace(" ", "  ");
                var id = Guid.CreateVersion7();
                var role = i % 33 == 0 ? Roles.Teacher : i % 8 == 0 ? Roles.Parent : Roles.Student;
                await users.InsertAsync(new NewUser(id, $"p{i}@bench.test", $"{i:D12}", name, "", institutionId), connection, transaction);
                await connection.ExecuteAsync(db.Text(InsertMembershipSql), new { institutionId, userId = id, role, now }, transaction);
                if (role == Roles.Student)
                    await connection.ExecuteAsync(db.Text(InsertPlaceSql), new { classId = classes[i % classes.Count], userId = id }, transaction);
            }
            return 0;
        });
    }
}
