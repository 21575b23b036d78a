using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The contact book (sổ liên lạc điện tử): one-to-one conversations between a teacher and a parent about one child,
/// announcements to a class's parents or a whole school with who has read them, attachments kept in the content store,
/// each person's notification choices and quiet hours, and the notifications waiting to go out.
/// </summary>
[Migration(730, "Contact book: conversations, messages, announcements, read receipts, attachments, notification choices")]
public sealed class M0730_ContactBook : Migration
{
    public override void Up()
    {
        Create.Table("contact_conversations")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_contact_conversations_institution", "institutions", "id")
            .WithColumn("teacher_id").AsGuid().NotNullable().ForeignKey("fk_contact_conversations_teacher", "users", "id")
            .WithColumn("parent_id").AsGuid().NotNullable().ForeignKey("fk_contact_conversations_parent", "users", "id")
            .WithColumn("student_id").AsGuid().NotNullable().ForeignKey("fk_contact_conversations_student", "users", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("last_message_at").AsDateTimeOffset().NotNullable();
        // One thread per teacher, parent and child, however often either side starts one at the same moment.
        Create.Index("ux_contact_conversations_people").OnTable("contact_conversations")
            .OnColumn("teacher_id").Ascending().OnColumn("parent_id").Ascending().OnColumn("student_id").Ascending().WithOptions().Unique();
        Create.Index("ix_contact_conversations_parent").OnTable("contact_conversations").OnColumn("parent_id");

        Create.Table("contact_messages")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("conversation_id").AsGuid().NotNullable().ForeignKey("fk_contact_messages_conversation", "contact_conversations", "id")
            .WithColumn("sender_id").AsGuid().NotNullable().ForeignKey("fk_contact_messages_sender", "users", "id")
            .WithColumn("body").AsString(4000).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            // When the other member first opened the thread after it came: the sender's read receipt.
            .WithColumn("read_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_contact_messages_conversation").OnTable("contact_messages")
            .OnColumn("conversation_id").Ascending().OnColumn("created_at").Ascending();

        Create.Table("contact_announcements")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_contact_announcements_institution", "institutions", "id")
            // Null: to the parents of the whole school.
            .WithColumn("class_id").AsGuid().Nullable().ForeignKey("fk_contact_announcements_class", "classes", "id")
            .WithColumn("author_id").AsGuid().NotNullable().ForeignKey("fk_contact_announcements_author", "users", "id")
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("body").AsString(4000).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_contact_announcements_author").OnTable("contact_announcements").OnColumn("author_id");

        // The audience as it was when the announcement went out: the read list is these rows.
        Create.Table("contact_announcement_recipients")
            .WithColumn("announcement_id").AsGuid().NotNullable().PrimaryKey("pk_contact_announcement_recipients")
            .ForeignKey("fk_contact_recipients_announcement", "contact_announcements", "id")
            .WithColumn("parent_id").AsGuid().NotNullable().PrimaryKey("pk_contact_announcement_recipients")
            .ForeignKey("fk_contact_recipients_parent", "users", "id")
            .WithColumn("read_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_contact_recipients_parent").OnTable("contact_announcement_recipients").OnColumn("parent_id");

        // Uploaded first, then attached to one message or announcement by its uploader; until then only they read it.
        Create.Table("contact_attachments")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("uploaded_by").AsGuid().NotNullable().ForeignKey("fk_contact_attachments_uploader", "users", "id")
            .WithColumn("name").AsString(200).NotNullable()
            .WithColumn("content_type").AsString(100).NotNullable()
            .WithColumn("size_bytes").AsInt64().NotNullable()
            .WithColumn("store_key").AsString(300).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("message_id").AsGuid().Nullable().ForeignKey("fk_contact_attachments_message", "contact_messages", "id")
            .WithColumn("announcement_id").AsGuid().Nullable().ForeignKey("fk_contact_attachments_announcement", "contact_announcements", "id");
        Create.Index("ix_contact_attachments_message").OnTable("contact_attachments").OnColumn("message_id");
        Create.Index("ix_contact_attachments_announcement").OnTable("contact_attachments").OnColumn("announcement_id");

        // A person's choices; no row means the defaults (e-mail yes, push yes, no digest, no quiet hours, Vietnamese).
        Create.Table("contact_preferences")
            .WithColumn("user_id").AsGuid().PrimaryKey("pk_contact_preferences").ForeignKey("fk_contact_preferences_user", "users", "id")
            .WithColumn("by_email").AsBoolean().NotNullable()
            .WithColumn("by_push").AsBoolean().NotNullable()
            .WithColumn("weekly_digest").AsBoolean().NotNullable()
            // Minutes after midnight, Vietnam time; both null: no quiet hours. From > to wraps over midnight (21:00-06:30).
            .WithColumn("quiet_from").AsInt32().Nullable()
            .WithColumn("quiet_to").AsInt32().Nullable()
            .WithColumn("language").AsString(5).NotNullable();

        // What a person is to be told, and from when (the end of their quiet hours). Claimed by setting sent_at, once.
        Create.Table("contact_notifications")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_contact_notifications_user", "users", "id")
            // "message" or "announcement"; subject_id is its id.
            .WithColumn("kind").AsString(20).NotNullable()
            .WithColumn("subject_id").AsGuid().NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("due_at").AsDateTimeOffset().NotNullable()
            .WithColumn("sent_at").AsDateTimeOffset().Nullable();
        Create.Index("ux_contact_notifications_once").OnTable("contact_notifications")
            .OnColumn("user_id").Ascending().OnColumn("subject_id").Ascending().WithOptions().Unique();
        Create.Index("ix_contact_notifications_due").OnTable("contact_notifications").OnColumn("due_at");
    }

    public override void Down()
    {
        foreach (var table in new[]
                 {
                     "contact_notifications", "contact_preferences", "contact_attachments", "contact_announcement_recipients",
                     "contact_announcements", "contact_messages", "contact_conversations",
                 })
            Delete.Table(table);
    }
}
