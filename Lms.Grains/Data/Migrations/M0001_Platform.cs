using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>Institutions, people, classes and courses: the ground everything else stands on.</summary>
[Migration(1, "Platform: institutions, users, memberships, classes, courses, progress")]
public sealed class M0001_Platform : Migration
{
    // Composite keys are declared on their columns: SQLite cannot add a primary key after CREATE TABLE.
    public override void Up()
    {
        Create.Table("institutions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("parent_id").AsGuid().Nullable().ForeignKey("fk_institutions_parent", "institutions", "id")
            .WithColumn("kind").AsString(20).NotNullable()
            .WithColumn("name").AsString(200).NotNullable()
            .WithColumn("code").AsString(50).Nullable()
            // Ancestor ids joined by '/', ending with its own: "who is above me" without recursion.
            .WithColumn("path").AsString(400).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_institutions_parent").OnTable("institutions").OnColumn("parent_id");
        Create.Index("ix_institutions_path").OnTable("institutions").OnColumn("path");
        Execute.Sql("CREATE UNIQUE INDEX ux_institutions_code ON institutions (code) WHERE code IS NOT NULL");

        Create.Table("users")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("email").AsString(256).Nullable()
            .WithColumn("national_id").AsString(20).Nullable()
            .WithColumn("display_name").AsString(200).NotNullable()
            // Lower case, without Vietnamese diacritics: what name search compares against.
            .WithColumn("search_name").AsString(200).NotNullable()
            .WithColumn("password_hash").AsString(400).NotNullable()
            .WithColumn("failed_sign_ins").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("lockout_end").AsDateTimeOffset().Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        // Unique when present; SQLite, PostgreSQL and SQL Server all read this same filtered index.
        Execute.Sql("CREATE UNIQUE INDEX ux_users_email ON users (email) WHERE email IS NOT NULL");
        Execute.Sql("CREATE UNIQUE INDEX ux_users_national_id ON users (national_id) WHERE national_id IS NOT NULL");
        Create.Index("ix_users_search_name").OnTable("users").OnColumn("search_name");

        Create.Table("memberships")
            .WithColumn("institution_id").AsGuid().NotNullable().PrimaryKey("pk_memberships").ForeignKey("fk_memberships_institution", "institutions", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_memberships").ForeignKey("fk_memberships_user", "users", "id")
            .WithColumn("role").AsString(20).NotNullable().PrimaryKey("pk_memberships")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_memberships_user").OnTable("memberships").OnColumn("user_id");

        Create.Table("parent_links")
            .WithColumn("parent_id").AsGuid().NotNullable().PrimaryKey("pk_parent_links").ForeignKey("fk_parent_links_parent", "users", "id")
            .WithColumn("student_id").AsGuid().NotNullable().PrimaryKey("pk_parent_links").ForeignKey("fk_parent_links_student", "users", "id");

        Create.Table("classes")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_classes_institution", "institutions", "id")
            .WithColumn("name").AsString(100).NotNullable();
        Create.Index("ux_classes_name").OnTable("classes")
            .OnColumn("institution_id").Ascending().OnColumn("name").Ascending().WithOptions().Unique();

        Create.Table("class_members")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_class_members").ForeignKey("fk_class_members_class", "classes", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_class_members").ForeignKey("fk_class_members_user", "users", "id");
        Create.Index("ix_class_members_user").OnTable("class_members").OnColumn("user_id");

        Create.Table("courses")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_courses_institution", "institutions", "id")
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("summary").AsString(4000).Nullable()
            .WithColumn("kind").AsString(20).NotNullable()
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("created_by").AsGuid().NotNullable().ForeignKey("fk_courses_creator", "users", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_courses_institution").OnTable("courses").OnColumn("institution_id");

        Create.Table("course_staff")
            .WithColumn("course_id").AsGuid().NotNullable().PrimaryKey("pk_course_staff").ForeignKey("fk_course_staff_course", "courses", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_course_staff").ForeignKey("fk_course_staff_user", "users", "id")
            .WithColumn("role").AsString(20).NotNullable();
        Create.Index("ix_course_staff_user").OnTable("course_staff").OnColumn("user_id");

        Create.Table("enrolments")
            .WithColumn("course_id").AsGuid().NotNullable().PrimaryKey("pk_enrolments").ForeignKey("fk_enrolments_course", "courses", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_enrolments").ForeignKey("fk_enrolments_user", "users", "id")
            .WithColumn("enrolled_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_enrolments_user").OnTable("enrolments").OnColumn("user_id");

        Create.Table("course_modules")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_course_modules_course", "courses", "id")
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("position").AsInt32().NotNullable();
        Create.Index("ix_course_modules_course").OnTable("course_modules").OnColumn("course_id");

        Create.Table("course_items")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_course_items_course", "courses", "id")
            .WithColumn("module_id").AsGuid().NotNullable().ForeignKey("fk_course_items_module", "course_modules", "id")
            .WithColumn("kind").AsString(20).NotNullable()
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("body").AsString(int.MaxValue).Nullable()
            .WithColumn("url").AsString(2000).Nullable()
            .WithColumn("position").AsInt32().NotNullable();
        Create.Index("ix_course_items_module").OnTable("course_items").OnColumn("module_id");
        Create.Index("ix_course_items_course").OnTable("course_items").OnColumn("course_id");

        Create.Table("item_progress")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_item_progress").ForeignKey("fk_item_progress_user", "users", "id")
            .WithColumn("item_id").AsGuid().NotNullable().PrimaryKey("pk_item_progress").ForeignKey("fk_item_progress_item", "course_items", "id")
            .WithColumn("course_id").AsGuid().NotNullable()
            .WithColumn("seen_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_item_progress_course_user").OnTable("item_progress")
            .OnColumn("course_id").Ascending().OnColumn("user_id").Ascending();
    }

    public override void Down()
    {
        foreach (var table in new[]
                 {
                     "item_progress", "course_items", "course_modules", "enrolments", "course_staff", "courses",
                     "class_members", "classes", "parent_links", "memberships", "users", "institutions",
                 })
            Delete.Table(table);
    }
}
