using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The conduct (rèn luyện) rating of a student in a term, set by the class's homeroom teacher (Circular 22/2021 article
/// 8): tot, kha, dat or chua-dat. The year's rating is worked out from the two terms' when it is read.
/// </summary>
[Migration(711, "Conduct ratings per term, set by the homeroom teacher")]
public sealed class M0711_Conduct : Migration
{
    public override void Up()
    {
        Create.Table("conduct_ratings")
            .WithColumn("term_id").AsGuid().NotNullable().PrimaryKey("pk_conduct_ratings").ForeignKey("fk_conduct_ratings_term", "school_terms", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_conduct_ratings").ForeignKey("fk_conduct_ratings_class", "classes", "id")
            .WithColumn("student_id").AsGuid().NotNullable().PrimaryKey("pk_conduct_ratings").ForeignKey("fk_conduct_ratings_student", "users", "id")
            .WithColumn("rating").AsString(10).NotNullable()
            .WithColumn("set_by").AsGuid().NotNullable().ForeignKey("fk_conduct_ratings_teacher", "users", "id")
            .WithColumn("set_at").AsDateTimeOffset().NotNullable();
    }

    public override void Down() => Delete.Table("conduct_ratings");
}
