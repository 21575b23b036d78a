using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// Report cards (phiếu báo kết quả học tập) per student for a term (hk1, hk2) or the year (cn): the homeroom teacher's
/// comment while the cards are drafted; a sign-off round per class and period (the homeroom teacher signs, then the
/// principal), each round holding one card per student whose content is a snapshot taken at the homeroom teacher's
/// sign-off, so a mark changed later does not alter a card already signed. A later round, once the principal signs it,
/// supersedes the cards of the round before; a card may also be withdrawn. The public verification page finds a card
/// by its unguessable token, never by its id.
/// </summary>
[Migration(712, "Report cards: homeroom comments, sign-off rounds per class and period, cards as snapshots with a verification token")]
public sealed class M0712_ReportCards : Migration
{
    public override void Up()
    {
        Create.Table("report_card_comments")
            .WithColumn("school_year_id").AsGuid().NotNullable().PrimaryKey("pk_report_card_comments").ForeignKey("fk_rc_comments_year", "school_years", "id")
            .WithColumn("class_id").AsGuid().NotNullable().PrimaryKey("pk_report_card_comments").ForeignKey("fk_rc_comments_class", "classes", "id")
            .WithColumn("period").AsString(3).NotNullable().PrimaryKey("pk_report_card_comments")
            .WithColumn("student_id").AsGuid().NotNullable().PrimaryKey("pk_report_card_comments").ForeignKey("fk_rc_comments_student", "users", "id")
            .WithColumn("comment").AsString(2000).NotNullable()
            .WithColumn("updated_by").AsGuid().NotNullable().ForeignKey("fk_rc_comments_teacher", "users", "id")
            .WithColumn("updated_at").AsDateTimeOffset().NotNullable();

        Create.Table("report_card_rounds")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("school_year_id").AsGuid().NotNullable().ForeignKey("fk_rc_rounds_year", "school_years", "id")
            .WithColumn("class_id").AsGuid().NotNullable().ForeignKey("fk_rc_rounds_class", "classes", "id")
            .WithColumn("period").AsString(3).NotNullable()
            .WithColumn("generation").AsInt32().NotNullable()
            .WithColumn("homeroom_signed_by").AsGuid().NotNullable().ForeignKey("fk_rc_rounds_homeroom", "users", "id")
            .WithColumn("homeroom_signed_at").AsDateTimeOffset().NotNullable()
            .WithColumn("principal_signed_by").AsGuid().Nullable().ForeignKey("fk_rc_rounds_principal", "users", "id")
            .WithColumn("principal_signed_at").AsDateTimeOffset().Nullable();
        // Two sign-offs of one class at once cannot both open the next round.
        Create.Index("ux_report_card_rounds").OnTable("report_card_rounds")
            .OnColumn("school_year_id").Ascending().OnColumn("class_id").Ascending().OnColumn("period").Ascending().OnColumn("generation").Ascending()
            .WithOptions().Unique();

        Create.Table("report_cards")
            .WithColumn("id").AsGuid().PrimaryKey()
            .WithColumn("round_id").AsGuid().NotNullable().ForeignKey("fk_report_cards_round", "report_card_rounds", "id")
            .WithColumn("student_id").AsGuid().NotNullable().ForeignKey("fk_report_cards_student", "users", "id")
            .WithColumn("verify_token").AsString(32).NotNullable().Unique("ux_report_cards_token")
            // The card as it was signed (JSON): subjects, averages, ratings, attendance, the comment.
            .WithColumn("snapshot").AsString(int.MaxValue).NotNullable()
            .WithColumn("superseded_by").AsGuid().Nullable()
            .WithColumn("withdrawn_at").AsDateTimeOffset().Nullable()
            .WithColumn("withdrawn_by").AsGuid().Nullable().ForeignKey("fk_report_cards_withdrawn_by", "users", "id")
            .WithColumn("withdrawn_reason").AsString(500).Nullable();
        Create.Index("ux_report_cards_round_student").OnTable("report_cards")
            .OnColumn("round_id").Ascending().OnColumn("student_id").Ascending().WithOptions().Unique();
        Create.Index("ix_report_cards_student").OnTable("report_cards").OnColumn("student_id").Ascending();
    }

    public override void Down()
    {
        Delete.Table("report_cards");
        Delete.Table("report_card_rounds");
        Delete.Table("report_card_comments");
    }
}
