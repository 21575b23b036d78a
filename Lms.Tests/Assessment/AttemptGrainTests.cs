using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Assessment;

/// <summary>An Orleans test cluster whose attempt grains use a real SQLite file, with a one-second grace.</summary>
public sealed class AttemptGrainCluster : SqliteGrainCluster<AttemptGrainCluster.Services>
{
    public GroupCommitWriter Writer { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Writer = new GroupCommitWriter(Db);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Writer.DisposeAsync();
    }

    public sealed class Services : ISiloServices
    {
        public static void Add(IServiceCollection services)
        {
            services.AddSingleton<GroupCommitWriter>();
            services.AddSingleton<CourseRepository>();
            services.AddSingleton<QuestionRepository>();
            services.AddSingleton<QuizRepository>();
            services.AddSingleton<AttemptRepository>();
            services.Configure<AssessmentOptions>(o => o.DeadlineGrace = TimeSpan.FromSeconds(1));
        }
    }
}

public sealed class AttemptGrainTests(AttemptGrainCluster fixture) : IClassFixture<AttemptGrainCluster>
{
    private static readonly TimeProvider Clock = TimeProvider.System;
    private static readonly AnswerBatch Phone = new("phone");

    private sealed record Setup(Guid Quiz, Guid Student, Guid Question);

