using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Institutions;

/// <summary>Two records of one person made one.</summary>
public sealed partial class PeopleRepository
{
    /// <summary>
    /// Where a person's records live. Facts of presence (a role, a class place, an enrolment, an item seen)
    /// held by both records keep the kept one's row. Graded work (attempts, results, answers) held by both
    /// for the same thing refuses the merge: the admin decides, nothing is dropped.
    /// </summary>
    private sealed record PersonTable(string Table, string UserColumn, string[] Key, bool Graded);

    private static readonly PersonTable[] PersonTables =
    [
        new("memberships", "user_id", ["institution_id", "role"], false),
        new("class_members", "user_id", ["class_id"], false),
        new("parent_links", "parent_id", ["student_id"], false),
        new("parent_links", "student_id", ["parent_id"], false),
        new("enrolments", "user_id", ["course_id"], false),
        new("course_staff", "user_id", ["course_id"], false),
        new("item_progress", "user_id", ["item_id"], false),
        new("content_watch", "user_id", ["course_item_id"], false),
        new("live_attendance", "user_id", ["run_id", "joined_at"], false),
        new("live_chat", "user_id", [], false),
        new("quiz_attempts", "user_id", ["quiz_id", "number"], true),
        new("course_results", "user_id", ["course_id"], true),
        new("live_poll_answers", "user_id", ["poll_id"], true),
        new("live_quiz_answers", "user_id", ["launch_id"], true),
        new("mooc_submissions", "user_id", ["assignment_id"], true),
        new("scorm_runtime", "user_id", ["item_id", "sco_id"], true),
    ];

    private static string Clash(PersonTable t) =>
        $"EXISTS (SELECT 1 FROM {t.Table} k WHERE k.{t.UserColumn} = @kept" +
        string.Concat(t.Key.Select(c => $" AND k.{c} = {t.Table}.{c}")) + ")";

    private static readonly Dictionary<PersonTable, (Sql Clashes, Sql DropClashes, Sql Move)> MergeSql = PersonTables.ToDictionary(
        t => t,
        t => (
            Sql.Portable($"SELECT COUNT(*) FROM {t.Table} WHERE {t.UserColumn} = @retired AND {Clash(t)}"),
            Sql.Portable($"DELETE FROM {t.Table} WHERE {t.UserColumn} = @retired AND {Clash(t)}"),
            Sql.Portable($"UPDATE {t.Table} SET {t.UserColumn} = @kept WHERE {t.UserColumn} = @retired")));

    private static readonly Sql OtherInstitutionsSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE user_id = @retired AND institution_id <> @institutionId");
    private static readonly Sql CredentialsSql = Sql.Portable("SELECT COUNT(*) FROM credentials WHERE user_id = @retired");
    private static readonly Sql SelfLinksSql = Sql.Portable("DELETE FROM parent_links WHERE parent_id = student_id");
    private static readonly Sql ClearLoginsSql = Sql.Portable(
        "UPDATE users SET email = NULL, national_id = NULL, phone = NULL, merged_into = @kept, disabled_at = @now WHERE id = @retired");
    private static readonly Sql TakeLoginsSql = Sql.Portable(
        "UPDATE users SET email = COALESCE(email, @email), national_id = COALESCE(national_id, @nationalId), phone = COALESCE(phone, @phone) " +
        "WHERE id = @kept");

    /// <summary>
    /// Merges two records of one person: everything <paramref name="retiredId"/> holds moves to
    /// <paramref name="keptId"/>, which also takes the logins it lacks; the retired record is disabled and
    /// points at the kept one. Refused when the retired record belongs to another institution too, holds
    /// credentials (issued in its name), or both hold graded work for the same thing.
    /// </summary>
    public async Task<MergeOutcome> MergeAsync(Guid institutionId, Guid keptId, Guid retiredId, Guid actorId) =>
        await db.InTransactionAsync<MergeOutcome>(async (connection, transaction) =>
        {
            var args = new { kept = keptId, retired = retiredId, institutionId };
            if (await connection.ExecuteScalarAsync<long>(db.Text(OtherInstitutionsSql), args, transaction) > 0)
                return new MergeOutcome.Refused("member-elsewhere");
            if (await connection.ExecuteScalarAsync<long>(db.Text(CredentialsSql), args, transaction) > 0)
                return new MergeOutcome.Refused("has-credentials");
            foreach (var table in PersonTables.Where(t => t.Graded))
                if (await connection.ExecuteScalarAsync<long>(db.Text(MergeSql[table].Clashes), args, transaction) > 0)
                    return new MergeOutcome.Refused("both-have-work", table.Table);

            var kept = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId = keptId }, transaction);
            var retired = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId = retiredId }, transaction);
            var moved = 0;
            foreach (var table in PersonTables)
            {
                if (table.Key.Length > 0) await connection.ExecuteAsync(db.Text(MergeSql[table].DropClashes), args, transaction);
                moved += await connection.ExecuteAsync(db.Text(MergeSql[table].Move), args, transaction);
            }
            await connection.ExecuteAsync(db.Text(SelfLinksSql), transaction: transaction);
            var now = clock.GetUtcNow();
            // The retired record lets go of its logins first: they are unique.
            await connection.ExecuteAsync(db.Text(ClearLoginsSql), new { kept = keptId, retired = retiredId, now }, transaction);
            await connection.ExecuteAsync(db.Text(TakeLoginsSql),
                new { kept = keptId, email = retired.Email, nationalId = retired.NationalId, phone = retired.Phone }, transaction);

            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, retiredId, AuditActions.MergedInto,
                new { into = keptId, name = kept.DisplayName, rows = moved });
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, keptId, AuditActions.MergedFrom,
                new { from = retiredId, name = retired.DisplayName, rows = moved });
            return new MergeOutcome.Merged(moved);
        });
}
