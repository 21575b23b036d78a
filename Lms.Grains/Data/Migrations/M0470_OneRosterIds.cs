using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// OneRoster 1.2 CSV: which of an institution's people, classes, academic sessions and orgs a student information
/// system's <c>sourcedId</c> names. A re-import finds what an earlier one made by its sourcedId (so the same file twice
/// changes nothing and a changed name updates the one person), and an export gives the SIS back its own ids. The key
/// says one sourcedId names one thing per institution and kind; <c>detail</c> keeps what Lms has no column for (a
/// class's course sourcedId, a course's title).
/// </summary>
[Migration(470, "Institutions: OneRoster sourcedIds of people, classes, sessions and orgs")]
public sealed class M0470_OneRosterIds : Migration
{
    public override void Up()
    {
        Create.Table("oneroster_ids")
            .WithColumn("institution_id").AsGuid().NotNullable().PrimaryKey("pk_oneroster_ids").ForeignKey("fk_oneroster_ids_institution", "institutions", "id")
            .WithColumn("kind").AsString(20).NotNullable().PrimaryKey("pk_oneroster_ids")
            .WithColumn("sourced_id").AsString(255).NotNullable().PrimaryKey("pk_oneroster_ids")
            .WithColumn("local_id").AsGuid().NotNullable()
            .WithColumn("detail").AsString(255).Nullable();
        Create.Index("ix_oneroster_ids_local").OnTable("oneroster_ids")
            .OnColumn("institution_id").Ascending().OnColumn("kind").Ascending().OnColumn("local_id").Ascending();
    }

    public override void Down()
    {
        Delete.Table("oneroster_ids");
    }
}
