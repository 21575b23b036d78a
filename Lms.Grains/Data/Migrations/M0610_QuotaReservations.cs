using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Storage quota reserved atomically: one lock row per institution that every reservation updates first (so
/// reservations of one institution run one after another on every database, while other institutions go on),
/// and the space held for a file still on its way (a recording piece being received) until its row exists.
/// </summary>
[Migration(610, "Content: per-institution quota lock and reservations of files in transit")]
public sealed class M0610_QuotaReservations : Migration
{
    public override void Up()
    {
        Create.Table("content_quota_locks")
            .WithColumn("institution_id").AsGuid().PrimaryKey("pk_content_quota_locks")
            .WithColumn("locked_at").AsDateTimeOffset().NotNullable();

        // Counted in the institution's usage until released or, if the server died holding it, until it expires.
        Create.Table("content_reservations")
            .WithColumn("id").AsGuid().PrimaryKey("pk_content_reservations")
            .WithColumn("institution_id").AsGuid().NotNullable()
            .WithColumn("bytes").AsInt64().NotNullable()
            .WithColumn("expires_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_content_reservations_institution").OnTable("content_reservations").OnColumn("institution_id");
    }

    public override void Down()
    {
        Delete.Table("content_reservations");
        Delete.Table("content_quota_locks");
    }
}
