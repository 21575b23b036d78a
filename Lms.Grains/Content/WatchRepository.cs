using System.Globalization;
using System.Text;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

public sealed record WatchRow
{
    public Guid UserId { get; init; }
    public Guid CourseItemId { get; init; }
    public Guid CourseId { get; init; }
    public Guid ContentId { get; init; }
    public double PositionSeconds { get; init; }
    public double DurationSeconds { get; init; }
    public double WatchedSeconds { get; init; }
    public string Ranges { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The share of the video actually played (0 to 1): what a completion rule ("watched past 80 %") reads.</summary>
    public double WatchedShare => DurationSeconds <= 0 ? 0 : Math.Clamp(WatchedSeconds / DurationSeconds, 0, 1);
}

/// <summary>
/// Where each learner stopped in each video of a course, and which stretches they played: the
/// stretches are merged, so watching a part twice counts once and seeking past counts not at all.
/// </summary>
public sealed class WatchRepository(Db db, TimeProvider clock)
{
    private const string Columns =
        "user_id, course_item_id, course_id, content_id, position_seconds, duration_seconds, watched_seconds, ranges, updated_at";

    private static readonly Sql GetSql = Sql.Portable(
        $"SELECT {Columns} FROM content_watch WHERE user_id = @userId AND course_item_id = @courseItemId");

    public async Task<WatchRow?> GetAsync(Guid userId, Guid courseItemId) =>
        await db.SingleOrDefaultAsync<WatchRow>(GetSql, new { userId, courseItemId });

    private static readonly Sql ForCourseSql = Sql.Portable(
        $"SELECT {Columns} FROM content_watch WHERE course_id = @courseId AND user_id = @userId");

    /// <summary>Every video of a course a learner has started, with the share watched (for completion rules).</summary>
    public async Task<IReadOnlyList<WatchRow>> ForCourseAsync(Guid courseId, Guid userId) =>
        await db.QueryAsync<WatchRow>(ForCourseSql, new { courseId, userId });

    private static readonly Sql InsertSql = Sql.PerDialect(d => d.InsertIgnore("content_watch",
        ["user_id", "course_item_id", "course_id", "content_id", "position_seconds", "duration_seconds", "watched_seconds", "ranges", "updated_at"],
        ["@userId", "@courseItemId", "@courseId", "@contentId", "0", "@duration", "0", "''", "@now"],
        ["user_id", "course_item_id"]));
    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE content_watch SET position_seconds = @position, duration_seconds = @duration, watched_seconds = @watched, " +
        "ranges = @ranges, updated_at = @now WHERE user_id = @userId AND course_item_id = @courseItemId");

    /// <summary>Records where the learner is and the stretches played since the last report; returns the merged state.</summary>
    public async Task<WatchRow> RecordAsync(Guid userId, Guid courseId, Guid courseItemId, Guid contentId,
        double position, double duration, IReadOnlyList<(double Start, double End)> played)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(db.Text(InsertSql), new { userId, courseItemId, courseId, contentId, duration, now }, transaction);
            var current = await connection.QuerySingleAsync<WatchRow>(db.Text(GetSql), new { userId, courseItemId }, transaction);
            var merged = Merge(Parse(current.Ranges).Concat(played.Select(p => (Math.Max(0, p.Start), Math.Min(duration, p.End)))), duration);
            var row = current with
            {
                PositionSeconds = Math.Clamp(position, 0, duration),
                DurationSeconds = duration,
                WatchedSeconds = merged.Sum(r => r.End - r.Start),
                Ranges = Format(merged),
                UpdatedAt = now,
            };
            await connection.ExecuteAsync(db.Text(UpdateSql), new
            {
                userId, courseItemId, position = row.PositionSeconds, duration, watched = row.WatchedSeconds, ranges = row.Ranges, now,
            }, transaction);
            return row;
        });
    }

    /// <summary>Sorted, overlapping or touching stretches joined; at most 100 kept (the longest) so the row stays small.</summary>
    public static List<(double Start, double End)> Merge(IEnumerable<(double Start, double End)> ranges, double duration)
    {
        var merged = new List<(double Start, double End)>();
        foreach (var (start, end) in ranges.Where(r => r.End > r.Start).OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End + 0.5)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            else
                merged.Add((start, end));
        }
        if (merged.Count > 100) merged = merged.OrderByDescending(r => r.End - r.Start).Take(100).OrderBy(r => r.Start).ToList();
        return merged.Select(r => (Math.Max(0, r.Start), duration > 0 ? Math.Min(duration, r.End) : r.End)).ToList();
    }

    public static IEnumerable<(double Start, double End)> Parse(string ranges)
    {
        foreach (var part in ranges.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length == 2
                && double.TryParse(bounds[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
                && double.TryParse(bounds[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
                yield return (start, end);
        }
    }

    public static string Format(IEnumerable<(double Start, double End)> ranges)
    {
        var text = new StringBuilder();
        foreach (var (start, end) in ranges)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(start.ToString("0.#", CultureInfo.InvariantCulture)).Append('-').Append(end.ToString("0.#", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }
}
