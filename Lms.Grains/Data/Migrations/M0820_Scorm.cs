using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// SCORM lessons: a package (its manifest's launchable items as JSON, the files unpacked in the content store under
/// <c>scorm/&lt;id&gt;/</c>) stands behind a course item of kind <c>scorm</c>; each learner's runtime data is kept per
/// course item and SCO (not per package, so a copied course starts its learners afresh), with the fields a learner
/// resumes from (location, suspend data) and the ones completion and grading read (statuses, score).
/// </summary>
[Migration(820, "SCORM: packages and each learner's runtime data per SCO")]
public sealed class M0820_Scorm : Migration
{
    public override void Up()
    {
        Create.Table("scorm_packages")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_scorm_packages_institution", "institutions", "id")
            .WithColumn("title").AsString(300).NotNullable()
            .WithColumn("version").AsString(10).NotNullable()
            .WithColumn("edition").AsString(60).Nullable()
            .WithColumn("launchables").AsString(int.MaxValue).NotNullable()
            .WithColumn("entry_count").AsInt32().NotNullable()
            .WithColumn("unpacked_bytes").AsInt64().NotNullable()
            .WithColumn("created_by").AsGuid().NotNullable().ForeignKey("fk_scorm_packages_creator", "users", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_scorm_packages_institution").OnTable("scorm_packages").OnColumn("institution_id");

        Create.Table("scorm_runtime")
            .WithColumn("item_id").AsGuid().NotNullable().PrimaryKey("pk_scorm_runtime").ForeignKey("fk_scorm_runtime_item", "course_items", "id").OnDelete(System.Data.Rule.Cascade)
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_scorm_runtime").ForeignKey("fk_scorm_runtime_user", "users", "id")
            .WithColumn("sco_id").AsString(200).NotNullable().PrimaryKey("pk_scorm_runtime")
            // SCORM 1.2 cmi.core.lesson_status, or SCORM 2004 cmi.completion_status and cmi.success_status.
            .WithColumn("lesson_status").AsString(20).Nullable()
            .WithColumn("completion_status").AsString(20).Nullable()
            .WithColumn("success_status").AsString(20).Nullable()
            .WithColumn("score_raw").AsDouble().Nullable()
            .WithColumn("score_min").AsDouble().Nullable()
            .WithColumn("score_max").AsDouble().Nullable()
            .WithColumn("score_scaled").AsDouble().Nullable()
            // Time in earlier sessions; the current session's time is kept apart until a commit of another session
            // folds it in (a SCO reports its session time again and again while it runs, not as increments).
            .WithColumn("total_seconds").AsDouble().NotNullable()
            .WithColumn("session_id").AsString(40).Nullable()
            .WithColumn("session_seconds").AsDouble().NotNullable()
            .WithColumn("location").AsString(1000).Nullable()
            // SCORM 2004 allows 64 000 characters (1.2: 4 096).
            .WithColumn("suspend_data").AsString(int.MaxValue).Nullable()
            .WithColumn("exit_mode").AsString(20).Nullable()
            .WithColumn("sessions").AsInt32().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_scorm_runtime_user").OnTable("scorm_runtime").OnColumn("user_id");
    }

    public override void Down()
    {
        Delete.Table("scorm_runtime");
        Delete.Table("scorm_packages");
    }
}
