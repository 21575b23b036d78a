using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Institutions;

/// <summary>Changes to who a person is and where they are: their name and logins, their class, their place in the institution.</summary>
public sealed partial class PeopleRepository
{
    private static readonly Sql ByEmailSql = Sql.Portable("SELECT id FROM users WHERE email = @value AND id <> @userId");
    private static readonly Sql ByNationalIdSql = Sql.Portable("SELECT id FROM users WHERE national_id = @value AND id <> @userId");
    private static readonly Sql ByPhoneSql = Sql.Portable("SELECT id FROM users WHERE phone = @value AND id <> @userId");
    private static readonly Sql UpdateIdentitySql = Sql.Portable(
        "UPDATE users SET display_name = @DisplayName, search_name = @SearchName, email = @Email, national_id = @NationalId, phone = @Phone " +
        "WHERE id = @Id");

    /// <summary>
    /// Changes a person's name and logins (already checked for shape at the edge and normalised: name
    /// cleaned, e-mail lower case, phone +84…). Each login stays unique: checked first for a clear answer,
    /// and by the unique indexes for a race. The audit keeps names as they were and logins as
    /// <paramref name="maskForAudit"/> shows them (field, value), so the log holds no more personal data than it needs.
    /// </summary>
    public async Task<IdentityOutcome> ChangeIdentityAsync(
        Guid institutionId, Guid userId, IdentityChange change, Guid actorId, Func<string, string?, string?> maskForAudit) =>
        await db.InTransactionAsync((connection, transaction) =>
            ChangeIdentityAsync(connection, transaction, institutionId, userId, change, actorId, maskForAudit));

