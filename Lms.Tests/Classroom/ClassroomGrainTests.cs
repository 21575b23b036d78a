using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Classroom;

public sealed class ClassroomGrainTests(ClassroomGrainCluster fixture) : IClassFixture<ClassroomGrainCluster>
{
    private sealed record Room(Guid SessionId, Caller Teacher, Caller[] Students, IClassroomGrain Grain);

    private async Task<Room> RoomAsync(int students = 3)
    {
        var seeded = await SeedSessionAsync(fixture.Db, "Trường lớp học trực tuyến", "Hàm số bậc hai", students, i => $"Học sinh {i + 1}");
        return new Room(seeded.SessionId, seeded.Teacher, seeded.Students, fixture.Cluster.GrainFactory.GetGrain<IClassroomGrain>(seeded.SessionId));
    }

    internal sealed record SeededSession(Guid SchoolId, Guid SessionId, Caller Teacher, Caller[] Students);

    /// <summary>A school, a teacher's course with a live session starting now, and its students.</summary>
    internal static async Task<SeededSession> SeedSessionAsync(Db db, string schoolName, string title, int students, Func<int, string> studentName)
    {
        var clock = TimeProvider.System;
        var school = await new InstitutionRepository(db, clock).CreateAsync(null, InstitutionKinds.School, schoolName, null);
        var users = new UserRepository(db, clock);
        async Task<Caller> Person(string role, string name)
        {
            var id = Guid.CreateVersion7();
            await users.InsertAsync(new NewUser(id, $"{id:N}@grain.test", null, name, "x"));
            return new Caller(id, name, role, "conn-" + id.ToString("N"));
        }
        var teacher = await Person(ClassroomRoles.Teacher, "Cô Lan");
        var courses = new CourseRepository(db, clock);
        var course = await courses.CreateAsync(school.Id, "Toán 10", null, CourseKinds.Blended, teacher.UserId);
        var module = await courses.AddModuleAsync(course, "Chương 1");
        var created = await new LiveSessionRepository(db, courses, clock).CreateAsync(course, module.Id, title, null,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1), Recurrences.None, null, teacher.UserId, []);
        var list = new List<Caller>();
        for (var i = 0; i < students; i++) list.Add(await Person(ClassroomRoles.Student, studentName(i)));
        return new SeededSession(school.Id, created!.Value.Session.Id, teacher, list.ToArray());
    }

    /// <summary>A fresh command id.</summary>
    internal static string Id() => Guid.NewGuid().ToString("N");

    internal static async Task<CommandResult> Ok(Task<CommandResult> call)
    {
        var result = await call;
        Assert.True(result.Ok, $"Expected success, got {result.Error}");
        return result;
    }

    private static Task LiveAsync(Room room) => LiveAsync(room.Grain, room.Teacher, room.Students);

    /// <summary>The teacher joins and starts the session; every student joins.</summary>
    internal static async Task LiveAsync(IClassroomGrain grain, Caller teacher, IEnumerable<Caller> students)
    {
        await grain.Join(teacher, null);
        await Ok(grain.Execute(teacher, new StartSession(Id())));
        foreach (var s in students) Assert.Equal(JoinStatuses.Joined, (await grain.Join(s, null)).Status);
    }

    [Fact]
    public async Task A_student_cannot_give_teacher_commands_and_a_stranger_connection_cannot_act()
    {
        var room = await RoomAsync(1);
        await LiveAsync(room);
        var student = room.Students[0];

        foreach (var command in new ClassroomCommand[]
                 {
                     new StartSession(Id()), new EndSession(Id()), new SetLock(Id(), true), new Mute(Id(), room.Teacher.UserId),
                     new RemoveParticipant(Id(), room.Teacher.UserId), new GiveFloor(Id(), student.UserId, true),
                     new OpenPoll(Id(), "?", ["a", "b"], false, false), new SetChat(Id(), false), new ClearHand(Id(), student.UserId),
                     new StartBreakouts(Id(), 2, 5, null), new Admit(Id(), null),
                 })
            Assert.Equal(ClassroomErrors.Forbidden, (await room.Grain.Execute(student, command)).Error);

        // Someone claiming a connection they never joined with.
        var impostor = student with { ConnectionId = "not-joined" };
        Assert.Equal(ClassroomErrors.NotJoined, (await room.Grain.Execute(impostor, new SendChat(Id(), "xin chào"))).Error);
        // Students never signal each other.
        Assert.Equal(ClassroomErrors.NotFound, (await room.Grain.Signal(student, Guid.NewGuid(), "offer", "{}")).Error);
        Assert.True((await room.Grain.Signal(student, room.Teacher.UserId, "hello", "")).Ok);
    }

    [Fact]
    public async Task Chat_can_be_turned_off_for_students_and_a_teacher_deletes_a_message()
    {
        var room = await RoomAsync(1);
        await LiveAsync(room);
        var student = room.Students[0];
        var said = await Ok(room.Grain.Execute(student, new SendChat(Id(), "Em chào cô")));

        await Ok(room.Grain.Execute(room.Teacher, new SetChat(Id(), false)));
        Assert.Equal(ClassroomErrors.ChatOff, (await room.Grain.Execute(student, new SendChat(Id(), "Em hỏi ạ"))).Error);
        await Ok(room.Grain.Execute(room.Teacher, new SendChat(Id(), "Cả lớp chú ý")));
        await Ok(room.Grain.Execute(room.Teacher, new DeleteChat(Id(), Guid.Parse(said.Value!))));

        var events = RecordingPublisher.Of(room.SessionId);
        Assert.Equal(2, events.Count(e => e.Event.Type == "chat.message"));
        var deleted = events.Single(e => e.Event.Type == "chat.deleted");
        Assert.Equal(said.Value, JsonDocument.Parse(deleted.Event.Data).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_waiting_room_holds_students_until_admitted_and_a_lock_keeps_new_ones_out()
    {
        var room = await RoomAsync(3);
        await room.Grain.Join(room.Teacher, null);
        // Before the start, students wait for it.
        var early = await room.Grain.Join(room.Students[0], null);
        Assert.Equal((JoinStatuses.Waiting, "not-started"), (early.Status, early.Reason));

        await Ok(room.Grain.Execute(room.Teacher, new SetWaitingRoom(Id(), true)));
        await Ok(room.Grain.Execute(room.Teacher, new StartSession(Id())));
        var waiting = await room.Grain.Join(room.Students[1], null);
        Assert.Equal((JoinStatuses.Waiting, "waiting-room"), (waiting.Status, waiting.Reason));
        Assert.Equal(ClassroomErrors.NotJoined, (await room.Grain.Execute(room.Students[1], new SendChat(Id(), "?"))).Error);

        await Ok(room.Grain.Execute(room.Teacher, new Admit(Id(), room.Students[1].UserId)));
        Assert.True((await room.Grain.Execute(room.Students[1], new RaiseHand(Id()))).Ok);
        var events = RecordingPublisher.Of(room.SessionId);
        Assert.Contains(events, e => e.Event.Type == "you.admitted" && e.To.SequenceEqual([Audiences.User(room.Students[1].UserId)]));
        Assert.Contains(events, e => e.Event.Type == "waiting.joined" && e.To.SequenceEqual([Audiences.Teachers]));

        await Ok(room.Grain.Execute(room.Teacher, new SetLock(Id(), true)));
        Assert.Equal((JoinStatuses.Refused, ClassroomErrors.Locked), await StatusOf(room.Grain.Join(room.Students[2], null)));
        // Someone already admitted comes back in through a lock (a phone that reconnects).
        Assert.Equal(JoinStatuses.Joined, (await room.Grain.Join(room.Students[1] with { ConnectionId = "phone-2" }, null)).Status);

        await Ok(room.Grain.Execute(room.Teacher, new RemoveParticipant(Id(), room.Students[1].UserId)));
        await Ok(room.Grain.Execute(room.Teacher, new SetLock(Id(), false)));
        Assert.Equal((JoinStatuses.Refused, ClassroomErrors.Removed), await StatusOf(room.Grain.Join(room.Students[1] with { ConnectionId = "phone-3" }, null)));
    }

    private static async Task<(string, string?)> StatusOf(Task<JoinResult> join)
    {
        var result = await join;
        return (result.Status, result.Reason);
    }

    [Fact]
    public async Task A_poll_takes_one_answer_per_student_which_a_change_replaces_and_the_floor_goes_and_comes_back()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        var poll = Guid.Parse((await Ok(room.Grain.Execute(room.Teacher, new OpenPoll(Id(), "2 + 2 = ?", ["3", "4", "5"], false, false)))).Value!);

        Assert.Equal(ClassroomErrors.Invalid, (await room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), poll, [0, 1]))).Error);
        Assert.Equal(ClassroomErrors.Invalid, (await room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), poll, [7]))).Error);
        Assert.Equal(ClassroomErrors.NoPoll, (await room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), Guid.NewGuid(), [1]))).Error);
        await Ok(room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), poll, [0])));
        await Ok(room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), poll, [1]))); // changed their mind
        await Ok(room.Grain.Execute(room.Students[1], new AnswerPoll(Id(), poll, [1])));
        await Ok(room.Grain.Execute(room.Teacher, new ClosePoll(Id(), ShowResults: true)));
        Assert.Equal(ClassroomErrors.NoPoll, (await room.Grain.Execute(room.Students[1], new AnswerPoll(Id(), poll, [2]))).Error);

        var closed = RecordingPublisher.Of(room.SessionId).Single(e => e.Event.Type == "poll.closed");
        var data = JsonDocument.Parse(closed.Event.Data).RootElement;
        Assert.Equal([0, 2, 0], data.GetProperty("counts").EnumerateArray().Select(c => c.GetInt32()));
        Assert.Equal(2, data.GetProperty("answered").GetInt32());
        var tallies = RecordingPublisher.Of(room.SessionId).Where(e => e.Event.Type == "poll.tally").ToList();
        Assert.All(tallies, t => Assert.Equal([Audiences.Teachers], t.To));

        await Ok(room.Grain.Execute(room.Students[0], new RaiseHand(Id())));
        await Ok(room.Grain.Execute(room.Teacher, new GiveFloor(Id(), room.Students[0].UserId, AllowVideo: false)));
        Assert.Equal(room.Students[0].UserId, (await room.Grain.GetStatus()).FloorUserId);
        await Ok(room.Grain.Execute(room.Teacher, new TakeFloor(Id())));
        Assert.Null((await room.Grain.GetStatus()).FloorUserId);
        var types = RecordingPublisher.Of(room.SessionId).Select(e => e.Event.Type).ToList();
        Assert.True(types.IndexOf("hand.lowered") > types.IndexOf("hand.raised"));
        Assert.True(types.IndexOf("floor.taken") > types.IndexOf("floor.given"));
    }

    [Fact]
    public async Task Every_event_is_numbered_and_a_client_gets_exactly_what_it_missed_or_a_snapshot_when_too_far_behind()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        var seen = (await room.Grain.GetStatus()).Seq;
        for (var i = 0; i < 10; i++) await Ok(room.Grain.Execute(room.Teacher, new SendChat(Id(), $"Câu {i}")));

        var events = RecordingPublisher.Of(room.SessionId).Select(e => e.Event.Seq).ToList();
        Assert.Equal(events.Order(), events);
        Assert.Equal(events.Distinct().Count(), events.Count);

        var rejoin = await room.Grain.Join(room.Students[0] with { ConnectionId = "again-1" }, seen);
        Assert.Null(rejoin.Snapshot);
        var chats = rejoin.Events.Where(e => e.Type == "chat.message").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"Câu {i}"), chats);
        Assert.All(rejoin.Events, e => Assert.True(e.Seq > seen));
        Assert.Equal(rejoin.Events.Select(e => e.Seq).Order(), rejoin.Events.Select(e => e.Seq));
        // Events meant for teachers only are not replayed to a student.
        Assert.DoesNotContain(rejoin.Events, e => e.Type is "participant.back" or "participant.away");

        for (var i = 0; i < 60; i++) await Ok(room.Grain.Execute(room.Teacher, new SendChat(Id(), $"Thêm {i}")));
        var behind = await room.Grain.Join(room.Students[1] with { ConnectionId = "again-2" }, seen);
        Assert.Empty(behind.Events);
        Assert.NotNull(behind.Snapshot);
        var snapshot = JsonDocument.Parse(behind.Snapshot!).RootElement;
        Assert.Equal(behind.Seq, snapshot.GetProperty("seq").GetInt64());
        Assert.Equal("Thêm 59", snapshot.GetProperty("chat").EnumerateArray().Last().GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_command_sent_twice_is_applied_once_and_answers_the_same()
    {
        var room = await RoomAsync(1);
        await LiveAsync(room);
        var commandId = Id();

        var first = await room.Grain.Execute(room.Students[0], new SendChat(commandId, "Một lần thôi"));
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => room.Grain.Execute(room.Students[0], new SendChat(commandId, "Một lần thôi"))));

        Assert.All(again, r => Assert.Equal(first, r));
        Assert.Single(RecordingPublisher.Of(room.SessionId), e => e.Event.Type == "chat.message");
        // The same id from someone else is their own command.
        Assert.True((await room.Grain.Execute(room.Teacher, new SendChat(commandId, "Cô nhắc lại"))).Ok);
    }

    [Fact]
    public async Task Ending_the_session_writes_attendance_every_poll_with_its_answers_and_the_chat_log()
    {
        var room = await RoomAsync(3);
        await LiveAsync(room);
        var runId = (await room.Grain.GetStatus()).RunId!.Value;
        await Ok(room.Grain.Execute(room.Students[0], new SendChat(Id(), "Em có mặt")));
        var poll = Guid.Parse((await Ok(room.Grain.Execute(room.Teacher, new OpenPoll(Id(), "Hiểu bài chưa?", ["Rồi", "Chưa"], false, true)))).Value!);
        await Ok(room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), poll, [0])));
        await Ok(room.Grain.Execute(room.Students[1], new AnswerPoll(Id(), poll, [1])));
        await room.Grain.Leave(room.Students[2]); // left early, on purpose

        await Ok(room.Grain.Execute(room.Teacher, new EndSession(Id())));

        await using var connection = await fixture.Db.OpenAsync();
        var attendance = (await connection.QueryAsync<(string UserId, string Role)>(
            "SELECT user_id, role FROM live_attendance WHERE run_id = @runId", new { runId = runId.ToString() })).ToList();
        Assert.Equal(4, attendance.Count);
        Assert.Single(attendance, a => a.Role == "teacher");
        Assert.NotNull(await connection.ExecuteScalarAsync<string>("SELECT ended_at FROM live_runs WHERE id = @runId", new { runId = runId.ToString() }));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM live_poll_answers WHERE poll_id = @poll", new { poll = poll.ToString() }));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM live_polls WHERE run_id = @runId AND anonymous = 1", new { runId = runId.ToString() }));
        Assert.Equal("Em có mặt", await connection.ExecuteScalarAsync<string>("SELECT text FROM live_chat WHERE run_id = @runId", new { runId = runId.ToString() }));

        var report = await new LiveSessionRepository(fixture.Db, new CourseRepository(fixture.Db, TimeProvider.System), TimeProvider.System)
            .AttendanceAsync(Guid.Empty, runId);
        Assert.All(report, r => Assert.True(r.Present && r.LastLeftAt >= r.FirstJoinedAt));
        Assert.Equal(RoomStatuses.Ended, (await room.Grain.GetStatus()).Status);
        Assert.Equal(ClassroomErrors.NotJoined, (await room.Grain.Execute(room.Students[0], new SendChat(Id(), "còn ai không?"))).Error);
    }

    [Fact]
    public async Task A_dropped_student_is_kept_through_a_short_drop_and_counted_gone_after_the_grace_period()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        await Ok(room.Grain.Execute(room.Students[0], new RaiseHand(Id())));

        await room.Grain.Dropped(room.Students[0].ConnectionId);
        await room.Grain.Join(room.Students[0] with { ConnectionId = "back-quickly" }, null);
        Assert.Equal(3, (await room.Grain.GetPresence()).Count);
        Assert.DoesNotContain(RecordingPublisher.Of(room.SessionId), e => e.Event.Type == "hand.lowered");

        await room.Grain.Dropped(room.Students[1].ConnectionId);
        await WaitUntil(async () => (await room.Grain.GetPresence()).Count == 2, "the dropped student to be counted gone");
        Assert.Contains(RecordingPublisher.Of(room.SessionId), e => e.Event.Type == "participant.left");
    }

    [Fact]
    public async Task A_new_activation_resumes_from_the_snapshot_keeps_commands_applied_once_and_skips_lost_numbers()
    {
        var room = await RoomAsync(1);
        await LiveAsync(room);
        var commandId = Id();
        await Ok(room.Grain.Execute(room.Students[0], new SendChat(commandId, "Trước khi silo sập")));
        var poll = Guid.Parse((await Ok(room.Grain.Execute(room.Teacher, new OpenPoll(Id(), "Câu hỏi", ["A", "B"], false, false)))).Value!);
        await Ok(room.Grain.Execute(room.Students[0], new AnswerPoll(Id(), poll, [1])));
        var before = await room.Grain.GetStatus();
        await WaitUntil(async () =>
        {
            await using var c = await fixture.Db.OpenAsync();
            return await c.ExecuteScalarAsync<long>("SELECT seq FROM live_state WHERE session_id = @id", new { id = room.SessionId.ToString() }) >= before.Seq;
        }, "the snapshot to be saved");

        await fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var after = await room.Grain.GetStatus();
        Assert.Equal(RoomStatuses.Live, after.Status);
        Assert.Equal(before.RunId, after.RunId);
        Assert.True(after.Seq > before.Seq);
        var rejoin = await room.Grain.Join(room.Students[0] with { ConnectionId = "after-failover" }, before.Seq);
        Assert.Equal(JoinStatuses.Joined, rejoin.Status);
        var snapshot = JsonDocument.Parse((await room.Grain.Join(room.Students[0] with { ConnectionId = "fresh" }, null)).Snapshot!).RootElement;
        Assert.Equal([1], snapshot.GetProperty("poll").GetProperty("myChoices").EnumerateArray().Select(x => x.GetInt32()));
        // The chat command sent before the failure is not applied a second time.
        Assert.True((await room.Grain.Execute(room.Students[0] with { ConnectionId = "fresh" }, new SendChat(commandId, "Trước khi silo sập"))).Ok);
        Assert.Single(RecordingPublisher.Of(room.SessionId), e => e.Event.Type == "chat.message");
    }

    [Fact]
    public async Task Breakout_groups_keep_their_chat_to_themselves_hear_the_teacher_and_come_back_when_the_timer_ends()
    {
        var room = await RoomAsync(4);
        await LiveAsync(room);
        var chosen = new Dictionary<Guid, int>
        {
            [room.Students[0].UserId] = 1, [room.Students[1].UserId] = 1, [room.Students[2].UserId] = 2, [room.Students[3].UserId] = 2,
        };
        Assert.Equal(ClassroomErrors.Invalid, (await room.Grain.Execute(room.Teacher, new StartBreakouts(Id(), 2, 0, null))).Error);
        await Ok(room.Grain.Execute(room.Teacher, new StartBreakouts(Id(), 2, 1, chosen)));

        await Ok(room.Grain.Execute(room.Students[0], new SendChat(Id(), "Nhóm 1 bàn bài")));
        await Ok(room.Grain.Execute(room.Teacher, new BroadcastToBreakouts(Id(), "Còn 5 phút")));
        var events = RecordingPublisher.Of(room.SessionId);
        var chat = events.Single(e => e.Event.Type == "chat.message");
        Assert.Equal([Audiences.Breakout(1), Audiences.Teachers], chat.To);
        Assert.Equal([Audiences.All], events.Single(e => e.Event.Type == "breakout.message").To);
        var started = events.Where(e => e.Event.Type == "breakout.started").ToList();
        Assert.Equal(3, started.Count); // the whole split to teachers, each group its own members
        var group2 = started.Single(e => e.To.SequenceEqual([Audiences.Breakout(2)]));
        Assert.Equal(2, JsonDocument.Parse(group2.Event.Data).RootElement.GetProperty("groups")[0].GetProperty("members").GetArrayLength());

        // A student in group 2 who reconnects is not replayed group 1's chat.
        var seen = (await room.Grain.GetStatus()).Seq - 3;
        var replay = await room.Grain.Join(room.Students[2] with { ConnectionId = "group-2-again" }, seen);
        Assert.DoesNotContain(replay.Events, e => e.Type == "chat.message");

        // Random groups, and an end by the teacher.
        await Ok(room.Grain.Execute(room.Teacher, new StartBreakouts(Id(), 2, 1, null)));
        var random = JsonDocument.Parse(RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "breakout.started" && e.To[0] == Audiences.Teachers).Event.Data)
            .RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("members").GetArrayLength()).ToList();
        Assert.Equal([2, 2], random);
        await Ok(room.Grain.Execute(room.Teacher, new EndBreakouts(Id())));
        Assert.Contains(RecordingPublisher.Of(room.SessionId), e => e.Event.Type == "breakout.ended");
        await Ok(room.Grain.Execute(room.Students[0], new SendChat(Id(), "Về lớp chính")));
        Assert.Equal([Audiences.All], RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "chat.message").To);
    }

    [Fact]
    public async Task Another_feature_publishes_a_numbered_event_into_the_room_and_sees_who_is_there()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        var before = (await room.Grain.GetStatus()).Seq;

        var seq = await room.Grain.Publish("quiz.launched", "{\"quizId\":\"q-1\"}", [Audiences.All]);

        Assert.True(seq > before);
        var published = RecordingPublisher.Of(room.SessionId).Single(e => e.Event.Type == "quiz.launched");
        Assert.Equal(seq, published.Event.Seq);
        var replay = await room.Grain.Join(room.Students[0] with { ConnectionId = "quiz-again" }, before);
        Assert.Contains(replay.Events, e => e.Type == "quiz.launched");
        var presence = await room.Grain.GetPresence();
        Assert.Equal(3, presence.Count);
        Assert.Single(presence, p => p.Role == ClassroomRoles.Teacher);
        await Assert.ThrowsAnyAsync<Exception>(() => room.Grain.Publish("bad", "{not json", [Audiences.All]));
    }

    internal static async Task WaitUntil(Func<Task<bool>> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
