using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;

namespace Lms.Bench.SchoolYear;

/// <summary>
/// <c>./build.sh bench schoolday [--db sqlite|postgres|sqlite,postgres] [--window 60] [--classes 40] [--students 1500]
/// [--teachers 80] [--seed 2026]</c>: a secondary school's day against the built server over HTTP. 1,500 students in 40
/// classes with one parent each, 80 teachers, 6 periods on the day. Every teacher at once takes the roll of each of
/// their periods (two students of the class absent without permission, so their parents are told) and enters the
/// period's regular score (tx1) for every student of the class, cell by cell as the grid saves them. Then the 1,500
/// parents open their child's page (the four requests the page makes, together) at random moments spread over the
/// window: the issue's 10 minutes after the notifications, scaled down ten times to 60 s by default so that a run takes
/// a few minutes. Afterwards, with the server stopped, every acknowledged roll mark and score is looked up in the
/// database (<c>lost</c>).
/// </summary>
public sealed class SchoolDayBenchmark : IBenchmark
{
    public string Name => "schoolday";
    public string Description => "a school's day: 80 teachers take rolls and enter scores together, 1,500 parents open their child's page";

    private const string Password = "Bench@2026";
    private const int Periods = 6;
    private const int AbsentPerRoll = 2;

    /// <summary>The scored subjects of the day's six periods (THPT curriculum codes).</summary>
    private static readonly string[] PeriodSubjects = ["TOAN", "VAN", "ANH", "LY", "HOA", "SINH"];

    /// <summary>Each phase ends by this time whatever happens; what was not acknowledged by then counts as failed.</summary>
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromSeconds(300);

    public async Task<int> RunAsync(string[] args)
    {
        var dbs = Option(args, "--db", "sqlite").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var shape = new SchoolShape(
            int.Parse(Option(args, "--classes", "40")), int.Parse(Option(args, "--students", "1500")), int.Parse(Option(args, "--teachers", "80")),
            TimeSpan.FromSeconds(double.Parse(Option(args, "--window", "60"), System.Globalization.CultureInfo.InvariantCulture)),
            int.Parse(Option(args, "--seed", "2026")));
        if (shape.Teachers < shape.Classes)
            throw new ArgumentException("A teacher teaches one class a period: at least as many teachers as classes.");
        QuizBenchmark.PgCluster? pg = null;
        var failed = false;
        try
        {
            foreach (var name in dbs)
            {
                if (name == "postgres") pg ??= await QuizBenchmark.PgCluster.StartAsync();
                var result = await RunOnceAsync(name, shape, pg);
                Console.WriteLine(JsonSerializer.Serialize(result));
                failed |= (int)result["lost"]! > 0;
            }
        }
        finally
        {
            if (pg is not null) await pg.DisposeAsync();
        }
        return failed ? 1 : 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record SchoolShape(int Classes, int Students, int Teachers, TimeSpan Window, int Seed);

    private sealed record Person(Guid Id, string Login);

    private sealed record Seeded(Guid SchoolId, Person Admin, Person[] Teachers, Person[] Students, Person[] Parents, Guid[] ClassIds, int[] ClassOf);

    /// <summary>Who teaches class <paramref name="c"/> in period <paramref name="p"/> (1…6): a different teacher for every class of a period, so nobody is double-booked.</summary>
    private static int TeacherOf(int c, int p, SchoolShape shape) => (c + 7 * p + shape.Classes * (p % 2)) % shape.Teachers;

    private static async Task<Dictionary<string, object?>> RunOnceAsync(string dbName, SchoolShape shape, QuizBenchmark.PgCluster? pg)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"lms-bench-schoolday-{dbName}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        var options = await QuizBenchmark.MigratedDatabaseAsync(dbName, dir, pg);
        var db = new Db(options);
        var seeded = await SeedPeopleAsync(db, shape);

        // Sign-ins are set-up (a password hash each), not measured: lift the per-address limit meant for people.
        await using var server = await QuizBenchmark.ServerProcess.StartAsync(dir, options, "--Identity:SignInLimit:PerMinute=1000000");
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 2048, PooledConnectionLifetime = TimeSpan.FromMinutes(15), ConnectTimeout = TimeSpan.FromSeconds(30),
        }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

