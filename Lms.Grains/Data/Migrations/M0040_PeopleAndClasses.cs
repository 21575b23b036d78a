using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// People and classes an institution's admins keep for a year: a phone number to sign in with
/// (unique, stored as +84…), a record merged into another (<c>merged_into</c>: retired, kept for
/// history), archived classes (out of lists, history kept), the courses a class takes
/// (<c>class_courses</c>: a student who moves class follows them), and the audit of every change an
/// admin makes to a person or a class.
/// </summary>
[Migration(40, "People and classes: phone sign-in, merged records, archived classes, class courses, admin audit")]
public sealed class M0040_PeopleAndClasses : Migration
{
    public override void Up()
    {
        Alter.Table("users")
            .AddColumn("phone").AsString(20).Nullable()
            .AddColumn("merged_into").AsGuid().Nullable();
        Execute.Sql("CREATE UNIQUE INDEX ux_users_phone ON users (phone) WHERE phone IS NOT NULL");

        Alter.Table("classes").AddColumn("archived_at").AsDateTimeOffset().Nullable();

        Create.Table("class_courses")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_class_courses").ForeignKey("fk_class_courses_class", "classes", "id")
            .WithColumn("course_id").AsGuid().NotNullable().PrimaryKey("pk_class_courses").ForeignKey("fk_class_courses_course", "courses", "id")
            .WithColumn("linked_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_class_courses_course").OnTable("class_courses").OnColumn("course_id");

        Create.Table("admin_audit")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_admin_audit_institution", "institutions", "id")
            .WithColumn("actor_id").AsGuid().NotNullable().ForeignKey("fk_admin_audit_actor", "users", "id")
            // "person" or "class"; no foreign key, so the record outlives a retired person or an archived class.
            .WithColumn("subject_kind").AsString(10).NotNullable()
            .WithColumn("subject_id").AsGuid().NotNullable()
            .WithColumn("action").AsString(30).NotNullable()
            // What changed, as JSON ({"field":["before","after"]}); identifiers are masked before they get here.
            .WithColumn("detail").AsString(2000).Nullable()
            .WithColumn("at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_admin_audit_subject").OnTable("admin_audit")
            .OnColumn("institution_id").Ascending().OnColumn("subject_id").Ascending().OnColumn("at").Ascending();
    }

    public override void Down()
    {
        Delete.Table("admin_audit");
        Delete.Table("class_courses");
        Delete.Column("archived_at").FromTable("classes");
        Delete.Index("ux_users_phone").OnTable("users");
        Delete.Column("phone").Column("merged_into").FromTable("users");
    }
}
