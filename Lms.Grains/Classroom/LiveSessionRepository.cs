using System.Text.Json;
using Dapper;
using Lms.Grains.Courses;
using Lms.Grains.Data;

namespace Lms.Grains.Classroom;

/// <summary>Live sessions, their runs, and the records a run leaves: attendance, polls, chat; and the room's snapshot.</summary>
public sealed class LiveSessionRepository(Db db, CourseRepository courses, TimeProvider clock)
{
    private static readonly Sql InsertSessionSql = Sql.Portable(
        "INSERT INTO live_sessions (id, course_id, title, description, starts_at, ends_at, recurrence, repeat_until, created_by, created_at) " +
        "VALUES (@Id, @CourseId, @Title, @Description, @StartsAt, @EndsAt, @Recurrence, @RepeatUntil, @CreatedBy, @CreatedAt)");
    private static readonly Sql InsertTeacherSql = Sql.PerDialect(d => d.InsertIgnore(
        "live_session_teachers", ["session_id", "user_id"], ["@sessionId", "@userId"], ["session_id", "user_id"]));
    private static readonly Sql DeleteTeachersSql = Sql.Portable("DELETE FROM live_session_teachers WHERE session_id = @sessionId");
    private static readonly Sql DeleteSessionSql = Sql.Portable("DELETE FROM live_sessions WHERE id = @sessionId");

