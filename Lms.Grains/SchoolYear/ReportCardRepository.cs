using System.Buffers.Text;
using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>
/// One sign-off round of a class's report cards for a period: the homeroom teacher signed it (and with that the cards'
/// content was frozen), then the principal, which issues its cards. A later round supersedes an issued one.
/// </summary>
public sealed record ReportCardRound
{
    public Guid Id { get; init; }
    public Guid SchoolYearId { get; init; }
    public Guid ClassId { get; init; }
    public string Period { get; init; } = "";
    public int Generation { get; init; }
    public Guid HomeroomSignedBy { get; init; }
    public string HomeroomSignedByName { get; init; } = "";
    public DateTimeOffset HomeroomSignedAt { get; init; }
    public Guid? PrincipalSignedBy { get; init; }
    public string? PrincipalSignedByName { get; init; }
    public DateTimeOffset? PrincipalSignedAt { get; init; }

    public bool Issued => PrincipalSignedAt is not null;
}

/// <summary>A stored card with its round: the snapshot, its verification token, and whether it was superseded or withdrawn.</summary>
public sealed record ReportCardRow
{
    public Guid Id { get; init; }
    public Guid RoundId { get; init; }
    public Guid StudentId { get; init; }
    public string VerifyToken { get; init; } = "";
    public string Snapshot { get; init; } = "";
    public Guid? SupersededBy { get; init; }
    public DateTimeOffset? WithdrawnAt { get; init; }
    public string? WithdrawnReason { get; init; }
    public Guid SchoolYearId { get; init; }
    public Guid InstitutionId { get; init; }
    public Guid ClassId { get; init; }
    public string Period { get; init; } = "";
    public int Generation { get; init; }
    public string HomeroomSignedByName { get; init; } = "";
    public DateTimeOffset HomeroomSignedAt { get; init; }
    public string? PrincipalSignedByName { get; init; }
    public DateTimeOffset? PrincipalSignedAt { get; init; }

    public bool Issued => PrincipalSignedAt is not null;

    /// <summary>Issued, and neither superseded by a later card nor withdrawn.</summary>
    public bool Current => Issued && SupersededBy is null && WithdrawnAt is null;

    public ReportCardContent Content => ReportCardContent.FromJson(Snapshot);
}

public sealed record ReportCardComment
{
    public Guid StudentId { get; init; }
    public string Comment { get; init; } = "";
}

/// <summary>
/// Report cards: the homeroom teacher's comments while drafting, the sign-off rounds (homeroom teacher, then principal)
/// and the cards each round froze. Every step that must happen once (open a round, sign it, retract it, withdraw a card)
/// is one conditional statement in a transaction, so two people acting at once cannot both succeed.
/// </summary>
public sealed class ReportCardRepository(Db db, TimeProvider clock)
{
    private const string RoundSelect =
        "SELECT r.id, r.school_year_id, r.class_id, r.period, r.generation, r.homeroom_signed_by, h.display_name AS homeroom_signed_by_name, " +
        "r.homeroom_signed_at, r.principal_signed_by, p.display_name AS principal_signed_by_name, r.principal_signed_at FROM report_card_rounds r " +
        "JOIN users h ON h.id = r.homeroom_signed_by LEFT JOIN users p ON p.id = r.principal_signed_by ";

    private static readonly Sql RoundsSql = Sql.Portable(
        RoundSelect + "WHERE r.school_year_id = @yearId AND r.class_id = @classId AND r.period = @period ORDER BY r.generation DESC");

    /// <summary>A class's rounds for a period, latest first.</summary>
    public Task<IReadOnlyList<ReportCardRound>> RoundsAsync(Guid yearId, Guid classId, string period) =>
        db.QueryAsync<ReportCardRound>(RoundsSql, new { yearId, classId, period });

    private static readonly Sql YearRoundsSql = Sql.Portable(
        RoundSelect + "WHERE r.school_year_id = @yearId AND r.period = @period ORDER BY r.class_id, r.generation DESC");

    /// <summary>Every class's rounds for a period of the year (the principal's list).</summary>
    public Task<IReadOnlyList<ReportCardRound>> YearRoundsAsync(Guid yearId, string period) =>
        db.QueryAsync<ReportCardRound>(YearRoundsSql, new { yearId, period });

    private static readonly Sql CommentsSql = Sql.Portable(
        "SELECT student_id, comment FROM report_card_comments WHERE school_year_id = @yearId AND class_id = @classId AND period = @period");

    public Task<IReadOnlyList<ReportCardComment>> CommentsAsync(Guid yearId, Guid classId, string period) =>
        db.QueryAsync<ReportCardComment>(CommentsSql, new { yearId, classId, period });

