using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The parents' weekly digest: a row per parent and week, written before the mail is, so that a restart or a second
/// node never sends a parent the same week twice.
/// </summary>
[Migration(732, "Contact book: the weekly digest sent per parent and week")]
public sealed class M0732_WeeklyDigest : Migration
{
    public override void Up()
    {
        Create.Table("contact_digests")
            .WithColumn("parent_id").AsGuid().NotNullable().PrimaryKey("pk_contact_digests").ForeignKey("fk_contact_digests_parent", "users", "id")
            // The Monday the week starts on, Vietnam's calendar (yyyy-MM-dd).
            .WithColumn("week_start").AsString(10).NotNullable().PrimaryKey("pk_contact_digests")
            .WithColumn("sent_at").AsDateTimeOffset().NotNullable();
    }

    public override void Down() => Delete.Table("contact_digests");
}
