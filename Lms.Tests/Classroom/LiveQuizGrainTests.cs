using System.Text.Json;
using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Classroom;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Classroom;

/// <summary>A real Orleans test cluster whose classroom and live quiz grains use a real SQLite file (and the assessment's group commit).</summary>
public sealed class LiveQuizGrainCluster : SqliteGrainCluster<LiveQuizGrainCluster.Services>
{
    public sealed class Services : ISiloServices
    {
        public static void Add(IServiceCollection services)
        {
            services.AddSingleton<CourseRepository>();
            services.AddSingleton<LiveSessionRepository>();
            services.AddSingleton<QuestionRepository>();
            services.AddSingleton<GroupCommitWriter>();
            services.AddSingleton<LiveQuizRepository>();
            services.AddSingleton<IClassroomPublisher, RecordingPublisher>();
            services.AddSingleton<IClassroomMedia, NoClassroomMedia>();
            services.Configure<ClassroomOptions>(o =>
            {
                o.ReplayBuffer = 256;
                o.Grace = TimeSpan.FromSeconds(30);
                o.SnapshotInterval = TimeSpan.FromMilliseconds(200);
            });
            services.Configure<LiveQuizOptions>(o =>
            {
                o.Grace = TimeSpan.FromMilliseconds(300);
                o.TallyInterval = TimeSpan.FromMilliseconds(100);
            });
        }
    }
}

/// <summary>The live quiz's rules on an Orleans test cluster: who may do what, one answer each, late answers, records, replay, a new activation.</summary>
public sealed class LiveQuizGrainTests(LiveQuizGrainCluster fixture) : IClassFixture<LiveQuizGrainCluster>
{
    private sealed record Room(Guid SessionId, Guid SchoolId, Caller Teacher, Caller[] Students, IClassroomGrain Classroom, ILiveQuizGrain Quiz,
        Dictionary<string, Guid> Questions);

    private static readonly QuestionContent TwoPlusTwo = new()
    {
        Type = QuestionTypes.Single, Stem = "<p>2 + 2 = ?</p>",
        Choices = [new Choice { Id = "a", Text = "3" }, new Choice { Id = "b", Text = "4", Fraction = 1 }, new Choice { Id = "c", Text = "5" }],
    };
    private static readonly QuestionContent Parabola = new() { Type = QuestionTypes.TrueFalse, Stem = "Đồ thị của y = x² là một parabol.", Correct = true };
    private static readonly QuestionContent Roots = new()
    {
        Type = QuestionTypes.Multiple, Stem = "Nghiệm của x² − 5x + 6 = 0",
        Choices = [new Choice { Id = "a", Text = "2", Fraction = 0.5 }, new Choice { Id = "b", Text = "3", Fraction = 0.5 }, new Choice { Id = "c", Text = "6", Fraction = -0.5 }],
    };
    private static readonly QuestionContent Essay = new() { Type = QuestionTypes.Essay, Stem = "Trình bày cách vẽ đồ thị." };

    private async Task<Room> RoomAsync(int students)
    {
        var clock = TimeProvider.System;
        var db = fixture.Db;
        var seeded = await ClassroomGrainTests.SeedSessionAsync(db, "Trường trắc nghiệm trực tiếp", "Ôn tập", students, i => $"Học sinh {i + 1:00}");
        var (school, teacher, sessionId) = (seeded.SchoolId, seeded.Teacher, seeded.SessionId);
        var other = await new InstitutionRepository(db, clock).CreateAsync(null, InstitutionKinds.School, "Trường khác", null);
        var bank = new QuestionRepository(db, clock);
        QuestionDraft Draft(string title, QuestionContent content, bool shared = false) =>
            new(new QuestionMeta { Title = title, Tags = ["trực tiếp"], Shared = shared }, content);
        var ids = await bank.CreateManyAsync(school, teacher.UserId,
            [Draft("Cộng", TwoPlusTwo), Draft("Parabol", Parabola), Draft("Nghiệm", Roots), Draft("Tự luận", Essay)]);
        var foreign = await bank.CreateManyAsync(other.Id, teacher.UserId, [Draft("Của trường khác", TwoPlusTwo), Draft("Chia sẻ", Parabola, shared: true)]);
        var questions = new Dictionary<string, Guid>
        {
            ["single"] = ids[0], ["truefalse"] = ids[1], ["multiple"] = ids[2], ["essay"] = ids[3], ["foreign"] = foreign[0], ["shared"] = foreign[1],
        };
        return new Room(sessionId, school, teacher, seeded.Students, fixture.Cluster.GrainFactory.GetGrain<IClassroomGrain>(sessionId),
            fixture.Cluster.GrainFactory.GetGrain<ILiveQuizGrain>(sessionId), questions);
    }

