using FluentMigrator;

namespace Lms.Grains.Data.Migrations;

/// <summary>
/// The order of an attempt's answers, kept so that a reload orders them as the running attempt did:
/// <c>seq</c> is the per-attempt sequence the server gives each answer on receipt (in the request's order
/// for answers sent together), <c>queued</c> says the answer came from the client's offline queue (ranked by
/// the time the student gave it, on the server's clock) rather than sent at once (ranked by receipt).
/// Rows stored before this migration keep both null; <see cref="Assessment.AnswerOrder"/> says how they rank.
/// </summary>
[Migration(210, "Assessment: the receipt sequence of every answer, and whether it came from an offline queue")]
public sealed class M0210_AnswerOrder : Migration
{
    public override void Up()
    {
        Alter.Table("attempt_answers")
            .AddColumn("seq").AsInt64().Nullable()
            .AddColumn("queued").AsBoolean().Nullable();
    }

    public override void Down()
    {
        Delete.Column("seq").FromTable("attempt_answers");
        Delete.Column("queued").FromTable("attempt_answers");
    }
}
