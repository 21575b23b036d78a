using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>A course item may have its own due date: after it, learners can no longer do that item's work (unless extended).</summary>
[Migration(461, "Courses: item due dates")]
public sealed class M0461_ItemDueDates : Migration
{
    public override void Up() => Alter.Table("course_items").AddColumn("due_at").AsDateTimeOffset().Nullable();

    public override void Down() => Delete.Column("due_at").FromTable("course_items");
}
