using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Bench;

/// <summary>
/// <c>./build.sh bench quiz [--students 1000,3000] [--db sqlite,postgres] [--answers 10]</c>: simulated
/// students over HTTP against the built server started as its own process on loopback. All attempts
/// start at the same moment; then every student answers each question in turn as fast as the server
/// acknowledges. Afterwards every acknowledged answer is looked up in the database (lost), and plain
/// parameterised inserts into the same database give the baseline (raw_insert_per_s).
/// </summary>
public sealed partial class QuizBenchmark : IBenchmark
{
    public string Name => "quiz";
    public string Description => "students start a timed quiz together and answer over HTTP (SQLite and PostgreSQL)";

    private static readonly TimeSpan PhaseLimit = TimeSpan.FromSeconds(180);

    public async Task<int> RunAsync(string[] args)
    {
        var students = Option(args, "--students", "1000,3000").Split(',').Select(int.Parse).ToList();
        var dbs = Option(args, "--db", "sqlite,postgres").Split(',');
        var questions = int.Parse(Option(args, "--answers", "10"));
        PgCluster? pg = null;
        try
        {
            foreach (var db in dbs)
            {
                if (db == "postgres") pg ??= await PgCluster.StartAsync();
                foreach (var n in students)
                    Console.WriteLine(JsonSerializer.Serialize(await RunOnceAsync(db, n, questions, pg)));
            }
        }
        finally
        {
            if (pg is not null) await pg.DisposeAsync();
        }
        return 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static async Task<Dictionary<string, object?>> RunOnceAsync(string dbName, int n, int questionCount, PgCluster? pg)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lms-bench-{dbName}-{n}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        var options = await MigratedDatabaseAsync(dbName, dir, pg);
        var db = new Db(options);
        // One more student than measured: the first warms the server up (JIT, caches) before the clock starts.
        var (quizId, logins) = await SeedAsync(db, n + 1, questionCount);

        await using var server = await ServerProcess.StartAsync(dir, options);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 4096, PooledConnectionLifetime = TimeSpan.FromMinutes(10), ConnectTimeout = TimeSpan.FromSeconds(30),
        }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

        // Sign-in is set-up, not measured (each is a PBKDF2 check).
        var tokens = new string[n + 1];
        await Parallel.ForEachAsync(Enumerable.Range(0, n + 1), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var response = await http.PostAsJsonAsync("/api/identity/token", new { login = logins[i], password = "Bench@2026" });
            response.EnsureSuccessStatusCode();
            tokens[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        });

