using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The live quiz of a classroom: each question a teacher launched in a run of a live session (the
/// bank question and the version it was at), and each student's answer to it with its grade, points
/// and the time it took. The leaderboard is the sum of a run's points, so it needs no table of its own.
/// </summary>
[Migration(500, "Live quiz: questions launched in a classroom run, and every student's answer")]
public sealed class M0500_LiveQuiz : Migration
{
    public override void Up()
    {
        Create.Table("live_quiz_questions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("run_id").AsGuid().NotNullable().ForeignKey("fk_live_quiz_questions_run", "live_runs", "id")
            // 1, 2, 3… in the order launched within the run.
            .WithColumn("position").AsInt32().NotNullable()
            .WithColumn("question_id").AsGuid().NotNullable().ForeignKey("fk_live_quiz_questions_question", "questions", "id")
            .WithColumn("version").AsInt32().NotNullable()
            // Null: no time limit (the teacher closes it).
            .WithColumn("time_limit_seconds").AsInt32().Nullable()
            .WithColumn("speed_bonus").AsBoolean().NotNullable()
            .WithColumn("launched_by").AsGuid().NotNullable().ForeignKey("fk_live_quiz_questions_launcher", "users", "id")
            .WithColumn("launched_at").AsDateTimeOffset().NotNullable()
            .WithColumn("closed_at").AsDateTimeOffset().Nullable()
            .WithColumn("revealed_at").AsDateTimeOffset().Nullable();
        Create.Index("ux_live_quiz_questions_position").OnTable("live_quiz_questions")
            .OnColumn("run_id").Ascending().OnColumn("position").Ascending().WithOptions().Unique();
        Create.Index("ix_live_quiz_questions_question").OnTable("live_quiz_questions").OnColumn("question_id");

        // One row per student and question: a changed answer replaces the row.
        Create.Table("live_quiz_answers")
            .WithColumn("launch_id").AsGuid().NotNullable().PrimaryKey("pk_live_quiz_answers").ForeignKey("fk_live_quiz_answers_launch", "live_quiz_questions", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_live_quiz_answers").ForeignKey("fk_live_quiz_answers_user", "users", "id")
            // The client's command id for this answer: the same answer sent again is recognised.
            .WithColumn("answer_id").AsString(100).NotNullable()
            .WithColumn("response").AsString(int.MaxValue).NotNullable()
            .WithColumn("answered_at").AsDateTimeOffset().NotNullable()
            .WithColumn("time_ms").AsInt32().NotNullable()
            // The grade, 0..1 (Grader), and the points it earned (with the speed bonus).
            .WithColumn("fraction").AsDouble().NotNullable()
            .WithColumn("points").AsInt32().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("live_quiz_answers");
        Delete.Table("live_quiz_questions");
    }
}
