using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Moocs;

public sealed record ThreadRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public Guid AuthorId { get; init; }
    public string AuthorName { get; init; } = "";
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset LastActivityAt { get; init; }
    public int Replies { get; init; }
    public int Upvotes { get; init; }
    public bool Hidden { get; init; }
    public bool Locked { get; init; }
    public bool Answered { get; init; }
    public bool VotedByMe { get; init; }
}

public sealed record PostRow
{
    public Guid Id { get; init; }
    public Guid ThreadId { get; init; }
    public Guid AuthorId { get; init; }
    public string AuthorName { get; init; } = "";
    public string Body { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public int Upvotes { get; init; }
    public bool Hidden { get; init; }
    public bool TeacherAnswer { get; init; }
    public bool VotedByMe { get; init; }
}

/// <summary>A forum per course (per MOOC run): threads, replies, upvotes, answers marked by teachers, moderation.</summary>
public sealed class ForumRepository(Db db, TimeProvider clock)
{
    private const string ThreadColumns =
        "t.id, t.course_id, t.author_id, u.display_name AS author_name, t.title, t.body, t.created_at, t.last_activity_at, " +
        "t.replies, t.upvotes, t.hidden, t.locked, t.answered, " +
        "CASE WHEN EXISTS (SELECT 1 FROM forum_votes v WHERE v.target_id = t.id AND v.user_id = @userId) THEN 1 ELSE 0 END AS voted_by_me";

    // Moderators see hidden threads (marked); everyone else does not.
    private const string ThreadsWhere = "WHERE t.course_id = @courseId AND (@moderator = 1 OR t.hidden = @no) " +
                                        "AND (@pattern IS NULL OR LOWER(t.title) LIKE @pattern ESCAPE '\\') ";

    private static readonly Sql ThreadsByActivitySql = Sql.PerDialect(d =>
        $"SELECT {ThreadColumns} FROM forum_threads t JOIN users u ON u.id = t.author_id {ThreadsWhere}" +
        $"ORDER BY t.last_activity_at DESC, t.id {d.Page()}");
    private static readonly Sql ThreadsByVotesSql = Sql.PerDialect(d =>
        $"SELECT {ThreadColumns} FROM forum_threads t JOIN users u ON u.id = t.author_id {ThreadsWhere}" +
        $"ORDER BY t.upvotes DESC, t.last_activity_at DESC, t.id {d.Page()}");
    private static readonly Sql ThreadsCountSql = Sql.Portable($"SELECT COUNT(*) FROM forum_threads t {ThreadsWhere}");

    public async Task<Page<ThreadRow>> ThreadsAsync(Guid courseId, Guid userId, bool moderator, string? search, bool top, PageRequest page)
    {
        var args = new
        {
            courseId, userId, moderator = moderator ? 1 : 0, no = false,
            pattern = string.IsNullOrWhiteSpace(search) ? null : "%" + search.Trim().ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace("[", "\\[") + "%",
        };
        return await db.PageAsync<ThreadRow>(ThreadsCountSql, top ? ThreadsByVotesSql : ThreadsByActivitySql, args, page);
    }

    private static readonly Sql ThreadSql = Sql.Portable(
        $"SELECT {ThreadColumns} FROM forum_threads t JOIN users u ON u.id = t.author_id WHERE t.id = @threadId");

    public async Task<ThreadRow?> ThreadAsync(Guid threadId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<ThreadRow>(ThreadSql, new { threadId, userId });
    }

    private static readonly Sql InsertThreadSql = Sql.Portable(
        "INSERT INTO forum_threads (id, course_id, author_id, title, body, created_at, last_activity_at, replies, upvotes, hidden, locked, answered) " +
        "VALUES (@id, @courseId, @authorId, @title, @body, @now, @now, 0, 0, @no, @no, @no)");

    public async Task<Guid> CreateThreadAsync(Guid courseId, Guid authorId, string title, string body)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(InsertThreadSql, new { id, courseId, authorId, title, body, now = clock.GetUtcNow(), no = false });
        return id;
    }

    private const string PostColumns =
        "p.id, p.thread_id, p.author_id, u.display_name AS author_name, p.body, p.created_at, p.upvotes, p.hidden, p.teacher_answer, " +
        "CASE WHEN EXISTS (SELECT 1 FROM forum_votes v WHERE v.target_id = p.id AND v.user_id = @userId) THEN 1 ELSE 0 END AS voted_by_me";

    private static readonly Sql PostsSql = Sql.PerDialect(d =>
        $"SELECT {PostColumns} FROM forum_posts p JOIN users u ON u.id = p.author_id " +
        "WHERE p.thread_id = @threadId AND (@moderator = 1 OR p.hidden = @no) " +
        $"ORDER BY CASE WHEN p.teacher_answer = @yes THEN 0 ELSE 1 END, p.created_at, p.id {d.Page()}");
    private static readonly Sql PostsCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM forum_posts p WHERE p.thread_id = @threadId AND (@moderator = 1 OR p.hidden = @no)");

