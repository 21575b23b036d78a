using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Courses;

/// <summary>Courses, their outline (modules and items), their teachers and their students.</summary>
public sealed class CourseRepository(Db db, TimeProvider clock)
{
    private static readonly Sql InsertCourseSql = Sql.Portable(
        "INSERT INTO courses (id, institution_id, title, summary, kind, status, created_by, created_at, updated_at) " +
        "VALUES (@id, @institutionId, @title, @summary, @kind, @status, @createdBy, @now, @now)");
    private static readonly Sql InsertStaffSql = Sql.PerDialect(d => d.InsertIgnore(
        "course_staff", ["course_id", "user_id", "role"], ["@courseId", "@userId", "@role"], ["course_id", "user_id"]));

    public async Task<Guid> CreateAsync(Guid institutionId, string title, string? summary, string kind, Guid createdBy)
    {
        var id = Guid.CreateVersion7();
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(InsertCourseSql), new
            {
                id, institutionId, title, summary, kind, status = CourseStatuses.Draft, createdBy, now = clock.GetUtcNow(),
            }, transaction);
            await connection.ExecuteAsync(db.Text(InsertStaffSql),
                new { courseId = id, userId = createdBy, role = StaffRoles.Owner }, transaction);
            return id;
        });
        return id;
    }

    private static readonly Sql GetSql = Sql.Portable(
        "SELECT c.id, c.institution_id, i.name AS institution_name, c.title, c.summary, c.kind, c.status, c.created_at, c.updated_at " +
        "FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.id = @id");

    public async Task<CourseRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<CourseRow>(GetSql, new { id });

    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE courses SET title = @title, summary = @summary, kind = @kind, updated_at = @now WHERE id = @id");

    public async Task UpdateAsync(Guid id, string title, string? summary, string kind) =>
        await db.ExecuteAsync(UpdateSql, new { id, title, summary, kind, now = clock.GetUtcNow() });

    private static readonly Sql SetStatusSql = Sql.Portable(
        "UPDATE courses SET status = @status, updated_at = @now WHERE id = @id");

    public async Task SetStatusAsync(Guid id, string status) =>
        await db.ExecuteAsync(SetStatusSql, new { id, status, now = clock.GetUtcNow() });

    // Staff see their drafts; students see a course once it is published.
    private const string MineFrom =
        "FROM courses c JOIN institutions i ON i.id = c.institution_id " +
        "LEFT JOIN course_staff s ON s.course_id = c.id AND s.user_id = @userId " +
        "LEFT JOIN enrolments e ON e.course_id = c.id AND e.user_id = @userId " +
        "WHERE s.user_id IS NOT NULL OR (e.user_id IS NOT NULL AND c.status = 'published')";

    private const string ProgressColumns =
        "(SELECT COUNT(*) FROM item_progress p WHERE p.course_id = c.id AND p.user_id = @userId) AS items_seen, " +
        "(SELECT COUNT(*) FROM course_items ci WHERE ci.course_id = c.id) AS items_total";

    private static readonly Sql MineSql = Sql.PerDialect(d =>
        "SELECT c.id, c.title, c.summary, c.kind, c.status, i.name AS institution_name, c.updated_at, " +
        $"CASE WHEN s.role IS NOT NULL THEN s.role ELSE 'student' END AS my_role, {ProgressColumns} " +
        $"{MineFrom} ORDER BY c.updated_at DESC, c.id {d.Page()}");
    private static readonly Sql MineCountSql = Sql.Portable($"SELECT COUNT(*) {MineFrom}");

    public async Task<Page<MyCourseRow>> MineAsync(Guid userId, PageRequest page)
    {
        return await db.PageAsync<MyCourseRow>(MineCountSql, MineSql, new { userId }, page);
    }

    private const string LearningFrom =
        "FROM courses c JOIN institutions i ON i.id = c.institution_id " +
        "JOIN enrolments e ON e.course_id = c.id AND e.user_id = @userId WHERE c.status = 'published'";

    private static readonly Sql LearningSql = Sql.PerDialect(d =>
        "SELECT c.id, c.title, c.summary, c.kind, c.status, i.name AS institution_name, c.updated_at, " +
        $"'student' AS my_role, {ProgressColumns} {LearningFrom} ORDER BY c.updated_at DESC, c.id {d.Page()}");
    private static readonly Sql LearningCountSql = Sql.Portable($"SELECT COUNT(*) {LearningFrom}");

    /// <summary>The published courses someone learns in, with their progress (what their parents see).</summary>
    public async Task<Page<MyCourseRow>> LearningAsync(Guid userId, PageRequest page) =>
        await db.PageAsync<MyCourseRow>(LearningCountSql, LearningSql, new { userId }, page);

    private static readonly Sql InstitutionCoursesSql = Sql.PerDialect(d =>
        "SELECT c.id, c.title, c.summary, c.kind, c.status, i.name AS institution_name, c.updated_at, '' AS my_role " +
        "FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.institution_id = @institutionId " +
        $"ORDER BY c.updated_at DESC, c.id {d.Page()}");
    private static readonly Sql InstitutionCoursesCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM courses WHERE institution_id = @institutionId");

    public async Task<Page<MyCourseRow>> InstitutionCoursesAsync(Guid institutionId, PageRequest page)
    {
        return await db.PageAsync<MyCourseRow>(InstitutionCoursesCountSql, InstitutionCoursesSql, new { institutionId }, page);
    }

    private static readonly Sql StaffRoleSql = Sql.Portable(
        "SELECT role FROM course_staff WHERE course_id = @courseId AND user_id = @userId");
    private static readonly Sql EnrolledSql = Sql.Portable(
        "SELECT COUNT(*) FROM enrolments WHERE course_id = @courseId AND user_id = @userId");

    /// <summary>What a person is in a course: its staff role, and whether they are enrolled.</summary>
    public async Task<(string? StaffRole, bool Enrolled)> ParticipationAsync(Guid courseId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        var role = await connection.QuerySingleOrDefaultAsync<string?>(db.Text(StaffRoleSql), new { courseId, userId });
        var enrolled = await connection.ExecuteScalarAsync<long>(db.Text(EnrolledSql), new { courseId, userId }) > 0;
        return (role, enrolled);
    }

    private static readonly Sql ViewerSql = Sql.PerDialect(d =>
        "SELECT c.id, c.institution_id, i.name AS institution_name, c.title, c.summary, c.kind, c.status, c.created_at, c.updated_at, " +
        "(SELECT s.role FROM course_staff s WHERE s.course_id = c.id AND s.user_id = @userId) AS staff_role, " +
        "(SELECT COUNT(*) FROM enrolments e WHERE e.course_id = c.id AND e.user_id = @userId) AS enrolled, " +
        "(SELECT COUNT(*) FROM memberships m JOIN institutions mi ON mi.id = m.institution_id " +
        $" WHERE m.user_id = @userId AND m.role = @admin AND {d.StartsWith("i.path", "mi.path")}) AS admins " +
        "FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.id = @courseId");

    private sealed record ViewerRow
    {
        public Guid Id { get; init; }
        public Guid InstitutionId { get; init; }
        public string InstitutionName { get; init; } = "";
        public string Title { get; init; } = "";
        public string? Summary { get; init; }
        public string Kind { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? StaffRole { get; init; }
        public long Enrolled { get; init; }
        public long Admins { get; init; }
    }

    /// <summary>
    /// The course and what a person is in it, in one statement (every request checks this): their staff role,
    /// whether they are enrolled, and whether they administer its institution or one above it. Null when no such course.
    /// </summary>
    public async Task<(CourseRow Course, string? StaffRole, bool Enrolled, bool InstitutionAdmin)?> ViewerAsync(Guid courseId, Guid userId)
    {
        var row = await db.SingleOrDefaultAsync<ViewerRow>(ViewerSql, new { courseId, userId, admin = Roles.Admin });
        if (row is null) return null;
        var course = new CourseRow
        {
            Id = row.Id, InstitutionId = row.InstitutionId, InstitutionName = row.InstitutionName, Title = row.Title, Summary = row.Summary,
            Kind = row.Kind, Status = row.Status, CreatedAt = row.CreatedAt, UpdatedAt = row.UpdatedAt,
        };
        return (course, row.StaffRole, row.Enrolled > 0, row.Admins > 0);
    }

    private static readonly Sql ModulesSql = Sql.Portable(
        "SELECT id, course_id, title, position FROM course_modules WHERE course_id = @courseId ORDER BY position, id");
    private static readonly Sql ItemsSql = Sql.Portable(
        "SELECT id, course_id, module_id, kind, title, body, url, position, ref_id, due_at FROM course_items " +
        "WHERE course_id = @courseId ORDER BY position, id");

    public async Task<(IReadOnlyList<ModuleRow> Modules, IReadOnlyList<ItemRow> Items)> OutlineAsync(Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        var modules = (await connection.QueryAsync<ModuleRow>(db.Text(ModulesSql), new { courseId })).AsList();
        var items = (await connection.QueryAsync<ItemRow>(db.Text(ItemsSql), new { courseId })).AsList();
        return (modules, items);
    }

    private static readonly Sql NextModulePositionSql = Sql.Portable(
        "SELECT COALESCE(MAX(position), -1) + 1 FROM course_modules WHERE course_id = @courseId");
    private static readonly Sql InsertModuleSql = Sql.Portable(
        "INSERT INTO course_modules (id, course_id, title, position) VALUES (@Id, @CourseId, @Title, @Position)");
    private static readonly Sql TouchSql = Sql.Portable("UPDATE courses SET updated_at = @now WHERE id = @courseId");

    public async Task<ModuleRow> AddModuleAsync(Guid courseId, string title)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var position = await connection.ExecuteScalarAsync<int>(db.Text(NextModulePositionSql), new { courseId }, transaction);
            var module = new ModuleRow { Id = Guid.CreateVersion7(), CourseId = courseId, Title = title, Position = position };
            await connection.ExecuteAsync(db.Text(InsertModuleSql), module, transaction);
            await connection.ExecuteAsync(db.Text(TouchSql), new { courseId, now = clock.GetUtcNow() }, transaction);
            return module;
        });
    }

    private static readonly Sql RenameModuleSql = Sql.Portable(
        "UPDATE course_modules SET title = @title WHERE id = @moduleId AND course_id = @courseId");

    public async Task<bool> RenameModuleAsync(Guid courseId, Guid moduleId, string title) =>
        await db.ExecuteAsync(RenameModuleSql, new { courseId, moduleId, title }) > 0;

    private static readonly Sql DeleteModuleProgressSql = Sql.Portable(
        "DELETE FROM item_progress WHERE item_id IN (SELECT id FROM course_items WHERE module_id = @moduleId AND course_id = @courseId)");
    private static readonly Sql DeleteModuleItemsSql = Sql.Portable(
        "DELETE FROM course_items WHERE module_id = @moduleId AND course_id = @courseId");
    private static readonly Sql DeleteModuleSql = Sql.Portable(
        "DELETE FROM course_modules WHERE id = @moduleId AND course_id = @courseId");

    public async Task<bool> DeleteModuleAsync(Guid courseId, Guid moduleId)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var args = new { courseId, moduleId };
            await connection.ExecuteAsync(db.Text(DeleteModuleProgressSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteModuleItemsSql), args, transaction);
            var deleted = await connection.ExecuteAsync(db.Text(DeleteModuleSql), args, transaction) > 0;
            // A module that is not there changes nothing (the answer is a 404), not even the course's time.
            if (deleted) await connection.ExecuteAsync(db.Text(TouchSql), new { courseId, now = clock.GetUtcNow() }, transaction);
            return deleted;
        });
    }

    private static readonly Sql SetModulePositionSql = Sql.Portable(
        "UPDATE course_modules SET position = @position WHERE id = @id AND course_id = @courseId");

    /// <summary>Puts the modules in the given order; the list must name each of the course's modules once.</summary>
    public async Task<bool> ReorderModulesAsync(Guid courseId, IReadOnlyList<Guid> order)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var current = (await connection.QueryAsync<ModuleRow>(db.Text(ModulesSql), new { courseId }, transaction))
                .Select(m => m.Id).ToHashSet();
            if (!current.SetEquals(order) || order.Count != current.Count) return false;
            for (var i = 0; i < order.Count; i++)
                await connection.ExecuteAsync(db.Text(SetModulePositionSql), new { id = order[i], courseId, position = i }, transaction);
            return true;
        });
    }

    private static readonly Sql ModuleExistsSql = Sql.Portable(
        "SELECT COUNT(*) FROM course_modules WHERE id = @moduleId AND course_id = @courseId");
    private static readonly Sql NextItemPositionSql = Sql.Portable(
        "SELECT COALESCE(MAX(position), -1) + 1 FROM course_items WHERE module_id = @moduleId");
    private static readonly Sql InsertItemSql = Sql.Portable(
        "INSERT INTO course_items (id, course_id, module_id, kind, title, body, url, position, ref_id) " +
        "VALUES (@Id, @CourseId, @ModuleId, @Kind, @Title, @Body, @Url, @Position, @RefId)");

    /// <summary>Adds an item at the end of a module; null when the module is not the course's.</summary>
    public async Task<ItemRow?> AddItemAsync(
        Guid courseId, Guid moduleId, string kind, string title, string? body, string? url, Guid? refId = null)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(db.Text(ModuleExistsSql), new { courseId, moduleId }, transaction) == 0)
                return null;
            var position = await connection.ExecuteScalarAsync<int>(db.Text(NextItemPositionSql), new { moduleId }, transaction);
            var item = new ItemRow
            {
                Id = Guid.CreateVersion7(), CourseId = courseId, ModuleId = moduleId, Kind = kind,
                Title = title, Body = body, Url = url, Position = position, RefId = refId,
            };
            await connection.ExecuteAsync(db.Text(InsertItemSql), item, transaction);
            await connection.ExecuteAsync(db.Text(TouchSql), new { courseId, now = clock.GetUtcNow() }, transaction);
            return item;
        });
    }

    private static readonly Sql UpdateItemSql = Sql.Portable(
        "UPDATE course_items SET title = @title, body = @body, url = @url WHERE id = @itemId AND course_id = @courseId");

    public async Task<bool> UpdateItemAsync(Guid courseId, Guid itemId, string title, string? body, string? url) =>
        await db.ExecuteAsync(UpdateItemSql, new { courseId, itemId, title, body, url }) > 0;

    private static readonly Sql SetItemDueSql = Sql.Portable(
        "UPDATE course_items SET due_at = @dueAt WHERE id = @itemId AND course_id = @courseId");

    /// <summary>Sets (or with null, clears) an item's due date; false when the course has no such item.</summary>
    public async Task<bool> SetItemDueAsync(Guid courseId, Guid itemId, DateTimeOffset? dueAt) =>
        await db.ExecuteAsync(SetItemDueSql, new { courseId, itemId, dueAt }) > 0;

    private static readonly Sql DeleteItemProgressSql = Sql.Portable(
        "DELETE FROM item_progress WHERE item_id = @itemId AND course_id = @courseId");
    private static readonly Sql DeleteItemSql = Sql.Portable(
        "DELETE FROM course_items WHERE id = @itemId AND course_id = @courseId");

    public async Task<bool> DeleteItemAsync(Guid courseId, Guid itemId)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteItemProgressSql), new { courseId, itemId }, transaction);
            return await connection.ExecuteAsync(db.Text(DeleteItemSql), new { courseId, itemId }, transaction) > 0;
        });
    }

    private static readonly Sql ModuleItemsSql = Sql.Portable(
        "SELECT id FROM course_items WHERE module_id = @moduleId AND course_id = @courseId");
    private static readonly Sql SetItemPositionSql = Sql.Portable(
        "UPDATE course_items SET position = @position WHERE id = @id AND module_id = @moduleId");

    /// <summary>Puts a module's items in the given order; the list must name each of its items once.</summary>
    public async Task<bool> ReorderItemsAsync(Guid courseId, Guid moduleId, IReadOnlyList<Guid> order)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var current = (await connection.QueryAsync<Guid>(db.Text(ModuleItemsSql), new { courseId, moduleId }, transaction)).ToHashSet();
            if (!current.SetEquals(order) || order.Count != current.Count) return false;
            for (var i = 0; i < order.Count; i++)
                await connection.ExecuteAsync(db.Text(SetItemPositionSql), new { id = order[i], moduleId, position = i }, transaction);
            return true;
        });
    }

    private static readonly Sql MembersSql = Sql.PerDialect(d =>
        "SELECT u.id, u.display_name, u.email, u.national_id, m.role, m.items_seen FROM (" +
        "  SELECT s.user_id, s.role, 0 AS items_seen FROM course_staff s WHERE s.course_id = @courseId " +
        "  UNION ALL " +
        "  SELECT e.user_id, 'student' AS role, " +
        "    (SELECT COUNT(*) FROM item_progress p WHERE p.course_id = e.course_id AND p.user_id = e.user_id) AS items_seen " +
        "  FROM enrolments e WHERE e.course_id = @courseId" +
        ") m JOIN users u ON u.id = m.user_id " +
        $"ORDER BY CASE WHEN m.role = 'student' THEN 1 ELSE 0 END, u.search_name, u.id {d.Page()}");
    private static readonly Sql MembersCountSql = Sql.Portable(
        "SELECT (SELECT COUNT(*) FROM course_staff WHERE course_id = @courseId) + " +
        "(SELECT COUNT(*) FROM enrolments WHERE course_id = @courseId)");

    /// <summary>Teachers first, then students with how many items each has seen.</summary>
    public async Task<Page<CourseMemberRow>> MembersAsync(Guid courseId, PageRequest page)
    {
        return await db.PageAsync<CourseMemberRow>(MembersCountSql, MembersSql, new { courseId }, page);
    }

    private static readonly Sql EnrolSql = Sql.PerDialect(d => d.InsertIgnore(
        "enrolments", ["course_id", "user_id", "enrolled_at"], ["@courseId", "@userId", "@now"], ["course_id", "user_id"]));

    /// <summary>Enrols people (already checked to be students of the course's institution); returns how many were new.</summary>
    public async Task<int> EnrolAsync(Guid courseId, IReadOnlyCollection<Guid> userIds)
    {
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var added = 0;
            foreach (var userId in userIds)
                added += await connection.ExecuteAsync(db.Text(EnrolSql), new { courseId, userId, now }, transaction) > 0 ? 1 : 0;
            return added;
        });
    }

    private static readonly Sql UnenrolSql = Sql.Portable(
        "DELETE FROM enrolments WHERE course_id = @courseId AND user_id = @userId");

    public async Task<bool> UnenrolAsync(Guid courseId, Guid userId) =>
        await db.ExecuteAsync(UnenrolSql, new { courseId, userId }) > 0;

    public async Task<bool> AddTeacherAsync(Guid courseId, Guid userId) =>
        await db.ExecuteAsync(InsertStaffSql, new { courseId, userId, role = StaffRoles.Teacher }) > 0;

    private static readonly Sql RemoveTeacherSql = Sql.Portable(
        "DELETE FROM course_staff WHERE course_id = @courseId AND user_id = @userId AND role = 'teacher'");

    /// <summary>Removes a co-teacher; the owner stays.</summary>
    public async Task<bool> RemoveTeacherAsync(Guid courseId, Guid userId) =>
        await db.ExecuteAsync(RemoveTeacherSql, new { courseId, userId }) > 0;

    private static readonly Sql ClassStudentsSql = Sql.Portable(
        "SELECT cm.user_id FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "JOIN memberships m ON m.user_id = cm.user_id AND m.institution_id = c.institution_id AND m.role = 'student' " +
        "WHERE c.institution_id = @institutionId AND c.name = @className");

    public async Task<IReadOnlyList<Guid>> ClassStudentsAsync(Guid institutionId, string className) =>
        await db.QueryAsync<Guid>(ClassStudentsSql, new { institutionId, className });
}