        var people = new[] { seeded.Admin }.Concat(seeded.Teachers).Concat(seeded.Parents).ToArray();
        var tokens = new ConcurrentDictionary<Guid, string>();
        await Parallel.ForEachAsync(people, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (person, _) =>
        {
            var response = await http.PostAsJsonAsync("/api/identity/token", new { login = person.Login, password = Password });
            response.EnsureSuccessStatusCode();
            tokens[person.Id] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        });
        HttpRequestMessage As(Person who, HttpMethod method, string path, object? body = null)
        {
            var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[who.Id]);
            return request;
        }

        var (rollDay, yearId, termId, slots, subjects) = await SetUpYearAsync(http, As, seeded, shape);

        // The day: every teacher at once, each working through their periods in order.
        var random = new Random(shape.Seed);
        var absentees = seeded.ClassIds.Select((_, c) => Enumerable.Range(0, Periods)
            .Select(_ => StudentsOf(seeded, c).OrderBy(_ => random.Next()).Take(AbsentPerRoll).ToArray()).ToArray()).ToArray();
        var rollMs = new ConcurrentBag<double>();
        var scoreMs = new ConcurrentBag<double>();
        var rollsAcked = new ConcurrentBag<(Guid Slot, Guid Student)>();
        var scoresAcked = new ConcurrentBag<(Guid Subject, Guid Student, int Tenths)>();
        var failures = 0;
        using var dayDeadline = new CancellationTokenSource(PhaseLimit);
        var dayClock = Stopwatch.StartNew();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var teachers = Enumerable.Range(0, shape.Teachers).Select(async t =>
        {
            await go.Task;
            for (var p = 1; p <= Periods; p++)
                for (var c = 0; c < shape.Classes; c++)
                {
                    if (TeacherOf(c, p, shape) != t) continue;
                    var teacher = seeded.Teachers[t];
                    var absent = absentees[c][p - 1];
                    var slot = slots[(c, p)];
                    var clock = Stopwatch.StartNew();
                    try
                    {
                        using var response = await http.SendAsync(As(teacher, HttpMethod.Put, $"/api/school-year/slots/{slot}/roll/{rollDay}", new
                        {
                            marks = absent.Select(s => new { studentId = seeded.Students[s].Id, status = "absent", excused = false }).ToArray(),
                        }), dayDeadline.Token);
                        response.EnsureSuccessStatusCode();
                        rollMs.Add(clock.Elapsed.TotalMilliseconds);
                        foreach (var s in absent) rollsAcked.Add((slot, seeded.Students[s].Id));
                    }
                    catch (Exception) when (!dayDeadline.IsCancellationRequested) { Interlocked.Increment(ref failures); }
                    catch (OperationCanceledException) { return; }

                    var subject = subjects[p - 1];
                    foreach (var s in StudentsOf(seeded, c))
                    {
                        var tenths = 40 + (s * 7 + p * 3) % 61;
                        var path = $"/api/school-years/{yearId}/classes/{seeded.ClassIds[c]}/mark-book/{subject}/terms/{termId}/students/{seeded.Students[s].Id}/tx1";
                        clock.Restart();
                        try
                        {
                            using var response = await http.SendAsync(As(teacher, HttpMethod.Put, path, new { score = tenths / 10m }), dayDeadline.Token);
                            response.EnsureSuccessStatusCode();
                            scoreMs.Add(clock.Elapsed.TotalMilliseconds);
                            scoresAcked.Add((subject, seeded.Students[s].Id, tenths));
                        }
                        catch (Exception) when (!dayDeadline.IsCancellationRequested) { Interlocked.Increment(ref failures); }
                        catch (OperationCanceledException) { return; }
                    }
                }
        }).ToList();
        go.SetResult();
        await Task.WhenAll(teachers);
        var daySeconds = dayClock.Elapsed.TotalSeconds;

        // The evening: every parent opens their child's page at a random moment of the window after the notices.
        var pageMs = new ConcurrentBag<double>();
        var pageFailures = 0;
        var pagesShowingScore = 0;
        var arrivals = seeded.Parents.Select(_ => random.NextDouble() * shape.Window.TotalMilliseconds).ToArray();
        using var eveningDeadline = new CancellationTokenSource(shape.Window + PhaseLimit);
        var eveningClock = Stopwatch.StartNew();
        await Task.WhenAll(seeded.Parents.Select(async (parent, i) =>
        {
            var wait = arrivals[i] - eveningClock.Elapsed.TotalMilliseconds;
            if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait));
            var child = seeded.Students[i].Id;
            var clock = Stopwatch.StartNew();
            try
            {
                // The child's page asks for these together (ChildPage.tsx, ChildMarks.tsx, the notices on Năm học).
                var page = await Task.WhenAll(
                    GetAsync(http, As(parent, HttpMethod.Get, "/api/school-year/children"), eveningDeadline.Token),
                    GetAsync(http, As(parent, HttpMethod.Get, $"/api/school-year/students/{child}?day={rollDay}"), eveningDeadline.Token),
                    GetAsync(http, As(parent, HttpMethod.Get, $"/api/school-year/students/{child}/marks"), eveningDeadline.Token),
                    GetAsync(http, As(parent, HttpMethod.Get, "/api/school-year/notices"), eveningDeadline.Token));
                pageMs.Add(clock.Elapsed.TotalMilliseconds);
                if (page[2].GetProperty("subjects").EnumerateArray().Any(s => s.GetProperty("terms")[0].GetProperty("cells").TryGetProperty("tx1", out _)))
                    Interlocked.Increment(ref pagesShowingScore);
            }
            catch (Exception) { Interlocked.Increment(ref pageFailures); }
        }));
        var eveningSeconds = eveningClock.Elapsed.TotalSeconds;

        await server.StopAsync();
        var (lostRolls, lostScores, notices, noticeSpan) = await ReadBackAsync(db, yearId, termId, rollsAcked, scoresAcked);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "";
        QuizBenchmark.Cleanup(dir);
        return new Dictionary<string, object?>
        {
            ["bench"] = "schoolday", ["db"] = dbName, ["classes"] = shape.Classes, ["students"] = shape.Students, ["teachers"] = shape.Teachers,
            ["periods"] = Periods, ["parents"] = seeded.Parents.Length, ["window_s"] = shape.Window.TotalSeconds,
            ["rolls"] = rollMs.Count, ["roll_call_p50_ms"] = Percentile(rollMs, 50), ["roll_call_p95_ms"] = Percentile(rollMs, 95),
            ["scores"] = scoreMs.Count, ["score_save_p50_ms"] = Percentile(scoreMs, 50), ["score_save_p95_ms"] = Percentile(scoreMs, 95),
            ["day_s"] = Round(daySeconds), ["day_failed"] = failures,
            ["notifications"] = notices, ["notifications_expected"] = rollsAcked.Count,
            ["notifications_per_s"] = noticeSpan > 0 ? Round(notices / noticeSpan) : null,
            ["pages"] = pageMs.Count, ["parent_page_p50_ms"] = Percentile(pageMs, 50), ["parent_page_p95_ms"] = Percentile(pageMs, 95),
            ["pages_failed"] = pageFailures, ["pages_showing_score"] = pagesShowingScore, ["evening_s"] = Round(eveningSeconds),
            ["lost_rolls"] = lostRolls, ["lost_scores"] = lostScores, ["lost"] = lostRolls + lostScores, ["load_average"] = load,
        };
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private static IEnumerable<int> StudentsOf(Seeded seeded, int c) => Enumerable.Range(0, seeded.Students.Length).Where(s => seeded.ClassOf[s] == c);

    /// <summary>
    /// Every acknowledged absence and score looked up in the database; the notices written and the seconds from the first
    /// to the last (the notices are written as each roll is saved, so this is the rate parents were told at).
    /// </summary>
    private static async Task<(int LostRolls, int LostScores, int Notices, double NoticeSeconds)> ReadBackAsync(
        Db db, Guid yearId, Guid termId, IEnumerable<(Guid Slot, Guid Student)> rolls, IEnumerable<(Guid Subject, Guid Student, int Tenths)> scores)
    {
        await using var connection = await db.OpenAsync();
        var marks = (await connection.QueryAsync<(Guid, Guid)>(
            "SELECT r.slot_id, m.student_id FROM attendance_marks m JOIN roll_calls r ON r.id = m.roll_call_id WHERE m.status = 'absent'")).ToHashSet();
        var cells = (await connection.QueryAsync<(Guid, Guid, int)>(
            "SELECT subject_id, student_id, score_tenths FROM mark_cells WHERE term_id = @termId AND column_key = 'tx1' AND score_tenths IS NOT NULL",
            new { termId })).ToHashSet();
        var times = await db.QueryAsync<DateTimeOffset>(Sql.Portable("SELECT created_at FROM family_notices"));
        var span = times.Count > 1 ? (times.Max() - times.Min()).TotalSeconds : 0;
        return (rolls.Count(r => !marks.Contains(r)), scores.Count(s => !cells.Contains(s)), times.Count, span);
    }

    /// <summary>The people, written straight into the database (one password hash shared by all: hashing is not what is measured).</summary>
    private static async Task<Seeded> SeedPeopleAsync(Db db, SchoolShape shape)
    {
        var clock = TimeProvider.System;
        var school = await new InstitutionRepository(db, clock).CreateAsync(null, InstitutionKinds.School, "Trường THPT Bench", null);
        var hash = new Passwords().Hash(Password);
        Person New(string login) => new(Guid.CreateVersion7(), login);
        var admin = New("qt@schoolday.test");
        var teachers = Enumerable.Range(0, shape.Teachers).Select(i => New($"gv{i:D3}@schoolday.test")).ToArray();
        var students = Enumerable.Range(0, shape.Students).Select(i => New($"hs{i:D4}@schoolday.test")).ToArray();
        var parents = Enumerable.Range(0, shape.Students).Select(i => New($"ph{i:D4}@schoolday.test")).ToArray();
        var classIds = Enumerable.Range(0, shape.Classes).Select(_ => Guid.CreateVersion7()).ToArray();
        var classOf = Enumerable.Range(0, shape.Students).Select(i => i % shape.Classes).ToArray();
        var users = new UserRepository(db, clock);
        await db.InTransactionAsync(async (c, t) =>
        {
            async Task AddAsync(Person person, string name, string role)
            {
                await users.InsertAsync(new NewUser(person.Id, person.Login, null, name, hash, Claimed: true), c, t);
                await c.ExecuteAsync("INSERT INTO memberships (institution_id, user_id, role, created_at) VALUES (@school, @user, @role, @now)",
                    new { school = school.Id, user = person.Id, role, now = DateTimeOffset.UtcNow }, t);
            }
            await AddAsync(admin, "Quản Trị", Roles.Admin);
            for (var i = 0; i < teachers.Length; i++) await AddAsync(teachers[i], $"Giáo viên {i:D3}", Roles.Teacher);
            for (var k = 0; k < classIds.Length; k++)
                await c.ExecuteAsync("INSERT INTO classes (id, institution_id, name) VALUES (@id, @school, @name)",
                    new { id = classIds[k], school = school.Id, name = $"{10 + k / 14}A{k % 14 + 1}" }, t);
            for (var i = 0; i < students.Length; i++)
            {
                await AddAsync(students[i], $"Học sinh {i:D4}", Roles.Student);
                await c.ExecuteAsync("INSERT INTO class_members (class_id, user_id) VALUES (@classId, @userId)",
                    new { classId = classIds[classOf[i]], userId = students[i].Id }, t);
                await AddAsync(parents[i], $"Phụ huynh {i:D4}", Roles.Parent);
                await c.ExecuteAsync("INSERT INTO parent_links (parent_id, student_id) VALUES (@parentId, @studentId)",
                    new { parentId = parents[i].Id, studentId = students[i].Id }, t);
            }
            return 0;
        });
        return new Seeded(school.Id, admin, teachers, students, parents, classIds, classOf);
    }

    /// <summary>
    /// The year as an admin sets it up over the API: two terms around the day (a week ago, so the roll is not ahead of
    /// time), the curriculum, each class's teacher of each of the day's subjects, the timetable file.
    /// </summary>
    private static async Task<(string Day, Guid YearId, Guid TermId, Dictionary<(int Class, int Period), Guid> Slots, Guid[] Subjects)> SetUpYearAsync(
        HttpClient http, Func<Person, HttpMethod, string, object?, HttpRequestMessage> As, Seeded seeded, SchoolShape shape)
    {
        var day = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).DateTime).AddDays(-7);
        var weekday = day.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)day.DayOfWeek;
        async Task<JsonElement> Send(HttpMethod method, string path, object? body)
        {
            using var response = await http.SendAsync(As(seeded.Admin, method, path, body));
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement;
        }
        var year = await Send(HttpMethod.Post, $"/api/institutions/{seeded.SchoolId}/school-years", new
        {
            name = "2026-2027",
            terms = new[] { new { startsOn = day.AddDays(-60), endsOn = day.AddDays(30) }, new { startsOn = day.AddDays(31), endsOn = day.AddDays(160) } },
        });
        var yearId = year.GetProperty("id").GetGuid();
        var termId = year.GetProperty("terms")[0].GetProperty("id").GetGuid();
        var added = await Send(HttpMethod.Post, $"/api/institutions/{seeded.SchoolId}/subjects/curriculum", new { level = "thpt" });
        var subjects = PeriodSubjects.Select(code => added.GetProperty("subjects").EnumerateArray()
            .Single(s => s.GetProperty("code").GetString() == code).GetProperty("id").GetGuid()).ToArray();
        for (var c = 0; c < shape.Classes; c++)
            for (var p = 1; p <= Periods; p++)
                await Send(HttpMethod.Put, $"/api/school-years/{yearId}/classes/{seeded.ClassIds[c]}/subjects/{subjects[p - 1]}/teacher",
                    new { teacherId = seeded.Teachers[TeacherOf(c, p, shape)].Id });

        var dayName = weekday == 7 ? "CN" : $"Thứ {weekday + 1}";
        var csv = new StringBuilder("Lớp;Thứ;Tiết;Môn;Giáo viên;Phòng\n");
        var classNames = new string[shape.Classes];
        for (var c = 0; c < shape.Classes; c++)
        {
            classNames[c] = $"{10 + c / 14}A{c % 14 + 1}";
            for (var p = 1; p <= Periods; p++)
                csv.Append($"{classNames[c]};{dayName};{p};{PeriodSubjects[p - 1]};{seeded.Teachers[TeacherOf(c, p, shape)].Login};P{100 + c}\n");
        }
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "tkb.csv");
        var upload = As(seeded.Admin, HttpMethod.Post, $"/api/school-years/{yearId}/timetable", null);
        upload.Content = form;
        using (var response = await http.SendAsync(upload))
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException("Timetable: " + await response.Content.ReadAsStringAsync());

        var slots = new Dictionary<(int, int), Guid>();
        for (var c = 0; c < shape.Classes; c++)
            foreach (var slot in (await Send(HttpMethod.Get, $"/api/school-years/{yearId}/classes/{seeded.ClassIds[c]}/timetable", null)).EnumerateArray())
                slots[(c, slot.GetProperty("period").GetInt32())] = slot.GetProperty("id").GetGuid();
        return (day.ToString("yyyy-MM-dd"), yearId, termId, slots, subjects);
    }

    private static double Round(double x) => Math.Round(x, 2);

    private static double? Percentile(IEnumerable<double> values, int p)
    {
        var sorted = values.OrderBy(x => x).ToArray();
        if (sorted.Length == 0) return null;
        return Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)]);
    }
}
