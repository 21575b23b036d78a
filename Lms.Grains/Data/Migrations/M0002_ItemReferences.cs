using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Items that stand for something another feature owns (a live session, a quiz, a video) point
/// at it with <c>ref_id</c>; the item's <c>kind</c> says which feature.
/// </summary>
[Migration(2, "Course items may reference a feature's own record")]
public sealed class M0002_ItemReferences : Migration
{
    public override void Up()
    {
        Alter.Table("course_items").AddColumn("ref_id").AsGuid().Nullable();
        Create.Index("ix_course_items_ref").OnTable("course_items").OnColumn("ref_id");
    }

    public override void Down()
    {
        Delete.Index("ix_course_items_ref").OnTable("course_items");
        Delete.Column("ref_id").FromTable("course_items");
    }
}
