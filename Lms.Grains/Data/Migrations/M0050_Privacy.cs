using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Personal data (Decree 13/2023/NĐ-CP): the one audit log (<c>admin_audit</c>) also records reads of full national-ID
/// lists and exports of personal data, with where they came from (address, browser); and erasure requests, one row per
/// institution that holds the person, each decided by that institution's admins.
/// </summary>
[Migration(50, "Privacy: where audited reads and exports came from; erasure requests")]
public sealed class M0050_Privacy : Migration
{
    public override void Up()
    {
        Alter.Table("admin_audit")
            .AddColumn("address").AsString(64).Nullable()
            .AddColumn("user_agent").AsString(300).Nullable();
        Create.Index("ix_admin_audit_at").OnTable("admin_audit")
            .OnColumn("institution_id").Ascending().OnColumn("at").Ascending();

        Create.Table("erasure_requests")
            .WithColumn("id").AsGuid().PrimaryKey()
            // The person's request as a whole: its parts (one per institution) share it.
            .WithColumn("request_id").AsGuid().NotNullable()
            .WithColumn("user_id").AsGuid().NotNullable().ForeignKey("fk_erasure_requests_user", "users", "id")
            .WithColumn("institution_id").AsGuid().NotNullable().ForeignKey("fk_erasure_requests_institution", "institutions", "id")
            .WithColumn("reason").AsString(1000).Nullable()
            // The language the person asked in: the answer is mailed in it.
            .WithColumn("language").AsString(5).NotNullable()
            // "open", "done" or "declined".
            .WithColumn("status").AsString(10).NotNullable()
            .WithColumn("requested_at").AsDateTimeOffset().NotNullable()
            .WithColumn("decided_by").AsGuid().Nullable()
            .WithColumn("decided_at").AsDateTimeOffset().Nullable()
            .WithColumn("decision_reason").AsString(1000).Nullable();
        Create.Index("ix_erasure_requests_institution").OnTable("erasure_requests")
            .OnColumn("institution_id").Ascending().OnColumn("status").Ascending();
        Create.Index("ix_erasure_requests_user").OnTable("erasure_requests").OnColumn("user_id");

        // When the account's identity was replaced by a pseudonym ("Người học đã xóa #1234"); its sessions ended with it.
        Alter.Table("users").AddColumn("erased_at").AsDateTimeOffset().Nullable();
    }

    public override void Down()
    {
        Delete.Column("erased_at").FromTable("users");
        Delete.Table("erasure_requests");
        Delete.Index("ix_admin_audit_at").OnTable("admin_audit");
        Delete.Column("address").Column("user_agent").FromTable("admin_audit");
    }
}
