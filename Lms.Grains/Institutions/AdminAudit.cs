using System.Data.Common;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Institutions;

/// <summary>What an admin did to whom: a person or a class of their institution.</summary>
public static class AuditSubjects
{
    public const string Person = "person";
    public const string Class = "class";
}

public static class AuditActions
{
    public const string Created = "created";
    public const string Renamed = "renamed";
    public const string IdentityChanged = "identity-changed";
    public const string Moved = "moved";
    public const string Disabled = "disabled";
    public const string Enabled = "enabled";
    public const string Removed = "removed";
    public const string MergedInto = "merged-into";
    public const string MergedFrom = "merged-from";
    public const string Archived = "archived";
    public const string Restored = "restored";
}

public sealed record AuditEntry
{
    public Guid Id { get; init; }
    public Guid ActorId { get; init; }
    public string ActorName { get; init; } = "";
    public string SubjectKind { get; init; } = "";
    public Guid SubjectId { get; init; }
    public string Action { get; init; } = "";
    /// <summary>{"field": ["before", "after"], …} or other small facts of the change, as JSON.</summary>
    public string? Detail { get; init; }
    public DateTimeOffset At { get; init; }
}

/// <summary>
/// The audit of admins' changes to people and classes: written in the same transaction as the
/// change it records, so there is no change without its entry and no entry without its change.
/// </summary>
public sealed class AdminAudit(Db db, TimeProvider clock)
{
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO admin_audit (id, institution_id, actor_id, subject_kind, subject_id, action, detail, at) " +
        "VALUES (@id, @institutionId, @actorId, @subjectKind, @subjectId, @action, @detail, @at)");

    public async Task RecordAsync(
        DbConnection connection, DbTransaction? transaction, Guid institutionId, Guid actorId, string subjectKind, Guid subjectId,
        string action, object? detail = null)
    {
        var json = detail is null ? null : JsonSerializer.Serialize(detail, JsonSerializerOptions.Web);
        if (json is { Length: > 2000 }) json = json[..2000];
        await connection.ExecuteAsync(db.Text(InsertSql), new
        {
            id = Guid.CreateVersion7(), institutionId, actorId, subjectKind, subjectId, action, detail = json, at = clock.GetUtcNow(),
        }, transaction);
    }

    public async Task RecordAsync(Guid institutionId, Guid actorId, string subjectKind, Guid subjectId, string action, object? detail = null)
    {
        await using var connection = await db.OpenAsync();
        await RecordAsync(connection, null, institutionId, actorId, subjectKind, subjectId, action, detail);
    }

    // The same log also holds who read a person's data (Privacy's "…-read" actions): those are not changes of the
    // person, and the Privacy tab lists them.
    private const string ChangesOf = "a.institution_id = @institutionId AND a.subject_id = @subjectId AND a.action NOT LIKE '%-read'";

    private static readonly Sql ListSql = Sql.PerDialect(d =>
        "SELECT a.id, a.actor_id, u.display_name AS actor_name, a.subject_kind, a.subject_id, a.action, a.detail, a.at " +
        "FROM admin_audit a JOIN users u ON u.id = a.actor_id " +
        $"WHERE {ChangesOf} ORDER BY a.at DESC, a.id DESC {d.Page()}");

    private static readonly Sql CountSql = Sql.Portable($"SELECT COUNT(*) FROM admin_audit a WHERE {ChangesOf}");

    /// <summary>The changes made to one person or class in this institution, newest first.</summary>
    public Task<Page<AuditEntry>> ListAsync(Guid institutionId, Guid subjectId, PageRequest page) =>
        db.PageAsync<AuditEntry>(CountSql, ListSql, new { institutionId, subjectId }, page);
}
