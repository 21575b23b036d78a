using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Assessment: the question bank (questions and their immutable versions), quizzes, attempts with
/// their drawn slots, every answer ever given (append-only, deduplicated by the client's answer id),
/// and the integrity timeline of each attempt.
/// </summary>
[Migration(200, "Assessment: question bank, quizzes, attempts, answers, events")]
public sealed class M0200_Assessment : Migration
{
    public override void Up()
    {
        Create.Table("questions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_questions_institution", "institutions", "id")
            .WithColumn("created_by").AsGuid().NotNullable().ForeignKey("fk_questions_creator", "users", "id")
            .WithColumn("type").AsString(20).NotNullable()
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("subject").AsString(100).Nullable()
            .WithColumn("level").AsString(50).Nullable()
            // Tags joined as "|tag one|tag two|": a tag is found with LIKE '%|tag|%' on every database.
            .WithColumn("tags").AsString(1000).NotNullable()
            .WithColumn("difficulty").AsInt32().NotNullable()
            .WithColumn("shared").AsBoolean().NotNullable()
            .WithColumn("current_version").AsInt32().NotNullable()
            .WithColumn("search_text").AsString(400).NotNullable()
            .WithColumn("deleted").AsBoolean().NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_questions_institution").OnTable("questions").OnColumn("institution_id");

        Create.Table("question_versions")
            .WithColumn("question_id").AsGuid().NotNullable().PrimaryKey("pk_question_versions").ForeignKey("fk_question_versions_question", "questions", "id")
            .WithColumn("version").AsInt32().NotNullable().PrimaryKey("pk_question_versions")
            .WithColumn("type").AsString(20).NotNullable()
            .WithColumn("content").AsString(int.MaxValue).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();

        Create.Table("quizzes")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_quizzes_course", "courses", "id")
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("settings").AsString(int.MaxValue).NotNullable()
            .WithColumn("definition").AsString(int.MaxValue).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_quizzes_course").OnTable("quizzes").OnColumn("course_id");

        Create.Table("quiz_attempts")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("quiz_id").AsGuid().NotNullable().ForeignKey("fk_quiz_attempts_quiz", "quizzes", "id")
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_quiz_attempts_user", "users", "id")
            .WithColumn("number").AsInt32().NotNullable()
            .WithColumn("seed").AsInt32().NotNullable()
            .WithColumn("status").AsString(20).NotNullable()
            .WithColumn("started_at").AsDateTimeOffset().NotNullable()
            .WithColumn("deadline_at").AsDateTimeOffset().Nullable()
            .WithColumn("submitted_at").AsDateTimeOffset().Nullable()
            .WithColumn("submitted_by").AsString(20).Nullable()
            .WithColumn("score").AsDouble().Nullable()
            .WithColumn("max_score").AsDouble().NotNullable()
            .WithColumn("needs_grading").AsBoolean().NotNullable()
            .WithColumn("overall_feedback").AsString(4000).Nullable();
        Create.Index("ux_quiz_attempts_number").OnTable("quiz_attempts")
            .OnColumn("quiz_id").Ascending().OnColumn("user_id").Ascending().OnColumn("number").Ascending().WithOptions().Unique();
        Create.Index("ix_quiz_attempts_status_deadline").OnTable("quiz_attempts")
            .OnColumn("status").Ascending().OnColumn("deadline_at").Ascending();

        Create.Table("attempt_slots")
            .WithColumn("attempt_id").AsGuid().NotNullable().PrimaryKey("pk_attempt_slots").ForeignKey("fk_attempt_slots_attempt", "quiz_attempts", "id")
            .WithColumn("slot").AsInt32().NotNullable().PrimaryKey("pk_attempt_slots")
            .WithColumn("section").AsString(200).Nullable()
            .WithColumn("question_id").AsGuid().NotNullable().ForeignKey("fk_attempt_slots_question", "questions", "id")
            .WithColumn("version").AsInt32().NotNullable()
            .WithColumn("points").AsDouble().NotNullable()
            // The order the options (or matching answers, ordering items) were shown in: ids joined by '|'.
            .WithColumn("option_order").AsString(2000).Nullable()
            .WithColumn("flagged").AsBoolean().NotNullable()
            .WithColumn("score").AsDouble().Nullable()
            .WithColumn("manual").AsBoolean().NotNullable()
            .WithColumn("comment").AsString(4000).Nullable()
            .WithColumn("graded_by").AsGuid().Nullable()
            .WithColumn("graded_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_attempt_slots_question").OnTable("attempt_slots").OnColumn("question_id");

        // Append-only: every answer a client ever sent and the server accepted, once per client answer id.
        Create.Table("attempt_answers")
            .WithColumn("attempt_id").AsGuid().NotNullable().PrimaryKey("pk_attempt_answers").ForeignKey("fk_attempt_answers_attempt", "quiz_attempts", "id")
            .WithColumn("answer_id").AsGuid().NotNullable().PrimaryKey("pk_attempt_answers")
            .WithColumn("slot").AsInt32().NotNullable()
            .WithColumn("response").AsString(int.MaxValue).NotNullable()
            .WithColumn("client_time").AsDateTimeOffset().Nullable()
            .WithColumn("effective_at").AsDateTimeOffset().NotNullable()
            .WithColumn("received_at").AsDateTimeOffset().NotNullable()
            .WithColumn("device_id").AsString(64).Nullable();

        Create.Table("attempt_events")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("attempt_id").AsGuid().NotNullable().ForeignKey("fk_attempt_events_attempt", "quiz_attempts", "id")
            .WithColumn("at").AsDateTimeOffset().NotNullable()
            .WithColumn("kind").AsString(40).NotNullable()
            .WithColumn("device_id").AsString(64).Nullable()
            .WithColumn("detail").AsString(1000).Nullable();
        Create.Index("ix_attempt_events_attempt").OnTable("attempt_events").OnColumn("attempt_id");
    }

    public override void Down()
    {
        foreach (var table in new[] { "attempt_events", "attempt_answers", "attempt_slots", "quiz_attempts", "quizzes", "question_versions", "questions" })
            Delete.Table(table);
    }
}
