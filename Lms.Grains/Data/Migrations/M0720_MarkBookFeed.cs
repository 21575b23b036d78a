using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// A regular-assessment column of the mark book fed from a quiz of the class's course: one link per (term, class,
/// subject, column), and per cell the score the feed last wrote, so that a score the teacher typed over it is never
/// overwritten by the next refresh.
/// </summary>
[Migration(720, "Mark book: regular columns fed from a quiz, and the scores the feed wrote")]
public sealed class M0720_MarkBookFeed : Migration
{
    public override void Up()
    {
        Create.Table("mark_feeds")
            .WithColumn("term_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feeds").ForeignKey("fk_mark_feeds_term", "school_terms", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feeds").ForeignKey("fk_mark_feeds_class", "classes", "id")
            .WithColumn("subject_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feeds").ForeignKey("fk_mark_feeds_subject", "subjects", "id")
            .WithColumn("column_key").AsString(4).NotNullable().PrimaryKey("pk_mark_feeds")
            .WithColumn("quiz_id").AsGuid().NotNullable().ForeignKey("fk_mark_feeds_quiz", "quizzes", "id")
            .WithColumn("linked_by").AsGuid().NotNullable().ForeignKey("fk_mark_feeds_teacher", "users", "id")
            .WithColumn("linked_at").AsDateTimeOffset().NotNullable();

        Create.Table("mark_feed_cells")
            .WithColumn("term_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feed_cells")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feed_cells")
            .WithColumn("subject_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feed_cells")
            .WithColumn("student_id").AsGuid().NotNullable().PrimaryKey("pk_mark_feed_cells").ForeignKey("fk_mark_feed_cells_student", "users", "id")
            .WithColumn("column_key").AsString(4).NotNullable().PrimaryKey("pk_mark_feed_cells")
            .WithColumn("score_tenths").AsInt32().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("mark_feed_cells");
        Delete.Table("mark_feeds");
    }
}
