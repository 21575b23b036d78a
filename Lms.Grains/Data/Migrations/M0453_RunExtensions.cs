using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>A run's staff let one learner keep working after the run's end, until a date, for a recorded reason.</summary>
[Migration(453, "MOOC runs: extensions past a run's end")]
public sealed class M0453_RunExtensions : Migration
{
    public override void Up()
    {
        Create.Table("run_extensions")
            .WithColumn("run_id").AsGuid().NotNullable().PrimaryKey("pk_run_extensions").ForeignKey("fk_run_extensions_run", "mooc_runs", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_run_extensions").ForeignKey("fk_run_extensions_user", "users", "id")
            .WithColumn("until").AsDateTimeOffset().NotNullable()
            .WithColumn("reason").AsString(500).NotNullable()
            .WithColumn("granted_by").AsGuid().NotNullable().ForeignKey("fk_run_extensions_granter", "users", "id")
            .WithColumn("granted_at").AsDateTimeOffset().NotNullable();
    }

    public override void Down() => Delete.Table("run_extensions");
}
