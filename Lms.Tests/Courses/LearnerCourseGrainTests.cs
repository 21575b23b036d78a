using Dapper;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Moocs;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Lms.Tests.Courses;

/// <summary>The silo of these tests: a real Orleans test cluster whose grains use a real SQLite file.</summary>
public sealed class LearnerGrainCluster : SqliteGrainCluster<LearnerGrainCluster.Services>
{
    public sealed class Services : ISiloServices
    {
        public static void Add(IServiceCollection services)
        {
            // The standing (completion rules, grading) the grain asks, with the item kinds' sources.
            services.AddCourseStanding();
        }
    }
}

public sealed class LearnerCourseGrainTests(LearnerGrainCluster fixture) : IClassFixture<LearnerGrainCluster>
{
    private async Task<(Guid Course, Guid Student, Guid[] Items)> CourseWithItemsAsync(int count)
    {
        var clock = TimeProvider.System;
        var school = await new InstitutionRepository(fixture.Db, clock).CreateAsync(null, InstitutionKinds.School, "Trường Grain", null);
        var users = new UserRepository(fixture.Db, clock);
        var teacher = Guid.CreateVersion7();
        var student = Guid.CreateVersion7();
        await users.InsertAsync(new NewUser(teacher, $"t{teacher:N}@grain.test", null, "Giáo viên", "x"));
        await users.InsertAsync(new NewUser(student, $"s{student:N}@grain.test", null, "Học sinh", "x"));
        var courses = new CourseRepository(fixture.Db, clock);
        var course = await courses.CreateAsync(school.Id, "Khoá grain", null, CourseKinds.Blended, teacher);
        var module = await courses.AddModuleAsync(course, "Chương");
        var items = new List<Guid>();
        for (var i = 0; i < count; i++)
            items.Add((await courses.AddItemAsync(course, module.Id, ItemKinds.Page, $"Trang {i}", "nội dung", null))!.Id);
        return (course, student, items.ToArray());
    }

    private ILearnerCourseGrain Grain(Guid course, Guid student) =>
        fixture.Cluster.GrainFactory.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(course, student));

    [Fact]
    public async Task Seeing_an_item_is_written_through_before_it_is_acknowledged()
    {
        var (course, student, items) = await CourseWithItemsAsync(4);

        var progress = await Grain(course, student).MarkSeen(items[2]);

        Assert.Equal([items[2]], progress!.SeenItemIds);
        Assert.Equal(4, progress.TotalItems);
        Assert.Equal(25, progress.Percent);
        await using var connection = await fixture.Db.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM item_progress WHERE user_id = @student AND item_id = @item",
            new { student, item = items[2] }));
    }

    [Fact]
    public async Task Seeing_the_same_item_twice_counts_once_even_when_sent_at_the_same_time()
    {
        var (course, student, items) = await CourseWithItemsAsync(2);
        var grain = Grain(course, student);

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => grain.MarkSeen(items[0])));

        Assert.All(results, r => Assert.Single(r!.SeenItemIds));
        await using var connection = await fixture.Db.OpenAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM item_progress WHERE user_id = @student", new { student }));
    }

    [Fact]
    public async Task An_item_of_another_course_is_refused()
    {
        var (course, student, _) = await CourseWithItemsAsync(1);
        var (_, _, otherItems) = await CourseWithItemsAsync(1);

        Assert.Null(await Grain(course, student).MarkSeen(otherItems[0]));
        Assert.Empty((await Grain(course, student).GetProgress()).SeenItemIds);
    }

    [Fact]
    public async Task A_new_activation_reads_its_progress_back_from_the_database()
    {
        var (course, student, items) = await CourseWithItemsAsync(3);
        await Grain(course, student).MarkSeen(items[0]);
        // Written by another activation (another silo, before a restart) straight into the store.
        await new ProgressRepository(fixture.Db).MarkSeenAsync(course, student, items[1], DateTimeOffset.UtcNow);
        Assert.Single((await Grain(course, student).GetProgress()).SeenItemIds);

        await fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var progress = await Grain(course, student).GetProgress();
        Assert.Equal(items[..2].Order(), progress.SeenItemIds.Order());
        Assert.NotNull(progress.LastSeenAt);
    }

    [Fact]
    public async Task The_total_follows_the_course_as_the_teacher_changes_it()
    {
        var (course, student, items) = await CourseWithItemsAsync(2);
        await Grain(course, student).MarkSeen(items[0]);
        var courses = new CourseRepository(fixture.Db, TimeProvider.System);

        await courses.DeleteItemAsync(course, items[0]);
        var progress = await Grain(course, student).GetProgress();

        Assert.Empty(progress.SeenItemIds);
        Assert.Equal(1, progress.TotalItems);
    }
}