    private static string Id() => ClassroomGrainTests.Id();

    private static Task<CommandResult> Ok(Task<CommandResult> call) => ClassroomGrainTests.Ok(call);

    private static Task LiveAsync(Room room) => ClassroomGrainTests.LiveAsync(room.Classroom, room.Teacher, room.Students);

    private static async Task<Guid> LaunchAsync(Room room, string question, int? limit = null, bool speedBonus = false) =>
        Guid.Parse((await Ok(room.Quiz.Execute(room.Teacher, new LaunchQuizQuestion(Id(), room.Questions[question], limit, speedBonus)))).Value!);

    private static Task<CommandResult> Answer(Room room, Caller student, Guid launch, object response, string? commandId = null) =>
        room.Quiz.Execute(student, new AnswerQuizQuestion(commandId ?? Id(), launch, JsonSerializer.Serialize(response)));

    private static JsonElement Data(ClassroomEvent e) => JsonDocument.Parse(e.Data).RootElement;

    private static async Task<JsonElement> StateAsync(Room room, Caller who) => JsonDocument.Parse(await room.Quiz.GetState(who)).RootElement;

    private async Task<List<(string UserId, string Response, double Fraction, int Points)>> StoredAsync(Guid launch)
    {
        await using var connection = await fixture.Db.OpenAsync();
        return (await connection.QueryAsync<(string, string, double, int)>(
            "SELECT user_id, response, fraction, points FROM live_quiz_answers WHERE launch_id = @launch", new { launch = launch.ToString() })).ToList();
    }

