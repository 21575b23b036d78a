using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Credentials: each institution's signing keys (private halves encrypted at rest), the
/// certificates and credit records issued (signed VC-JWTs, with their place in the issuer's
/// revocation status list), and credit records shared with another institution for recognition.
/// </summary>
[Migration(450, "Credentials: institution keys, issued credentials, recognition")]
public sealed class M0450_Credentials : Migration
{
    public override void Up()
    {
        Create.Table("institution_keys")
            .WithColumn("kid").AsString(100).PrimaryKey()
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_institution_keys_institution", "institutions", "id")
            .WithColumn("algorithm").AsString(20).NotNullable()
            .WithColumn("public_jwk").AsString(2000).NotNullable()
            .WithColumn("private_key").AsString(4000).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("retired_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_institution_keys_institution").OnTable("institution_keys").OnColumn("institution_id");

        Create.Table("credentials")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("kind").AsString(20).NotNullable()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_credentials_user", "users", "id")
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_credentials_institution", "institutions", "id")
            .WithColumn("course_id").AsGuid().NotNullable().ForeignKey("fk_credentials_course", "courses", "id")
            .WithColumn("subject_name").AsString(200).NotNullable()
            .WithColumn("course_title").AsString(200).NotNullable()
            .WithColumn("grade").AsDecimal(5, 1).NotNullable()
            .WithColumn("credits").AsInt32().Nullable()
            .WithColumn("ects").AsDecimal(5, 1).Nullable()
            .WithColumn("status_index").AsInt32().NotNullable()
            .WithColumn("kid").AsString(100).NotNullable()
            .WithColumn("jwt").AsString(int.MaxValue).NotNullable()
            .WithColumn("issued_at").AsDateTimeOffset().NotNullable()
            .WithColumn("revoked_at").AsDateTimeOffset().Nullable()
            .WithColumn("revocation_reason").AsString(500).Nullable();
        Create.Index("ux_credentials_once").OnTable("credentials")
            .OnColumn("kind").Ascending().OnColumn("user_id").Ascending().OnColumn("course_id").Ascending().WithOptions().Unique();
        Create.Index("ux_credentials_status").OnTable("credentials")
            .OnColumn("institution_id").Ascending().OnColumn("status_index").Ascending().WithOptions().Unique();
        Create.Index("ix_credentials_user").OnTable("credentials").OnColumn("user_id");

        Create.Table("credit_shares")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("credential_id").AsGuid().NotNullable().ForeignKey("fk_credit_shares_credential", "credentials", "id")
            .WithColumn("to_institution_id").AsGuid().NotNullable().ForeignKey("fk_credit_shares_institution", "institutions", "id")
            .WithColumn("message").AsString(2000).Nullable()
            .WithColumn("shared_at").AsDateTimeOffset().NotNullable()
            .WithColumn("decision").AsString(20).NotNullable()
            .WithColumn("decided_by").AsGuid().Nullable().ForeignKey("fk_credit_shares_decider", "users", "id")
            .WithColumn("decided_at").AsDateTimeOffset().Nullable()
            .WithColumn("recognised_as").AsString(200).Nullable()
            .WithColumn("recognised_code").AsString(50).Nullable()
            .WithColumn("recognised_credits").AsInt32().Nullable()
            .WithColumn("reason").AsString(2000).Nullable();
        Create.Index("ux_credit_shares_once").OnTable("credit_shares")
            .OnColumn("credential_id").Ascending().OnColumn("to_institution_id").Ascending().WithOptions().Unique();
        Create.Index("ix_credit_shares_inbox").OnTable("credit_shares")
            .OnColumn("to_institution_id").Ascending().OnColumn("decision").Ascending();
    }

    public override void Down()
    {
        Delete.Table("credit_shares");
        Delete.Table("credentials");
        Delete.Table("institution_keys");
    }
}
