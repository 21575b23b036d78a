using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The principal's unlocking of a term's marks for a class, with its reason: who, when, why, and when the lock being
/// lifted had been set. Kept for good, like the changes made after a lock (mark_changes).
/// </summary>
[Migration(713, "Mark book: the log of term unlocks, with the principal's reason")]
public sealed class M0713_MarkTermUnlocks : Migration
{
    public override void Up()
    {
        Create.Table("mark_term_unlocks")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("term_id").AsGuid().NotNullable().ForeignKey("fk_mark_term_unlocks_term", "school_terms", "id")
            .WithColumn("class_id").AsGuid().NotNullable().ForeignKey("fk_mark_term_unlocks_class", "classes", "id")
            .WithColumn("locked_at").AsDateTimeOffset().NotNullable()
            .WithColumn("reason").AsString(500).NotNullable()
            .WithColumn("unlocked_by").AsGuid().NotNullable().ForeignKey("fk_mark_term_unlocks_admin", "users", "id")
            .WithColumn("unlocked_at").AsDateTimeOffset().NotNullable();
        Create.Index("ix_mark_term_unlocks_class").OnTable("mark_term_unlocks").OnColumn("class_id").Ascending();
    }

    public override void Down() => Delete.Table("mark_term_unlocks");
}
