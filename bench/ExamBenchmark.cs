using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Grains.Data;

namespace Lms.Bench;

/// <summary>
/// <c>./build.sh bench exam [--students 40] [--answers 30] [--db sqlite|postgres]</c>: a timed exam run the way a
/// school runs one, against the built server as its own process. Students start within a second and answer at a
/// human pace (scaled: 0.1–0.6 s between answers), changing answers often; a quarter of the phones run five minutes
/// slow and a quarter three minutes fast; some go quiet for a while; some go offline for longer than the integrity
/// threshold and sync their queue. A third of the way in the server is stopped with SIGTERM and started again; two
/// thirds in it is killed (SIGKILL) and started again. Each phone behaves as the web app does: it keeps unsent answers
/// in its queue, in order, and sends them again (same ids) until they are acknowledged.
/// At the end every attempt is read back (the answers shown), submitted, and graded; each is compared with the last
/// answer its student gave, and the integrity timeline's "offline" events with what the phones really did.
/// </summary>
public sealed class ExamBenchmark : IBenchmark
{
    public string Name => "exam";
    public string Description => "a 40-student timed exam with skewed clocks, offline phones, a SIGTERM and a SIGKILL mid-exam";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);
    private static readonly string[] Choices = ["a", "b", "c"];

    public async Task<int> RunAsync(string[] args)
    {
        var n = int.Parse(Option(args, "--students", "40"));
        var perStudent = int.Parse(Option(args, "--answers", "30"));
        var dbName = Option(args, "--db", "sqlite");
        var dir = Path.Combine(Path.GetTempPath(), $"lms-bench-exam-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(dir);
        QuizBenchmark.PgCluster? pg = dbName == "postgres" ? await QuizBenchmark.PgCluster.StartAsync() : null;
        try
        {
            var options = await QuizBenchmark.MigratedDatabaseAsync(dbName, dir, pg);
            var (quizId, logins) = await QuizBenchmark.SeedAsync(new Db(options), n, 10);
            var exam = new Exam(dir, options, quizId, logins, perStudent);
            Console.WriteLine(JsonSerializer.Serialize(await exam.RunAsync(dbName)));
        }
        finally
        {
            if (pg is not null) await pg.DisposeAsync();
            QuizBenchmark.Cleanup(dir);
        }
        return 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private sealed record Pending(Guid AnswerId, int Slot, string Choice, DateTimeOffset ClientTime);

    /// <summary>One phone: its clock, its queue, and what its student last chose for each question.</summary>
    private sealed class Phone(int index, string token, TimeSpan skew, bool goesOffline, bool goesQuiet)
    {
        public int Index { get; } = index;
        public string Token { get; } = token;
        public TimeSpan Skew { get; } = skew;
        public bool GoesOffline { get; } = goesOffline;
        public bool GoesQuiet { get; } = goesQuiet;
        public string DeviceId => $"phone-{Index}";
        public string? AttemptId { get; set; }
        public int[] Slots { get; set; } = [];
        public List<Pending> Queue { get; } = [];
        public DateTimeOffset? HeldSince { get; set; }
        public Dictionary<int, string> LastGiven { get; } = [];
        public int OfflineSyncsOverThreshold { get; set; }
        public DateTimeOffset Now => DateTimeOffset.UtcNow + Skew;
    }

    private sealed class Exam(string dir, DatabaseOptions options, Guid quizId, string[] logins, int perStudent)
    {
        private volatile QuizBenchmark.ServerProcess? _server;
        private Uri _base = null!;
        private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        private int _acknowledged, _sent, _serverErrors, _refused, _retries;
        private volatile bool _studentsDone;

        public async Task<Dictionary<string, object?>> RunAsync(string dbName)
        {
            var deadline = DateTime.UtcNow + Limit;
            await StartServerAsync();
            var tokens = new string[logins.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, logins.Length), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
                tokens[i] = await TokenAsync(logins[i]));
            var teacher = await TokenAsync("gv@bench.test");
            var phones = Enumerable.Range(0, logins.Length).Select(i => new Phone(i, tokens[i],
                (i % 4) switch { 0 => TimeSpan.FromMinutes(-5), 1 => TimeSpan.FromMinutes(3), _ => TimeSpan.Zero },
                goesOffline: i % 8 == 2, goesQuiet: i % 10 == 5)).ToList();

            var planned = phones.Count * perStudent;
            var restarts = Task.Run(async () =>
            {
                var stops = new Dictionary<string, object?>();
                while (Volatile.Read(ref _acknowledged) < planned / 3 && !_studentsDone) await Task.Delay(50);
                stops["sigterm_exit_s"] = Math.Round(await _server!.TerminateAsync(), 2);
                stops["restart_after_sigterm_s"] = Math.Round(await StartServerAsync(), 2);
                while (Volatile.Read(ref _acknowledged) < 2 * planned / 3 && !_studentsDone) await Task.Delay(50);
                await _server!.StopAsync(); // SIGKILL
                stops["restart_after_sigkill_s"] = Math.Round(await StartServerAsync(), 2);
                return stops;
            });
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var students = phones.Select(phone => Task.Run(async () =>
            {
                await go.Task;
                await StudentAsync(phone, deadline);
            })).ToList();
            go.SetResult();
            await Task.WhenAll(students);
            _studentsDone = true;
            var stopFigures = await restarts;

            // Read back what each phone shows, submit, and compare what is graded with the last answer given.
            int shownDiffers = 0, gradedDiffers = 0, scoreDiffers = 0, falseOffline = 0, missedOffline = 0, offlineEvents = 0;
            foreach (var phone in phones.Where(p => p.AttemptId is not null))
            {
                var shown = await SendAsync<JsonElement>(HttpMethod.Get, $"/api/attempts/{phone.AttemptId}", phone.Token, null);
                var responses = shown.GetProperty("responses");
                shownDiffers += phone.LastGiven.Count(kv =>
                    !responses.TryGetProperty(kv.Key.ToString(), out var r) || r.GetProperty("choice").GetString() != kv.Value);
                await SendAsync<JsonElement>(HttpMethod.Post, $"/api/attempts/{phone.AttemptId}/submit", phone.Token, new { deviceId = phone.DeviceId });
                var review = await SendAsync<JsonElement>(HttpMethod.Get, $"/api/attempts/{phone.AttemptId}/review", teacher, null);
                foreach (var question in review.GetProperty("questions").EnumerateArray())
                {
                    var slot = question.GetProperty("question").GetProperty("slot").GetInt32();
                    if (!phone.LastGiven.TryGetValue(slot, out var last)) continue;
                    var graded = question.GetProperty("response") is { ValueKind: JsonValueKind.Object } r ? r.GetProperty("choice").GetString() : null;
                    if (graded != last) gradedDiffers++;
                    // Every question's right answer is its first choice (QuizBenchmark.SeedAsync).
                    if (question.GetProperty("score").GetDouble() != (last == "a" ? 1 : 0)) scoreDiffers++;
                }
                var timeline = await SendAsync<JsonElement>(HttpMethod.Get, $"/api/attempts/{phone.AttemptId}/timeline", teacher, null);
                var offline = timeline.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == EventKinds.OfflineSynced);
                offlineEvents += offline;
                falseOffline += Math.Max(0, offline - phone.OfflineSyncsOverThreshold);
                missedOffline += Math.Max(0, phone.OfflineSyncsOverThreshold - offline);
            }
            await _server!.StopAsync();

            var result = new Dictionary<string, object?>
            {
                ["benchmark"] = "exam", ["db"] = dbName, ["students"] = phones.Count,
                ["attempts_started"] = phones.Count(p => p.AttemptId is not null),
                ["skewed_clocks"] = phones.Count(p => p.Skew != TimeSpan.Zero), ["offline_phones"] = phones.Count(p => p.GoesOffline),
                ["answers_given"] = phones.Count * perStudent, ["requests_sent"] = _sent, ["answers_acknowledged"] = _acknowledged,
                ["answers_refused"] = _refused, ["retries"] = _retries, ["server_errors_5xx"] = _serverErrors,
                ["questions_answered"] = phones.Sum(p => p.LastGiven.Count),
                ["shown_differs_from_last"] = shownDiffers, ["graded_differs_from_last"] = gradedDiffers, ["score_differs"] = scoreDiffers,
                ["offline_syncs_over_threshold"] = phones.Sum(p => p.OfflineSyncsOverThreshold), ["offline_events"] = offlineEvents,
                ["false_offline_events"] = falseOffline, ["missed_offline_events"] = missedOffline,
            };
            foreach (var (key, value) in stopFigures) result[key] = value;
            return result;
        }

        private async Task StudentAsync(Phone phone, DateTime deadline)
        {
            var random = new Random(phone.Index);
            while (phone.AttemptId is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    var view = await SendAsync<JsonElement>(HttpMethod.Post, $"/api/quizzes/{quizId}/attempts", phone.Token,
                        new { deviceId = phone.DeviceId, clientNow = phone.Now });
                    phone.AttemptId = view.GetProperty("id").GetString();
                    phone.Slots = view.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("slot").GetInt32()).ToArray();
                }
                catch (HttpRequestException) { await Task.Delay(500); }
            }
            if (phone.AttemptId is null) return;
            var offlineFrom = perStudent / 2;
            for (var k = 0; k < perStudent && DateTime.UtcNow < deadline; k++)
            {
                var slot = phone.Slots[random.Next(phone.Slots.Length)];
                var choice = Choices[random.Next(Choices.Length)];
                phone.Queue.Add(new Pending(Guid.NewGuid(), slot, choice, phone.Now));
                phone.LastGiven[slot] = choice;
                var offline = phone.GoesOffline && k >= offlineFrom && k < offlineFrom + 4;
                if (offline)
                {
                    // No network: the answer waits in the phone's queue; the student goes on (slowly: 12 s per answer).
                    phone.HeldSince ??= DateTimeOffset.UtcNow;
                    await Task.Delay(TimeSpan.FromSeconds(12));
                    continue;
                }
                await FlushAsync(phone, deadline);
                await Task.Delay(phone.GoesQuiet && k == offlineFrom ? TimeSpan.FromSeconds(20) : TimeSpan.FromMilliseconds(100 + random.Next(500)));
            }
            await FlushAsync(phone, deadline);
        }

        /// <summary>Sends the phone's queue, in order, until it is acknowledged, as the web app's answer queue does.</summary>
        private async Task FlushAsync(Phone phone, DateTime deadline)
        {
            while (phone.Queue.Count > 0 && DateTime.UtcNow < deadline)
            {
                var queued = phone.HeldSince is not null;
                var heldMs = queued ? (long)(DateTimeOffset.UtcNow - phone.HeldSince!.Value).TotalMilliseconds : (long?)null;
                var body = new
                {
                    deviceId = phone.DeviceId, clientNow = phone.Now, queued, heldMs,
                    answers = phone.Queue.Select(a => new { answerId = a.AnswerId, slot = a.Slot, response = new { choice = a.Choice }, clientTime = a.ClientTime }).ToArray(),
                };
                try
                {
                    Interlocked.Increment(ref _sent);
                    var result = await SendAsync<JsonElement>(HttpMethod.Post, $"/api/attempts/{phone.AttemptId}/answers", phone.Token, body);
                    var accepted = result.GetProperty("accepted").EnumerateArray().Select(a => a.GetGuid()).ToHashSet();
                    var refused = result.GetProperty("refused").GetArrayLength();
                    Interlocked.Add(ref _acknowledged, accepted.Count);
                    Interlocked.Add(ref _refused, refused);
                    if (heldMs >= (long)QuizAttemptGrain.OfflineThreshold.TotalMilliseconds) phone.OfflineSyncsOverThreshold++;
                    phone.Queue.Clear(); // accepted, or refused for good (counted): nothing to send again
                    phone.HeldSince = null;
                }
                catch (HttpRequestException)
                {
                    // The server is away (restarting): keep the queue, and say how long it has been held when it goes.
                    Interlocked.Increment(ref _retries);
                    phone.HeldSince ??= DateTimeOffset.UtcNow;
                    await Task.Delay(500);
                }
            }
        }

        private async Task<double> StartServerAsync()
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var server = await QuizBenchmark.ServerProcess.StartAsync(dir, options);
            _base = server.BaseAddress;
            _server = server;
            return clock.Elapsed.TotalSeconds;
        }

        private async Task<string> TokenAsync(string login)
        {
            var response = await _http.PostAsJsonAsync(new Uri(_base, "/api/identity/token"), new { login, password = "Bench@2026" });
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        }

        /// <summary>One request to whichever server is up; a connection failure, a timeout or a 5xx is an <see cref="HttpRequestException"/> to retry.</summary>
        private async Task<T> SendAsync<T>(HttpMethod method, string path, string token, object? body)
        {
            using var request = new HttpRequestMessage(method, new Uri(_base, path));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null) request.Content = JsonContent.Create(body);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request);
            }
            catch (TaskCanceledException e)
            {
                throw new HttpRequestException("timed out", e);
            }
            using (response)
            {
                if ((int)response.StatusCode >= 500)
                {
                    // 503 while the silo starts or stops is the server saying "not now"; anything else is counted.
                    if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable) Interlocked.Increment(ref _serverErrors);
                    throw new HttpRequestException($"{(int)response.StatusCode}");
                }
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return (await response.Content.ReadFromJsonAsync<T>())!;
            }
        }
    }
}
