using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Classroom;

/// <summary>The real server with a small replay buffer and a short grace period, so the tests can reach both.</summary>
public sealed class ClassroomLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments =>
        ["--Classroom:ReplayBuffer=64", "--Classroom:Grace=00:00:03", "--Classroom:StudentChatInterval=00:00:00"];
}

/// <summary>A course with class 10A1 enrolled, published, and a live session in it, made through the API as a teacher would.</summary>
public sealed record LiveCourse(HttpClient Teacher, Guid CourseId, Guid ModuleId, Guid SessionId);

/// <summary>A real SignalR client of the classroom hub, keeping every event it receives in order.</summary>
public sealed class RoomClient(HubConnection connection, Guid sessionId) : IAsyncDisposable
{
    public HubConnection Connection { get; } = connection;
    public Guid SessionId { get; } = sessionId;
    public ConcurrentQueue<ClassroomEvent> Received { get; } = new();
    public ConcurrentQueue<SignalMessage> Signals { get; } = new();
    public JoinResult? Joined { get; private set; }

    public long LastSeq => Received.IsEmpty ? Joined?.Seq ?? 0 : Math.Max(Received.Max(e => e.Seq), Joined?.Seq ?? 0);

    public async Task<JoinResult> JoinAsync(long? lastSeq = null)
    {
        Joined = await Connection.InvokeAsync<JoinResult>("Join", SessionId, lastSeq);
        return Joined;
    }

    public Task<CommandResult> Command(string method, params object?[] args) =>
        Connection.InvokeCoreAsync<CommandResult>(method, [SessionId, Guid.NewGuid().ToString("N"), .. args]);

    public async Task WaitForAsync(Func<IReadOnlyList<ClassroomEvent>, bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition(Received.ToList()))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out waiting for {what}; received: {string.Join(", ", Received.Select(e => $"{e.Seq}:{e.Type}"))}");
            await Task.Delay(20);
        }
    }

    public async Task WaitForSignalAsync(Func<SignalMessage, bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Signals.Any(condition))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}; signals: {string.Join(", ", Signals.Select(s => s.Kind))}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}

public static class ClassroomKit
{
    public static async Task<LiveCourse> LiveCourseAsync(LmsServer server, string title = "Toán 10 — Hàm số bậc hai (trực tuyến)") =>
        await LiveCourseAsync(await server.SignedInAsync(LmsServer.Teacher), await server.DemoSchoolIdAsync(), title);

    /// <summary>The same, through any server's HTTP API (a server in its own process): the teacher signed in there, and their school.</summary>
    public static async Task<LiveCourse> LiveCourseAsync(HttpClient teacher, Guid school, string title)
    {
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title, summary = "Lớp học trực tuyến", kind = "blended" }));
        var courseId = course.GetProperty("id").GetGuid();
        var module = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title = "Tuần 1" }));
        var moduleId = module.GetProperty("id").GetGuid();
        await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className = "10A1" }));
        (await teacher.PostAsync($"/api/courses/{courseId}/publish", null)).EnsureSuccessStatusCode();
        var session = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/classroom/courses/{courseId}/sessions", new
        {
            moduleId, title = "Buổi 1: Đồ thị hàm số", startsAt = DateTimeOffset.UtcNow.AddMinutes(-5), endsAt = DateTimeOffset.UtcNow.AddMinutes(55),
        }));
        return new LiveCourse(teacher, courseId, moduleId, session.GetProperty("id").GetGuid());
    }

    /// <summary>A live course whose teacher has connected, joined and started the lesson.</summary>
    public static async Task<(LiveCourse Course, RoomClient Teacher)> StartedLessonAsync(LmsServer server)
    {
        var course = await LiveCourseAsync(server);
        var teacher = await ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        return (course, teacher);
    }

    public static Task<string> TokenAsync(LmsServer server, string login) => TokenAsync(server.BaseAddress, login);

    public static async Task<string> TokenAsync(Uri server, string login)
    {
        using var client = new HttpClient { BaseAddress = server };
        var response = await client.PostAsJsonAsync("/api/identity/token", new { login, password = LmsServer.DemoPassword });
        return (await ProblemAssert.OkAsync<JsonElement>(response)).GetProperty("accessToken").GetString()!;
    }

    public static Task<RoomClient> ConnectAsync(LmsServer server, string login, Guid sessionId, bool messagePack = false) =>
        ConnectAsync(server.BaseAddress, login, sessionId, messagePack);

    public static async Task<RoomClient> ConnectAsync(Uri server, string login, Guid sessionId, bool messagePack = false) =>
        await ConnectWithTokenAsync(server, await TokenAsync(server, login), sessionId, messagePack);

    /// <summary>With a token already held (a client reconnecting does not sign in again).</summary>
    public static async Task<RoomClient> ConnectWithTokenAsync(Uri server, string token, Guid sessionId, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "/hubs/classroom"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token));
        if (messagePack) builder.AddMessagePackProtocol();
        var connection = builder.Build();
        var client = new RoomClient(connection, sessionId);
        connection.On<ClassroomEvent>("event", e => client.Received.Enqueue(e));
        connection.On<SignalMessage>("signal", m => client.Signals.Enqueue(m));
        await connection.StartAsync();
        return client;
    }

    public static JsonElement DataOf(ClassroomEvent e) => JsonDocument.Parse(e.Data).RootElement;
}

/// <summary>The steps every browser test of a live room begins with, as a person takes them.</summary>
public static class BrowserRoom
{
    /// <summary>The teacher signs in, opens the room and starts the lesson; returns once the page says it is live.</summary>
    public static async Task StartLessonAsync(Microsoft.Playwright.IPage teacher, Guid sessionId)
    {
        await BrowserFixture.SignInAsync(teacher, LmsServer.Teacher);
        await teacher.GotoAsync($"/live/{sessionId}");
        await teacher.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Bắt đầu buổi học" }).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(teacher.GetByTestId("live-status")).ToHaveTextAsync("Đang học");
    }

    /// <summary>A student signs in and opens the room.</summary>
    public static async Task OpenAsync(Microsoft.Playwright.IPage page, string login, Guid sessionId)
    {
        await BrowserFixture.SignInAsync(page, login);
        await page.GotoAsync($"/live/{sessionId}");
    }

    /// <summary>Waits until the video element has decoded more frames and moved its clock on: real frames arriving.</summary>
    public static async Task ExpectFramesAdvanceAsync(Microsoft.Playwright.IPage page, string testId)
    {
        var video = page.GetByTestId(testId);
        await Microsoft.Playwright.Assertions.Expect(video).ToBeVisibleAsync();
        const string read = "v => [v.getVideoPlaybackQuality().totalVideoFrames, v.currentTime, v.videoWidth]";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        double[] first;
        while (true)
        {
            first = await video.EvaluateAsync<double[]>(read);
            if (first[0] > 0 && first[2] > 0) break;
            if (DateTime.UtcNow > deadline) Assert.Fail($"No video frames arrived in {testId}: {string.Join(", ", first)}");
            await Task.Delay(200);
        }
        while (true)
        {
            var now = await video.EvaluateAsync<double[]>(read);
            if (now[0] >= first[0] + 10 && now[1] > first[1]) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Video frames stopped in {testId}: {string.Join(", ", first)} then {string.Join(", ", now)}");
            await Task.Delay(200);
        }
    }
}
