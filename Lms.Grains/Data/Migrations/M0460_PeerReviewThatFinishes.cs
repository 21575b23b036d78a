using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Peer review that finishes: each submission is handed to exactly as many reviewers as the assignment
/// needs (an allocation per reviewer, taken back when not done in time), with a review deadline (after it
/// the staff grade what still lacks reviews) and a final deadline (after it no grade moves).
/// </summary>
[Migration(460, "MOOC assignments: review allocations, review and final deadlines")]
public sealed class M0460_PeerReviewThatFinishes : Migration
{
    public override void Up()
    {
        Alter.Table("mooc_assignments")
            .AddColumn("review_hours").AsInt32().NotNullable().WithDefaultValue(48)
            .AddColumn("reviews_due_at").AsDateTimeOffset().Nullable()
            .AddColumn("final_at").AsDateTimeOffset().Nullable()
            .AddColumn("extra_reviews_count").AsBoolean().NotNullable().WithDefaultValue(false);

        // Allocations open or done that count towards the required number: the one counter the allocator
        // raises atomically (UPDATE ... WHERE live_reviews < needed), so two reviewers never overshoot.
        Alter.Table("mooc_submissions")
            .AddColumn("live_reviews").AsInt32().NotNullable().WithDefaultValue(0);
        Execute.Sql("UPDATE mooc_submissions SET live_reviews = " +
                    "(SELECT COUNT(*) FROM mooc_reviews r WHERE r.submission_id = mooc_submissions.id AND r.role = 'peer')");

        Create.Table("mooc_review_allocations")
            .WithColumn("submission_id").AsGuid().NotNullable().PrimaryKey("pk_mooc_review_allocations")
                .ForeignKey("fk_mooc_review_allocations_submission", "mooc_submissions", "id")
            .WithColumn("reviewer_id").AsGuid().NotNullable().PrimaryKey("pk_mooc_review_allocations")
                .ForeignKey("fk_mooc_review_allocations_reviewer", "users", "id")
            .WithColumn("assignment_id").AsGuid().NotNullable().ForeignKey("fk_mooc_review_allocations_assignment", "mooc_assignments", "id")
            .WithColumn("kind").AsString(10).NotNullable()
            .WithColumn("state").AsString(10).NotNullable()
            .WithColumn("assigned_at").AsDateTimeOffset().NotNullable()
            .WithColumn("due_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_mooc_review_allocations_reviewer").OnTable("mooc_review_allocations")
            .OnColumn("assignment_id").Ascending().OnColumn("reviewer_id").Ascending().OnColumn("state").Ascending();
        Create.Index("ix_mooc_review_allocations_due").OnTable("mooc_review_allocations")
            .OnColumn("assignment_id").Ascending().OnColumn("state").Ascending().OnColumn("due_at").Ascending();
    }

    public override void Down()
    {
        Delete.Table("mooc_review_allocations");
        Delete.Column("live_reviews").FromTable("mooc_submissions");
        Delete.Column("review_hours").FromTable("mooc_assignments");
        Delete.Column("reviews_due_at").FromTable("mooc_assignments");
        Delete.Column("final_at").FromTable("mooc_assignments");
        Delete.Column("extra_reviews_count").FromTable("mooc_assignments");
    }
}
