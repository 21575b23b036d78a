using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Tests.Assessment;
using Lms.Tests.Classroom;
using Lms.Tests.Infrastructure;
using Npgsql;

namespace Lms.Tests.Hosting;

/// <summary>
/// Cluster mode losing a node for real: two server processes (two silos) on one PostgreSQL database and one
/// redis-server; the node hosting a live class and exam attempts is killed (SIGKILL) while students answer and chat
/// through both nodes. Prints the run's figures as one JSON line.
/// </summary>
public sealed class FailoverTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly List<ServerProcess> _nodes = [];
    private string _database = "";

    public async ValueTask InitializeAsync()
    {
        await _redis.InitializeAsync();
        var database = _database = await postgres.CreateDatabaseAsync("failover");
        string[] cluster =
        [
            "--Database:Provider=Postgres", $"--ConnectionStrings:Lms={database}", $"--Cluster:Redis={_redis.Configuration}",
            $"--Orleans:ClusterId=failover-{Guid.NewGuid():N}",
            // Where each room and attempt is hosted: the test kills the node that hosts them.
            "--Logging:LogLevel:Lms.Grains.Classroom.ClassroomGrain=Information",
            "--Logging:LogLevel:Lms.Grains.Assessment.QuizAttemptGrain=Information",
        ];
        // One after the other: the first creates the schema and the demo school.
        foreach (var _ in new[] { 0, 1 })
        {
            var node = new ServerProcess(cluster);
            _nodes.Add(node);
            await node.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Killing_the_node_hosting_a_live_class_and_exam_attempts_loses_no_acknowledged_answer_or_chat_and_the_api_answers_503_not_500()
    {
        // The lesson: the teacher starts it through the first node, which is where the room is then hosted.
        var (teacherHttp, school) = await _nodes[0].DemoTeacherAsync();
        var course = await ClassroomKit.LiveCourseAsync(teacherHttp, Guid.Parse(school), "Vật lí 11 — một máy chủ tắt giữa giờ");
        // The third demo student is in 10A2.
        await ProblemAssert.OkAsync<JsonElement>(await teacherHttp.PostAsJsonAsync($"/api/courses/{course.CourseId}/enrolments", new { className = "10A2" }));
        await using var teacher = await ClassroomKit.ConnectAsync(_nodes[0].BaseAddress, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        Assert.True((await teacher.Command("Start")).Ok);
        var victim = await HostOfAsync($"Classroom {course.SessionId} is hosted here");
        var survivor = _nodes.Single(n => n != victim);

        // The exam: each student's attempt started through the node that hosts the room, so most are hosted there too.
        var quizId = await ServerProcess.TimedQuizAsync(teacherHttp, school, "Kiểm tra giữa kì — hai máy chủ", "Bài kiểm tra 45 phút", 2700, "10A1", "10A2");
        var logins = new[] { LmsServer.Student1, LmsServer.Student2, LmsServer.Student3 };
        var attempts = new List<(string Login, string Id, HttpClient OnVictim, HttpClient OnSurvivor, DateTimeOffset Deadline)>();
        foreach (var login in logins)
        {
            var onVictim = await victim.SignedInAsync(login);
            var attempt = await ProblemAssert.OkAsync<JsonElement>(await onVictim.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = login }));
            attempts.Add((login, attempt.GetProperty("id").GetString()!, onVictim, await survivor.SignedInAsync(login),
                attempt.GetProperty("deadlineAt").GetDateTimeOffset()));
        }
        var onVictimCount = 0;
        foreach (var a in attempts) if (await HostOfAsync($"Attempt {a.Id} is hosted here") == victim) onVictimCount++;
        Assert.True(onVictimCount > 0, "No attempt was hosted on the node the test kills; the run would prove nothing about attempts.");

        // Students in the room on both nodes: one on the node that dies (it must move), two on the one that lives (they stay).
        var students = new List<Student>();
        for (var i = 0; i < logins.Length; i++)
        {
            var node = i == 0 ? victim : survivor;
            var client = await ClassroomKit.ConnectAsync(node.BaseAddress, logins[i], course.SessionId);
            Assert.Equal(JoinStatuses.Joined, (await client.JoinAsync()).Status);
            // Its token for the other node is taken now: reconnecting clients do not sign in again (the sign-in limiter would rightly slow them).
            students.Add(new Student(logins[i], client, node == survivor) { Token = await ClassroomKit.TokenAsync(survivor.BaseAddress, logins[i]) });
        }

        var figures = new Figures();
        using var stop = new CancellationTokenSource();
        var killedAt = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answering = attempts.Select((a, i) => AnswerUntilStoppedAsync(a.Id, a.OnVictim, a.OnSurvivor, i, figures, killedAt.Task, stop.Token)).ToList();
        var chatting = students.Select(s => ChatUntilStoppedAsync(s, survivor.BaseAddress, course.SessionId, figures, killedAt.Task, stop.Token)).ToList();

        // Kill the node in the middle of it all, once answers and messages are flowing.
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((figures.Answers.Count < 30 || figures.Chats.Count < 6) && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.True(figures.Answers.Count >= 30 && figures.Chats.Count >= 6, $"Too little traffic before the kill: {figures.Answers.Count} answers, {figures.Chats.Count} messages.");
        victim.Kill();
        killedAt.SetResult(Stopwatch.GetTimestamp());
        var answersAtKill = figures.Answers.Count;
        var chatsAtKill = figures.Chats.Count;

        // Everyone carries on through the surviving node until each attempt and each student has been served again.
        until = DateTime.UtcNow.AddSeconds(90);
        while ((figures.AnswersBackAfter.Count < attempts.Count || figures.ChatBackAfter.Count < students.Count) && DateTime.UtcNow < until)
            await Task.Delay(100);
        stop.Cancel();
        await Task.WhenAll([.. answering, .. chatting]);
        Assert.True(figures.AnswersBackAfter.Count == attempts.Count, $"Answers were taken again for {figures.AnswersBackAfter.Count} of {attempts.Count} attempts.");
        Assert.True(figures.ChatBackAfter.Count == students.Count, $"{figures.ChatBackAfter.Count} of {students.Count} students could chat again; not: " +
            string.Join(", ", students.Where(s => !figures.ChatBackAfter.ContainsKey(s.Login)).Select(s => $"{s.Login} (stayed: {s.Stayed}, connection {s.Room.Connection.State})")));
        Assert.True(figures.Errors.IsEmpty, "Answers other than 200 and 503 during the failover: " + string.Join("; ", figures.Errors.Take(5)));

        // Nothing acknowledged is lost: every answer and every chat message is in the database.
        await using var db = new NpgsqlConnection(_database);
        await db.OpenAsync();
        var storedAnswers = await IdsAsync(db, "SELECT answer_id FROM attempt_answers");
        var storedChat = await IdsAsync(db, "SELECT id FROM live_chat");
        var lostAnswers = figures.Answers.Keys.Count(id => !storedAnswers.Contains(id));
        var lostChats = figures.Chats.Keys.Count(id => !storedChat.Contains(id));

        // The room rebuilt on the other node shows every acknowledged message; the teacher's next one reaches everyone.
        await using var teacherAgain = await ClassroomKit.ConnectAsync(survivor.BaseAddress, LmsServer.Teacher, course.SessionId);
        var rebuilt = await teacherAgain.JoinAsync();
        Assert.NotNull(rebuilt.Snapshot);
        var shown = JsonDocument.Parse(rebuilt.Snapshot!).RootElement.GetProperty("chat").EnumerateArray()
            .Select(c => c.GetProperty("id").GetGuid()).ToHashSet();
        var recent = figures.Chats.Where(c => c.Value > DateTime.UtcNow.AddMinutes(-5)).Select(c => c.Key).ToList();
        Assert.All(recent, id => Assert.Contains(id, shown));
        var last = await teacherAgain.Command("SendChat", "Cả lớp vẫn ở đây chứ?");
        Assert.True(last.Ok, last.Error);
        foreach (var s in students)
            await s.Room.WaitForAsync(e => e.Any(x => x.Seq == last.Seq), $"the teacher's message after the failover at {s.Login}", seconds: 30);
        // A student who never disconnected joined again and, having seen events the old node forgot, got a snapshot.
        Assert.All(students.Where(s => s.Stayed), s => Assert.True(s.SnapshotAfterFailover, $"{s.Login} rejoined without a snapshot."));

        // The attempts go on with the same deadlines.
        foreach (var a in attempts)
        {
            var view = await ProblemAssert.OkAsync<JsonElement>(await a.OnSurvivor.GetAsync($"/api/attempts/{a.Id}"));
            Assert.Equal("in_progress", view.GetProperty("status").GetString());
            // The same deadline (PostgreSQL keeps microseconds; the first answer had the clock's 100 ns ticks).
            Assert.Equal(a.Deadline, view.GetProperty("deadlineAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        }

        output.WriteLine(JsonSerializer.Serialize(new
        {
            run = "failover",
            attempts = attempts.Count,
            attempts_on_killed_node = onVictimCount,
            answers_acknowledged = figures.Answers.Count,
            answers_before_kill = answersAtKill,
            answers_lost = lostAnswers,
            chats_acknowledged = figures.Chats.Count,
            chats_before_kill = chatsAtKill,
            chats_lost = lostChats,
            http_503 = figures.Unavailable,
            room_back_s = Math.Round(figures.RoomBackSeconds, 2),
            answers_back_s = Math.Round(figures.AnswersBackAfter.Values.DefaultIfEmpty().Max(), 2),
        }));
        Assert.Equal(0, lostAnswers);
        Assert.Equal(0, lostChats);
    }

    private sealed record Student(string Login, RoomClient Room, bool Stayed)
    {
        public RoomClient Room { get; set; } = Room;
        public bool SnapshotAfterFailover { get; set; }
        public string Token { get; init; } = "";
    }

    private sealed class Figures
    {
        public ConcurrentDictionary<Guid, DateTime> Answers { get; } = new();
        public ConcurrentDictionary<Guid, DateTime> Chats { get; } = new();
        public ConcurrentDictionary<string, double> AnswersBackAfter { get; } = new();
        public ConcurrentDictionary<string, double> ChatBackAfter { get; } = new();
        public ConcurrentQueue<string> Errors { get; } = new();
        private int _unavailable;
        public int Unavailable => _unavailable;
        public void CountUnavailable() => Interlocked.Increment(ref _unavailable);
        public double RoomBackSeconds => ChatBackAfter.Values.DefaultIfEmpty().Min();
    }

    /// <summary>One student changing answers as fast as they are acknowledged; a 503 is waited out and the same answer sent again.</summary>
    private static async Task AnswerUntilStoppedAsync(string attemptId, HttpClient onVictim, HttpClient onSurvivor, int worker, Figures figures,
        Task<long> killed, CancellationToken stop)
    {
        var client = onVictim;
        for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++)
        {
            var answerId = Guid.NewGuid();
            for (var tries = 0; !stop.IsCancellationRequested && tries < 200; tries++)
            {
                HttpResponseMessage response;
                try
                {
                    response = await client.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new
                    {
                        deviceId = "exam-" + worker,
                        answers = new[] { new { answerId, slot = 1 + i % 10, response = new { text = $"w{worker}-{i}" }, clientTime = DateTimeOffset.UtcNow } },
                    }, CancellationToken.None);
                }
                catch (HttpRequestException)
                {
                    // The node is gone: the browser's next request goes to the other one (the load balancer's job).
                    client = onSurvivor;
                    await Task.Delay(200, CancellationToken.None);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
                    if (body.GetProperty("accepted").EnumerateArray().Any(a => a.GetGuid() == answerId))
                    {
                        figures.Answers[answerId] = DateTime.UtcNow;
                        if (killed.IsCompleted) figures.AnswersBackAfter.TryAdd(attemptId, Stopwatch.GetElapsedTime(killed.Result).TotalSeconds);
                    }
                    break;
                }
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    figures.CountUnavailable();
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait.TotalMilliseconds, 2000)), CancellationToken.None);
                    continue;
                }
                figures.Errors.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
                return;
            }
        }
    }

    /// <summary>
    /// One student chatting; as the web app does, a student whose node died connects to the other and joins from the
    /// last event seen, and one asked to join again (room.resync) joins from before that signal.
    /// </summary>
    private static async Task ChatUntilStoppedAsync(Student student, Uri survivor, Guid sessionId, Figures figures, Task<long> killed, CancellationToken stop)
    {
        long handledResync = 0;
        // Joins again from the last event seen before the newest resync signal (or the last seen at all); true once in.
        async Task<bool> RejoinAsync()
        {
            var resync = student.Room.Received.Where(e => e.Type == "room.resync").Select(e => e.Seq).DefaultIfEmpty().Max();
            var seen = student.Room.Received.Where(e => (resync == 0 || e.Seq < resync) && e.Type != "room.resync").Select(e => e.Seq)
                .DefaultIfEmpty(student.Room.Joined!.Seq).Max();
            try
            {
                var again = await student.Room.JoinAsync(seen);
                if (again.Status != JoinStatuses.Joined) return false;
                if (killed.IsCompleted && again.Snapshot is not null) student.SnapshotAfterFailover = true;
                handledResync = Math.Max(handledResync, resync);
                return true;
            }
            catch (Exception)
            {
                return false; // tried again on the next turn
            }
        }
        for (var i = 0; !stop.IsCancellationRequested && i < 10_000; i++)
        {
            if (student.Room.Received.Any(e => e.Type == "room.resync" && e.Seq > handledResync)) await RejoinAsync();
            try
            {
                var sent = await student.Room.Command("SendChat", $"{student.Login}: tin {i}");
                if (sent.Ok)
                {
                    figures.Chats[Guid.Parse(sent.Value!)] = DateTime.UtcNow;
                    if (killed.IsCompleted) figures.ChatBackAfter.TryAdd(student.Login, Stopwatch.GetElapsedTime(killed.Result).TotalSeconds);
                }
                else if (sent.Error is ClassroomErrors.NotJoined)
                {
                    // The rebuilt room forgot this connection (its resync signal may still be on its way): join again.
                    if (!await RejoinAsync()) await Task.Delay(300, CancellationToken.None);
                }
                else if (sent.Error is ClassroomErrors.Unavailable)
                {
                    await Task.Delay(300, CancellationToken.None);
                }
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // The connection's node died (or the room is between nodes): reconnect to the living node and join again.
                if (student.Room.Connection.State != Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected)
                {
                    var seen = student.Room.LastSeq;
                    try
                    {
                        var moved = await ClassroomKit.ConnectWithTokenAsync(survivor, student.Token, sessionId);
                        try
                        {
                            if ((await moved.JoinAsync(seen)).Status != JoinStatuses.Joined) throw new InvalidOperationException("not joined yet");
                        }
                        catch (Exception)
                        {
                            await moved.DisposeAsync();
                            throw;
                        }
                        await student.Room.DisposeAsync();
                        student.Room = moved;
                    }
                    catch (Exception) { /* not yet: tried again */ }
                }
                await Task.Delay(500, CancellationToken.None);
                continue;
            }
            await Task.Delay(600, CancellationToken.None);
        }
    }

    /// <summary>The node whose log says it hosts something (bounded wait).</summary>
    private async Task<ServerProcess> HostOfAsync(string line)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until)
        {
            foreach (var node in _nodes)
                if (node.Output.Any(l => l.Contains(line, StringComparison.Ordinal))) return node;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No node logged \"{line}\". Their last lines: " +
            string.Join("\n", _nodes.Select(n => string.Join("\n", n.Output.TakeLast(15)))));
    }

    private static async Task<HashSet<Guid>> IdsAsync(NpgsqlConnection db, string sql)
    {
        var ids = new HashSet<Guid>();
        await using var command = new NpgsqlCommand(sql, db);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(Guid.Parse(reader.GetValue(0).ToString()!));
        return ids;
    }
}