    /// <summary>A school, a teacher, a student, a course with one quiz of one multiple-choice question (a, b right).</summary>
    private async Task<Setup> QuizAsync(QuizSettings settings)
    {
        var school = await new InstitutionRepository(fixture.Db, Clock).CreateAsync(null, InstitutionKinds.School, "Trường Grain", null);
        var users = new UserRepository(fixture.Db, Clock);
        var teacher = Guid.CreateVersion7();
        var student = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(teacher, $"t{teacher:N}@grain.test", null, "Giáo viên", "x"));
        await users.InsertAsync(new NewUser(student, $"s{student:N}@grain.test", null, "Học sinh", "x"));
        var courses = new CourseRepository(fixture.Db, Clock);
        var course = await courses.CreateAsync(school.Id, "Khoá", null, CourseKinds.Blended, teacher);
        var module = await courses.AddModuleAsync(course, "Chương");
        var questions = new QuestionRepository(fixture.Db, Clock);
        var content = QuestionRules.Normalise(new QuestionContent
        {
            Type = QuestionTypes.Multiple, Stem = "Số nguyên tố?",
            Choices = [new Choice { Text = "2", Fraction = 1 }, new Choice { Text = "3", Fraction = 1 }, new Choice { Text = "4" }],
        });
        var question = (await questions.CreateManyAsync(school.Id, teacher, [new QuestionDraft(new QuestionMeta { Title = "Nguyên tố" }, content)]))[0];
        var definition = new QuizDefinition { Sections = [new QuizSection { Items = [new QuizSlotSpec { QuestionId = question, Points = 2 }] }] };
        var quiz = await new QuizRepository(fixture.Db, courses, Clock).CreateAsync(course, module.Id, "Kiểm tra", settings, definition);
        return new Setup(quiz!.Value.QuizId, student, question);
    }

    private IQuizLearnerGrain Learner(Setup s) => fixture.Cluster.GrainFactory.GetGrain<IQuizLearnerGrain>(QuizLearnerKey.For(s.Quiz, s.Student));

    private IQuizAttemptGrain Attempt(Guid id) => fixture.Cluster.GrainFactory.GetGrain<IQuizAttemptGrain>(id);

    private static AnswerInput Choose(params string[] ids) =>
        new(Guid.NewGuid(), 1, AssessmentJson.Write(new QuestionResponse { Choices = ids }), DateTimeOffset.UtcNow);

    private async Task<AttemptRow> WaitForSubmissionAsync(Guid attemptId, TimeSpan bound)
    {
        var repo = new AttemptRepository(fixture.Db, fixture.Writer);
        var until = DateTimeOffset.UtcNow + bound;
        while (true)
        {
            var row = (await repo.GetAsync(attemptId))!;
            if (row.Status == AttemptStatuses.Submitted) return row;
            Assert.True(DateTimeOffset.UtcNow < until, $"The attempt was not submitted within {bound}.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task At_the_deadline_the_server_submits_and_grades_with_no_client_connected()
    {
        var s = await QuizAsync(new QuizSettings { TimeLimitSeconds = 2 });
        var start = await Learner(s).StartOrResume("phone");
        var attemptId = start.AttemptId!.Value;
        await Attempt(attemptId).Answer(Phone, [Choose("a")]);

        // Nobody calls the grain again: its timer submits at deadline + grace.
        var row = await WaitForSubmissionAsync(attemptId, TimeSpan.FromSeconds(20));

        Assert.Equal(SubmittedBy.Deadline, row.SubmittedBy);
        Assert.Equal(1, row.Score); // half of 2 points: one of the two right options
        Assert.Equal(row.DeadlineAt, row.SubmittedAt);
    }

    [Fact]
    public async Task An_answer_after_the_deadline_and_grace_is_refused_and_the_grade_stays()
    {
        var s = await QuizAsync(new QuizSettings { TimeLimitSeconds = 1 });
        var attemptId = (await Learner(s).StartOrResume("phone")).AttemptId!.Value;
        var started = DateTimeOffset.UtcNow;
        await Attempt(attemptId).Answer(Phone, [Choose("c")]);
        var row = await WaitForSubmissionAsync(attemptId, TimeSpan.FromSeconds(20));
        Assert.Equal(0, row.Score);

        // An offline answer claiming to be from before the deadline, arriving after the grace, is refused too.
        var late = Choose("a", "b") with { ClientTime = started };
        var outcome = await Attempt(attemptId).Answer(Phone, [late, Choose("a", "b")]);

        Assert.Empty(outcome.Accepted);
        Assert.All(outcome.Refused, r => Assert.Equal(RefusalCodes.Late, r.Code));
        Assert.Equal(0, (await new AttemptRepository(fixture.Db, fixture.Writer).GetAsync(attemptId))!.Score);
        await using var connection = await fixture.Db.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = @attemptId", new { attemptId }));
    }

    [Fact]
    public async Task The_same_answer_sent_twice_or_at_once_is_stored_once()
    {
        var s = await QuizAsync(new QuizSettings());
        var attemptId = (await Learner(s).StartOrResume("phone")).AttemptId!.Value;
        var answer = Choose("a", "b");

        var first = await Attempt(attemptId).Answer(Phone, [answer]);
        var again = await Attempt(attemptId).Answer(Phone, [answer, answer]);
        var together = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Attempt(attemptId).Answer(Phone, [answer])));

        Assert.Equal([answer.AnswerId], first.Accepted);
        Assert.All(again.Accepted, id => Assert.Equal(answer.AnswerId, id));
        Assert.All(together, o => Assert.Equal([answer.AnswerId], o.Accepted));
        await using var connection = await fixture.Db.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = @attemptId", new { attemptId }));
    }

    [Fact]
    public async Task An_attempt_resumes_on_another_device_after_the_grain_is_gone()
    {
        var s = await QuizAsync(new QuizSettings { TimeLimitSeconds = 600 });
        var first = await Learner(s).StartOrResume("phone");
        await Attempt(first.AttemptId!.Value).Answer(Phone, [Choose("a")]);
        await Attempt(first.AttemptId!.Value).Flag("phone", 1, true);

        await fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var again = await Learner(s).StartOrResume("laptop");
        var state = await Attempt(again.AttemptId!.Value).Open("laptop");

        Assert.True(again.Resumed);
        Assert.Equal(first.AttemptId, again.AttemptId);
        Assert.Equal(AssessmentJson.Write(new QuestionResponse { Choices = ["a"] }), state.Responses[1]);
        Assert.Equal([1], state.Flagged);
        Assert.NotNull(state.DeadlineAt);
        // An older answer synced late from the first device's offline queue does not override the newer one.
        var older = Choose("c") with { ClientTime = state.StartedAt };
        var newer = Choose("a", "b");
        await Attempt(first.AttemptId!.Value).Answer(new AnswerBatch("laptop"), [newer]);
        await Attempt(first.AttemptId!.Value).Answer(new AnswerBatch("phone", Queued: true, HeldMs: 60_000), [older]);
        var events = await new AttemptRepository(fixture.Db, fixture.Writer).EventsAsync(first.AttemptId!.Value);
        Assert.Contains(events, e => e.Kind == EventKinds.SecondDevice);
        var submitted = await Attempt(first.AttemptId!.Value).Submit(SubmittedBy.Student);
        Assert.Equal(2, submitted.Score);
    }

    [Fact]
    public async Task Grading_methods_take_the_highest_the_last_or_the_average_attempt()
    {
        var s = await QuizAsync(new QuizSettings { AttemptsAllowed = 3 });
        foreach (var choice in new[] { new[] { "a", "b" }, new[] { "c" }, new[] { "a" } })
        {
            var id = (await Learner(s).StartOrResume("phone")).AttemptId!.Value;
            await Attempt(id).Answer(Phone, [Choose(choice)]);
            await Attempt(id).Submit(SubmittedBy.Student);
        }
        var refused = await Learner(s).StartOrResume("phone");
        Assert.Equal(StartErrors.NoAttemptsLeft, refused.Error);

        var rows = (await new AttemptRepository(fixture.Db, fixture.Writer).ForLearnerAsync(s.Quiz, s.Student))
            .Select(a => new AttemptListRow { Id = a.Id, Number = a.Number, Status = a.Status, Score = a.Score, MaxScore = a.MaxScore }).ToList();
        Assert.Equal([2.0, 0.0, 1.0], rows.Select(r => r.Score!.Value));

        LearnerQuizGrade By(string method) => QuizGrades.For(s.Quiz, s.Student, new QuizSettings { GradingMethod = method, PassMark = 60 }, 2, rows);
        Assert.Equal(100, By(GradingMethods.Highest).Percent);
        Assert.True(By(GradingMethods.Highest).Passed);
        Assert.Equal(50, By(GradingMethods.Last).Percent);
        Assert.False(By(GradingMethods.Last).Passed);
        Assert.Equal(50, By(GradingMethods.Average).Percent);
        Assert.Equal(3, By(GradingMethods.Average).Attempts);

        // In the course's completion rules (the MOOC feature): the quiz item is completed (passed at 100% > 50%)
        // and scores the learner's grade by the quiz's method (highest).
        var repo = new AttemptRepository(fixture.Db, fixture.Writer);
        var quizzes = new QuizRepository(fixture.Db, new CourseRepository(fixture.Db, Clock), Clock);
        var quiz = (await quizzes.GetAsync(s.Quiz))!;
        var item = new ItemRow { Id = Guid.CreateVersion7(), CourseId = quiz.CourseId, Kind = "quiz", Title = "Kiểm tra", RefId = s.Quiz };
        var states = await new QuizItemStateSource(repo, quizzes).StatesAsync(
            new Lms.Grains.Courses.LearnerItems(quiz.CourseId, s.Student, [item], new Dictionary<Guid, DateTimeOffset>(),
                new Dictionary<Guid, Lms.Grains.Courses.ItemRuleRow>()), [item]);
        Assert.True(states[item.Id].Completed);
        Assert.Equal(1.0, states[item.Id].Score);
        var nobody = await new QuizItemStateSource(repo, quizzes).StatesAsync(
            new Lms.Grains.Courses.LearnerItems(quiz.CourseId, Guid.NewGuid(), [item], new Dictionary<Guid, DateTimeOffset>(),
                new Dictionary<Guid, Lms.Grains.Courses.ItemRuleRow>()), [item]);
        Assert.False(nobody[item.Id].Completed);
        Assert.Null(nobody[item.Id].Score);
    }

    [Fact]
    public async Task A_corrected_question_keeps_its_old_version_for_attempts_until_they_are_regraded()
    {
        var s = await QuizAsync(new QuizSettings());
        var attemptId = (await Learner(s).StartOrResume("phone")).AttemptId!.Value;
        await Attempt(attemptId).Answer(Phone, [Choose("c")]);
        var submitted = await Attempt(attemptId).Submit(SubmittedBy.Student);
        Assert.Equal(0, submitted.Score);

        // The teacher finds that "4" was meant to be right as well (a new version: an attempt used the first).
        var questions = new QuestionRepository(fixture.Db, Clock);
        var row = (await questions.GetAsync(s.Question))!;
        var corrected = QuestionRules.Normalise(new QuestionContent
        {
            Type = QuestionTypes.Multiple, Stem = "Số nguyên tố hoặc hợp số chẵn?",
            Choices = [new Choice { Text = "2", Fraction = 1 }, new Choice { Text = "3", Fraction = 1 }, new Choice { Text = "4", Fraction = 1 }],
        });
        var version = await questions.UpdateAsync(row, new QuestionDraft(row.Meta, corrected));
        Assert.Equal(2, version);
        Assert.Equal(1, (await Attempt(attemptId).Open(null)).Slots[0].Version);
        Assert.Equal("Số nguyên tố?", (await questions.ContentAsync(s.Question, 1)).Stem);

        var regraded = await Attempt(attemptId).Regrade(s.Question);

        Assert.Equal(2, regraded.Slots[0].Version);
        Assert.Equal(Math.Round(2.0 / 3, 4), regraded.Score);
    }
}
