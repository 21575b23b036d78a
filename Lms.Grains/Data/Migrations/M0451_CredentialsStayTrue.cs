using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Credentials that follow the learner's record: a credential can be superseded by a re-issued one
/// (a new generation of the same kind for the same learner and course), staff decide on
/// credentials whose grade changed after issue, and a recognition decision made on a credential
/// that is later revoked or superseded is marked (with what it was before).
/// </summary>
[Migration(451, "Credentials: generations, superseding, reviews, marked recognitions")]
public sealed class M0451_CredentialsStayTrue : Migration
{
    public override void Up()
    {
        Alter.Table("credentials")
            .AddColumn("generation").AsInt32().NotNullable().WithDefaultValue(0)
            .AddColumn("superseded_by").AsGuid().Nullable();
        Delete.Index("ux_credentials_once").OnTable("credentials");
        Create.Index("ux_credentials_generation").OnTable("credentials")
            .OnColumn("kind").Ascending().OnColumn("user_id").Ascending().OnColumn("course_id").Ascending()
            .OnColumn("generation").Ascending().WithOptions().Unique();

        Alter.Table("credit_shares")
            .AddColumn("marked_at").AsDateTimeOffset().Nullable()
            .AddColumn("decision_before").AsString(20).Nullable();

        Create.Table("credential_reviews")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_credential_reviews_course", "courses", "id")
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_credential_reviews_user", "users", "id")
            .WithColumn("issued_grade").AsDecimal(5, 1).NotNullable()
            .WithColumn("current_grade").AsDecimal(5, 1).NotNullable()
            .WithColumn("passes").AsBoolean().NotNullable()
            .WithColumn("cause").AsString(20).NotNullable()
            .WithColumn("opened_at").AsDateTimeOffset().NotNullable()
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable()
            .WithColumn("decision").AsString(20).Nullable()
            .WithColumn("reason").AsString(500).Nullable()
            .WithColumn("decided_by").AsGuid().Nullable().ForeignKey("fk_credential_reviews_decider", "users", "id")
            .WithColumn("decided_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_credential_reviews_course").OnTable("credential_reviews")
            .OnColumn("course_id").Ascending().OnColumn("decided_at").Ascending();
        Create.Index("ix_credential_reviews_learner").OnTable("credential_reviews")
            .OnColumn("course_id").Ascending().OnColumn("user_id").Ascending();
    }

    public override void Down()
    {
        Delete.Table("credential_reviews");
        Delete.Column("marked_at").FromTable("credit_shares");
        Delete.Column("decision_before").FromTable("credit_shares");
        Delete.Index("ux_credentials_generation").OnTable("credentials");
        Delete.Column("generation").FromTable("credentials");
        Delete.Column("superseded_by").FromTable("credentials");
        Create.Index("ux_credentials_once").OnTable("credentials")
            .OnColumn("kind").Ascending().OnColumn("user_id").Ascending().OnColumn("course_id").Ascending().WithOptions().Unique();
    }
}
