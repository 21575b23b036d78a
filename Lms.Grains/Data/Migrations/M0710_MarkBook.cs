using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The mark book by Circular 22/2021/TT-BGDĐT: one cell per (term, class, subject, student, column) where the column
/// is a regular assessment (tx1…tx4), the mid-term (gk) or the end of term (ck); a scored subject's cell holds a score
/// in tenths (0…100: exact in every database, no binary fractions), a comment-only subject's a rating (dat, chua-dat).
/// A term locked for a class by the principal; after that every change carries a reason and is logged.
/// </summary>
[Migration(710, "Mark book: scores and ratings per term, class, subject, student and column; term locks; the log of changes after a lock")]
public sealed class M0710_MarkBook : Migration
{
    public override void Up()
    {
        Create.Table("mark_cells")
            .WithColumn("term_id").AsGuid().NotNullable().PrimaryKey("pk_mark_cells").ForeignKey("fk_mark_cells_term", "school_terms", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_mark_cells").ForeignKey("fk_mark_cells_class", "classes", "id")
            .WithColumn("subject_id").AsGuid().NotNullable().PrimaryKey("pk_mark_cells").ForeignKey("fk_mark_cells_subject", "subjects", "id")
            .WithColumn("student_id").AsGuid().NotNullable().PrimaryKey("pk_mark_cells").ForeignKey("fk_mark_cells_student", "users", "id")
            .WithColumn("column_key").AsString(4).NotNullable().PrimaryKey("pk_mark_cells")
            .WithColumn("score_tenths").AsInt32().Nullable()
            .WithColumn("rating").AsString(10).Nullable()
            .WithColumn("updated_by").AsGuid().NotNullable().ForeignKey("fk_mark_cells_teacher", "users", "id")
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_mark_cells_student").OnTable("mark_cells").OnColumn("student_id").Ascending().OnColumn("term_id").Ascending();

        Create.Table("mark_term_locks")
            .WithColumn("term_id").AsGuid().NotNullable().PrimaryKey("pk_mark_term_locks").ForeignKey("fk_mark_term_locks_term", "school_terms", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_mark_term_locks").ForeignKey("fk_mark_term_locks_class", "classes", "id")
            .WithColumn("locked_by").AsGuid().NotNullable().ForeignKey("fk_mark_term_locks_admin", "users", "id")
            .WithColumn("locked_at").AsDateTimeOffset().NotNullable();

        Create.Table("mark_changes")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("term_id").AsGuid().NotNullable().ForeignKey("fk_mark_changes_term", "school_terms", "id")
            .WithColumn("class_id").AsGuid().NotNullable().ForeignKey("fk_mark_changes_class", "classes", "id")
            .WithColumn("subject_id").AsGuid().NotNullable().ForeignKey("fk_mark_changes_subject", "subjects", "id")
            .WithColumn("student_id").AsGuid().NotNullable().ForeignKey("fk_mark_changes_student", "users", "id")
            .WithColumn("column_key").AsString(4).NotNullable()
            // As the cell shows it: "7.5", "dat", or empty for none.
            .WithColumn("old_value").AsString(10).Nullable()
            .WithColumn("new_value").AsString(10).Nullable()
            .WithColumn("reason").AsString(500).NotNullable()
            .WithColumn("changed_by").AsGuid().NotNullable().ForeignKey("fk_mark_changes_teacher", "users", "id")
            .WithColumn("changed_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_mark_changes_class").OnTable("mark_changes").OnColumn("class_id").Ascending().OnColumn("term_id").Ascending();
    }

    public override void Down()
    {
        Delete.Table("mark_changes");
        Delete.Table("mark_term_locks");
        Delete.Table("mark_cells");
    }
}
