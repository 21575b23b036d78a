using Lms.Grains.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Classroom;

/// <summary>
/// A server whose buckets never refill (zero per second), so a test knows exactly how many calls pass whatever
/// the machine's speed, and whose connection cap is three.
/// </summary>
public sealed class HubLimitsLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Classroom:MaxConnectionsPerPerson=3",
        "--Classroom:Rates:Reactions:Burst=4", "--Classroom:Rates:Reactions:PerSecond=0",
        "--Classroom:Rates:Hands:Burst=3", "--Classroom:Rates:Hands:PerSecond=0",
        "--Classroom:Rates:PollAnswers:Burst=3", "--Classroom:Rates:PollAnswers:PerSecond=0",
        "--Classroom:Rates:Signal:Burst=5", "--Classroom:Rates:Signal:PerSecond=0",
    ];
}

/// <summary>The classroom hub's fair limits, with real SignalR clients against the real server.</summary>
public sealed class HubLimitsTests(HubLimitsLmsServer server) : IClassFixture<HubLimitsLmsServer>
{
    private static async Task<int> PassedAsync(int calls, Func<Task> call)
    {
        var passed = 0;
        for (var i = 0; i < calls; i++)
        {
            try
            {
                await call();
                passed++;
            }
            catch (HubException e)
            {
                Assert.EndsWith(ClassroomErrors.TooFast, e.Message);
            }
        }
        return passed;
    }

    [Fact]
    public async Task Reactions_hands_and_poll_answers_beyond_a_connections_bucket_are_refused_as_too_fast()
    {
        var (course, started) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = started;
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await student.JoinAsync();

        Assert.Equal(4, await PassedAsync(10, () => student.Command("React", "👏")));
        Assert.Equal(3, await PassedAsync(8, () => student.Command("RaiseHand")));
        var poll = Guid.Parse((await teacher.Command("OpenPoll", "Hiểu bài?", new[] { "Có", "Chưa" }, false, false)).Value!);
        Assert.Equal(3, await PassedAsync(6, () => student.Command("AnswerPoll", poll, new[] { 0 })));

        // The limit is the connection's: another student still reacts, and the refused calls changed nothing in the room.
        await using var other = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        await other.JoinAsync();
        Assert.True((await other.Command("React", "👍")).Ok);
        Assert.True((await other.Command("AnswerPoll", poll, new[] { 1 })).Ok);
    }

    [Fact]
    public async Task Signalling_is_bounded_in_size_and_rate_per_recipient()
    {
        var (course, started) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = started;
        await using var a = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await using var b = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        await a.JoinAsync();
        await b.JoinAsync();
        var teacherId = await server.UserIdAsync(LmsServer.Teacher);
        var aId = await server.UserIdAsync(LmsServer.Student1);
        var bId = await server.UserIdAsync(LmsServer.Student2);

        // An offer the size of a real one (audio, video, data channel: a few kilobytes of SDP) passes; 64 KB does not.
        var realOffer = "{\"type\":\"offer\",\"sdp\":\"" + string.Concat(Enumerable.Repeat("a=rtpmap:96 VP8/90000\\r\\n", 300)) + "\"}";
        Assert.InRange(realOffer.Length, 6_000, 10_000);
        await teacher.Connection.InvokeAsync("Signal", course.SessionId, aId, "offer", realOffer);
        var huge = await Assert.ThrowsAsync<HubException>(() =>
            teacher.Connection.InvokeAsync("Signal", course.SessionId, aId, "offer", new string('x', 64_000)));
        Assert.EndsWith(ClassroomErrors.SignalTooLarge, huge.Message);

        // A student flooding the teacher: the first five pass, then too fast; the teacher received exactly those five.
        Assert.Equal(5, await PassedAsync(12, () => a.Connection.InvokeAsync("Signal", course.SessionId, teacherId, "ice", "{\"candidate\":\"c\"}")));
        // The teacher's bucket towards student A is spent by the offer and four more; towards B it is whole.
        Assert.Equal(4, await PassedAsync(8, () => teacher.Connection.InvokeAsync("Signal", course.SessionId, aId, "ice", "{}")));
        Assert.Equal(5, await PassedAsync(8, () => teacher.Connection.InvokeAsync("Signal", course.SessionId, bId, "ice", "{}")));

        await ClassroomGrainTests.WaitUntil(() => Task.FromResult(teacher.Signals.Count >= 5 && a.Signals.Count >= 5 && b.Signals.Count >= 5), "the signals");
        Assert.Equal(5, teacher.Signals.Count);
        Assert.Equal(5, a.Signals.Count);
        Assert.Equal(realOffer, a.Signals.First().Payload);
    }

    [Fact]
    public async Task Signalling_to_ever_new_made_up_recipients_is_cut_off_after_a_rooms_worth()
    {
        var (course, started) = await ClassroomKit.StartedLessonAsync(server);
        await using var teacher = started;
        await using var student = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await student.JoinAsync();

        // Each made-up recipient is not in the room; once the connection holds 256 buckets, a new one is too fast.
        var answers = new List<string>();
        for (var i = 0; i < 260; i++)
        {
            var error = await Assert.ThrowsAsync<HubException>(() =>
                student.Connection.InvokeAsync("Signal", course.SessionId, Guid.NewGuid(), "ice", "{}"));
            answers.Add(error.Message[(error.Message.LastIndexOf(' ') + 1)..]);
        }
        Assert.Equal(256, answers.Count(a => a == ClassroomErrors.NotFound));
        Assert.Equal(Enumerable.Repeat(ClassroomErrors.TooFast, 4), answers.Skip(256));
    }

    [Fact]
    public async Task A_person_holds_at_most_three_connections_and_the_new_one_is_refused_with_a_code()
    {
        var course = await ClassroomKit.LiveCourseAsync(server);
        var held = new List<RoomClient>();
        for (var i = 0; i < 3; i++) held.Add(await ClassroomKit.ConnectAsync(server, LmsServer.Student3, course.SessionId));

        var refusal = await RefusalAsync(LmsServer.Student3, course.SessionId);
        Assert.Contains(ClassroomErrors.TooManyConnections, refusal);
        // Someone else is not affected.
        await using (var other = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId)) { }

        // Closing one frees its place (once the server has seen it go).
        await held[0].DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        RoomClient? again = null;
        while (again is null)
        {
            if (await RefusalAsync(LmsServer.Student3, course.SessionId) is null)
            {
                again = await ClassroomKit.ConnectAsync(server, LmsServer.Student3, course.SessionId);
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "The closed connection's place was not freed.");
            await Task.Delay(100);
        }
        held.Add(again);
        foreach (var client in held.Skip(1)) await client.DisposeAsync();
    }

    /// <summary>Connects as <paramref name="login"/>; the server's reason when it closes the connection at once, or null (and closed again) when it stays.</summary>
    private async Task<string?> RefusalAsync(string login, Guid sessionId)
    {
        var token = await ClassroomKit.TokenAsync(server, login);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/classroom"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e =>
        {
            closed.TrySetResult(e?.Message ?? "closed");
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
            // A connection that stays answers an invocation; a refused one is closed before it can.
            await connection.InvokeAsync("Leave", sessionId);
            await connection.DisposeAsync();
            return null;
        }
        catch (Exception)
        {
            var reason = await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
            await connection.DisposeAsync();
            return reason;
        }
    }
}
