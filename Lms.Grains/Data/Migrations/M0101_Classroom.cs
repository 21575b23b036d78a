using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Live sessions (a course item of kind "live"), each time one is held (a run), and the records a
/// run leaves behind: attendance intervals, polls with their answers, the chat log. The live
/// room's hot state is snapshotted into <c>live_state</c> so that a silo failure loses nothing that matters.
/// </summary>
[Migration(101, "Classroom: live sessions, runs, attendance, polls, chat, live state")]
public sealed class M0101_Classroom : Migration
{
    public override void Up()
    {
        Create.Table("live_sessions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_live_sessions_course", "courses", "id")
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("description").AsString(4000).Nullable()
            .WithColumn("starts_at").AsDateTimeOffset().NotNullable()
            .WithColumn("ends_at").AsDateTimeOffset().NotNullable()
            // "none" or "weekly"; a weekly session repeats at the same time until repeat_until (inclusive).
            .WithColumn("recurrence").AsString(20).NotNullable()
            .WithColumn("repeat_until").AsDateTimeOffset().Nullable()
            .WithColumn("created_by").AsGuid().NotNullable().ForeignKey("fk_live_sessions_creator", "users", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_live_sessions_course").OnTable("live_sessions").OnColumn("course_id");

        Create.Table("live_session_teachers")
            .WithColumn("session_id").AsGuid().NotNullable().PrimaryKey("pk_live_session_teachers").ForeignKey("fk_live_session_teachers_session", "live_sessions", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_live_session_teachers").ForeignKey("fk_live_session_teachers_user", "users", "id");

        // One row each time a session is held (a weekly session has one per week).
        Create.Table("live_runs")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("session_id").AsGuid().NotNullable().ForeignKey("fk_live_runs_session", "live_sessions", "id")
            .WithColumn("started_by").AsGuid().NotNullable().ForeignKey("fk_live_runs_starter", "users", "id")
            .WithColumn("started_at").AsDateTimeOffset().NotNullable()
            .WithColumn("ended_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_live_runs_session").OnTable("live_runs").OnColumn("session_id");

        Create.Table("live_attendance")
            .WithColumn("run_id").AsGuid().NotNullable().PrimaryKey("pk_live_attendance").ForeignKey("fk_live_attendance_run", "live_runs", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_live_attendance").ForeignKey("fk_live_attendance_user", "users", "id")
            .WithColumn("joined_at").AsDateTimeOffset().NotNullable().PrimaryKey("pk_live_attendance")
            .WithColumn("left_at").AsDateTimeOffset().NotNullable()
            .WithColumn("role").AsString(20).NotNullable();

        Create.Table("live_polls")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("run_id").AsGuid().NotNullable().ForeignKey("fk_live_polls_run", "live_runs", "id")
            .WithColumn("question").AsString(500).NotNullable()
            // The options as a JSON array of strings.
            .WithColumn("options").AsString(4000).NotNullable()
            .WithColumn("multiple").AsBoolean().NotNullable()
            .WithColumn("anonymous").AsBoolean().NotNullable()
            .WithColumn("opened_at").AsDateTimeOffset().NotNullable()
            .WithColumn("closed_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_live_polls_run").OnTable("live_polls").OnColumn("run_id");

        Create.Table("live_poll_answers")
            .WithColumn("poll_id").AsGuid().NotNullable().PrimaryKey("pk_live_poll_answers").ForeignKey("fk_live_poll_answers_poll", "live_polls", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_live_poll_answers").ForeignKey("fk_live_poll_answers_user", "users", "id")
            // Chosen option indexes, comma separated ("0,2").
            .WithColumn("choices").AsString(200).NotNullable()
            .WithColumn("answered_at").AsDateTimeOffset().NotNullable();

        Create.Table("live_chat")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("run_id").AsGuid().NotNullable().ForeignKey("fk_live_chat_run", "live_runs", "id")
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_live_chat_user", "users", "id")
            .WithColumn("breakout").AsInt32().Nullable()
            .WithColumn("text").AsString(2000).NotNullable()
            .WithColumn("sent_at").AsDateTimeOffset().NotNullable()
            .WithColumn("deleted_at").AsDateTimeOffset().Nullable()
            .WithColumn("deleted_by").AsGuid().Nullable();
        Create.Index("ix_live_chat_run").OnTable("live_chat").OnColumn("run_id");

        // The live room's snapshot: one row per session, replaced as the room changes.
        Create.Table("live_state")
            .WithColumn("session_id").AsGuid().PrimaryKey()
            .WithColumn("seq").AsInt64().NotNullable()
            .WithColumn("state").AsString(int.MaxValue).NotNullable()
            .WithColumn("saved_at").AsDateTimeOffset().NotNullable();
    }

    public override void Down()
    {
        foreach (var table in new[]
                 {
                     "live_state", "live_chat", "live_poll_answers", "live_polls", "live_attendance", "live_runs",
                     "live_session_teachers", "live_sessions",
                 })
            Delete.Table(table);
    }
}
