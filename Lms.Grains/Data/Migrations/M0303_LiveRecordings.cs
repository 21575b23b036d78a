using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Recordings of live lessons: a recording names the run of the session it records and, in LiveKit
/// mode, the egress that writes it; a session holds at most one recording in progress; and a
/// session may be recorded automatically from the start.
/// </summary>
[Migration(303, "Recordings of live lessons")]
public sealed class M0303_LiveRecordings : Migration
{
    public override void Up()
    {
        Alter.Table("content_recordings").AddColumn("run_id").AsGuid().Nullable();
        Alter.Table("content_recordings").AddColumn("egress_id").AsString(100).Nullable();
        Create.Index("ix_content_recordings_session").OnTable("content_recordings").OnColumn("session_id");
        Execute.Sql("CREATE UNIQUE INDEX ux_content_recordings_egress ON content_recordings (egress_id) WHERE egress_id IS NOT NULL");
        // One recording in progress per session (two teachers pressing at once: one wins).
        Execute.Sql("CREATE UNIQUE INDEX ux_content_recordings_live ON content_recordings (session_id) WHERE status = 'recording' AND run_id IS NOT NULL");

        Create.Table("live_recording_settings")
            .WithColumn("session_id").AsGuid().PrimaryKey("pk_live_recording_settings")
            .WithColumn("record_automatically").AsBoolean().NotNullable()
            .WithColumn("updated_by").AsGuid().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("live_recording_settings");
        Delete.Index("ux_content_recordings_live").OnTable("content_recordings");
        Delete.Index("ux_content_recordings_egress").OnTable("content_recordings");
        Delete.Index("ix_content_recordings_session").OnTable("content_recordings");
        Delete.Column("egress_id").FromTable("content_recordings");
        Delete.Column("run_id").FromTable("content_recordings");
    }
}
