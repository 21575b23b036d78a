using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>A regular column of a subject's term fed from a quiz.</summary>
public sealed record MarkFeedRow
{
    public string ColumnKey { get; init; } = "";
    public Guid QuizId { get; init; }
    public string QuizTitle { get; init; } = "";
}

/// <summary>A score the feed wrote into a cell.</summary>
public sealed record MarkFedCell
{
    public Guid StudentId { get; init; }
    public int ScoreTenths { get; init; }
}

/// <summary>Which quiz feeds which regular column, and what the feed last wrote in each cell.</summary>
public sealed class MarkBookFeedRepository(Db db, TimeProvider clock)
{
    private static readonly Sql UnlinkSql = Sql.Portable(
        "DELETE FROM mark_feeds WHERE term_id = @termId AND class_id = @classId AND subject_id = @subjectId AND column_key = @column");
    private static readonly Sql LinkSql = Sql.Portable(
        "INSERT INTO mark_feeds (term_id, class_id, subject_id, column_key, quiz_id, linked_by, linked_at) " +
        "VALUES (@termId, @classId, @subjectId, @column, @quizId, @by, @now)");

    /// <summary>Links the column to the quiz (replacing the quiz that fed it before).</summary>
    public Task LinkAsync(Guid termId, Guid classId, Guid subjectId, string column, Guid quizId, Guid by) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var args = new { termId, classId, subjectId, column, quizId, by, now = clock.GetUtcNow() };
            await Dapper.SqlMapper.ExecuteAsync(connection, db.Text(UnlinkSql), args, transaction);
            return await Dapper.SqlMapper.ExecuteAsync(connection, db.Text(LinkSql), args, transaction);
        });

    /// <summary>Stops feeding the column; its scores stay as they are.</summary>
    public async Task<bool> UnlinkAsync(Guid termId, Guid classId, Guid subjectId, string column) =>
        await db.ExecuteAsync(UnlinkSql, new { termId, classId, subjectId, column }) > 0;

    private static readonly Sql FeedsSql = Sql.Portable(
        "SELECT f.column_key, f.quiz_id, q.title AS quiz_title FROM mark_feeds f JOIN quizzes q ON q.id = f.quiz_id " +
        "WHERE f.term_id = @termId AND f.class_id = @classId AND f.subject_id = @subjectId ORDER BY f.column_key");

    public Task<IReadOnlyList<MarkFeedRow>> FeedsAsync(Guid termId, Guid classId, Guid subjectId) =>
        db.QueryAsync<MarkFeedRow>(FeedsSql, new { termId, classId, subjectId });

    private static readonly Sql FedSql = Sql.Portable(
        "SELECT student_id, score_tenths FROM mark_feed_cells " +
        "WHERE term_id = @termId AND class_id = @classId AND subject_id = @subjectId AND column_key = @column");

    public Task<IReadOnlyList<MarkFedCell>> FedAsync(Guid termId, Guid classId, Guid subjectId, string column) =>
        db.QueryAsync<MarkFedCell>(FedSql, new { termId, classId, subjectId, column });

    private static readonly Sql ForgetFedSql = Sql.Portable(
        "DELETE FROM mark_feed_cells WHERE term_id = @TermId AND class_id = @ClassId AND subject_id = @SubjectId " +
        "AND student_id = @StudentId AND column_key = @Column");
    private static readonly Sql NoteFedSql = Sql.Portable(
        "INSERT INTO mark_feed_cells (term_id, class_id, subject_id, student_id, column_key, score_tenths) " +
        "VALUES (@TermId, @ClassId, @SubjectId, @StudentId, @Column, @tenths)");

    /// <summary>Remembers what the feed wrote into the cell, so a later refresh can tell the teacher's own score from its own.</summary>
    public Task NoteFedAsync(MarkCellKey key, int tenths) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, db.Text(ForgetFedSql), key, transaction);
            var args = new Dapper.DynamicParameters(key);
            args.Add("tenths", tenths);
            return await Dapper.SqlMapper.ExecuteAsync(connection, db.Text(NoteFedSql), args, transaction);
        });
}