    /// <summary>Creates the session and its course item at the end of the module; null when the module is not the course's.</summary>
    public async Task<(LiveSessionRow Session, ItemRow Item)?> CreateAsync(
        Guid courseId, Guid moduleId, string title, string? description, DateTimeOffset startsAt, DateTimeOffset endsAt,
        string recurrence, DateTimeOffset? repeatUntil, Guid createdBy, IReadOnlyCollection<Guid> teacherIds)
    {
        var session = new LiveSessionRow
        {
            Id = Guid.CreateVersion7(), CourseId = courseId, Title = title, Description = description, StartsAt = startsAt, EndsAt = endsAt,
            Recurrence = recurrence, RepeatUntil = repeatUntil, CreatedBy = createdBy, CreatedAt = clock.GetUtcNow(),
        };
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(InsertSessionSql), session, transaction);
            foreach (var userId in teacherIds.Append(createdBy).Distinct())
                await connection.ExecuteAsync(db.Text(InsertTeacherSql), new { sessionId = session.Id, userId }, transaction);
            return 0;
        });
        var item = await courses.AddItemAsync(courseId, moduleId, LiveItemKind.Live, title, description, null, session.Id);
        if (item is null)
        {
            await db.InTransactionAsync(async (connection, transaction) =>
            {
                await connection.ExecuteAsync(db.Text(DeleteTeachersSql), new { sessionId = session.Id }, transaction);
                return await connection.ExecuteAsync(db.Text(DeleteSessionSql), new { sessionId = session.Id }, transaction);
            });
            return null;
        }
        return (session, item);
    }

    private static readonly Sql UpdateSessionSql = Sql.Portable(
        "UPDATE live_sessions SET title = @Title, description = @Description, starts_at = @StartsAt, ends_at = @EndsAt, " +
        "recurrence = @Recurrence, repeat_until = @RepeatUntil WHERE id = @Id");
    private static readonly Sql UpdateItemTitleSql = Sql.Portable(
        "UPDATE course_items SET title = @title, body = @body WHERE ref_id = @sessionId AND kind = 'live'");

    public async Task UpdateAsync(LiveSessionRow session, IReadOnlyCollection<Guid> teacherIds)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(UpdateSessionSql), session, transaction);
            await connection.ExecuteAsync(db.Text(UpdateItemTitleSql),
                new { title = session.Title, body = session.Description, sessionId = session.Id }, transaction);
            await connection.ExecuteAsync(db.Text(DeleteTeachersSql), new { sessionId = session.Id }, transaction);
            foreach (var userId in teacherIds.Append(session.CreatedBy).Distinct())
                await connection.ExecuteAsync(db.Text(InsertTeacherSql), new { sessionId = session.Id, userId }, transaction);
            return 0;
        });
    }

    private static readonly Sql GetSql = Sql.Portable(
        "SELECT id, course_id, title, description, starts_at, ends_at, recurrence, repeat_until, created_by, created_at " +
        "FROM live_sessions WHERE id = @id");

    public async Task<LiveSessionRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<LiveSessionRow>(GetSql, new { id });

    private static readonly Sql TeachersSql = Sql.Portable(
        "SELECT t.user_id, u.display_name FROM live_session_teachers t JOIN users u ON u.id = t.user_id " +
        "WHERE t.session_id = @sessionId ORDER BY u.search_name, u.id");

    public async Task<IReadOnlyList<LiveTeacherRow>> TeachersAsync(Guid sessionId) =>
        await db.QueryAsync<LiveTeacherRow>(TeachersSql, new { sessionId });

    // Sessions of the courses I teach, and of the published ones I learn in, that may have an
    // occurrence in [from, to) or are being held now.
    private static readonly Sql CandidatesSql = Sql.PerDialect(d =>
        "SELECT ls.id, ls.course_id, c.title AS course_title, ls.title, ls.starts_at, ls.ends_at, ls.recurrence, ls.repeat_until, " +
        "CASE WHEN s.role IS NOT NULL THEN 'teacher' ELSE 'student' END AS my_role, " +
        "(" + d.First("SELECT r.id FROM live_runs r WHERE r.session_id = ls.id AND r.ended_at IS NULL") + ") AS live_run_id " +
        "FROM live_sessions ls JOIN courses c ON c.id = ls.course_id " +
        "LEFT JOIN course_staff s ON s.course_id = c.id AND s.user_id = @userId " +
        "LEFT JOIN enrolments e ON e.course_id = c.id AND e.user_id = @userId " +
        "WHERE (s.user_id IS NOT NULL OR (e.user_id IS NOT NULL AND c.status = 'published')) " +
        "AND ls.starts_at < @to AND (" +
        "  (ls.recurrence = 'none' AND ls.ends_at > @from) OR " +
        "  (ls.recurrence = 'weekly' AND (ls.repeat_until IS NULL OR ls.repeat_until >= @weekBefore)) OR " +
        "  EXISTS (SELECT 1 FROM live_runs r2 WHERE r2.session_id = ls.id AND r2.ended_at IS NULL))");

    /// <summary>What is on between <paramref name="from"/> and <paramref name="to"/> for a person, and what is live now.</summary>
    public async Task<IReadOnlyList<(LiveSessionListRow Session, DateTimeOffset Start, DateTimeOffset End)>> AgendaAsync(
        Guid userId, DateTimeOffset from, DateTimeOffset to)
    {
        await using var connection = await db.OpenAsync();
        var rows = (await connection.QueryAsync<LiveSessionListRow>(db.Text(CandidatesSql),
            new { userId, from, to, weekBefore = from.AddDays(-7) })).AsList();
        var agenda = new List<(LiveSessionListRow, DateTimeOffset, DateTimeOffset)>();
        foreach (var row in rows)
        {
            var occurrences = row.AsSession().Occurrences(from, to, max: 20).ToList();
            if (occurrences.Count == 0 && row.LiveRunId is not null)
                occurrences.Add((row.StartsAt, row.EndsAt)); // held now, outside its schedule
            agenda.AddRange(occurrences.Select(o => (row, o.Start, o.End)));
        }
        return agenda.OrderBy(a => a.Item2).ThenBy(a => a.Item1.Title, StringComparer.Ordinal).ToList();
    }

    private static readonly Sql InsertRunSql = Sql.Portable(
        "INSERT INTO live_runs (id, session_id, started_by, started_at, ended_at) VALUES (@id, @sessionId, @startedBy, @startedAt, NULL)");

    public async Task<Guid> StartRunAsync(Guid sessionId, Guid startedBy, DateTimeOffset startedAt)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(InsertRunSql, new { id, sessionId, startedBy, startedAt });
        return id;
    }

    private static readonly Sql EndRunSql = Sql.Portable("UPDATE live_runs SET ended_at = @endedAt WHERE id = @runId");
    private static readonly Sql InsertAttendanceSql = Sql.PerDialect(d => d.InsertIgnore(
        "live_attendance", ["run_id", "user_id", "joined_at", "left_at", "role"],
        ["@runId", "@UserId", "@JoinedAt", "@LeftAt", "@Role"], ["run_id", "user_id", "joined_at"]));

    /// <summary>Ends a run and writes its attendance, in one transaction.</summary>
    public async Task EndRunAsync(Guid runId, DateTimeOffset endedAt, IReadOnlyList<AttendanceInterval> attendance)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var interval in attendance)
                await connection.ExecuteAsync(db.Text(InsertAttendanceSql),
                    new { runId, interval.UserId, interval.JoinedAt, interval.LeftAt, interval.Role }, transaction);
            return await connection.ExecuteAsync(db.Text(EndRunSql), new { runId, endedAt }, transaction);
        });
    }

    private static readonly Sql InsertPollSql = Sql.Portable(
        "INSERT INTO live_polls (id, run_id, question, options, multiple, anonymous, opened_at, closed_at) " +
        "VALUES (@Id, @RunId, @Question, @options, @Multiple, @Anonymous, @OpenedAt, @ClosedAt)");
    private static readonly Sql InsertPollAnswerSql = Sql.PerDialect(d => d.InsertIgnore(
        "live_poll_answers", ["poll_id", "user_id", "choices", "answered_at"],
        ["@pollId", "@UserId", "@choices", "@AnsweredAt"], ["poll_id", "user_id"]));
    private static readonly Sql PollExistsSql = Sql.Portable("SELECT COUNT(*) FROM live_polls WHERE id = @id");

    /// <summary>Writes a closed poll with every answer (once: writing it again changes nothing).</summary>
    public async Task WritePollAsync(PollRecord poll)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(db.Text(PollExistsSql), new { id = poll.Id }, transaction) > 0) return 0;
            await connection.ExecuteAsync(db.Text(InsertPollSql), new
            {
                poll.Id, poll.RunId, poll.Question, options = JsonSerializer.Serialize(poll.Options), poll.Multiple, poll.Anonymous,
                poll.OpenedAt, poll.ClosedAt,
            }, transaction);
            foreach (var answer in poll.Answers)
                await connection.ExecuteAsync(db.Text(InsertPollAnswerSql), new
                {
                    pollId = poll.Id, answer.UserId, choices = string.Join(",", answer.Choices), answer.AnsweredAt,
                }, transaction);
            return 1;
        });
    }

    private static readonly Sql InsertChatSql = Sql.PerDialect(d => d.InsertIgnore(
        "live_chat", ["id", "run_id", "user_id", "breakout", "text", "sent_at"],
        ["@Id", "@RunId", "@UserId", "@Breakout", "@Text", "@SentAt"], ["id"]));

    public async Task AppendChatAsync(IReadOnlyList<ChatRecord> messages)
    {
        if (messages.Count == 0) return;
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var message in messages)
                await connection.ExecuteAsync(db.Text(InsertChatSql), message, transaction);
            return 0;
        });
    }

    private static readonly Sql DeleteChatSql = Sql.Portable(
        "UPDATE live_chat SET deleted_at = @deletedAt, deleted_by = @deletedBy WHERE id = @id AND deleted_at IS NULL");

    public async Task MarkChatDeletedAsync(IReadOnlyList<(Guid Id, Guid By, DateTimeOffset At)> deletions)
    {
        if (deletions.Count == 0) return;
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var (id, by, at) in deletions)
                await connection.ExecuteAsync(db.Text(DeleteChatSql), new { id, deletedBy = by, deletedAt = at }, transaction);
            return 0;
        });
    }

    private static readonly Sql RunsSql = Sql.Portable(
        "SELECT r.id, r.session_id, r.started_by, r.started_at, r.ended_at, " +
        "(SELECT COUNT(DISTINCT a.user_id) FROM live_attendance a WHERE a.run_id = r.id) AS attendees, " +
        "(SELECT COUNT(*) FROM live_polls p WHERE p.run_id = r.id) AS polls, " +
        "(SELECT COUNT(*) FROM live_chat m WHERE m.run_id = r.id) AS chat_messages, " +
        "(SELECT COUNT(*) FROM live_quiz_questions q WHERE q.run_id = r.id) AS quiz_questions " +
        "FROM live_runs r WHERE r.session_id = @sessionId ORDER BY r.started_at DESC, r.id");

    public async Task<IReadOnlyList<LiveRunRow>> RunsAsync(Guid sessionId) =>
        await db.QueryAsync<LiveRunRow>(RunsSql, new { sessionId });

    private static readonly Sql RunSql = Sql.Portable(
        "SELECT r.id, r.session_id, r.started_by, r.started_at, r.ended_at, 0 AS attendees, 0 AS polls, 0 AS chat_messages, 0 AS quiz_questions " +
        "FROM live_runs r WHERE r.id = @runId");

    public async Task<LiveRunRow?> RunAsync(Guid runId) =>
        await db.SingleOrDefaultAsync<LiveRunRow>(RunSql, new { runId });

    private sealed record IntervalRow
    {
        public Guid UserId { get; init; }
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string Role { get; init; } = "";
        public DateTimeOffset? JoinedAt { get; init; }
        public DateTimeOffset? LeftAt { get; init; }
    }

    // Everyone who came, and every student enrolled in the course (absent ones too).
    private static readonly Sql AttendanceSql = Sql.Portable(
        "SELECT a.user_id, u.display_name, u.email, u.national_id, a.role, a.joined_at, a.left_at " +
        "FROM live_attendance a JOIN users u ON u.id = a.user_id WHERE a.run_id = @runId " +
        "UNION ALL " +
        "SELECT e.user_id, u.display_name, u.email, u.national_id, 'student' AS role, NULL AS joined_at, NULL AS left_at " +
        "FROM enrolments e JOIN users u ON u.id = e.user_id " +
        "WHERE e.course_id = @courseId AND NOT EXISTS (SELECT 1 FROM live_attendance a2 WHERE a2.run_id = @runId AND a2.user_id = e.user_id)");

    /// <summary>Each person's attendance in a run: teachers first, then students by name; absent students included.</summary>
    public async Task<IReadOnlyList<AttendanceReportRow>> AttendanceAsync(Guid courseId, Guid runId)
    {
        await using var connection = await db.OpenAsync();
        var rows = (await connection.QueryAsync<IntervalRow>(db.Text(AttendanceSql), new { runId, courseId })).AsList();
        return rows.GroupBy(r => r.UserId).Select(g =>
        {
            var present = g.Where(r => r.JoinedAt is not null).ToList();
            var first = g.First();
            return new AttendanceReportRow
            {
                UserId = g.Key, DisplayName = first.DisplayName, Email = first.Email, NationalId = first.NationalId,
                Role = present.FirstOrDefault()?.Role ?? first.Role,
                FirstJoinedAt = present.Count == 0 ? null : present.Min(r => r.JoinedAt),
                LastLeftAt = present.Count == 0 ? null : present.Max(r => r.LeftAt),
                Minutes = Math.Round(present.Sum(r => (r.LeftAt!.Value - r.JoinedAt!.Value).TotalMinutes), 1),
                Joins = present.Count,
            };
        }).OrderBy(r => r.Role == "student" ? 1 : 0).ThenBy(r => r.DisplayName, StringComparer.Create(new System.Globalization.CultureInfo("vi-VN"), false))
          .ThenBy(r => r.UserId).ToList();
    }

    private static readonly Sql PollsSql = Sql.Portable(
        "SELECT id, question, options, multiple, anonymous, opened_at, closed_at FROM live_polls WHERE run_id = @runId ORDER BY opened_at, id");
    private static readonly Sql PollAnswersSql = Sql.Portable(
        "SELECT a.poll_id, a.user_id, u.display_name, a.choices, a.answered_at FROM live_poll_answers a " +
        "JOIN live_polls p ON p.id = a.poll_id JOIN users u ON u.id = a.user_id WHERE p.run_id = @runId ORDER BY a.answered_at, a.user_id");

    public async Task<(IReadOnlyList<PollReportRow> Polls, IReadOnlyList<PollAnswerRow> Answers)> PollsAsync(Guid runId)
    {
        await using var connection = await db.OpenAsync();
        var polls = (await connection.QueryAsync<PollReportRow>(db.Text(PollsSql), new { runId })).AsList();
        var answers = (await connection.QueryAsync<PollAnswerRow>(db.Text(PollAnswersSql), new { runId })).AsList();
        return (polls, answers);
    }

    private static readonly Sql ChatLogSql = Sql.Portable(
        "SELECT m.id, m.user_id, u.display_name, m.breakout, m.text, m.sent_at, m.deleted_at FROM live_chat m " +
        "JOIN users u ON u.id = m.user_id WHERE m.run_id = @runId ORDER BY m.sent_at, m.id");

    public async Task<IReadOnlyList<ChatLogRow>> ChatLogAsync(Guid runId) =>
        await db.QueryAsync<ChatLogRow>(ChatLogSql, new { runId });

    private static readonly Sql LoadStateSql = Sql.Portable(
        "SELECT session_id, seq, state, saved_at FROM live_state WHERE session_id = @sessionId");
    private static readonly Sql DeleteStateSql = Sql.Portable("DELETE FROM live_state WHERE session_id = @sessionId");
    private static readonly Sql InsertStateSql = Sql.Portable(
        "INSERT INTO live_state (session_id, seq, state, saved_at) VALUES (@sessionId, @seq, @state, @savedAt)");

    public async Task<LiveStateRow?> LoadStateAsync(Guid sessionId) =>
        await db.SingleOrDefaultAsync<LiveStateRow>(LoadStateSql, new { sessionId });

    /// <summary>Replaces the room's snapshot (delete and insert in one transaction: portable across the three databases).</summary>
    public async Task SaveStateAsync(Guid sessionId, long seq, string state, DateTimeOffset savedAt)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteStateSql), new { sessionId }, transaction);
            return await connection.ExecuteAsync(db.Text(InsertStateSql), new { sessionId, seq, state, savedAt }, transaction);
        });
    }

    private static readonly Sql DisplayNameSql = Sql.Portable("SELECT display_name FROM users WHERE id = @userId");

    public async Task<string?> DisplayNameAsync(Guid userId) =>
        await db.SingleOrDefaultAsync<string?>(DisplayNameSql, new { userId });
}
