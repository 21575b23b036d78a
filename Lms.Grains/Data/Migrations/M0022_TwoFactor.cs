using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// A TOTP second factor (RFC 6238) for staff: one authenticator per person, its secret kept
/// encrypted by the server (data protection), switched on only once a first code confirmed it;
/// <c>last_step</c> is the last time step a code was accepted for, so a code is never accepted
/// twice. Ten recovery codes per person, stored as hashes, each used once. An institution can
/// require its admins to use it.
/// </summary>
[Migration(22, "Identity: TOTP second factor, recovery codes, institutions requiring it of admins")]
public sealed class M0022_TwoFactor : Migration
{
    public override void Up()
    {
        Create.Table("user_totp")
            .WithColumn("user_id").AsGuid().PrimaryKey().ForeignKey("fk_user_totp_user", "users", "id")
            .WithColumn("protected_secret").AsString(1000).NotNullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("confirmed_at").AsDateTimeOffset().Nullable()
            .WithColumn("last_step").AsInt64().NotNullable().WithDefaultValue(0);

        Create.Table("totp_recovery_codes")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_totp_recovery_codes_user", "users", "id")
            // SHA-256 of the normalised code, hex.
            .WithColumn("code_hash").AsString(64).NotNullable()
            .WithColumn("used_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_totp_recovery_codes_user").OnTable("totp_recovery_codes")
            .OnColumn("user_id").Ascending().OnColumn("code_hash").Ascending();

        Alter.Table("institutions")
            .AddColumn("admins_require_two_factor").AsBoolean().NotNullable().WithDefaultValue(false);
    }

    public override void Down()
    {
        Delete.Column("admins_require_two_factor").FromTable("institutions");
        Delete.Table("totp_recovery_codes");
        Delete.Table("user_totp");
    }
}