    /// <summary>A thread's replies, the teachers' marked answers first, then in the order written.</summary>
    public async Task<Page<PostRow>> PostsAsync(Guid threadId, Guid userId, bool moderator, PageRequest page) =>
        await db.PageAsync<PostRow>(PostsCountSql, PostsSql, new { threadId, userId, moderator = moderator ? 1 : 0, no = false, yes = true }, page);

    private static readonly Sql PostSql = Sql.Portable(
        $"SELECT {PostColumns} FROM forum_posts p JOIN users u ON u.id = p.author_id WHERE p.id = @postId");

    public async Task<PostRow?> PostAsync(Guid postId, Guid userId)
    {
        return await db.SingleOrDefaultAsync<PostRow>(PostSql, new { postId, userId });
    }

    private static readonly Sql InsertPostSql = Sql.Portable(
        "INSERT INTO forum_posts (id, thread_id, author_id, body, created_at, upvotes, hidden, teacher_answer) " +
        "VALUES (@id, @threadId, @authorId, @body, @now, 0, @no, @no)");
    private static readonly Sql BumpThreadSql = Sql.Portable(
        "UPDATE forum_threads SET replies = replies + 1, last_activity_at = @now WHERE id = @threadId AND locked = @no");

    /// <summary>Adds a reply; null when the thread is locked (checked in the same transaction).</summary>
    public async Task<Guid?> ReplyAsync(Guid threadId, Guid authorId, string body)
    {
        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync<Guid?>(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(db.Text(BumpThreadSql), new { threadId, now, no = false }, transaction) == 0) return null;
            await connection.ExecuteAsync(db.Text(InsertPostSql), new { id, threadId, authorId, body, now, no = false }, transaction);
            return id;
        });
    }

    private static readonly Sql AddVoteSql = Sql.PerDialect(d => d.InsertIgnore(
        "forum_votes", ["target_id", "user_id"], ["@targetId", "@userId"], ["target_id", "user_id"]));
    private static readonly Sql RemoveVoteSql = Sql.Portable("DELETE FROM forum_votes WHERE target_id = @targetId AND user_id = @userId");
    private static readonly Sql CountVotesSql = Sql.Portable("SELECT COUNT(*) FROM forum_votes WHERE target_id = @targetId");
    private static readonly Sql SetThreadVotesSql = Sql.Portable("UPDATE forum_threads SET upvotes = @votes WHERE id = @targetId");
    private static readonly Sql SetPostVotesSql = Sql.Portable("UPDATE forum_posts SET upvotes = @votes WHERE id = @targetId");

    /// <summary>Upvotes (or takes back the upvote on) a thread or a reply; returns its new count.</summary>
    public async Task<int> VoteAsync(Guid targetId, Guid userId, bool up, bool isThread)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(up ? AddVoteSql : RemoveVoteSql), new { targetId, userId }, transaction);
            var votes = (int)await connection.ExecuteScalarAsync<long>(db.Text(CountVotesSql), new { targetId }, transaction);
            await connection.ExecuteAsync(db.Text(isThread ? SetThreadVotesSql : SetPostVotesSql), new { targetId, votes }, transaction);
            return votes;
        });
    }

    private static readonly Sql HideThreadSql = Sql.Portable("UPDATE forum_threads SET hidden = @value WHERE id = @id");
    private static readonly Sql LockThreadSql = Sql.Portable("UPDATE forum_threads SET locked = @value WHERE id = @id");
    private static readonly Sql HidePostSql = Sql.Portable("UPDATE forum_posts SET hidden = @value WHERE id = @id");

    public async Task SetThreadHiddenAsync(Guid id, bool value) => await ExecAsync(HideThreadSql, new { id, value });

    public async Task SetThreadLockedAsync(Guid id, bool value) => await ExecAsync(LockThreadSql, new { id, value });

    public async Task SetPostHiddenAsync(Guid id, bool value) => await ExecAsync(HidePostSql, new { id, value });

    private static readonly Sql MarkAnswerSql = Sql.Portable("UPDATE forum_posts SET teacher_answer = @value WHERE id = @postId");
    private static readonly Sql AnsweredSql = Sql.Portable(
        "UPDATE forum_threads SET answered = CASE WHEN EXISTS (SELECT 1 FROM forum_posts p WHERE p.thread_id = @threadId " +
        "AND p.teacher_answer = @yes) THEN @yes ELSE @no END WHERE id = @threadId");

    /// <summary>A teacher marks (or unmarks) a reply as the answer; the thread shows as answered while one is.</summary>
    public async Task MarkAnswerAsync(Guid threadId, Guid postId, bool value)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(MarkAnswerSql), new { postId, value }, transaction);
            await connection.ExecuteAsync(db.Text(AnsweredSql), new { threadId, yes = true, no = false }, transaction);
            return 0;
        });
    }

    private async Task ExecAsync(Sql sql, object args)
    {
        await db.ExecuteAsync(sql, args);
    }
}
