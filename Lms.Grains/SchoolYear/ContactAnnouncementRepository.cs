using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

public sealed record AnnouncementView
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public Guid? ClassId { get; init; }
    /// <summary>Null for an announcement to the whole school.</summary>
    public string? ClassName { get; init; }
    public Guid AuthorId { get; init; }
    public string AuthorName { get; init; } = "";
    public string Title { get; init; } = "";
    public string Body { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>For a parent: when they opened it. For its author: null.</summary>
    public DateTimeOffset? ReadAt { get; init; }
    public long Recipients { get; init; }
    public long ReadCount { get; init; }
}

/// <summary>One parent of an announcement's audience and whether (when) they read it.</summary>
public sealed record AnnouncementReader
{
    public Guid ParentId { get; init; }
    public string ParentName { get; init; } = "";
    public DateTimeOffset? ReadAt { get; init; }
}

public sealed record NewAnnouncement(Guid InstitutionId, Guid? ClassId, Guid AuthorId, string Title, string Body, IReadOnlyList<Guid> AttachmentIds);

/// <summary>
/// Announcements to a class's parents or to every parent of a school. The audience is written down when it goes out
/// (a parent linked later does not see it, one unlinked later still does), and each row of it is a read receipt.
/// </summary>
public sealed class ContactAnnouncementRepository(Db db, ContactRepository contacts, TimeProvider clock)
{
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO contact_announcements (id, institution_id, class_id, author_id, title, body, created_at) " +
        "VALUES (@id, @institutionId, @classId, @authorId, @title, @body, @now)");

    // DISTINCT: a parent of two children in the class (or the school) is one reader.
    private static readonly Sql ClassAudienceSql = Sql.Portable(
        "INSERT INTO contact_announcement_recipients (announcement_id, parent_id) SELECT DISTINCT @id, p.parent_id " +
        "FROM class_members cm JOIN parent_links p ON p.student_id = cm.user_id WHERE cm.class_id = @classId");
    private static readonly Sql SchoolAudienceSql = Sql.Portable(
        "INSERT INTO contact_announcement_recipients (announcement_id, parent_id) SELECT DISTINCT @id, p.parent_id " +
        "FROM memberships m JOIN parent_links p ON p.student_id = m.user_id WHERE m.institution_id = @institutionId AND m.role = 'student'");
    private static readonly Sql AudienceSql = Sql.Portable("SELECT parent_id FROM contact_announcement_recipients WHERE announcement_id = @id");

    /// <summary>Saves the announcement and its audience; null, and nothing saved, when an attachment is not the author's free upload.</summary>
    public async Task<(Guid Id, IReadOnlyList<Guid> Audience)?> AddAsync(NewAnnouncement announcement)
    {
        try
        {
            return await db.InTransactionAsync(async (connection, transaction) =>
            {
                var id = Guid.CreateVersion7();
                var args = new
                {
                    id, institutionId = announcement.InstitutionId, classId = announcement.ClassId, authorId = announcement.AuthorId,
                    title = announcement.Title, body = announcement.Body, now = clock.GetUtcNow(),
                };
                await connection.ExecuteAsync(db.Text(InsertSql), args, transaction);
                await connection.ExecuteAsync(db.Text(announcement.ClassId is null ? SchoolAudienceSql : ClassAudienceSql), args, transaction);
                await contacts.AttachAsync(connection, transaction, ContactRepository.AnnouncementAttachSql, id, announcement.AuthorId,
                    announcement.AttachmentIds);
                var audience = (await connection.QueryAsync<Guid>(db.Text(AudienceSql), new { id }, transaction)).ToList();
                return ((Guid, IReadOnlyList<Guid>)?)(id, audience);
            });
        }
        catch (ContactRepository.AttachmentRefused)
        {
            return null;
        }
    }

    private const string Select =
        "SELECT a.id, a.institution_id, a.class_id, c.name AS class_name, a.author_id, u.display_name AS author_name, a.title, a.body, a.created_at, " +
        "{0} AS read_at, " +
        "(SELECT COUNT(*) FROM contact_announcement_recipients r WHERE r.announcement_id = a.id) AS recipients, " +
        "(SELECT COUNT(*) FROM contact_announcement_recipients r WHERE r.announcement_id = a.id AND r.read_at IS NOT NULL) AS read_count " +
        "FROM contact_announcements a JOIN users u ON u.id = a.author_id LEFT JOIN classes c ON c.id = a.class_id ";

    private const string MyRead = "(SELECT r.read_at FROM contact_announcement_recipients r WHERE r.announcement_id = a.id AND r.parent_id = @me)";

    private static readonly Sql OneSql = Sql.Portable(string.Format(Select, MyRead) + "WHERE a.id = @id");
    private static readonly Sql ReceivedSql = Sql.PerDialect(d => string.Format(Select, MyRead) +
        "WHERE EXISTS (SELECT 1 FROM contact_announcement_recipients r WHERE r.announcement_id = a.id AND r.parent_id = @me) " +
        "ORDER BY a.created_at DESC " + d.Page());
    private static readonly Sql SentSql = Sql.PerDialect(d => string.Format(Select, MyRead) +
        "WHERE a.author_id = @me ORDER BY a.created_at DESC " + d.Page());

    public Task<AnnouncementView?> GetAsync(Guid id, Guid me) => db.SingleOrDefaultAsync<AnnouncementView>(OneSql, new { id, me });

    /// <summary>What a parent was sent, newest first.</summary>
    public Task<IReadOnlyList<AnnouncementView>> ReceivedAsync(Guid me, int skip, int take) =>
        db.QueryAsync<AnnouncementView>(ReceivedSql, new { me, skip, take });

    /// <summary>What a teacher or admin sent, newest first.</summary>
    public Task<IReadOnlyList<AnnouncementView>> SentAsync(Guid me, int skip, int take) =>
        db.QueryAsync<AnnouncementView>(SentSql, new { me, skip, take });

    private static readonly Sql IsRecipientSql = Sql.Portable(
        "SELECT COUNT(*) FROM contact_announcement_recipients WHERE announcement_id = @id AND parent_id = @userId");

    public async Task<bool> IsRecipientAsync(Guid id, Guid userId) => await db.ScalarAsync<long>(IsRecipientSql, new { id, userId }) > 0;

    private static readonly Sql MarkReadSql = Sql.Portable(
        "UPDATE contact_announcement_recipients SET read_at = @now WHERE announcement_id = @id AND parent_id = @parentId AND read_at IS NULL");

    /// <summary>The parent's read receipt: the first time they open it.</summary>
    public Task MarkReadAsync(Guid id, Guid parentId) => db.ExecuteAsync(MarkReadSql, new { id, parentId, now = clock.GetUtcNow() });

    private static readonly Sql ReadersSql = Sql.Portable(
        "SELECT r.parent_id, u.display_name AS parent_name, r.read_at FROM contact_announcement_recipients r " +
        "JOIN users u ON u.id = r.parent_id WHERE r.announcement_id = @id");

    /// <summary>The audience: those who read it first (earliest first), then those who have not, by name.</summary>
    public async Task<IReadOnlyList<AnnouncementReader>> ReadersAsync(Guid id) =>
        (await db.QueryAsync<AnnouncementReader>(ReadersSql, new { id }))
        .OrderBy(r => r.ReadAt is null).ThenBy(r => r.ReadAt).ThenBy(r => r.ParentName, PersonNameOrder.GivenNameFirst).ToList();
}
