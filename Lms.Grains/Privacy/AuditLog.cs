using System.Text.Json;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Privacy;

/// <summary>
/// The stable codes of what the audit log records about personal data; the web app words each one (vi, en).
/// Admins' changes to people and classes (<see cref="Institutions.AuditActions"/>) share the same log.
/// </summary>
public static class PrivacyActions
{
    // Reads end in "-read": a person's change history on the People page (AdminAudit) leaves them out.
    public const string PeopleRead = "people-read";
    public const string PersonRead = "person-read";
    public const string PeopleExport = "people-export";
    public const string ClassListsExport = "class-lists-export";
    public const string GradebookExport = "gradebook-export";
    public const string AttendanceRead = "attendance-read";
    public const string AttendanceExport = "attendance-export";
    public const string DataCopy = "data-copy";
    /// <summary>Sign-in slips printed: names, national IDs and fresh one-time codes on paper.</summary>
    public const string SlipsPrint = "slips-print";
    public const string ErasureRequested = "erasure-requested";
    public const string ErasureCarriedOut = "erasure-carried-out";
    public const string ErasureDeclined = "erasure-declined";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        PeopleRead, PersonRead, PeopleExport, ClassListsExport, GradebookExport, AttendanceRead, AttendanceExport, DataCopy, SlipsPrint,
        ErasureRequested, ErasureCarriedOut, ErasureDeclined,
    };
}

/// <summary>What a read or an export was about, beside a person or a class (<c>subject_kind</c> holds at most 10 characters).</summary>
public static class PrivacySubjects
{
    /// <summary>The institution's people (subject id: the institution).</summary>
    public const string People = "people";
    public const string Course = "course";
    public const string Person = Institutions.AuditSubjects.Person;
}

/// <summary>Who did it and from where: the signed-in person, the client's address and its browser.</summary>
public sealed record AuditOrigin(Guid ActorId, string? Address, string? UserAgent);

public sealed record AuditLogEntry
{
    public Guid Id { get; init; }
    public DateTimeOffset At { get; init; }
    public Guid ActorId { get; init; }
    public string ActorName { get; init; } = "";
    public string SubjectKind { get; init; } = "";
    public Guid SubjectId { get; init; }
    /// <summary>The person's (or course's, or class's) name now; null for the institution's lists.</summary>
    public string? SubjectName { get; init; }
    public string Action { get; init; } = "";
    public string? Detail { get; init; }
    public string? Address { get; init; }
    public string? UserAgent { get; init; }
}

/// <summary>The filters of the admin's audit page; null means any.</summary>
public sealed record AuditLogQuery(string? Action, Guid? PersonId, DateTimeOffset? From, DateTimeOffset? To, PageRequest Page);

/// <summary>
/// The one audit log (table <c>admin_audit</c>): reads of full national-ID lists and exports of personal data, written
/// with their origin, beside the admins' changes <see cref="Institutions.AdminAudit"/> writes. Append only: there is
/// no statement here, nor anywhere in the product, that changes or deletes a row.
/// </summary>
public sealed class AuditLog(Db db, TimeProvider clock)
{
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO admin_audit (id, institution_id, actor_id, subject_kind, subject_id, action, detail, at, address, user_agent) " +
        "VALUES (@id, @institutionId, @actorId, @subjectKind, @subjectId, @action, @detail, @at, @address, @userAgent)");

    public async Task RecordAsync(Guid institutionId, AuditOrigin origin, string subjectKind, Guid subjectId, string action, object? detail = null)
    {
        var json = detail is null ? null : JsonSerializer.Serialize(detail, JsonSerializerOptions.Web);
        if (json is { Length: > 2000 }) json = json[..2000];
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(InsertSql), new
        {
            id = Guid.CreateVersion7(), institutionId, actorId = origin.ActorId, subjectKind, subjectId, action, detail = json,
            at = clock.GetUtcNow(), address = Clip(origin.Address, 64), userAgent = Clip(origin.UserAgent, 300),
        });
    }

    private static string? Clip(string? text, int length) => text is { } t && t.Length > length ? t[..length] : text;

    // Filters are always bound (a sentinel meaning "any"), so one statement serves every combination and
    // PostgreSQL never sees an untyped null parameter.
    private const string Where =
        "WHERE a.institution_id = @institutionId AND (@anyAction = 1 OR a.action = @action) " +
        "AND (@anyPerson = 1 OR a.subject_id = @personId OR a.actor_id = @personId) AND a.at >= @from AND a.at < @to";

    private static readonly Sql ListSql = Sql.PerDialect(d =>
        "SELECT a.id, a.at, a.actor_id, u.display_name AS actor_name, a.subject_kind, a.subject_id, " +
        "COALESCE(s.display_name, c.title, k.name) AS subject_name, a.action, a.detail, a.address, a.user_agent " +
        "FROM admin_audit a JOIN users u ON u.id = a.actor_id " +
        "LEFT JOIN users s ON s.id = a.subject_id LEFT JOIN courses c ON c.id = a.subject_id LEFT JOIN classes k ON k.id = a.subject_id " +
        $"{Where} ORDER BY a.at DESC, a.id DESC {d.Page()}");

    private static readonly Sql CountSql = Sql.Portable($"SELECT COUNT(*) FROM admin_audit a {Where}");

    /// <summary>One institution's log, newest first.</summary>
    public Task<Page<AuditLogEntry>> ListAsync(Guid institutionId, AuditLogQuery query) =>
        db.PageAsync<AuditLogEntry>(CountSql, ListSql, new
        {
            institutionId,
            anyAction = query.Action is null ? 1 : 0, action = query.Action ?? "",
            anyPerson = query.PersonId is null ? 1 : 0, personId = query.PersonId ?? Guid.Empty,
            from = query.From ?? Earliest, to = query.To ?? Latest,
        }, query.Page);

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Latest = new(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
