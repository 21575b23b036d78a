using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// MOOCs: catalogue entries of courses of kind "mooc", their runs (each run is a course holding its
/// own copy of the content), per-item settings (required, grading category, release day), the
/// grading policy, learners' results, assignments with reviews, and a forum per run.
/// </summary>
[Migration(401, "MOOCs: catalogue, runs, grading, assignments, forum")]
public sealed class M0401_Moocs : Migration
{
    public override void Up()
    {
        // One row per MOOC; its id is the course that was published to the catalogue (the first run's course).
        Create.Table("moocs")
            .WithColumn("id").AsGuid().PrimaryKey().ForeignKey("fk_moocs_course", "courses", "id")
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_moocs_institution", "institutions", "id")
            .WithColumn("slug").AsString(120).NotNullable()
            .WithColumn("subject").AsString(100).NotNullable()
            .WithColumn("language").AsString(10).NotNullable()
            .WithColumn("level").AsString(20).NotNullable()
            .WithColumn("syllabus").AsString(int.MaxValue).Nullable()
            .WithColumn("instructors").AsString(2000).Nullable()
            .WithColumn("effort_hours_per_week").AsInt32().Nullable()
            .WithColumn("duration_weeks").AsInt32().Nullable()
            .WithColumn("credits").AsInt32().Nullable()
            .WithColumn("ects").AsDecimal(5, 1).Nullable()
            .WithColumn("price_vnd").AsInt64().NotNullable().WithDefaultValue(0)
            .WithColumn("image_url").AsString(2000).Nullable()
            // Title, summary, subject, institution and instructors folded (SearchText.Fold): what search compares.
            .WithColumn("search_text").AsString(4000).NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();
        Create.Index("ux_moocs_slug").OnTable("moocs").OnColumn("slug").Ascending().WithOptions().Unique();
        Create.Index("ix_moocs_institution").OnTable("moocs").OnColumn("institution_id");

        Create.Table("mooc_runs")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("mooc_id").AsGuid().NotNullable().ForeignKey("fk_mooc_runs_mooc", "moocs", "id")
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_mooc_runs_course", "courses", "id")
            .WithColumn("label").AsString(100).NotNullable()
            .WithColumn("pace").AsString(20).NotNullable()
            .WithColumn("starts_at").AsDateTimeOffset().Nullable()
            .WithColumn("ends_at").AsDateTimeOffset().Nullable()
            .WithColumn("enrol_cap").AsInt32().Nullable()
            .WithColumn("enrolled").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("passed").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ux_mooc_runs_course").OnTable("mooc_runs").OnColumn("course_id").Ascending().WithOptions().Unique();
        Create.Index("ix_mooc_runs_mooc").OnTable("mooc_runs").OnColumn("mooc_id");

        // The grading policy of a course (a run): weighted categories as JSON, a pass mark in percent.
        Create.Table("course_grading")
            .WithColumn("course_id").AsGuid().PrimaryKey().ForeignKey("fk_course_grading_course", "courses", "id")
            .WithColumn("categories").AsString(4000).NotNullable()
            .WithColumn("pass_mark").AsInt32().NotNullable()
            .WithColumn("require_all_items").AsBoolean().NotNullable();

        // How one item counts: required for completion, its grading category, released N days after the run starts.
        // No foreign key to course_items: the outline editor deletes items without knowing of rules; a rule
        // left behind matches no item and is ignored.
        Create.Table("course_item_rules")
            .WithColumn("item_id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable()
            .WithColumn("required").AsBoolean().NotNullable()
            .WithColumn("category").AsString(50).Nullable()
            .WithColumn("release_day").AsInt32().Nullable()
            // For kinds measured as a share (a video watched past 80%): the share needed, in percent.
            .WithColumn("min_percent").AsInt32().Nullable();
        Create.Index("ix_course_item_rules_course").OnTable("course_item_rules").OnColumn("course_id");

        Create.Table("course_results")
            .WithColumn("course_id").AsGuid().NotNullable().PrimaryKey("pk_course_results").ForeignKey("fk_course_results_course", "courses", "id")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_course_results").ForeignKey("fk_course_results_user", "users", "id")
            .WithColumn("grade").AsDecimal(5, 1).NotNullable()
            .WithColumn("passed_at").AsDateTimeOffset().NotNullable();

        Create.Table("mooc_assignments")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_mooc_assignments_course", "courses", "id")
            .WithColumn("instructions").AsString(int.MaxValue).NotNullable()
            .WithColumn("submission").AsString(10).NotNullable()
            .WithColumn("review").AsString(10).NotNullable()
            .WithColumn("peer_reviews").AsInt32().NotNullable()
            .WithColumn("rubric").AsString(8000).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_mooc_assignments_course").OnTable("mooc_assignments").OnColumn("course_id");

        Create.Table("mooc_submissions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("assignment_id").AsGuid().NotNullable().ForeignKey("fk_mooc_submissions_assignment", "mooc_assignments", "id")
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_mooc_submissions_user", "users", "id")
            .WithColumn("text").AsString(int.MaxValue).Nullable()
            .WithColumn("file_key").AsString(200).Nullable()
            .WithColumn("file_name").AsString(255).Nullable()
            .WithColumn("file_type").AsString(100).Nullable()
            .WithColumn("file_size").AsInt64().Nullable()
            .WithColumn("submitted_at").AsDateTimeOffset().NotNullable()
            .WithColumn("score").AsDecimal(7, 2).Nullable()
            .WithColumn("graded_at").AsDateTimeOffset().Nullable()
            .WithColumn("review_count").AsInt32().NotNullable().WithDefaultValue(0);
        Create.Index("ux_mooc_submissions_user").OnTable("mooc_submissions")
            .OnColumn("assignment_id").Ascending().OnColumn("user_id").Ascending().WithOptions().Unique();

        Create.Table("mooc_reviews")
            .WithColumn("submission_id").AsGuid().NotNullable().PrimaryKey("pk_mooc_reviews").ForeignKey("fk_mooc_reviews_submission", "mooc_submissions", "id")
            .WithColumn("reviewer_id").AsGuid().NotNullable().PrimaryKey("pk_mooc_reviews").ForeignKey("fk_mooc_reviews_reviewer", "users", "id")
            .WithColumn("role").AsString(10).NotNullable()
            .WithColumn("scores").AsString(2000).NotNullable()
            .WithColumn("total").AsDecimal(7, 2).NotNullable()
            .WithColumn("comment").AsString(4000).Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable();

        Create.Table("forum_threads")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_forum_threads_course", "courses", "id")
            .WithColumn("author_id").AsGuid().NotNullable().ForeignKey("fk_forum_threads_author", "users", "id")
            .WithColumn("title").AsString(200).NotNullable()
            .WithColumn("body").AsString(int.MaxValue).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("last_activity_at").AsDateTimeOffset().NotNullable()
            .WithColumn("replies").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("upvotes").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("hidden").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("locked").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("answered").AsBoolean().NotNullable().WithDefaultValue(false);
        Create.Index("ix_forum_threads_course").OnTable("forum_threads")
            .OnColumn("course_id").Ascending().OnColumn("last_activity_at").Descending();

        Create.Table("forum_posts")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("thread_id").AsGuid().NotNullable().ForeignKey("fk_forum_posts_thread", "forum_threads", "id")
            .WithColumn("author_id").AsGuid().NotNullable().ForeignKey("fk_forum_posts_author", "users", "id")
            .WithColumn("body").AsString(int.MaxValue).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("upvotes").AsInt32().NotNullable().WithDefaultValue(0)
            .WithColumn("hidden").AsBoolean().NotNullable().WithDefaultValue(false)
            .WithColumn("teacher_answer").AsBoolean().NotNullable().WithDefaultValue(false);
        Create.Index("ix_forum_posts_thread").OnTable("forum_posts")
            .OnColumn("thread_id").Ascending().OnColumn("created_at").Ascending();

        // One vote per person per thread or post (target is either's id).
        Create.Table("forum_votes")
            .WithColumn("target_id").AsGuid().NotNullable().PrimaryKey("pk_forum_votes")
            .WithColumn("user_id").AsGuid().NotNullable().PrimaryKey("pk_forum_votes").ForeignKey("fk_forum_votes_user", "users", "id");
    }

    public override void Down()
    {
        foreach (var table in new[]
                 {
                     "forum_votes", "forum_posts", "forum_threads", "mooc_reviews", "mooc_submissions", "mooc_assignments",
                     "course_results", "course_item_rules", "course_grading", "mooc_runs", "moocs",
                 })
            Delete.Table(table);
    }
}
