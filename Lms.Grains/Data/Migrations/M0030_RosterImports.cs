using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Roster imports as background jobs: the checked rows wait here for the job (cleared once applied), the
/// outcome stays so an admin can come back to it, and the people an import created are remembered so that
/// their sign-in slips can be printed again until each person has chosen a password.
/// The job's state and progress live in <c>media_jobs</c> (kind <c>roster-import</c>, subject = the import).
/// </summary>
[Migration(30, "Institutions: roster imports and the people they created")]
public sealed class M0030_RosterImports : Migration
{
    public override void Up()
    {
        Create.Table("roster_imports")
            .WithColumn("id").AsGuid().PrimaryKey("pk_roster_imports")
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_roster_imports_institution", "institutions", "id")
            .WithColumn("created_by").AsGuid().NotNullable().ForeignKey("fk_roster_imports_creator", "users", "id")
            .WithColumn("file_name").AsString(200).NotNullable()
            .WithColumn("language").AsString(10).NotNullable()
            .WithColumn("row_count").AsInt32().NotNullable()
            .WithColumn("entries").AsString(int.MaxValue).Nullable()
            .WithColumn("notices").AsString(int.MaxValue).Nullable()
            .WithColumn("outcome").AsString(int.MaxValue).Nullable()
            .WithColumn("problems").AsString(int.MaxValue).Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("finished_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_roster_imports_institution").OnTable("roster_imports")
            .OnColumn("institution_id").Ascending().OnColumn("created_at").Descending();

        Create.Table("roster_import_people")
            .WithColumn("import_id").AsGuid().NotNullable().PrimaryKey("pk_roster_import_people")
                .ForeignKey("fk_roster_import_people_import", "roster_imports", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_roster_import_people")
                .ForeignKey("fk_roster_import_people_user", "users", "id")
            .WithColumn("line").AsInt32().NotNullable()
            .WithColumn("role").AsString(20).NotNullable()
            .WithColumn("class_name").AsString(100).Nullable();
    }

    public override void Down()
    {
        Delete.Table("roster_import_people");
        Delete.Table("roster_imports");
    }
}
