using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Server-side sessions: every cookie and every bearer/refresh token pair names one, and a request
/// whose session was ended (sign-out, password change, an admin) is refused. Refresh tokens are
/// single use; one used twice ends its whole session (its family). An account can be disabled.
/// </summary>
[Migration(21, "Identity: sessions, single-use refresh tokens, disabled accounts")]
public sealed class M0021_Sessions : Migration
{
    public override void Up()
    {
        Alter.Table("users").AddColumn("disabled_at").AsDateTimeOffset().Nullable();

        Create.Table("sessions")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_sessions_user", "users", "id")
            .WithColumn("kind").AsString(10).NotNullable()
            .WithColumn("device").AsString(300).Nullable()
            .WithColumn("address").AsString(64).Nullable()
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("last_seen_at").AsDateTimeOffset().NotNullable()
            .WithColumn("ended_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_sessions_user").OnTable("sessions").OnColumn("user_id");

        Create.Table("refresh_tokens")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("session_id").AsGuid().NotNullable().ForeignKey("fk_refresh_tokens_session", "sessions", "id")
            .WithColumn("created_at").AsDateTimeOffset().NotNullable()
            .WithColumn("used_at").AsDateTimeOffset().Nullable();
        Create.Index("ix_refresh_tokens_session").OnTable("refresh_tokens").OnColumn("session_id");
    }

    public override void Down()
    {
        Delete.Table("refresh_tokens");
        Delete.Table("sessions");
        Delete.Column("disabled_at").FromTable("users");
    }
}
