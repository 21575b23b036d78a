using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

public sealed record InstitutionRow
{
    public Guid Id { get; init; }
    public Guid? ParentId { get; init; }
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Code { get; init; }
    public string Path { get; init; } = "";

}

public sealed record PersonRow
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string Role { get; init; } = "";
    public string? ClassName { get; init; }
}

public sealed record MembershipKey
{
    public Guid InstitutionId { get; init; }
    public string Role { get; init; } = "";
}

public sealed class InstitutionRepository(Db db, TimeProvider clock)
{
    private static readonly Sql GetSql = Sql.Portable(
        "SELECT id, parent_id, kind, name, code, path FROM institutions WHERE id = @id");

    public async Task<InstitutionRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<InstitutionRow>(GetSql, new { id });
    }

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO institutions (id, parent_id, kind, name, code, path, created_at) " +
        "VALUES (@Id, @ParentId, @Kind, @Name, @Code, @Path, @CreatedAt)");

    private static readonly Sql CodeTakenSql = Sql.Portable("SELECT COUNT(*) FROM institutions WHERE code = @code");

    public async Task<bool> CodeTakenAsync(string code)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(CodeTakenSql), new { code }) > 0;
    }

    public async Task<InstitutionRow> CreateAsync(InstitutionRow? parent, string kind, string name, string? code)
    {
        var id = Guid.CreateVersion7();
        var row = new InstitutionRow
        {
            Id = id,
            ParentId = parent?.Id,
            Kind = kind,
            Name = name,
            Code = code,
            Path = (parent?.Path ?? "/") + id.ToString("D") + "/",
        };
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(InsertSql), new
        {
            row.Id, row.ParentId, row.Kind, row.Name, row.Code, row.Path, CreatedAt = clock.GetUtcNow(),
        });
        return row;
    }

    private static readonly Sql ChildrenSql = Sql.Portable(
        "SELECT id, parent_id, kind, name, code, path FROM institutions WHERE parent_id = @id ORDER BY name");

    public async Task<IReadOnlyList<InstitutionRow>> ChildrenAsync(Guid id)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<InstitutionRow>(db.Text(ChildrenSql), new { id })).AsList();
    }

    // The institutions whose path is a prefix of this one's path are it and those above it.
    private static readonly Sql RolesSql = Sql.PerDialect(d =>
        "SELECT m.institution_id, m.role FROM memberships m JOIN institutions i ON i.id = m.institution_id " +
        $"WHERE m.user_id = @userId AND {d.StartsWith("@path", "i.path")}");

    /// <summary>
    /// The roles a person holds in an institution. An admin of an institution above it is an
    /// admin here too; other roles do not flow down.
    /// </summary>
    public async Task<IReadOnlySet<string>> RolesAsync(Guid userId, InstitutionRow institution)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<MembershipKey>(db.Text(RolesSql), new { userId, path = institution.Path });
        var roles = new HashSet<string>();
        foreach (var row in rows)
        {
            if (row.InstitutionId == institution.Id) roles.Add(row.Role);
            else if (row.Role == Roles.Admin) roles.Add(Roles.Admin);
        }
        return roles;
    }

    private static readonly Sql PeopleSql = Sql.PerDialect(d =>
        "SELECT u.id, u.display_name, u.email, u.national_id, m.role, " +
        "(SELECT MIN(c.name) FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "  WHERE cm.user_id = u.id AND c.institution_id = m.institution_id) AS class_name " +
        "FROM memberships m JOIN users u ON u.id = m.user_id " +
        "WHERE m.institution_id = @institutionId AND (@role IS NULL OR m.role = @role) " +
        "AND (@pattern IS NULL OR u.search_name LIKE @pattern ESCAPE '\\' OR u.email LIKE @pattern ESCAPE '\\' OR u.national_id LIKE @pattern ESCAPE '\\') " +
        "AND (@className IS NULL OR EXISTS (SELECT 1 FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "  WHERE cm.user_id = u.id AND c.institution_id = m.institution_id AND c.name = @className)) " +
        $"ORDER BY u.search_name, u.id, m.role {d.Page()}");

    private static readonly Sql PeopleCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id " +
        "WHERE m.institution_id = @institutionId AND (@role IS NULL OR m.role = @role) " +
        "AND (@pattern IS NULL OR u.search_name LIKE @pattern ESCAPE '\\' OR u.email LIKE @pattern ESCAPE '\\' OR u.national_id LIKE @pattern ESCAPE '\\') " +
        "AND (@className IS NULL OR EXISTS (SELECT 1 FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "  WHERE cm.user_id = u.id AND c.institution_id = m.institution_id AND c.name = @className))");

    /// <summary>The people of an institution (its roster), filtered and paged.</summary>
    public async Task<Page<PersonRow>> PeopleAsync(
        Guid institutionId, string? role, string? query, string? className, PageRequest page)
    {
        var args = new
        {
            institutionId,
            role,
            pattern = string.IsNullOrWhiteSpace(query) ? null : SearchText.Contains(query),
            className = string.IsNullOrWhiteSpace(className) ? null : className.Trim(),
        };
        return await db.PageAsync<PersonRow>(PeopleCountSql, PeopleSql, args, page);
    }

    private static readonly Sql MemberSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE institution_id = @institutionId AND user_id = @userId AND role = @role");

    public async Task<bool> HasMemberAsync(Guid institutionId, Guid userId, string role)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(MemberSql), new { institutionId, userId, role }) > 0;
    }

    private static readonly Sql AddMembershipSql = Sql.PerDialect(d => d.InsertIgnore(
        "memberships", ["institution_id", "user_id", "role", "created_at"],
        ["@institutionId", "@userId", "@role", "@createdAt"], ["institution_id", "user_id", "role"]));

    public async Task AddMembershipAsync(Guid institutionId, Guid userId, string role)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(AddMembershipSql),
            new { institutionId, userId, role, createdAt = clock.GetUtcNow() });
    }

    internal static Sql AddMembership => AddMembershipSql;
}
