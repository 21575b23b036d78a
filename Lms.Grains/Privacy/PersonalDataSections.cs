using System.Data.Common;
using System.Globalization;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Privacy;

/// <summary>One table of a person's data: its name (a file and a key of data.json) and its rows, column by column.</summary>
public sealed record DataSection(string Name, IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows);

/// <summary>
/// Everything the platform holds about one person, as the tables of their data copy (Decree 13/2023/NĐ-CP, art. 14):
/// each a query of their own rows only, read one table at a time so memory is bounded by the largest one.
/// Columns are named in snake case; the copy's CSV files word them in the viewer's language.
/// </summary>
public sealed class PersonalDataSections(Db db)
{
    private static readonly Sql ProfileSql = Sql.Portable(
        "SELECT display_name, email, phone, national_id, pending_email, created_at, claimed_at, disabled_at FROM users WHERE id = @userId");

    private static readonly Sql MembershipsSql = Sql.Portable(
        "SELECT i.name AS institution, m.role, m.created_at FROM memberships m JOIN institutions i ON i.id = m.institution_id " +
        "WHERE m.user_id = @userId ORDER BY i.name, m.role");

    private static readonly Sql ClassesSql = Sql.Portable(
        "SELECT c.name AS class_name, i.name AS institution FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "JOIN institutions i ON i.id = c.institution_id WHERE cm.user_id = @userId ORDER BY i.name, c.name");

    private static readonly Sql EnrolmentsSql = Sql.Portable(
        "SELECT c.title AS course, i.name AS institution, e.enrolled_at, " +
        "(SELECT COUNT(*) FROM item_progress p WHERE p.user_id = e.user_id AND p.course_id = e.course_id) AS items_seen, " +
        "(SELECT COUNT(*) FROM course_items ci WHERE ci.course_id = e.course_id) AS items " +
        "FROM enrolments e JOIN courses c ON c.id = e.course_id JOIN institutions i ON i.id = c.institution_id " +
        "WHERE e.user_id = @userId ORDER BY e.enrolled_at");

    private static readonly Sql ProgressSql = Sql.Portable(
        "SELECT c.title AS course, ci.title AS item, p.seen_at FROM item_progress p JOIN course_items ci ON ci.id = p.item_id " +
        "JOIN courses c ON c.id = p.course_id WHERE p.user_id = @userId ORDER BY p.seen_at");

    private static readonly Sql CourseResultsSql = Sql.Portable(
        "SELECT c.title AS course, r.grade, r.passed_at FROM course_results r JOIN courses c ON c.id = r.course_id " +
        "WHERE r.user_id = @userId ORDER BY r.passed_at");

    private static readonly Sql AttemptsSql = Sql.Portable(
        "SELECT c.title AS course, q.title AS quiz, a.number AS attempt, a.status, a.started_at, a.submitted_at, a.score, a.max_score, " +
        "a.overall_feedback FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN courses c ON c.id = q.course_id " +
        "WHERE a.user_id = @userId ORDER BY a.started_at");

    private static readonly Sql AnswersSql = Sql.Portable(
        "SELECT q.title AS quiz, a.number AS attempt, x.slot, x.response, x.received_at FROM attempt_answers x " +
        "JOIN quiz_attempts a ON a.id = x.attempt_id JOIN quizzes q ON q.id = a.quiz_id " +
        "WHERE a.user_id = @userId ORDER BY a.started_at, x.slot, x.received_at");

    private static readonly Sql QuestionGradesSql = Sql.Portable(
        "SELECT q.title AS quiz, a.number AS attempt, s.slot, s.points, s.score, s.comment, s.graded_at FROM attempt_slots s " +
        "JOIN quiz_attempts a ON a.id = s.attempt_id JOIN quizzes q ON q.id = a.quiz_id " +
        "WHERE a.user_id = @userId ORDER BY a.started_at, s.slot");

    private static readonly Sql SubmissionsSql = Sql.Portable(
        "SELECT c.title AS course, s.file_name, s.file_type, s.file_size, s.submitted_at, s.score, s.graded_at FROM mooc_submissions s " +
        "JOIN mooc_assignments m ON m.id = s.assignment_id JOIN courses c ON c.id = m.course_id WHERE s.user_id = @userId ORDER BY s.submitted_at");

    private static readonly Sql CredentialsSql = Sql.Portable(
        "SELECT cr.kind, cr.course_title AS course, i.name AS institution, cr.subject_name, cr.grade, cr.credits, cr.ects, cr.issued_at, " +
        "cr.revoked_at FROM credentials cr JOIN institutions i ON i.id = cr.institution_id WHERE cr.user_id = @userId ORDER BY cr.issued_at");

    private static readonly Sql AttendanceSql = Sql.Portable(
        "SELECT c.title AS course, s.title AS live_session, a.role, a.joined_at, a.left_at FROM live_attendance a " +
        "JOIN live_runs r ON r.id = a.run_id JOIN live_sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id " +
        "WHERE a.user_id = @userId ORDER BY a.joined_at");

    private static readonly Sql ChatSql = Sql.Portable(
        "SELECT c.title AS course, s.title AS live_session, m.text, m.sent_at, m.deleted_at FROM live_chat m " +
        "JOIN live_runs r ON r.id = m.run_id JOIN live_sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id " +
        "WHERE m.user_id = @userId ORDER BY m.sent_at");

    private static readonly Sql ForumSql = Sql.Portable(
        "SELECT c.title AS course, t.title AS thread, t.body AS text, t.created_at AS created_at FROM forum_threads t " +
        "JOIN courses c ON c.id = t.course_id WHERE t.author_id = @userId " +
        "UNION ALL SELECT c.title, t.title, p.body, p.created_at FROM forum_posts p JOIN forum_threads t ON t.id = p.thread_id " +
        // By position: SQLite matches a compound query's ORDER BY to its result columns only that way or by a bare alias.
        "JOIN courses c ON c.id = t.course_id WHERE p.author_id = @userId ORDER BY 4");

    private static readonly Sql SessionsSql = Sql.Portable(
        "SELECT kind, device, address, created_at, last_seen_at, ended_at FROM sessions WHERE user_id = @userId ORDER BY created_at");

    private static readonly Sql AuditSql = Sql.Portable(
        "SELECT i.name AS institution, a.action, u.display_name AS actor, a.at, a.detail, a.address FROM admin_audit a " +
        "JOIN institutions i ON i.id = a.institution_id JOIN users u ON u.id = a.actor_id " +
        "WHERE a.subject_id = @userId OR a.actor_id = @userId ORDER BY a.at");

    private static readonly Sql ErasureSql = Sql.Portable(
        "SELECT i.name AS institution, r.status, r.reason, r.requested_at, r.decided_at, r.decision_reason FROM erasure_requests r " +
        "JOIN institutions i ON i.id = r.institution_id WHERE r.user_id = @userId ORDER BY r.requested_at");

    /// <summary>The tables of a copy, in the order data.json lists them.</summary>
    public static readonly IReadOnlyList<(string Name, Sql Sql)> All =
    [
        ("profile", ProfileSql), ("memberships", MembershipsSql), ("classes", ClassesSql), ("enrolments", EnrolmentsSql),
        ("progress", ProgressSql), ("course_results", CourseResultsSql), ("quiz_attempts", AttemptsSql), ("quiz_answers", AnswersSql),
        ("question_grades", QuestionGradesSql), ("submissions", SubmissionsSql), ("credentials", CredentialsSql),
        ("attendance", AttendanceSql), ("chat_messages", ChatSql), ("forum_posts", ForumSql), ("sessions", SessionsSql),
        ("audit_entries", AuditSql), ("erasure_requests", ErasureSql),
    ];

    /// <summary>One table of the person's data. Times come out as ISO 8601 UTC text whichever database stored them.</summary>
    public async Task<DataSection> ReadAsync(DbConnection connection, string name, Sql sql, Guid userId, CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            db.Text(sql), new { userId }, cancellationToken: cancellationToken));
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[columns.Count];
            for (var i = 0; i < row.Length; i++) row[i] = Value(reader.IsDBNull(i) ? null : reader.GetValue(i), columns[i]);
            rows.Add(row);
        }
        return new DataSection(name, columns, rows);
    }

    private static object? Value(object? value, string column) => value switch
    {
        DateTime t => Iso(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))),
        DateTimeOffset t => Iso(t),
        string s when (column.EndsWith("_at", StringComparison.Ordinal) || column == "at")
                      && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) => Iso(t),
        decimal d => (double)d,
        long n => n,
        int n => (long)n,
        short n => (long)n,
        _ => value,
    };

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
