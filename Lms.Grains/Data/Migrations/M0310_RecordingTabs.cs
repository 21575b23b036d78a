using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// A live lesson's recording belongs to the session, not to a browser tab: it names the teacher's
/// tab that records it now (a reloaded or reopened page takes it over and goes on with the next
/// piece) and since when, so a tab that lost it cannot send pieces into it or stop it.
/// </summary>
[Migration(310, "Recordings of live lessons: the tab that records them")]
public sealed class M0310_RecordingTabs : Migration
{
    public override void Up()
    {
        Alter.Table("content_recordings").AddColumn("recorder_tab").AsString(64).Nullable();
        Alter.Table("content_recordings").AddColumn("recorder_since").AsDateTimeOffset().Nullable();
    }

    public override void Down()
    {
        Delete.Column("recorder_since").FromTable("content_recordings");
        Delete.Column("recorder_tab").FromTable("content_recordings");
    }
}
