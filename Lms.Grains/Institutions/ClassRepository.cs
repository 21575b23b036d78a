using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Institutions;

public sealed record ClassInfo
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public int Students { get; init; }
    public int Courses { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }
}

/// <summary>
/// An institution's classes as its admins keep them: listed in natural order (10A1, 10A2, 10A10),
/// renamed (the name cleaned; two names that differ only in case or spacing are one class), archived
/// (out of the lists, members and history kept), and the courses each class takes.
/// </summary>
public sealed class ClassRepository(Db db, TimeProvider clock)
{
    private static readonly Sql ListSql = Sql.Portable(
        "SELECT c.id, c.name, c.archived_at, " +
        "(SELECT COUNT(*) FROM class_members cm JOIN memberships m " +
        "  ON m.user_id = cm.user_id AND m.institution_id = c.institution_id AND m.role = 'student' " +
        "  WHERE cm.class_id = c.id) AS students, " +
        "(SELECT COUNT(*) FROM class_courses cc WHERE cc.class_id = c.id) AS courses " +
        "FROM classes c WHERE c.institution_id = @institutionId AND (@archived = 1 OR c.archived_at IS NULL)");

    /// <summary>The classes in natural order; archived ones only when asked for.</summary>
    public async Task<IReadOnlyList<ClassInfo>> ListAsync(Guid institutionId, bool includeArchived = false)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<ClassInfo>(db.Text(ListSql), new { institutionId, archived = includeArchived ? 1 : 0 });
        return rows.OrderBy(c => c.Name, ClassNameOrder.Instance).ToList();
    }

    private static readonly Sql GetSql = Sql.Portable(
        "SELECT c.id, c.name, c.archived_at, 0 AS students, 0 AS courses FROM classes c WHERE c.id = @classId AND c.institution_id = @institutionId");

    public async Task<ClassInfo?> GetAsync(Guid institutionId, Guid classId)
    {
        return await db.SingleOrDefaultAsync<ClassInfo>(GetSql, new { institutionId, classId });
    }

    private static readonly Sql NamesSql = Sql.Portable("SELECT id, name FROM classes WHERE institution_id = @institutionId");

    private sealed record ClassName(Guid Id, string Name);

    /// <summary>Another class of the institution whose name is this one's, up to case and spacing (archived ones count: their history keeps the name).</summary>
    public async Task<Guid?> SameNameAsync(Guid institutionId, string name, Guid except, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        var owned = connection is null;
        connection ??= await db.OpenAsync();
        try
        {
            var key = PersonText.Key(name);
            var names = await connection.QueryAsync<ClassName>(db.Text(NamesSql), new { institutionId }, transaction);
            return names.FirstOrDefault(c => c.Id != except && PersonText.Key(c.Name) == key)?.Id;
        }
        finally
        {
            if (owned) await connection.DisposeAsync();
        }
    }

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO classes (id, institution_id, name) VALUES (@id, @institutionId, @name)");

    /// <summary>A new class (cleaned name), or null when the institution already has one by that name up to case and spacing.</summary>
    public async Task<Guid?> CreateAsync(Guid institutionId, string name, Guid actorId, AdminAudit audit)
    {
        name = PersonText.Clean(name);
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await SameNameAsync(institutionId, name, Guid.Empty, connection, transaction) is not null) return (Guid?)null;
            var id = Guid.CreateVersion7();
            try
            {
                await connection.ExecuteAsync(db.Text(InsertSql), new { id, institutionId, name }, transaction);
            }
            catch (DbException)
            {
                return null; // created at the same moment by someone else: the unique index decided
            }
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Class, id, AuditActions.Created, new { name });
            return id;
        });
    }

    private static readonly Sql RenameSql = Sql.Portable(
        "UPDATE classes SET name = @name WHERE id = @classId AND institution_id = @institutionId");

    public enum RenameOutcome { Renamed, NotFound, Taken, Unchanged }

    /// <summary>Renames a class (cleaned text), unless another class already has that name; audited.</summary>
    public async Task<(RenameOutcome Outcome, string? Before)> RenameAsync(Guid institutionId, Guid classId, string name, Guid actorId, AdminAudit audit)
    {
        name = PersonText.Clean(name);
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var current = await connection.QuerySingleOrDefaultAsync<ClassInfo>(db.Text(GetSql), new { institutionId, classId }, transaction);
            if (current is null) return (RenameOutcome.NotFound, (string?)null);
            if (current.Name == name) return (RenameOutcome.Unchanged, current.Name);
            if (await SameNameAsync(institutionId, name, classId, connection, transaction) is not null) return (RenameOutcome.Taken, current.Name);
            try
            {
                await connection.ExecuteAsync(db.Text(RenameSql), new { institutionId, classId, name }, transaction);
            }
            catch (DbException)
            {
                // The unique index (institution, name) decides a race with another rename or an import.
                return (RenameOutcome.Taken, current.Name);
            }
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Class, classId, AuditActions.Renamed,
                new Dictionary<string, string[]> { ["name"] = [current.Name, name] });
            return (RenameOutcome.Renamed, current.Name);
        });
    }

    private static readonly Sql ArchiveSql = Sql.Portable(
        "UPDATE classes SET archived_at = @at WHERE id = @classId AND institution_id = @institutionId");

    /// <summary>Archives a class (or brings it back); its members, courses and history stay. False when there is no such class.</summary>
    public async Task<bool> SetArchivedAsync(Guid institutionId, Guid classId, bool archived, Guid actorId, AdminAudit audit) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var current = await connection.QuerySingleOrDefaultAsync<ClassInfo>(db.Text(GetSql), new { institutionId, classId }, transaction);
            if (current is null) return false;
            if ((current.ArchivedAt is not null) == archived) return true;
            await connection.ExecuteAsync(db.Text(ArchiveSql),
                new { institutionId, classId, at = archived ? clock.GetUtcNow() : (DateTimeOffset?)null }, transaction);
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Class, classId,
                archived ? AuditActions.Archived : AuditActions.Restored, new { name = current.Name });
            return true;
        });

    private static readonly Sql LinkSql = Sql.PerDialect(d => d.InsertIgnore(
        "class_courses", ["class_id", "course_id", "linked_at"], ["@classId", "@courseId", "@now"], ["class_id", "course_id"]));
    private static readonly Sql ClassByNameSql = Sql.Portable(
        "SELECT id FROM classes WHERE institution_id = @institutionId AND name = @name");

    /// <summary>
    /// Notes that a course was given to a whole class (enrolled by class): a student who joins the class
    /// later is enrolled in it, one who leaves is not any more.
    /// </summary>
    public async Task LinkCourseAsync(Guid institutionId, string className, Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        var classId = await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(ClassByNameSql), new { institutionId, name = className.Trim() });
        if (classId is null) return;
        await connection.ExecuteAsync(db.Text(LinkSql), new { classId, courseId, now = clock.GetUtcNow() });
    }

    private static readonly Sql CoursesSql = Sql.Portable("SELECT course_id FROM class_courses WHERE class_id = @classId");

    public async Task<IReadOnlyList<Guid>> CoursesAsync(Guid classId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<Guid>(db.Text(CoursesSql), new { classId })).AsList();
    }
}
