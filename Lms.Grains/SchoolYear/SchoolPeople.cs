using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.SchoolYear;

/// <summary>A student with the class they are in now (not an archived one).</summary>
public sealed record StudentInClass
{
    public Guid StudentId { get; init; }
    public string StudentName { get; init; } = "";
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
    public Guid InstitutionId { get; init; }
}

public sealed record PersonName
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
}

public sealed record ParentContact
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
}

/// <summary>Who is whose at school: a student's class, a class's students, a parent's children and a child's parents.</summary>
public sealed class SchoolPeople(Db db)
{
    private const string StudentInClassSelect =
        "SELECT u.id AS student_id, u.display_name AS student_name, c.id AS class_id, c.name AS class_name, c.institution_id " +
        "FROM class_members cm JOIN classes c ON c.id = cm.class_id AND c.archived_at IS NULL " +
        "JOIN users u ON u.id = cm.user_id " +
        "JOIN memberships m ON m.user_id = cm.user_id AND m.institution_id = c.institution_id AND m.role = 'student' ";

    private static readonly Sql StudentSql = Sql.Portable(StudentInClassSelect + "WHERE cm.user_id = @studentId ORDER BY c.name");

    /// <summary>The student's current class; null for someone who is no student in a class.</summary>
    public async Task<StudentInClass?> StudentAsync(Guid studentId) =>
        (await db.QueryAsync<StudentInClass>(StudentSql, new { studentId })).FirstOrDefault();

    private static readonly Sql ChildrenSql = Sql.Portable(
        StudentInClassSelect + "JOIN parent_links p ON p.student_id = cm.user_id WHERE p.parent_id = @parentId ORDER BY u.display_name");

    /// <summary>A parent's children who are in a class, by name.</summary>
    public Task<IReadOnlyList<StudentInClass>> ChildrenAsync(Guid parentId) => db.QueryAsync<StudentInClass>(ChildrenSql, new { parentId });

    private static readonly Sql ParentsSql = Sql.Portable(
        "SELECT u.id, u.display_name, u.email FROM parent_links p JOIN users u ON u.id = p.parent_id WHERE p.student_id = @studentId");

    public Task<IReadOnlyList<ParentContact>> ParentsOfAsync(Guid studentId) => db.QueryAsync<ParentContact>(ParentsSql, new { studentId });

    private static readonly Sql ClassStudentsSql = Sql.Portable(
        "SELECT u.id, u.display_name AS name FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "JOIN users u ON u.id = cm.user_id " +
        "JOIN memberships m ON m.user_id = cm.user_id AND m.institution_id = c.institution_id AND m.role = 'student' " +
        "WHERE cm.class_id = @classId");

    /// <summary>A class's students in Vietnamese name order (given name first, as a roll is read).</summary>
    public async Task<IReadOnlyList<PersonName>> ClassStudentsAsync(Guid classId) =>
        (await db.QueryAsync<PersonName>(ClassStudentsSql, new { classId })).OrderBy(p => p.Name, PersonNameOrder.GivenNameFirst).ToList();

    private static readonly Sql HasRoleSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE institution_id = @institutionId AND user_id = @userId AND role = @role");

    public async Task<bool> HasRoleAsync(Guid institutionId, Guid userId, string role) =>
        await db.ScalarAsync<long>(HasRoleSql, new { institutionId, userId, role }) > 0;

    public Task<bool> IsTeacherAsync(Guid institutionId, Guid userId) => HasRoleAsync(institutionId, userId, Roles.Teacher);

    private static readonly Sql ClassInstitutionSql = Sql.Portable("SELECT institution_id FROM classes WHERE id = @classId");

    public Task<Guid?> InstitutionOfClassAsync(Guid classId) => db.ScalarAsync<Guid?>(ClassInstitutionSql, new { classId });
}
