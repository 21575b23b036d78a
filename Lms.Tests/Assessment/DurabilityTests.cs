using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

/// <summary>The real server as its own process (dotnet Lms.Server.dll) on a temp data folder and a free port.</summary>
public sealed class ServerProcess(params string[] extraArguments) : IAsyncDisposable
{
    private Process? _process;
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "lms-proc-" + Guid.NewGuid().ToString("N")[..8]);
    public int Port { get; } = FreePort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    public ConcurrentQueue<string> Output { get; } = new();

    public static string ServerDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(BrowserFixture.RepositoryRoot(), "Lms.Server", "bin", configuration, "net10.0", "Lms.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build Lms.Server first.", dll);
    }

    public async Task StartAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        var start = new ProcessStartInfo("dotnet",
        [
            ServerDll(), $"--urls=http://127.0.0.1:{Port}", "--environment=Production", $"--Data:Directory={DataDirectory}",
            "--Demo:Seed=true", "--Logging:LogLevel:Default=Warning", .. extraArguments,
        ])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = DataDirectory,
        };
        start.Environment["SkipWebBuild"] = "true";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        // Bounded, and generous: a start (migrations, Orleans, the web assets) on a loaded 2-core machine took over 90 s.
        var until = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException("The server exited: " + string.Join("\n", Output));
            try
            {
                if ((await client.GetAsync("/health/live")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            if (DateTime.UtcNow > until) throw new TimeoutException("The server did not start: " + string.Join("\n", Output));
            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process at once: no shutdown, no flush, like a power cut for the application.</summary>
    public void Kill()
    {
        _process?.Kill(entireProcessTree: true);
        _process?.WaitForExit(30_000);
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.Yield();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public async Task<HttpClient> SignedInAsync(string login)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };
        (await client.PostAsJsonAsync("/api/identity/sign-in", new { login, password = LmsServer.DemoPassword })).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>The demo teacher, signed in, and the id of their school.</summary>
    public async Task<(HttpClient Teacher, string School)> DemoTeacherAsync()
    {
        var teacher = await SignedInAsync(LmsServer.Teacher);
        var me = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync("/api/identity/me"));
        return (teacher, me.GetProperty("memberships")[0].GetProperty("institutionId").GetString()!);
    }

    /// <summary>
    /// A published course for the classes with a timed quiz made of every question of the sample GIFT file, through the
    /// HTTP API as its teacher; returns the quiz's id.
    /// </summary>
    public static async Task<string> TimedQuizAsync(HttpClient teacher, string school, string courseTitle, string quizTitle,
        int timeLimitSeconds, params string[] classes)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("valid.gift"))), "file", "valid.gift" } };
        var ids = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsync($"/api/institutions/{school}/questions/import", form)))
            .GetProperty("ids").EnumerateArray().Select(x => x.GetString()).ToList();
        var course = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = courseTitle, kind = "blended" }))).GetProperty("id").GetString();
        var module = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules", new { title = "M" }))).GetProperty("id").GetString();
        var quiz = (await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/modules/{module}/quizzes", new
        {
            title = quizTitle, settings = new { timeLimitSeconds },
            definition = new { sections = new[] { new { title = "", items = ids.Select(id => new { kind = "fixed", questionId = id, points = 1 }).ToArray() } } },
        }))).GetProperty("quizId").GetString()!;
        foreach (var className in classes)
            await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{course}/enrolments", new { className }));
        Assert.Equal(HttpStatusCode.NoContent, (await teacher.PostAsync($"/api/courses/{course}/publish", null)).StatusCode);
        return quiz;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Kill the server while students answer: every acknowledged answer is there after a restart.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_answer_survives_killing_the_server_process()
    {
        await using var server = new ServerProcess();
        await server.StartAsync();
        var (teacher, school) = await server.DemoTeacherAsync();
        var quiz = await ServerProcess.TimedQuizAsync(teacher, school, "Bền vững", "Không mất câu nào", 3600, "10A1");

        var acknowledged = new ConcurrentBag<Guid>();
        var attempts = new List<string>();
        var students = new List<HttpClient>();
        foreach (var login in new[] { LmsServer.Student1, LmsServer.Student2 })
        {
            var client = await server.SignedInAsync(login);
            var attempt = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync($"/api/quizzes/{quiz}/attempts", new { deviceId = login }));
            attempts.Add(attempt.GetProperty("id").GetString()!);
            students.Add(client);
        }

        // Each student keeps changing short answers as fast as the server acknowledges them, four requests at a time.
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var client = students[w % 2];
            var attemptId = attempts[w % 2];
            for (var i = 0; !stop.IsCancellationRequested && i < 100_000; i++)
            {
                var answerId = Guid.NewGuid();
                try
                {
                    var response = await client.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new
                    {
                        deviceId = "d" + w,
                        answers = new[] { new { answerId, slot = 1 + i % 10, response = new { text = $"w{w}-{i}" }, clientTime = DateTimeOffset.UtcNow } },
                    });
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                        if (body.GetProperty("accepted").EnumerateArray().Any(a => a.GetGuid() == answerId)) acknowledged.Add(answerId);
                    }
                }
                catch (HttpRequestException) { return; } // the server is gone
                catch (TaskCanceledException) { return; }
            }
        })).ToList();

        var until = DateTime.UtcNow.AddSeconds(30);
        while (acknowledged.Count < 300 && DateTime.UtcNow < until) await Task.Delay(20);
        server.Kill(); // mid-flight: requests are in progress
        stop.Cancel();
        await Task.WhenAll(workers);
        Assert.True(acknowledged.Count >= 300, $"Only {acknowledged.Count} answers were acknowledged before the kill.");

        await server.StartAsync();
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "lms.db")}"))
        {
            await db.OpenAsync();
            var stored = new HashSet<Guid>();
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT answer_id FROM attempt_answers";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) stored.Add(Guid.Parse(reader.GetString(0)));
            var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged answers were lost.");
        }
        // And the restarted server serves the attempt with its answers.
        var again = await server.SignedInAsync(LmsServer.Student1);
        var resumed = await ProblemAssert.OkAsync<JsonElement>(await again.GetAsync($"/api/attempts/{attempts[0]}"));
        Assert.Equal("in_progress", resumed.GetProperty("status").GetString());
        Assert.True(resumed.GetProperty("responses").EnumerateObject().Any());
    }
}
