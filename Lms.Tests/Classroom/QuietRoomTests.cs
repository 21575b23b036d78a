using Lms.Grains.Classroom;
using Lms.Server.Classroom;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Orleans;

namespace Lms.Tests.Classroom;

/// <summary>The real server whose rooms' senders retire after one quiet second (a minute in production).</summary>
public sealed class QuietSqliteServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => QuietRoom.Arguments;
}

public sealed class QuietPostgresServer(PostgresServer postgres) : PostgresLmsServer(postgres)
{
    protected override IEnumerable<string> ExtraArguments => QuietRoom.Arguments;
}

public sealed class QuietRoomTestsOnSqlite(QuietSqliteServer server) : QuietRoomTests(server), IClassFixture<QuietSqliteServer>;

public sealed class QuietRoomTestsOnPostgres(QuietPostgresServer server) : QuietRoomTests(server), IClassFixture<QuietPostgresServer>;

public static class QuietRoom
{
    public static readonly string[] Arguments =
        ["--Classroom:SenderIdle=00:00:01", "--Classroom:Grace=00:00:03", "--Classroom:StudentChatInterval=00:00:00"];

    /// <summary>Waits (bounded) until no host has a sender for the room: the quiet really lasted past retirement.</summary>
    public static async Task UntilSendersRetiredAsync(Guid sessionId, params LmsServer[] hosts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (hosts.Any(h => ((HubClassroomPublisher)h.Get<IClassroomPublisher>()).HasSender(sessionId)))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("The room's sender never retired after a quiet period");
            await Task.Delay(100);
        }
    }
}