    [Fact]
    public async Task Only_teachers_launch_students_answer_once_a_change_replaces_the_answer_and_an_answer_after_the_close_is_refused()
    {
        var room = await RoomAsync(3);
        Assert.Equal(ClassroomErrors.NotJoined, (await room.Quiz.Execute(room.Teacher, new LaunchQuizQuestion(Id(), room.Questions["single"], null, false))).Error);
        await room.Classroom.Join(room.Teacher, null);
        Assert.Equal(ClassroomErrors.NotLive, (await room.Quiz.Execute(room.Teacher, new LaunchQuizQuestion(Id(), room.Questions["single"], null, false))).Error);
        await Ok(room.Classroom.Execute(room.Teacher, new StartSession(Id())));
        foreach (var s in room.Students) await room.Classroom.Join(s, null);
        var (a, b, c) = (room.Students[0], room.Students[1], room.Students[2]);

        foreach (var command in new LiveQuizCommand[]
                 {
                     new LaunchQuizQuestion(Id(), room.Questions["single"], null, false), new CloseQuizQuestion(Id()), new RevealQuizResults(Id()),
                     new ShowQuizLeaderboard(Id()), new ClearQuiz(Id()),
                 })
            Assert.Equal(ClassroomErrors.Forbidden, (await room.Quiz.Execute(a, command)).Error);
        // What the bank allows: no essays live, no other school's unshared questions; a shared one is fine.
        Assert.Equal(LiveQuizErrors.NotGradable, (await room.Quiz.Execute(room.Teacher, new LaunchQuizQuestion(Id(), room.Questions["essay"], null, false))).Error);
        Assert.Equal(ClassroomErrors.NotFound, (await room.Quiz.Execute(room.Teacher, new LaunchQuizQuestion(Id(), room.Questions["foreign"], null, false))).Error);
        Assert.Equal(ClassroomErrors.Invalid, (await room.Quiz.Execute(room.Teacher, new LaunchQuizQuestion(Id(), room.Questions["single"], 2, true))).Error);
        await LaunchAsync(room, "shared");

        var launch = await LaunchAsync(room, "single");
        await Ok(Answer(room, a, launch, new { choice = "a" }));
        await Ok(Answer(room, a, launch, new { choice = "b" })); // changed their mind: replaces
        await Ok(Answer(room, b, launch, new { choice = "b" }));
        Assert.Equal(ClassroomErrors.Invalid, (await room.Quiz.Execute(c, new AnswerQuizQuestion(Id(), launch, "{not json"))).Error);
        Assert.Equal(ClassroomErrors.Invalid, (await room.Quiz.Execute(c, new AnswerQuizQuestion(Id(), launch, "[1,2]"))).Error);
        Assert.Equal(LiveQuizErrors.NoQuestion, (await Answer(room, c, Guid.NewGuid(), new { choice = "b" })).Error);
        Assert.Equal(ClassroomErrors.Forbidden, (await Answer(room, room.Teacher, launch, new { choice = "b" })).Error);
        // Someone claiming a connection they never joined the room with.
        Assert.Equal(ClassroomErrors.NotJoined, (await Answer(room, c with { ConnectionId = "not-joined" }, launch, new { choice = "b" })).Error);

        await Ok(room.Quiz.Execute(room.Teacher, new CloseQuizQuestion(Id())));
        Assert.Equal(LiveQuizErrors.Closed, (await Answer(room, c, launch, new { choice = "b" })).Error);
        Assert.Equal(LiveQuizErrors.Closed, (await Answer(room, a, launch, new { choice = "c" })).Error);

        // Written through: one row each, the changed answer in place of the first, graded against the bank.
        var stored = await StoredAsync(launch);
        Assert.Equal(2, stored.Count);
        var mine = stored.Single(r => r.UserId == a.UserId.ToString());
        Assert.Contains("\"b\"", mine.Response);
        Assert.Equal((1.0, 1000), (mine.Fraction, mine.Points)); // no time limit: no speed bonus
        var closed = RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "quiz.closed");
        Assert.Equal(2, Data(closed.Event).GetProperty("answered").GetInt32());
        Assert.Equal([Audiences.All], closed.To);
    }

    [Fact]
    public async Task A_timed_question_closes_itself_a_quick_right_answer_earns_the_speed_bonus_and_a_late_one_is_refused()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        var launch = await LaunchAsync(room, "single", limit: 5, speedBonus: true);
        var launched = Data(RecordingPublisher.Of(room.SessionId).Single(e => e.Event.Type == "quiz.launched").Event);
        Assert.Equal(5, launched.GetProperty("timeLimitSeconds").GetInt32());
        // Students see the question without its right answers.
        var question = launched.GetProperty("question");
        Assert.Equal("single", question.GetProperty("type").GetString());
        Assert.Equal(["a", "b", "c"], question.GetProperty("choices").EnumerateArray().Select(x => x.GetProperty("id").GetString()));
        Assert.DoesNotContain("fraction", launched.GetRawText());

        await Ok(Answer(room, room.Students[0], launch, new { choice = "b" }));
        await ClassroomGrainTests.WaitUntil(() => Task.FromResult(RecordingPublisher.Of(room.SessionId).Any(e => e.Event.Type == "quiz.closed")),
            "the question to close at its time limit", seconds: 20);
        Assert.Equal(LiveQuizErrors.Closed, (await Answer(room, room.Students[1], launch, new { choice = "b" })).Error);

        var quick = (await StoredAsync(launch)).Single();
        Assert.InRange(quick.Points, 800, 1000); // 1000 × (1 − t / 2T), answered within the first seconds of 5
        var tally = RecordingPublisher.Of(room.SessionId).Where(e => e.Event.Type == "quiz.tally").ToList();
        Assert.NotEmpty(tally);
        Assert.All(tally, t => Assert.Equal([Audiences.Teachers], t.To));
        Assert.Equal(1, Data(tally[^1].Event).GetProperty("answered").GetInt32());
    }

    [Fact]
    public async Task Results_show_the_distribution_and_right_answer_and_the_leaderboard_ranks_by_points_then_time()
    {
        var room = await RoomAsync(3);
        await LiveAsync(room);
        var (a, b, c) = (room.Students[0], room.Students[1], room.Students[2]);

        var first = await LaunchAsync(room, "single");
        await Ok(Answer(room, a, first, new { choice = "b" }));
        await Ok(Answer(room, b, first, new { choice = "b" }));
        await Ok(Answer(room, c, first, new { choice = "a" }));
        // Before the results, a student's state does not tell them whether they were right.
        var before = await StateAsync(room, a);
        Assert.Equal(LiveQuizStages.Question, before.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("mine").GetProperty("points").ValueKind);
        Assert.Equal(JsonValueKind.Null, before.GetProperty("question").GetProperty("answered").ValueKind);
        Assert.Equal(3, (await StateAsync(room, room.Teacher)).GetProperty("question").GetProperty("answered").GetInt32());

        await Ok(room.Quiz.Execute(room.Teacher, new RevealQuizResults(Id()))); // closes, then shows
        var results = Data(RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "quiz.results").Event);
        Assert.Equal("4", results.GetProperty("rightAnswer").GetString());
        var bars = results.GetProperty("distribution").EnumerateArray().ToDictionary(x => x.GetProperty("key").GetString()!, x => x);
        Assert.Equal((1, false), (bars["a"].GetProperty("count").GetInt32(), bars["a"].GetProperty("right").GetBoolean()));
        Assert.Equal((2, true), (bars["b"].GetProperty("count").GetInt32(), bars["b"].GetProperty("right").GetBoolean()));
        Assert.Equal(0, bars["c"].GetProperty("count").GetInt32());
        var mine = (await StateAsync(room, c)).GetProperty("mine");
        Assert.False(mine.GetProperty("correct").GetBoolean());
        Assert.Equal(0, mine.GetProperty("points").GetInt32());

        // Partial credit counts: one right root of two is half.
        var second = await LaunchAsync(room, "multiple");
        await Ok(Answer(room, c, second, new { choices = new[] { "a", "b" } }));
        await Ok(Answer(room, b, second, new { choices = new[] { "a" } }));
        await Ok(Answer(room, a, second, new { choices = new[] { "c" } }));
        await Ok(room.Quiz.Execute(room.Teacher, new ShowQuizLeaderboard(Id())));
        var board = Data(RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "quiz.leaderboard").Event);
        var top = board.GetProperty("top").EnumerateArray().Select(x => (x.GetProperty("name").GetString(), x.GetProperty("points").GetInt32(), x.GetProperty("rank").GetInt32())).ToList();
        // b: 1000 + 500; a: 1000 + 0; c: 0 + 1000 (a and c tie on points: the quicker in total comes first, both rank 2).
        Assert.Equal(("Học sinh 02", 1500, 1), top[0]);
        Assert.Equal([1000, 1000], top.Skip(1).Select(t => t.Item2));
        Assert.All(top.Skip(1), t => Assert.Equal(2, t.Item3));
        Assert.Equal(3, board.GetProperty("players").GetInt32());
        var me = (await StateAsync(room, b)).GetProperty("me");
        Assert.Equal((1500, 1, 1), (me.GetProperty("points").GetInt32(), me.GetProperty("rank").GetInt32(), me.GetProperty("correct").GetInt32()));
        Assert.Equal(LiveQuizStages.Leaderboard, (await StateAsync(room, a)).GetProperty("stage").GetString());

        await Ok(room.Quiz.Execute(room.Teacher, new ClearQuiz(Id())));
        Assert.Equal(LiveQuizStages.Idle, (await StateAsync(room, a)).GetProperty("stage").GetString());
    }

    [Fact]
    public async Task Quiz_events_are_numbered_with_the_rooms_and_a_student_who_reconnects_is_replayed_them_but_not_the_teachers_tally()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        var seen = (await room.Classroom.GetStatus()).Seq;
        var launch = await LaunchAsync(room, "truefalse");
        await Ok(Answer(room, room.Students[1], launch, new { value = true }));
        await ClassroomGrainTests.WaitUntil(() => Task.FromResult(RecordingPublisher.Of(room.SessionId).Any(e => e.Event.Type == "quiz.tally")), "the tally");
        await Ok(room.Quiz.Execute(room.Teacher, new RevealQuizResults(Id())));

        var all = RecordingPublisher.Of(room.SessionId).Select(e => e.Event.Seq).ToList();
        Assert.Equal(all.Order(), all);
        Assert.Equal(all.Distinct().Count(), all.Count);
        var rejoin = await room.Classroom.Join(room.Students[0] with { ConnectionId = "phone-back" }, seen);
        Assert.Null(rejoin.Snapshot);
        Assert.Equal(["quiz.launched", "quiz.closed", "quiz.results"], rejoin.Events.Where(e => e.Type.StartsWith("quiz.")).Select(e => e.Type));
        // The state asked for after the join agrees, and says which event it reflects.
        var state = await StateAsync(room, room.Students[0] with { ConnectionId = "phone-back" });
        Assert.Equal(rejoin.Events.Last(e => e.Type.StartsWith("quiz.")).Seq, state.GetProperty("seq").GetInt64());
        Assert.Equal(LiveQuizStages.Results, state.GetProperty("stage").GetString());
        Assert.Equal("true", state.GetProperty("question").GetProperty("results").GetProperty("rightAnswer").GetString());
    }

    [Fact]
    public async Task Answers_given_together_are_all_stored_before_the_close_and_every_acknowledged_answer_counts()
    {
        var room = await RoomAsync(30);
        await LiveAsync(room);
        var launch = await LaunchAsync(room, "single");
        var answering = room.Students.Select((s, i) => Answer(room, s, launch, new { choice = i % 3 == 0 ? "a" : "b" })).ToList();
        var closing = room.Quiz.Execute(room.Teacher, new CloseQuizQuestion(Id()));
        var outcomes = await Task.WhenAll(answering);
        await Ok(closing);

        Assert.All(outcomes, o => Assert.True(o.Ok || o.Error == LiveQuizErrors.Closed, o.Error));
        var acknowledged = outcomes.Count(o => o.Ok);
        Assert.Equal(acknowledged, (await StoredAsync(launch)).Count);
        var closed = Data(RecordingPublisher.Of(room.SessionId).Single(e => e.Event.Type == "quiz.closed").Event);
        Assert.Equal(acknowledged, closed.GetProperty("answered").GetInt32());
    }

    [Fact]
    public async Task A_new_activation_rebuilds_the_quiz_from_the_database_and_an_answer_sent_again_is_not_applied_twice()
    {
        var room = await RoomAsync(2);
        await LiveAsync(room);
        var first = await LaunchAsync(room, "single");
        await Ok(Answer(room, room.Students[0], first, new { choice = "b" }));
        await Ok(room.Quiz.Execute(room.Teacher, new RevealQuizResults(Id())));
        var second = await LaunchAsync(room, "truefalse");
        var commandId = Id();
        var once = await Ok(Answer(room, room.Students[0], second, new { value = true }, commandId));
        var before = (await room.Classroom.GetStatus()).Seq;
        await ClassroomGrainTests.WaitUntil(async () =>
        {
            await using var c = await fixture.Db.OpenAsync();
            return await c.ExecuteScalarAsync<long>("SELECT seq FROM live_state WHERE session_id = @id", new { id = room.SessionId.ToString() }) >= before;
        }, "the room's snapshot");

        var lastQuizSeq = RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type.StartsWith("quiz.")).Event.Seq;

        await fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        // Everyone's phones join again (a new activation of the room forgets connections).
        await room.Classroom.Join(room.Teacher, null);
        foreach (var s in room.Students) await room.Classroom.Join(s, null);
        var again = await Answer(room, room.Students[0], second, new { value = true }, commandId);
        Assert.Equal((once.Ok, once.Value), (again.Ok, again.Value));
        var state = await StateAsync(room, room.Teacher);
        Assert.Equal(LiveQuizStages.Question, state.GetProperty("stage").GetString());
        Assert.Equal(2, state.GetProperty("questions").GetInt32());
        Assert.Equal(1, state.GetProperty("question").GetProperty("answered").GetInt32());
        // The rebuilt state says it reflects every quiz event numbered before (a client would otherwise take it for an older one).
        Assert.True(state.GetProperty("seq").GetInt64() >= lastQuizSeq, $"state seq {state.GetProperty("seq")} < last quiz event {lastQuizSeq}");
        await Ok(Answer(room, room.Students[1], second, new { value = false }));
        await Ok(room.Quiz.Execute(room.Teacher, new ShowQuizLeaderboard(Id())));
        var board = Data(RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "quiz.leaderboard").Event);
        Assert.Equal(2000, board.GetProperty("top")[0].GetProperty("points").GetInt32());
        Assert.Equal(2, (await StoredAsync(second)).Count);
    }

    [Fact]
    public async Task Ending_the_session_closes_the_open_question_and_a_new_run_starts_a_new_quiz()
    {
        var room = await RoomAsync(1);
        await LiveAsync(room);
        var launch = await LaunchAsync(room, "single");
        await Ok(Answer(room, room.Students[0], launch, new { choice = "b" }));
        await Ok(room.Classroom.Execute(room.Teacher, new EndSession(Id())));
        await ClassroomGrainTests.WaitUntil(async () =>
        {
            await using var c = await fixture.Db.OpenAsync();
            return await c.ExecuteScalarAsync<string?>("SELECT closed_at FROM live_quiz_questions WHERE id = @id", new { id = launch.ToString() }) is not null;
        }, "the open question to close with the session");

        await Ok(room.Classroom.Execute(room.Teacher, new StartSession(Id())));
        await room.Classroom.Join(room.Students[0], null);
        var next = await LaunchAsync(room, "truefalse");
        var launched = Data(RecordingPublisher.Of(room.SessionId).Last(e => e.Event.Type == "quiz.launched").Event);
        Assert.Equal(1, launched.GetProperty("position").GetInt32());
        Assert.Equal(1, (await StateAsync(room, room.Teacher)).GetProperty("questions").GetInt32());
        Assert.NotEqual(launch, next);
    }
}
