using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Roster re-imports in "update" mode: the import's mode and whether people absent from the file are to be
/// disabled, the preview of every change its job computed (kept as JSON, with a hash of it that the admin's
/// confirmation must name), and when the preview was confirmed (a preview is applied once).
/// </summary>
[Migration(31, "Institutions: roster imports that update people, with a preview confirmed once")]
public sealed class M0031_RosterUpdates : Migration
{
    public override void Up()
    {
        Alter.Table("roster_imports")
            .AddColumn("mode").AsString(10).NotNullable().WithDefaultValue("add")
            .AddColumn("disable_absent").AsBoolean().NotNullable().WithDefaultValue(false)
            .AddColumn("preview").AsString(int.MaxValue).Nullable()
            .AddColumn("preview_hash").AsString(64).Nullable()
            .AddColumn("confirmed_at").AsDateTimeOffset().Nullable();
    }

    public override void Down()
    {
        Delete.Column("confirmed_at").FromTable("roster_imports");
        Delete.Column("preview_hash").FromTable("roster_imports");
        Delete.Column("preview").FromTable("roster_imports");
        Delete.Column("disable_absent").FromTable("roster_imports");
        Delete.Column("mode").FromTable("roster_imports");
    }
}