/// <summary>
/// A live lesson as it really runs: long quiet stretches in which nobody clicks anything, then a message, a
/// late joiner, the next run. Real SignalR clients over loopback against the real server and its database.
/// </summary>
public abstract class QuietRoomTests(LmsServer server)
{
    [Fact]
    public async Task After_a_quiet_stretch_the_teachers_message_reaches_the_class_and_a_late_student_joins_and_gets_the_replay()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Ngữ văn 10 — giờ đọc yên lặng");
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var first = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await first.JoinAsync()).Status);
        var joinedAt = first.LastSeq;

        for (var quiet = 1; quiet <= 2; quiet++)
        {
            await QuietRoom.UntilSendersRetiredAsync(course.SessionId, server);
            var said = (await teacher.Command("SendChat", $"Sau lúc yên lặng {quiet}")).Seq;
            await first.WaitForAsync(e => e.Any(x => x.Seq == said), $"the teacher's message after quiet stretch {quiet}");
        }

        await QuietRoom.UntilSendersRetiredAsync(course.SessionId, server);
        await using var late = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId, messagePack: true);
        var joined = await late.JoinAsync(joinedAt);
        Assert.Equal(JoinStatuses.Joined, joined.Status);
        Assert.Equal(2, joined.Events.Count(e => e.Type == "chat.message"));
        var poll = (await teacher.Command("OpenPoll", "Đọc xong chưa?", new[] { "Rồi", "Chưa" }, false, false)).Seq;
        await late.WaitForAsync(e => e.Any(x => x.Seq == poll), "the poll on the late student's phone");
        await first.WaitForAsync(e => e.Any(x => x.Seq == poll), "the poll on the first student's phone");
        Assert.Equal(first.Received.Select(e => e.Seq).Distinct().Count(), first.Received.Count);
    }

    [Fact]
    public async Task A_page_left_open_on_an_ended_run_is_not_admitted_counted_or_listed_in_the_next_run_until_its_student_joins_again()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Tin học 10 — phòng máy");
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var labPc = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        Assert.Equal(JoinStatuses.Joined, (await labPc.JoinAsync()).Status);
        await teacher.Command("End");
        await labPc.WaitForAsync(e => e.Any(x => x.Type == "session.ended"), "the end on the lab PC");

        // Before the next lesson a student opens the page and waits for it to start.
        await using var early = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        Assert.Equal(JoinStatuses.Waiting, (await early.JoinAsync()).Status);
        // The lab PC's connection blips and comes back while the room is ended.
        Assert.Equal(JoinStatuses.Waiting, (await labPc.JoinAsync(labPc.LastSeq)).Status);

        var runId = Guid.Parse((await teacher.Command("Start")).Value!);
        await labPc.WaitForAsync(e => e.Any(x => x.Type == "session.next"), "the lab PC told that a new run began");
        await early.WaitForAsync(e => e.Any(x => x.Type == "you.admitted"), "the early student let in");
        var labPcId = await server.UserIdAsync(LmsServer.Student1);
        var earlyId = await server.UserIdAsync(LmsServer.Student2);
        var presence = await server.Get<IGrainFactory>().GetGrain<IClassroomGrain>(course.SessionId).GetPresence();
        Assert.Contains(presence, p => p.UserId == earlyId);
        Assert.DoesNotContain(presence, p => p.UserId == labPcId);
        // A blip during the next run does not slip the old page in either.
        var again = await labPc.JoinAsync(labPc.LastSeq);
        Assert.Equal(JoinStatuses.Waiting, again.Status);
        Assert.Equal("next-run", again.Reason);

        await teacher.Command("End");
        var report = await ProblemAssert.OkAsync<System.Text.Json.JsonElement>(
            await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/attendance"));
        var people = report.GetProperty("people").EnumerateArray().ToList();
        Assert.False(people.Single(p => p.GetProperty("userId").GetGuid() == labPcId).GetProperty("present").GetBoolean());
        Assert.True(people.Single(p => p.GetProperty("userId").GetGuid() == earlyId).GetProperty("present").GetBoolean());

        // Joining again (a fresh join, as the page's button does) puts the student in the next run.
        await teacher.Command("Start");
        var fresh = await labPc.JoinAsync();
        Assert.Equal(JoinStatuses.Joined, fresh.Status);
    }

    /// <summary>
    /// A short soak: a lesson in scaled time (a second of quiet here is a minute in class) with random quiet gaps on
    /// both sides of the sender's retirement, students joining and leaving throughout, chat and polls. Every event sent
    /// while a student is in the room reaches them once and in order, and every join succeeds.
    /// </summary>
    [Fact]
    public async Task In_a_lesson_with_random_quiet_gaps_and_people_coming_and_going_every_event_reaches_every_student_once_in_order()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Hóa học 10 — một buổi có những khoảng lặng");
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        var random = new Random(17);
        string[] logins = [LmsServer.Student1, LmsServer.Student2];
        var present = new Dictionary<string, RoomClient>();
        var sessions = new List<(RoomClient Client, long From, long To)>();
        var sent = new List<long>();
        int joins = 0, leaves = 0;
        try
        {
            for (var step = 0; step < 24; step++)
            {
                var login = logins[random.Next(logins.Length)];
                if (random.Next(4) == 0)
                {
                    if (present.Remove(login, out var leaving))
                    {
                        var upTo = sent.Count > 0 ? sent[^1] : leaving.Joined!.Seq;
                        await leaving.WaitForAsync(e => e.Any(x => x.Seq >= upTo) || upTo <= leaving.Joined!.Seq, "the events before leaving");
                        sessions.Add((leaving, leaving.Joined!.Seq, upTo));
                        await leaving.Connection.InvokeAsync("Leave", course.SessionId);
                        await leaving.DisposeAsync();
                        leaves++;
                    }
                    else
                    {
                        var client = await ClassroomKit.ConnectAsync(server, login, course.SessionId, messagePack: random.Next(2) == 0);
                        Assert.Equal(JoinStatuses.Joined, (await client.JoinAsync()).Status);
                        present[login] = client;
                        joins++;
                    }
                }
                // A quiet gap: shorter or longer than the sender's life (one second here).
                await Task.Delay(random.Next(4) == 0 ? 1500 + random.Next(1000) : random.Next(50, 400));
                sent.Add(step % 6 == 5
                    ? (await teacher.Command("OpenPoll", $"Câu {step}?", new[] { "A", "B" }, false, false)).Seq
                    : (await teacher.Command("SendChat", $"Ý {step}")).Seq);
            }
            var last = sent[^1];
            foreach (var client in present.Values)
            {
                await client.WaitForAsync(e => e.Any(x => x.Seq == last), "the last event of the lesson");
                sessions.Add((client, client.Joined!.Seq, last));
            }
            Assert.True(joins >= 2, $"the soak joined {joins} times");
            foreach (var (client, from, to) in sessions)
            {
                var seqs = client.Received.Select(e => e.Seq).ToList();
                Assert.Equal(seqs.Order().Distinct(), seqs); // once each, in order
                var missing = sent.Where(seq => seq > from && seq <= to).Except(seqs).ToList();
                Assert.True(missing.Count == 0, $"a student missed events {string.Join(", ", missing)} (joins {joins}, leaves {leaves})");
            }
        }
        finally
        {
            foreach (var client in present.Values) await client.DisposeAsync();
        }
    }
}