    /// <summary>The same inside the caller's transaction (a roster update applies many changes as one).</summary>
    public async Task<IdentityOutcome> ChangeIdentityAsync(
        DbConnection connection, DbTransaction transaction,
        Guid institutionId, Guid userId, IdentityChange change, Guid actorId, Func<string, string?, string?> maskForAudit)
    {
        var before = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId }, transaction);
        static string? Next(string? requested, string? current) => requested is null ? current : requested.Length == 0 ? null : requested;
        var after = before with
        {
            DisplayName = change.DisplayName ?? before.DisplayName,
            Email = Next(change.Email, before.Email),
            Phone = Next(change.Phone, before.Phone),
            NationalId = Next(change.NationalId, before.NationalId),
        };
        if (after.Email is null && after.NationalId is null && after.Phone is null) return new IdentityOutcome.NoLogin();
        foreach (var (field, value, sql, old) in new[]
                 {
                     ("email", after.Email, ByEmailSql, before.Email), ("nationalId", after.NationalId, ByNationalIdSql, before.NationalId),
                     ("phone", after.Phone, ByPhoneSql, before.Phone),
                 })
            if (value is not null && value != old
                && await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(sql), new { value, userId }, transaction) is not null)
                return new IdentityOutcome.Taken(field, value);

        var changes = new Dictionary<string, string?[]>();
        if (after.DisplayName != before.DisplayName) changes["displayName"] = [before.DisplayName, after.DisplayName];
        if (after.Email != before.Email) changes["email"] = [before.Email, after.Email];
        if (after.NationalId != before.NationalId) changes["nationalId"] = [before.NationalId, after.NationalId];
        if (after.Phone != before.Phone) changes["phone"] = [before.Phone, after.Phone];
        if (changes.Count == 0) return new IdentityOutcome.Changed(changes);
        try
        {
            await connection.ExecuteAsync(db.Text(UpdateIdentitySql), new
            {
                after.Id, after.DisplayName, SearchName = SearchText.Fold(after.DisplayName), after.Email, after.NationalId, after.Phone,
            }, transaction);
        }
        catch (DbException)
        {
            // Someone took one of the logins between the check and the write: the unique index decided.
            var field = changes.Keys.First(k => k != "displayName");
            return new IdentityOutcome.Taken(field, changes[field][1] ?? "");
        }
        var logged = changes.ToDictionary(c => c.Key,
            c => c.Key == "displayName" ? c.Value : c.Value.Select(v => maskForAudit(c.Key, v)).ToArray());
        await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId,
            changes.ContainsKey("displayName") && changes.Count == 1 ? AuditActions.Renamed : AuditActions.IdentityChanged, logged);
        return new IdentityOutcome.Changed(changes);
    }

    private static readonly Sql TargetClassSql = Sql.Portable(
        "SELECT id, name, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived FROM classes WHERE id = @classId AND institution_id = @institutionId");
    private static readonly Sql ActivePlacesSql = Sql.Portable(
        "SELECT c.id, c.name, 0 AS archived FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "WHERE cm.user_id = @userId AND c.institution_id = @institutionId AND c.archived_at IS NULL");
    private static readonly Sql IsStudentSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE institution_id = @institutionId AND user_id = @userId AND role = 'student'");
    private static readonly Sql LeaveClassSql = Sql.Portable("DELETE FROM class_members WHERE class_id = @classId AND user_id = @userId");
    private static readonly Sql JoinClassSql = Sql.PerDialect(d => d.InsertIgnore(
        "class_members", ["class_id", "user_id"], ["@classId", "@userId"], ["class_id", "user_id"]));
    private static readonly Sql ClassCoursesSql = Sql.Portable("SELECT course_id FROM class_courses WHERE class_id = @classId");
    private static readonly Sql UnenrolSql = Sql.Portable("DELETE FROM enrolments WHERE course_id = @courseId AND user_id = @userId");
    private static readonly Sql EnrolSql = Sql.PerDialect(d => d.InsertIgnore(
        "enrolments", ["course_id", "user_id", "enrolled_at"], ["@courseId", "@userId", "@now"], ["course_id", "user_id"]));

    /// <summary>
    /// Moves a student to another class: out of their active classes here, into <paramref name="classId"/>;
    /// enrolled in the new class's courses and no longer in the old classes' (their answers, progress and
    /// grades stay where they are, so moving back finds them again).
    /// </summary>
    public async Task<MoveOutcome> MoveAsync(Guid institutionId, Guid userId, Guid classId, Guid actorId) =>
        await db.InTransactionAsync((connection, transaction) => MoveAsync(connection, transaction, institutionId, userId, classId, actorId));

    /// <summary>The same inside the caller's transaction (a roster update applies many changes as one).</summary>
    public async Task<MoveOutcome> MoveAsync(
        DbConnection connection, DbTransaction transaction, Guid institutionId, Guid userId, Guid classId, Guid actorId)
    {
        if (await connection.ExecuteScalarAsync<long>(db.Text(IsStudentSql), new { institutionId, userId }, transaction) == 0)
            return new MoveOutcome.NotAStudent();
        var target = await connection.QuerySingleOrDefaultAsync<ClassPlace>(db.Text(TargetClassSql), new { institutionId, classId }, transaction);
        if (target is null) return new MoveOutcome.ClassNotFound();
        if (target.Archived) return new MoveOutcome.ClassArchived();
        var from = (await connection.QueryAsync<ClassPlace>(db.Text(ActivePlacesSql), new { institutionId, userId }, transaction))
            .Where(c => c.Id != classId).ToList();

        var oldCourses = new HashSet<Guid>();
        foreach (var old in from)
        {
            oldCourses.UnionWith(await connection.QueryAsync<Guid>(db.Text(ClassCoursesSql), new { classId = old.Id }, transaction));
            await connection.ExecuteAsync(db.Text(LeaveClassSql), new { classId = old.Id, userId }, transaction);
        }
        var newCourses = (await connection.QueryAsync<Guid>(db.Text(ClassCoursesSql), new { classId }, transaction)).ToHashSet();
        await connection.ExecuteAsync(db.Text(JoinClassSql), new { classId, userId }, transaction);

        var left = 0;
        foreach (var courseId in oldCourses.Except(newCourses))
            left += await connection.ExecuteAsync(db.Text(UnenrolSql), new { courseId, userId }, transaction);
        var joined = 0;
        var now = clock.GetUtcNow();
        foreach (var courseId in newCourses)
            joined += await connection.ExecuteAsync(db.Text(EnrolSql), new { courseId, userId, now }, transaction) > 0 ? 1 : 0;

        var fromNames = from.Select(c => c.Name).ToList();
        await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId, AuditActions.Moved,
            new { from = fromNames, to = target.Name, coursesLeft = left, coursesJoined = joined });
        return new MoveOutcome.Moved(fromNames, target.Name, left, joined);
    }

    private static readonly Sql RemoveMembershipsSql = Sql.Portable(
        "DELETE FROM memberships WHERE institution_id = @institutionId AND user_id = @userId");
    private static readonly Sql PlacesHereSql = Sql.Portable(
        "SELECT cm.class_id FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE cm.user_id = @userId AND c.institution_id = @institutionId");

    /// <summary>
    /// Takes every role the person holds here and their places in its classes, and ends their enrolments
    /// in the courses those classes take (answers and grades stay); false when they were not a member.
    /// </summary>
    public async Task<bool> RemoveAsync(Guid institutionId, Guid userId, Guid actorId) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var roles = (await connection.QueryAsync<string>(db.Text(RolesSql), new { institutionId, userId }, transaction)).AsList();
            if (roles.Count == 0) return false;
            var classIds = (await connection.QueryAsync<Guid>(db.Text(PlacesHereSql), new { institutionId, userId }, transaction)).AsList();
            var courses = new HashSet<Guid>();
            foreach (var classId in classIds)
            {
                courses.UnionWith(await connection.QueryAsync<Guid>(db.Text(ClassCoursesSql), new { classId }, transaction));
                await connection.ExecuteAsync(db.Text(LeaveClassSql), new { classId, userId }, transaction);
            }
            foreach (var courseId in courses) await connection.ExecuteAsync(db.Text(UnenrolSql), new { courseId, userId }, transaction);
            await connection.ExecuteAsync(db.Text(RemoveMembershipsSql), new { institutionId, userId }, transaction);
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId, AuditActions.Removed,
                new { roles, classes = classIds.Count });
            return true;
        });
}
