using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Tests.Infrastructure;
using Npgsql;

namespace Lms.Tests.Assessment;

/// <summary>
/// The pieces that make a class starting a quiz together cheap: statements of concurrent writers sent
/// together (still each committed before it is acknowledged), the course-access facts in one statement,
/// and the shared read-through cache. On SQLite and on PostgreSQL (where writes are pipelined).
/// </summary>
public sealed class StartPathTests(PostgresServer postgres)
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    private sealed record School(Db Db, Guid Quiz, Guid Question, Guid[] Students);

    private async Task<School> SchoolAsync(DatabaseProvider provider, int students)
    {
        var db = new Db(await TestDatabase.CreateAsync(provider, postgres));
        var school = await new InstitutionRepository(db, Clock).CreateAsync(null, InstitutionKinds.School, "Trường", null);
        var users = new UserRepository(db, Clock);
        var teacher = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(teacher, $"t{teacher:N}@start.test", null, "Giáo viên", "x"));
        var ids = new Guid[students];
        for (var i = 0; i < students; i++)
        {
            ids[i] = Guid.CreateVersion7();
            await users.InsertAsync(new NewUser(ids[i], $"s{ids[i]:N}@start.test", null, $"Học sinh {i}", "x"));
        }
        var courses = new CourseRepository(db, Clock);
        var course = await courses.CreateAsync(school.Id, "Khoá", null, CourseKinds.Blended, teacher);
        var module = await courses.AddModuleAsync(course, "Chương");
        var question = (await new QuestionRepository(db, Clock).CreateManyAsync(school.Id, teacher, [new QuestionDraft(
            new QuestionMeta { Title = "Câu" },
            QuestionRules.Normalise(new QuestionContent
            {
                Type = QuestionTypes.Single, Stem = "1 + 1 = ?", Choices = [new Choice { Text = "2", Fraction = 1 }, new Choice { Text = "3" }],
            }))]))[0];
        var quiz = await new QuizRepository(db, courses, Clock).CreateAsync(course, module.Id, "Kiểm tra", new QuizSettings(),
            new QuizDefinition { Sections = [new QuizSection { Items = [new QuizSlotSpec { QuestionId = question }] }] });
        return new School(db, quiz!.Value.QuizId, question, ids);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Concurrent_starts_share_a_commit_and_each_attempt_reads_back_as_written_while_a_bad_one_fails_alone(DatabaseProvider provider)
    {
        var s = await SchoolAsync(provider, 40);
        await using var writer = new GroupCommitWriter(s.Db);
        var repo = new AttemptRepository(s.Db, writer);
        var now = new DateTimeOffset(2026, 3, 9, 8, 0, 0, TimeSpan.FromHours(7)).AddTicks(1230);
        var attempts = s.Students.Select((student, i) => new AttemptRow
        {
            Id = Guid.CreateVersion7(), QuizId = s.Quiz, UserId = student, Number = 1, Seed = i, Status = AttemptStatuses.InProgress,
            StartedAt = now, DeadlineAt = i % 2 == 0 ? now.AddMinutes(45) : null, MaxScore = 1.5,
        }).ToList();
        SlotRow[] Slots(AttemptRow a) =>
        [
            new() { AttemptId = a.Id, Slot = 1, Section = null, QuestionId = s.Question, Version = 1, Points = 1.5, OptionOrder = a.Seed % 3 == 0 ? null : "[\"b\",\"a\"]" },
        ];
        // An attempt whose slot names no question: it breaks the batch it lands in, and only it fails.
        var broken = attempts[7] with { Id = Guid.CreateVersion7(), Number = 2 };

        var writes = attempts.Select(a => repo.InsertAttemptAsync(a, Slots(a), [new EventRow
        {
            Id = Guid.CreateVersion7(), AttemptId = a.Id, At = now, Kind = EventKinds.Started, DeviceId = a.Seed % 2 == 0 ? null : "phone", Detail = $"seed {a.Seed}",
        }])).ToList();
        var bad = repo.InsertAttemptAsync(broken, [Slots(broken)[0] with { QuestionId = Guid.CreateVersion7() }]);
        await Task.WhenAll(writes);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => bad);
        Assert.Null(await repo.GetAsync(broken.Id));

        foreach (var a in attempts)
        {
            // Times to the microsecond (PostgreSQL keeps no finer); this one has none finer.
            Assert.Equal(a, await repo.GetAsync(a.Id));
            Assert.Equal(Slots(a), await repo.SlotsAsync(a.Id));
            var events = await repo.EventsAsync(a.Id);
            Assert.Equal($"seed {a.Seed}", Assert.Single(events).Detail);
            Assert.Equal(a.Seed % 2 == 0 ? null : "phone", events[0].DeviceId);
        }

        // Answers (insert-ignore: the same id twice is kept once), flags and grading through the same path.
        var attempt = attempts[0];
        var answer = new AnswerRow
        {
            AttemptId = attempt.Id, AnswerId = Guid.NewGuid(), Slot = 1, Response = "{\"choice\":\"a\"}", ClientTime = null,
            EffectiveAt = now.AddSeconds(5), ReceivedAt = now.AddSeconds(6), DeviceId = "phone",
        };
        await Task.WhenAll(repo.InsertAnswersAsync([answer]), repo.InsertAnswersAsync([answer, answer with { AnswerId = Guid.NewGuid(), Slot = 1 }]),
            repo.SetFlagAsync(attempt.Id, 1, true));
        Assert.Equal(2, (await repo.AnswersAsync(attempt.Id)).Count);
        Assert.True((await repo.SlotsAsync(attempt.Id))[0].Flagged);
        await repo.SaveGradingAsync(attempt with { Status = AttemptStatuses.Submitted, SubmittedAt = now.AddMinutes(1), SubmittedBy = SubmittedBy.Student, Score = 1.5 },
            [(1, 1, 1.5)]);
        Assert.Equal(1.5, (await repo.SlotsAsync(attempt.Id))[0].Score);
        Assert.Equal(1.5, (await repo.GetAsync(attempt.Id))!.Score);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task What_a_person_is_in_a_course_comes_in_one_statement(DatabaseProvider provider)
    {
        var db = new Db(await TestDatabase.CreateAsync(provider, postgres));
        var institutions = new InstitutionRepository(db, Clock);
        var users = new UserRepository(db, Clock);
        var department = await institutions.CreateAsync(null, InstitutionKinds.Department, "Sở", null);
        var school = await institutions.CreateAsync(department, InstitutionKinds.School, "Trường", null);
        var sibling = await institutions.CreateAsync(department, InstitutionKinds.School, "Trường khác", null);
        async Task<Guid> Person(string name)
        {
            var id = Guid.CreateVersion7();
            await users.InsertAsync(new NewUser(id, $"{name}{id:N}@viewer.test", null, name, "x"));
            return id;
        }
        var owner = await Person("owner");
        var student = await Person("student");
        var departmentAdmin = await Person("dept");
        var siblingAdmin = await Person("sibling");
        var teacherElsewhere = await Person("teacher");
        await institutions.AddMembershipAsync(department.Id, departmentAdmin, Roles.Admin);
        await institutions.AddMembershipAsync(sibling.Id, siblingAdmin, Roles.Admin);
        await institutions.AddMembershipAsync(department.Id, teacherElsewhere, Roles.Teacher);
        var courses = new CourseRepository(db, Clock);
        var course = await courses.CreateAsync(school.Id, "Toán", null, CourseKinds.Blended, owner);
        await courses.EnrolAsync(course, [student]);

        var asOwner = (await courses.ViewerAsync(course, owner))!.Value;
        Assert.Equal((course, school.Id, "Trường", (string?)StaffRoles.Owner, false),
            (asOwner.Course.Id, asOwner.Course.InstitutionId, asOwner.Course.InstitutionName, asOwner.StaffRole, asOwner.Enrolled));
        Assert.Equal(CourseStatuses.Draft, asOwner.Course.Status);
        var asStudent = (await courses.ViewerAsync(course, student))!.Value;
        Assert.Equal(((string?)null, true, false), (asStudent.StaffRole, asStudent.Enrolled, asStudent.InstitutionAdmin));
        var asAdmin = (await courses.ViewerAsync(course, departmentAdmin))!.Value;
        Assert.Equal(((string?)null, false, true), (asAdmin.StaffRole, asAdmin.Enrolled, asAdmin.InstitutionAdmin));
        Assert.False((await courses.ViewerAsync(course, siblingAdmin))!.Value.InstitutionAdmin);
        Assert.False((await courses.ViewerAsync(course, teacherElsewhere))!.Value.InstitutionAdmin);
        Assert.Null(await courses.ViewerAsync(Guid.CreateVersion7(), owner));
    }

    [Fact]
    public async Task The_shared_cache_loads_once_for_a_crowd_and_again_once_expired_keeping_no_null_or_failure()
    {
        var cache = new ReadThroughCache<int, string?>(TimeSpan.FromSeconds(2));
        var loads = 0;
        var gate = new TaskCompletionSource();
        var t0 = DateTimeOffset.UtcNow;
        async Task<string?> Load(int key)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            return $"v{key}";
        }

        var crowd = Enumerable.Range(0, 200).Select(_ => Task.Run(() => cache.GetAsync(1, t0, Load))).ToList();
        while (Volatile.Read(ref loads) == 0) await Task.Delay(5);
        gate.SetResult();
        Assert.All(await Task.WhenAll(crowd), v => Assert.Equal("v1", v));
        Assert.Equal(1, loads);

        Assert.Equal("v1", await cache.GetAsync(1, t0.AddSeconds(1.9), Load));
        Assert.Equal(1, loads);
        Assert.Equal("v1", await cache.GetAsync(1, t0.AddSeconds(2), Load));
        Assert.Equal(2, loads);
        cache.Forget(1);
        await cache.GetAsync(1, t0.AddSeconds(2.1), Load);
        Assert.Equal(3, loads);

        var nulls = 0;
        for (var i = 0; i < 2; i++) Assert.Null(await cache.GetAsync(2, t0, _ => { nulls++; return Task.FromResult<string?>(null); }));
        Assert.Equal(2, nulls);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(3, t0, _ => throw new InvalidOperationException("down")));
        Assert.Equal("back", await cache.GetAsync(3, t0, _ => Task.FromResult<string?>("back")));
    }

    [Fact]
    public void PostgreSQL_connections_prepare_their_frequent_statements_unless_the_connection_string_says_otherwise()
    {
        var given = new Db(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=127.0.0.1;Username=lms" });
        var builder = new NpgsqlConnectionStringBuilder(given.ConnectionString);
        Assert.Equal(100, builder.MaxAutoPrepare);
        Assert.Equal(2, builder.AutoPrepareMinUsages);

        var off = new Db(new DatabaseOptions { Provider = DatabaseProvider.Postgres, ConnectionString = "Host=127.0.0.1;Username=lms;Max Auto Prepare=0" });
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(off.ConnectionString).MaxAutoPrepare);

        var writers = new NpgsqlConnectionStringBuilder(given.WithOwnPool("lms-writers").ConnectionString);
        Assert.Equal("lms-writers", writers.ApplicationName);
        Assert.Equal(100, writers.MaxAutoPrepare);
    }
}