        HttpRequestMessage Post(int i, string path, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]);
            return request;
        }

        using (var warm = await http.SendAsync(Post(n, $"/api/quizzes/{quizId}/attempts", new { deviceId = "warm-up" })))
        {
            var view = await warm.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
            var id = view.GetProperty("id").GetString();
            (await http.SendAsync(Post(n, $"/api/attempts/{id}/answers", new
            {
                deviceId = "warm-up", answers = new[] { new { answerId = Guid.NewGuid(), slot = 1, response = new { choice = "a" }, clientTime = DateTimeOffset.UtcNow } },
            }))).EnsureSuccessStatusCode();
        }

        // Everyone starts at the same moment.
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var startMs = new double[n];
        var attemptIds = new string?[n];
        var slots = new int[n][];
        var startFailures = 0;
        var starts = Enumerable.Range(0, n).Select(async i =>
        {
            await go.Task;
            var sw = Stopwatch.StartNew();
            try
            {
                using var response = await http.SendAsync(Post(i, $"/api/quizzes/{quizId}/attempts", new { deviceId = "bench-" + i }));
                startMs[i] = sw.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode) { Interlocked.Increment(ref startFailures); return; }
                var view = await response.Content.ReadFromJsonAsync<JsonElement>();
                attemptIds[i] = view.GetProperty("id").GetString();
                slots[i] = view.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("slot").GetInt32()).ToArray();
            }
            catch (Exception)
            {
                startMs[i] = sw.Elapsed.TotalMilliseconds;
                Interlocked.Increment(ref startFailures);
            }
        }).ToList();
        var startClock = Stopwatch.StartNew();
        go.SetResult();
        await Task.WhenAll(starts);
        var startWall = startClock.Elapsed.TotalSeconds;

        // Every student answers each of their questions in turn, as fast as acknowledgements come back.
        var ackMs = new ConcurrentBag<double>();
        var acknowledged = new ConcurrentBag<Guid>();
        var refused = 0;
        var failed = 0;
        using var deadline = new CancellationTokenSource(PhaseLimit);
        var answerClock = Stopwatch.StartNew();
        var answering = Enumerable.Range(0, n).Where(i => attemptIds[i] is not null).Select(async i =>
        {
            await Task.Yield();
            foreach (var slot in slots[i])
            {
                if (deadline.IsCancellationRequested) return;
                var answerId = Guid.NewGuid();
                var body = new { deviceId = "bench-" + i, answers = new[] { new { answerId, slot, response = new { choice = "a" }, clientTime = DateTimeOffset.UtcNow } } };
                var sw = Stopwatch.StartNew();
                try
                {
                    using var response = await http.SendAsync(Post(i, $"/api/attempts/{attemptIds[i]}/answers", body), deadline.Token);
                    var elapsed = sw.Elapsed.TotalMilliseconds;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
                        if (result.GetProperty("accepted").EnumerateArray().Any(a => a.GetGuid() == answerId))
                        {
                            acknowledged.Add(answerId);
                            ackMs.Add(elapsed);
                        }
                        else Interlocked.Increment(ref refused);
                    }
                    else if (response.StatusCode == HttpStatusCode.Conflict) Interlocked.Increment(ref refused);
                    else Interlocked.Increment(ref failed);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }).ToList();
        await Task.WhenAll(answering);
        var answerWall = answerClock.Elapsed.TotalSeconds;

        await server.StopAsync();
        var stored = new HashSet<Guid>();
        await using (var connection = await db.OpenAsync())
            foreach (var id in await connection.QueryAsync<Guid>("SELECT answer_id FROM attempt_answers"))
                stored.Add(id);
        var lost = acknowledged.Count(id => !stored.Contains(id));

        var raw = await RawInsertsAsync(db);
        var answersPerSecond = acknowledged.Count / Math.Max(answerWall, 0.001);
        Cleanup(dir);
        return new Dictionary<string, object?>
        {
            ["bench"] = "quiz", ["db"] = dbName, ["students"] = n, ["questions"] = questionCount,
            ["started"] = attemptIds.Count(a => a is not null), ["start_failed"] = startFailures,
            ["start_p50_ms"] = Percentile(startMs, 50), ["start_p95_ms"] = Percentile(startMs, 95), ["start_max_ms"] = Round(startMs.Max()),
            ["start_wall_s"] = Round(startWall),
            ["answers"] = acknowledged.Count, ["answers_refused"] = refused, ["answers_failed"] = failed,
            ["answers_per_s"] = Round(answersPerSecond), ["ack_p50_ms"] = Percentile(ackMs.ToArray(), 50),
            ["ack_p95_ms"] = Percentile(ackMs.ToArray(), 95), ["ack_max_ms"] = ackMs.IsEmpty ? null : Round(ackMs.Max()),
            ["lost"] = lost, ["raw_insert_per_s"] = Round(raw), ["answers_vs_raw"] = raw > 0 ? Round(answersPerSecond / raw) : null,
        };
    }

    private static double Round(double x) => Math.Round(x, 2);

    private static double? Percentile(double[] values, int p)
    {
        if (values.Length == 0) return null;
        var sorted = values.OrderBy(x => x).ToArray();
        return Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)]);
    }

    /// <summary>The baseline: plain parameterised single-row inserts (autocommit), 16 writers, for 5 seconds or 50,000 rows.</summary>
    private static async Task<double> RawInsertsAsync(Db db)
    {
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteAsync(
                "CREATE TABLE bench_raw (id VARCHAR(36) NOT NULL PRIMARY KEY, attempt_id VARCHAR(36) NOT NULL, slot INT NOT NULL, response VARCHAR(200) NOT NULL, at VARCHAR(40) NOT NULL)");
        var count = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(5);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < until && Volatile.Read(ref count) < 50_000)
            {
                await using var connection = await db.OpenAsync();
                await connection.ExecuteAsync(
                    "INSERT INTO bench_raw (id, attempt_id, slot, response, at) VALUES (@id, @attempt, @slot, @response, @at)",
                    new { id = Guid.NewGuid().ToString(), attempt = Guid.NewGuid().ToString(), slot = 1, response = "{\"choice\":\"a\"}", at = DateTimeOffset.UtcNow.ToString("O") });
                Interlocked.Increment(ref count);
            }
        })));
        return count / clock.Elapsed.TotalSeconds;
    }

    /// <summary>A fresh, migrated database for one run: a new database in the PostgreSQL cluster, or a SQLite file in <paramref name="dir"/>.</summary>
    internal static async Task<DatabaseOptions> MigratedDatabaseAsync(string dbName, string dir, PgCluster? pg)
    {
        var options = dbName == "postgres"
            ? new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = await pg!.CreateDatabaseAsync() }
            : new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(dir, "lms.db")}" };
        SchemaMigrator.MigrateUp(new Db(options));
        return options;
    }

    internal static async Task<(Guid QuizId, string[] Logins)> SeedAsync(Db db, int n, int questionCount)
    {
        var clock = TimeProvider.System;
        var school = await new InstitutionRepository(db, clock).CreateAsync(null, InstitutionKinds.School, "Trường Bench", null);
        var hash = new Passwords().Hash("Bench@2026");
        var teacher = Guid.CreateVersion7();
        var students = Enumerable.Range(0, n).Select(_ => Guid.CreateVersion7()).ToArray();
        var logins = Enumerable.Range(0, n).Select(i => $"hs{i:D5}@bench.test").ToArray();
        var users = new UserRepository(db, clock);
        await db.InTransactionAsync(async (c, t) =>
        {
            await users.InsertAsync(new NewUser(teacher, "gv@bench.test", null, "Giáo viên", hash), c, t);
            await c.ExecuteAsync("INSERT INTO memberships (institution_id, user_id, role, created_at) VALUES (@school, @teacher, 'teacher', @now)",
                new { school = school.Id, teacher, now = DateTimeOffset.UtcNow }, t);
            for (var i = 0; i < n; i++)
            {
                await users.InsertAsync(new NewUser(students[i], logins[i], null, $"Học sinh {i:D5}", hash), c, t);
                await c.ExecuteAsync("INSERT INTO memberships (institution_id, user_id, role, created_at) VALUES (@school, @student, 'student', @now)",
                    new { school = school.Id, student = students[i], now = DateTimeOffset.UtcNow }, t);
            }
            return 0;
        });
        var courses = new CourseRepository(db, clock);
        var course = await courses.CreateAsync(school.Id, "Toán 10", null, CourseKinds.Blended, teacher);
        var module = await courses.AddModuleAsync(course, "Chương 1");
        await courses.EnrolAsync(course, students);
        await courses.SetStatusAsync(course, CourseStatuses.Published);
        var drafts = Enumerable.Range(1, questionCount).Select(i => new QuestionDraft(new QuestionMeta { Title = $"Câu {i}" },
            QuestionRules.Normalise(new QuestionContent
            {
                Type = QuestionTypes.Single, Stem = $"{i} + {i} = ?",
                Choices = [new Choice { Text = $"{2 * i}", Fraction = 1 }, new Choice { Text = $"{2 * i + 1}" }, new Choice { Text = $"{i}" }],
            }))).ToList();
        var ids = await new QuestionRepository(db, clock).CreateManyAsync(school.Id, teacher, drafts);
        var quiz = await new QuizRepository(db, courses, clock).CreateAsync(course, module.Id, "Kiểm tra", new QuizSettings
        {
            TimeLimitSeconds = 3600, ShuffleQuestions = true, ShuffleOptions = false,
        }, new QuizDefinition { Sections = [new QuizSection { Items = ids.Select(id => new QuizSlotSpec { QuestionId = id }).ToList() }] });
        return (quiz!.Value.QuizId, logins);
    }

    internal static void Cleanup(string dir)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
