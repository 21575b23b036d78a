using Lms.Grains.Content;
using Lms.Grains.Courses;
using Lms.Grains.Data;
using Lms.Grains.Moocs;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Content;

/// <summary>What a learner watched, on each database, and how a course's completion rules read it.</summary>
public sealed class WatchProgressTests(PostgresServer postgres)
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Stretches_played_are_merged_and_a_video_completes_past_its_rules_share(DatabaseProvider provider)
    {
        var db = new Db(await TestDatabase.CreateAsync(provider, postgres));
        var watch = new WatchRepository(db, TimeProvider.System);
        // The user must exist (foreign key); the course item need not (the outline deletes items freely).
        var userId = Guid.CreateVersion7();
        await using (var connection = await db.OpenAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "INSERT INTO users (id, display_name, search_name, password_hash, failed_sign_ins, created_at) VALUES (@id, 'An', 'an', 'x', 0, @now)",
                new { id = userId, now = DateTimeOffset.UtcNow });
        var courseId = Guid.CreateVersion7();
        var (half, most, none) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var contentId = Guid.CreateVersion7();

        // 0–30 s, then 20–50 s (overlapping: counted once), then a seek to 90 s: 50 of 100 s watched.
        await watch.RecordAsync(userId, courseId, half, contentId, 30, 100, [(0, 30)]);
        var row = await watch.RecordAsync(userId, courseId, half, contentId, 95, 100, [(20, 50), (90, 90)]);
        Assert.Equal(50, row.WatchedSeconds, 3);
        Assert.Equal(0.5, row.WatchedShare, 3);
        Assert.Equal(95, row.PositionSeconds, 3);
        Assert.Equal("0-50", row.Ranges);
        await watch.RecordAsync(userId, courseId, most, contentId, 10, 10, [(0, 9.5)]);

        var items = new[] { half, most, none }.Select(id => new ItemRow { Id = id, CourseId = courseId, Kind = "video", RefId = contentId }).ToList();
        var source = new WatchedItemStateSource(watch);
        Assert.True(source.Handles("video"));
        Assert.True(source.Handles("audio"));
        Assert.False(source.Handles("document"));

        var rules = new Dictionary<Guid, ItemRuleRow>
        {
            [half] = new() { ItemId = half, CourseId = courseId, MinPercent = 60 },
            [most] = new() { ItemId = most, CourseId = courseId, MinPercent = 90 },
        };
        var states = await source.StatesAsync(new LearnerItems(courseId, userId, items, new Dictionary<Guid, DateTimeOffset>(), rules), items);
        Assert.False(states[half].Completed);
        Assert.True(states[most].Completed);
        Assert.False(states[none].Completed);
        Assert.All(states.Values, s => Assert.Null(s.Score));

        // Without a rule, a video completes once it counts as seen.
        var seen = new Dictionary<Guid, DateTimeOffset> { [none] = DateTimeOffset.UtcNow };
        states = await source.StatesAsync(new LearnerItems(courseId, userId, items, seen, new Dictionary<Guid, ItemRuleRow>()), items);
        Assert.True(states[none].Completed);
        Assert.False(states[half].Completed);
        Assert.Equal(2, (await watch.ForCourseAsync(courseId, userId)).Count);
    }
}