    private static readonly Sql DeleteCommentSql = Sql.Portable(
        "DELETE FROM report_card_comments WHERE school_year_id = @yearId AND class_id = @classId AND period = @period AND student_id = @studentId");
    private static readonly Sql InsertCommentSql = Sql.Portable(
        "INSERT INTO report_card_comments (school_year_id, class_id, period, student_id, comment, updated_by, updated_at) " +
        "VALUES (@yearId, @classId, @period, @studentId, @comment, @by, @now)");

    /// <summary>Sets (or, empty, clears) the homeroom teacher's comment on a student's coming card.</summary>
    public async Task SetCommentAsync(Guid yearId, Guid classId, string period, Guid studentId, string? comment, Guid by)
    {
        try
        {
            await SetCommentOnceAsync(yearId, classId, period, studentId, comment, by);
        }
        catch (DbException)
        {
            // Two first saves at once: the primary key let one in; this one now replaces it.
            await SetCommentOnceAsync(yearId, classId, period, studentId, comment, by);
        }
    }

    private Task<int> SetCommentOnceAsync(Guid yearId, Guid classId, string period, Guid studentId, string? comment, Guid by) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteCommentSql), new { yearId, classId, period, studentId }, transaction);
            return string.IsNullOrWhiteSpace(comment) ? 0
                : await connection.ExecuteAsync(db.Text(InsertCommentSql),
                    new { yearId, classId, period, studentId, comment = comment.Trim(), by, now = clock.GetUtcNow() }, transaction);
        });

    private static readonly Sql LatestSql = Sql.Portable(
        "SELECT generation, principal_signed_at FROM report_card_rounds WHERE school_year_id = @yearId AND class_id = @classId AND period = @period " +
        "ORDER BY generation DESC");
    private static readonly Sql InsertRoundSql = Sql.Portable(
        "INSERT INTO report_card_rounds (id, school_year_id, class_id, period, generation, homeroom_signed_by, homeroom_signed_at) " +
        "VALUES (@id, @yearId, @classId, @period, @generation, @by, @now)");
    private static readonly Sql InsertCardSql = Sql.Portable(
        "INSERT INTO report_cards (id, round_id, student_id, verify_token, snapshot) VALUES (@id, @roundId, @studentId, @token, @snapshot)");

    private sealed record Latest
    {
        public int Generation { get; init; }
        public DateTimeOffset? PrincipalSignedAt { get; init; }
    }

    /// <summary>
    /// The homeroom teacher signs the class's cards off: a new round holding each card's frozen content. Null when a
    /// round is already waiting for the principal (or another sign-off of the class won the race for the same round).
    /// </summary>
    public async Task<Guid?> SignByHomeroomAsync(Guid yearId, Guid classId, string period, Guid by, IReadOnlyList<ReportCardContent> cards)
    {
        try
        {
            return await db.InTransactionAsync<Guid?>(async (connection, transaction) =>
            {
                var latest = (await connection.QueryAsync<Latest>(db.Text(LatestSql), new { yearId, classId, period }, transaction)).FirstOrDefault();
                if (latest is { PrincipalSignedAt: null }) return null;
                var roundId = Guid.CreateVersion7();
                await connection.ExecuteAsync(db.Text(InsertRoundSql),
                    new { id = roundId, yearId, classId, period, generation = (latest?.Generation ?? 0) + 1, by, now = clock.GetUtcNow() }, transaction);
                foreach (var card in cards)
                    await connection.ExecuteAsync(db.Text(InsertCardSql),
                        new { id = Guid.CreateVersion7(), roundId, studentId = card.StudentId, token = NewToken(), snapshot = card.ToJson() }, transaction);
                return roundId;
            });
        }
        catch (DbException)
        {
            // The unique (year, class, period, generation): another sign-off opened this round first.
            return null;
        }
    }

    /// <summary>128 random bits, base64url: the verification page's address cannot be guessed or walked from another card's.</summary>
    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    private static readonly Sql HoldPendingSql = Sql.Portable(
        "UPDATE report_card_rounds SET homeroom_signed_at = homeroom_signed_at WHERE id = @roundId AND principal_signed_at IS NULL");
    private static readonly Sql DeleteRoundCardsSql = Sql.Portable("DELETE FROM report_cards WHERE round_id = @roundId");
    private static readonly Sql DeleteRoundSql = Sql.Portable("DELETE FROM report_card_rounds WHERE id = @roundId AND principal_signed_at IS NULL");

    /// <summary>
    /// The homeroom teacher takes back a sign-off the principal has not signed yet; false once it is signed. The round's
    /// row is written first, so a principal signing at the same moment waits for it and then finds nothing to sign.
    /// </summary>
    public Task<bool> RetractAsync(Guid roundId) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(db.Text(HoldPendingSql), new { roundId }, transaction) == 0) return false;
            await connection.ExecuteAsync(db.Text(DeleteRoundCardsSql), new { roundId }, transaction);
            return await connection.ExecuteAsync(db.Text(DeleteRoundSql), new { roundId }, transaction) == 1;
        });

    private static readonly Sql SignByPrincipalSql = Sql.Portable(
        "UPDATE report_card_rounds SET principal_signed_by = @by, principal_signed_at = @now WHERE id = @roundId AND principal_signed_at IS NULL");
    private static readonly Sql SupersedeSql = Sql.Portable(
        "UPDATE report_cards SET superseded_by = (SELECT n.id FROM report_cards n WHERE n.round_id = @roundId AND n.student_id = report_cards.student_id) " +
        "WHERE superseded_by IS NULL AND round_id IN (SELECT o.id FROM report_card_rounds o WHERE o.school_year_id = @SchoolYearId " +
        "AND o.class_id = @ClassId AND o.period = @Period AND o.generation < @Generation AND o.principal_signed_at IS NOT NULL)");

    /// <summary>
    /// The principal signs a round the homeroom teacher signed: its cards are issued, and each replaces (supersedes) the
    /// student's card of an earlier round. False when it was signed already.
    /// </summary>
    public Task<bool> SignByPrincipalAsync(ReportCardRound round, Guid by) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(db.Text(SignByPrincipalSql), new { roundId = round.Id, by, now = clock.GetUtcNow() }, transaction) == 0)
                return false;
            await connection.ExecuteAsync(db.Text(SupersedeSql),
                new { roundId = round.Id, round.SchoolYearId, round.ClassId, round.Period, round.Generation }, transaction);
            return true;
        });

    private const string CardSelect =
        "SELECT c.id, c.round_id, c.student_id, c.verify_token, c.snapshot, c.superseded_by, c.withdrawn_at, c.withdrawn_reason, r.school_year_id, " +
        "y.institution_id, r.class_id, r.period, r.generation, h.display_name AS homeroom_signed_by_name, r.homeroom_signed_at, " +
        "p.display_name AS principal_signed_by_name, r.principal_signed_at FROM report_cards c JOIN report_card_rounds r ON r.id = c.round_id " +
        "JOIN school_years y ON y.id = r.school_year_id JOIN users h ON h.id = r.homeroom_signed_by LEFT JOIN users p ON p.id = r.principal_signed_by ";

    private static readonly Sql CardSql = Sql.Portable(CardSelect + "WHERE c.id = @id");

    public Task<ReportCardRow?> CardAsync(Guid id) => db.SingleOrDefaultAsync<ReportCardRow>(CardSql, new { id });

    private static readonly Sql TokenSql = Sql.Portable(CardSelect + "WHERE c.verify_token = @token");

    public Task<ReportCardRow?> CardByTokenAsync(string token) => db.SingleOrDefaultAsync<ReportCardRow>(TokenSql, new { token });

    private static readonly Sql RoundCardsSql = Sql.Portable(CardSelect + "WHERE c.round_id = @roundId");

    public Task<IReadOnlyList<ReportCardRow>> RoundCardsAsync(Guid roundId) => db.QueryAsync<ReportCardRow>(RoundCardsSql, new { roundId });

    private static readonly Sql StudentCardsSql = Sql.Portable(
        CardSelect + "WHERE c.student_id = @studentId AND r.principal_signed_at IS NOT NULL ORDER BY r.principal_signed_at DESC");

    /// <summary>A student's issued cards, newest first (superseded and withdrawn ones too, marked so).</summary>
    public Task<IReadOnlyList<ReportCardRow>> StudentCardsAsync(Guid studentId) => db.QueryAsync<ReportCardRow>(StudentCardsSql, new { studentId });

    private static readonly Sql WithdrawSql = Sql.Portable(
        "UPDATE report_cards SET withdrawn_at = @now, withdrawn_by = @by, withdrawn_reason = @reason WHERE id = @id AND withdrawn_at IS NULL " +
        "AND EXISTS (SELECT 1 FROM report_card_rounds r WHERE r.id = report_cards.round_id AND r.principal_signed_at IS NOT NULL)");

    /// <summary>The principal withdraws an issued card (it then verifies as withdrawn); false when not issued or withdrawn already.</summary>
    public async Task<bool> WithdrawAsync(Guid id, Guid by, string reason) =>
        await db.ExecuteAsync(WithdrawSql, new { id, by, reason = reason.Trim(), now = clock.GetUtcNow() }) == 1;
}
