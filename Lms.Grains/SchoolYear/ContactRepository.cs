using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>Someone a person may write to in the contact book, and about which child.</summary>
public sealed record ContactPerson
{
    public Guid PersonId { get; init; }
    public string PersonName { get; init; } = "";
    public Guid StudentId { get; init; }
    public string StudentName { get; init; } = "";
    public string ClassName { get; init; } = "";
    /// <summary>For a parent's list: "homeroom" or the subject's name the teacher teaches the child.</summary>
    public string? Role { get; init; }
}

public sealed record ConversationView
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public Guid TeacherId { get; init; }
    public string TeacherName { get; init; } = "";
    public Guid ParentId { get; init; }
    public string ParentName { get; init; } = "";
    public Guid StudentId { get; init; }
    public string StudentName { get; init; } = "";
    public DateTimeOffset LastMessageAt { get; init; }
    /// <summary>Messages of the other member the caller has not opened yet.</summary>
    public long Unread { get; init; }
}

public sealed record AttachmentView
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string ContentType { get; init; } = "";
    public long SizeBytes { get; init; }
}

public sealed record ContactMessageView
{
    public Guid Id { get; init; }
    public Guid SenderId { get; init; }
    public string SenderName { get; init; } = "";
    public string Body { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the other member read it: the sender's read receipt.</summary>
    public DateTimeOffset? ReadAt { get; init; }
    public IReadOnlyList<AttachmentView> Attachments { get; init; } = [];
}

public sealed record ContactMessageSummary
{
    public Guid Id { get; init; }
    public Guid ConversationId { get; init; }
    public Guid SenderId { get; init; }
    public string SenderName { get; init; } = "";
    public string Body { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record TaughtClass
{
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
    public Guid InstitutionId { get; init; }
}

/// <summary>A stored attachment and what it hangs off (neither yet: only its uploader reads it).</summary>
public sealed record AttachmentRecord
{
    public Guid Id { get; init; }
    public Guid UploadedBy { get; init; }
    public string Name { get; init; } = "";
    public string ContentType { get; init; } = "";
    public long SizeBytes { get; init; }
    public string StoreKey { get; init; } = "";
    public Guid? MessageId { get; init; }
    public Guid? AnnouncementId { get; init; }
}

public sealed record NewAttachment(Guid Id, Guid UploadedBy, string Name, string ContentType, long SizeBytes, string StoreKey);

/// <summary>
/// The contact book's conversations: who teaches whose child (the rule for who may write to whom), one thread per
/// teacher, parent and child, its messages with read receipts, and attachments uploaded before they are sent.
/// </summary>
public sealed class ContactRepository(Db db, TimeProvider clock)
{
    // The student's current (not archived) class, taught by the teacher as its homeroom teacher or a subject teacher.
    private const string TaughtClasses =
        "SELECT c.id FROM classes c WHERE c.archived_at IS NULL AND (" +
        "EXISTS (SELECT 1 FROM class_homerooms h WHERE h.class_id = c.id AND h.teacher_id = @teacherId) OR " +
        "EXISTS (SELECT 1 FROM class_subject_teachers t WHERE t.class_id = c.id AND t.teacher_id = @teacherId))";

    private static readonly Sql TeachesStudentSql = Sql.Portable(
        "SELECT COUNT(*) FROM class_members cm WHERE cm.user_id = @studentId AND cm.class_id IN (" + TaughtClasses + ")");

    /// <summary>True when the teacher is the homeroom or a subject teacher of the student's class.</summary>
    public async Task<bool> TeachesStudentAsync(Guid teacherId, Guid studentId) =>
        await db.ScalarAsync<long>(TeachesStudentSql, new { teacherId, studentId }) > 0;

    private static readonly Sql TeachesClassSql = Sql.Portable("SELECT COUNT(*) FROM (" + TaughtClasses + ") x WHERE x.id = @classId");

    public async Task<bool> TeachesClassAsync(Guid teacherId, Guid classId) =>
        await db.ScalarAsync<long>(TeachesClassSql, new { teacherId, classId }) > 0;

    private static readonly Sql ChildTeachersSql = Sql.Portable(
        "SELECT t.id AS person_id, t.display_name AS person_name, s.id AS student_id, s.display_name AS student_name, c.name AS class_name, " +
        "'homeroom' AS role FROM parent_links p JOIN class_members cm ON cm.user_id = p.student_id " +
        "JOIN classes c ON c.id = cm.class_id AND c.archived_at IS NULL JOIN class_homerooms h ON h.class_id = c.id " +
        "JOIN users t ON t.id = h.teacher_id JOIN users s ON s.id = p.student_id WHERE p.parent_id = @parentId " +
        "UNION ALL " +
        "SELECT t.id, t.display_name, s.id, s.display_name, c.name, sub.name FROM parent_links p JOIN class_members cm ON cm.user_id = p.student_id " +
        "JOIN classes c ON c.id = cm.class_id AND c.archived_at IS NULL JOIN class_subject_teachers st ON st.class_id = c.id " +
        "JOIN subjects sub ON sub.id = st.subject_id JOIN users t ON t.id = st.teacher_id JOIN users s ON s.id = p.student_id " +
        "WHERE p.parent_id = @parentId");

    /// <summary>A parent's children's teachers: the homeroom teacher first, then each subject's.</summary>
    public async Task<IReadOnlyList<ContactPerson>> TeachersOfChildrenAsync(Guid parentId) =>
        (await db.QueryAsync<ContactPerson>(ChildTeachersSql, new { parentId }))
        .OrderBy(p => p.StudentName).ThenBy(p => p.Role == "homeroom" ? 0 : 1).ThenBy(p => p.Role).ToList();

    private static readonly Sql TaughtParentsSql = Sql.Portable(
        "SELECT pu.id AS person_id, pu.display_name AS person_name, s.id AS student_id, s.display_name AS student_name, c.name AS class_name " +
        "FROM class_members cm JOIN classes c ON c.id = cm.class_id JOIN parent_links p ON p.student_id = cm.user_id " +
        "JOIN users pu ON pu.id = p.parent_id JOIN users s ON s.id = cm.user_id WHERE cm.class_id IN (" + TaughtClasses + ")");

    /// <summary>The parents of the students in the classes a teacher teaches, by class and student.</summary>
    public async Task<IReadOnlyList<ContactPerson>> ParentsOfTaughtStudentsAsync(Guid teacherId) =>
        (await db.QueryAsync<ContactPerson>(TaughtParentsSql, new { teacherId }))
        .OrderBy(p => p.ClassName).ThenBy(p => p.StudentName, PersonNameOrder.GivenNameFirst).ToList();

    private static readonly Sql OpenSql = Sql.PerDialect(d => d.InsertIgnore("contact_conversations",
        ["id", "institution_id", "teacher_id", "parent_id", "student_id", "created_at", "last_message_at"],
        ["@id", "@institutionId", "@teacherId", "@parentId", "@studentId", "@now", "@now"], ["teacher_id", "parent_id", "student_id"]));
    private static readonly Sql FindSql = Sql.Portable(
        "SELECT id FROM contact_conversations WHERE teacher_id = @teacherId AND parent_id = @parentId AND student_id = @studentId");

    /// <summary>The thread of a teacher, a parent and a child, started if there was none.</summary>
    public async Task<Guid> OpenAsync(Guid institutionId, Guid teacherId, Guid parentId, Guid studentId)
    {
        var args = new { id = Guid.CreateVersion7(), institutionId, teacherId, parentId, studentId, now = clock.GetUtcNow() };
        await db.ExecuteAsync(OpenSql, args);
        return (await db.ScalarAsync<Guid?>(FindSql, args))!.Value;
    }

    private const string ConversationSelect =
        "SELECT c.id, c.institution_id, c.teacher_id, t.display_name AS teacher_name, c.parent_id, p.display_name AS parent_name, " +
        "c.student_id, s.display_name AS student_name, c.last_message_at, " +
        "(SELECT COUNT(*) FROM contact_messages m WHERE m.conversation_id = c.id AND m.sender_id <> @me AND m.read_at IS NULL) AS unread " +
        "FROM contact_conversations c JOIN users t ON t.id = c.teacher_id JOIN users p ON p.id = c.parent_id JOIN users s ON s.id = c.student_id ";

    private static readonly Sql ConversationSql = Sql.Portable(ConversationSelect + "WHERE c.id = @id");
    private static readonly Sql ConversationsSql = Sql.PerDialect(d =>
        ConversationSelect + "WHERE c.teacher_id = @me OR c.parent_id = @me ORDER BY c.last_message_at DESC " + d.Page());

    public Task<ConversationView?> ConversationAsync(Guid id, Guid me) => db.SingleOrDefaultAsync<ConversationView>(ConversationSql, new { id, me });

    /// <summary>A person's threads, the latest first.</summary>
    public Task<IReadOnlyList<ConversationView>> ConversationsAsync(Guid me, int skip, int take) =>
        db.QueryAsync<ConversationView>(ConversationsSql, new { me, skip, take });

    private sealed record MessageRow
    {
        public Guid Id { get; init; }
        public Guid SenderId { get; init; }
        public string SenderName { get; init; } = "";
        public string Body { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? ReadAt { get; init; }
    }

    private sealed record AttachmentRow
    {
        public Guid Id { get; init; }
        public Guid OwnerId { get; init; }
        public string Name { get; init; } = "";
        public string ContentType { get; init; } = "";
        public long SizeBytes { get; init; }

        public AttachmentView View() => new() { Id = Id, Name = Name, ContentType = ContentType, SizeBytes = SizeBytes };
    }

    private static readonly Sql MarkReadSql = Sql.Portable(
        "UPDATE contact_messages SET read_at = @now WHERE conversation_id = @id AND sender_id <> @me AND read_at IS NULL");
    private static readonly Sql MessagesSql = Sql.Portable(
        "SELECT m.id, m.sender_id, u.display_name AS sender_name, m.body, m.created_at, m.read_at FROM contact_messages m " +
        "JOIN users u ON u.id = m.sender_id WHERE m.conversation_id = @id ORDER BY m.created_at, m.id");
    private static readonly Sql MessageAttachmentsSql = Sql.Portable(
        "SELECT a.id, a.message_id AS owner_id, a.name, a.content_type, a.size_bytes FROM contact_attachments a " +
        "JOIN contact_messages m ON m.id = a.message_id WHERE m.conversation_id = @id ORDER BY a.created_at");

    /// <summary>The thread's messages, oldest first, after marking those of the other member read by <paramref name="me"/>.</summary>
    public async Task<IReadOnlyList<ContactMessageView>> ReadThreadAsync(Guid id, Guid me)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(MarkReadSql), new { id, me, now = clock.GetUtcNow() });
        var attachments = (await connection.QueryAsync<AttachmentRow>(db.Text(MessageAttachmentsSql), new { id })).ToLookup(a => a.OwnerId);
        return (await connection.QueryAsync<MessageRow>(db.Text(MessagesSql), new { id })).Select(m => new ContactMessageView
        {
            Id = m.Id, SenderId = m.SenderId, SenderName = m.SenderName, Body = m.Body, CreatedAt = m.CreatedAt, ReadAt = m.ReadAt,
            Attachments = attachments[m.Id].Select(a => a.View()).ToList(),
        }).ToList();
    }

    private static readonly Sql InsertMessageSql = Sql.Portable(
        "INSERT INTO contact_messages (id, conversation_id, sender_id, body, created_at) VALUES (@id, @conversationId, @senderId, @body, @now)");
    private static readonly Sql TouchSql = Sql.Portable("UPDATE contact_conversations SET last_message_at = @now WHERE id = @conversationId");
    private static readonly Sql AttachToMessageSql = Sql.Portable(
        "UPDATE contact_attachments SET message_id = @ownerId WHERE id = @attachmentId AND uploaded_by = @by " +
        "AND message_id IS NULL AND announcement_id IS NULL");
    private static readonly Sql AttachToAnnouncementSql = Sql.Portable(
        "UPDATE contact_attachments SET announcement_id = @ownerId WHERE id = @attachmentId AND uploaded_by = @by " +
        "AND message_id IS NULL AND announcement_id IS NULL");

    /// <summary>
    /// Adds a message with its attachments (each the sender's own upload, not yet sent elsewhere); null, and nothing
    /// saved, when one of them is not.
    /// </summary>
    public async Task<Guid?> AddMessageAsync(Guid conversationId, Guid senderId, string body, IReadOnlyList<Guid> attachmentIds)
    {
        try
        {
            return await db.InTransactionAsync(async (connection, transaction) =>
            {
                var id = Guid.CreateVersion7();
                var now = clock.GetUtcNow();
                await connection.ExecuteAsync(db.Text(InsertMessageSql), new { id, conversationId, senderId, body, now }, transaction);
                await connection.ExecuteAsync(db.Text(TouchSql), new { conversationId, now }, transaction);
                await AttachAsync(connection, transaction, AttachToMessageSql, id, senderId, attachmentIds);
                return (Guid?)id;
            });
        }
        catch (AttachmentRefused)
        {
            return null;
        }
    }

    /// <summary>Thrown inside a transaction so that it is rolled back: an attachment was not the sender's free upload.</summary>
    internal sealed class AttachmentRefused : Exception;

    /// <summary>Links the uploads to their message or announcement; throws <see cref="AttachmentRefused"/> when one is not the sender's free upload.</summary>
    internal async Task AttachAsync(DbConnection connection, DbTransaction transaction, Sql sql, Guid ownerId, Guid by, IReadOnlyList<Guid> attachmentIds)
    {
        foreach (var attachmentId in attachmentIds.Distinct())
            if (await connection.ExecuteAsync(db.Text(sql), new { ownerId, attachmentId, by }, transaction) != 1) throw new AttachmentRefused();
    }

    internal static Sql AnnouncementAttachSql => AttachToAnnouncementSql;

    private static readonly Sql InsertAttachmentSql = Sql.Portable(
        "INSERT INTO contact_attachments (id, uploaded_by, name, content_type, size_bytes, store_key, created_at) " +
        "VALUES (@Id, @UploadedBy, @Name, @ContentType, @SizeBytes, @StoreKey, @now)");

    public async Task AddAttachmentAsync(NewAttachment attachment)
    {
        var args = new DynamicParameters(attachment);
        args.Add("now", clock.GetUtcNow());
        await db.ExecuteAsync(InsertAttachmentSql, args);
    }

    private static readonly Sql AttachmentSql = Sql.Portable(
        "SELECT id, uploaded_by, name, content_type, size_bytes, store_key, message_id, announcement_id FROM contact_attachments WHERE id = @id");

    public Task<AttachmentRecord?> AttachmentAsync(Guid id) => db.SingleOrDefaultAsync<AttachmentRecord>(AttachmentSql, new { id });

    private static readonly Sql MessageConversationSql = Sql.Portable("SELECT conversation_id FROM contact_messages WHERE id = @id");

    public Task<Guid?> ConversationOfMessageAsync(Guid messageId) => db.ScalarAsync<Guid?>(MessageConversationSql, new { id = messageId });

    private static readonly Sql MessageSql = Sql.Portable(
        "SELECT m.id, m.conversation_id, m.sender_id, u.display_name AS sender_name, m.body, m.created_at FROM contact_messages m " +
        "JOIN users u ON u.id = m.sender_id WHERE m.id = @id");

    /// <summary>One message, as a notification of it tells it.</summary>
    public Task<ContactMessageSummary?> MessageAsync(Guid id) => db.SingleOrDefaultAsync<ContactMessageSummary>(MessageSql, new { id });

    private static readonly Sql TaughtClassesSql = Sql.Portable(
        "SELECT c.id AS class_id, c.name AS class_name, c.institution_id FROM classes c WHERE c.id IN (" + TaughtClasses + ") ORDER BY c.name");

    /// <summary>The classes a teacher teaches now (homeroom or a subject): those they may write an announcement to.</summary>
    public Task<IReadOnlyList<TaughtClass>> TaughtClassesAsync(Guid teacherId) => db.QueryAsync<TaughtClass>(TaughtClassesSql, new { teacherId });

    private static readonly Sql AnnouncementAttachmentsSql = Sql.Portable(
        "SELECT id, announcement_id AS owner_id, name, content_type, size_bytes FROM contact_attachments WHERE announcement_id = @id ORDER BY created_at");

    public async Task<IReadOnlyList<AttachmentView>> AnnouncementAttachmentsAsync(Guid announcementId) =>
        (await db.QueryAsync<AttachmentRow>(AnnouncementAttachmentsSql, new { id = announcementId })).Select(a => a.View()).ToList();
}
