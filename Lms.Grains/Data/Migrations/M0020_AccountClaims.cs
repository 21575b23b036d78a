using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Accounts that must be claimed before they count: a self sign-up keeps its address as
/// <c>pending_email</c> (not unique, so an unconfirmed address is never "taken") until the owner
/// follows the link sent to it; <c>claimed_at</c> says when the owner proved they hold the account
/// (confirmed address, redeemed invitation, reset password); <c>created_by_institution_id</c> says
/// which institution's roster made it. One-time codes (verification, invitation, reset, setup)
/// are kept only as hashes and used once.
/// </summary>
[Migration(20, "Identity: pending e-mail, claimed accounts, one-time codes, platform admins")]
public sealed class M0020_AccountClaims : Migration
{
    public override void Up()
    {
        Alter.Table("users")
            .AddColumn("pending_email").AsString(256).Nullable()
            .AddColumn("claimed_at").AsDateTimeOffset().Nullable()
            .AddColumn("created_by_institution_id").AsGuid().Nullable()
            .AddColumn("platform_admin").AsBoolean().NotNullable().WithDefaultValue(false);
        Create.Index("ix_users_pending_email").OnTable("users").OnColumn("pending_email");
        // People who were there before this migration signed in with passwords they were handed: theirs.
        Execute.Sql("UPDATE users SET claimed_at = created_at");

        Create.Table("one_time_codes")
            .WithColumn("id").AsGuid().PrimaryKey()
            // SHA-256 of the normalised code, hex: the code itself is never stored.
            .WithColumn("code_hash").AsString(64).NotNullable().Unique("ux_one_time_codes_hash")
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_one_time_codes_user", "users", "id")
            .WithColumn("purpose").AsString(30).NotNullable()
            // What the code carries beyond the person (the address being confirmed, where to go after).
            .WithColumn("data").AsString(1000).Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("expires_at").AsDateTimeOffset().NotNullable()
            .WithColumn("used_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_one_time_codes_user").OnTable("one_time_codes")
            .OnColumn("user_id").Ascending().OnColumn("purpose").Ascending();
    }

    public override void Down()
    {
        Delete.Table("one_time_codes");
        Delete.Index("ix_users_pending_email").OnTable("users");
        Delete.Column("pending_email").Column("claimed_at").Column("created_by_institution_id").Column("platform_admin").FromTable("users");
    }
}
