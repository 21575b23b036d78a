using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Privacy;

public static class ErasureStatus
{
    public const string Open = "open";
    public const string Done = "done";
    public const string Declined = "declined";
}

/// <summary>One institution's part of a person's erasure request, as that institution's admins see it.</summary>
public sealed record ErasurePart
{
    public Guid Id { get; init; }
    public Guid RequestId { get; init; }
    public Guid UserId { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? Reason { get; init; }
    public string Language { get; init; } = "vi";
    public string Status { get; init; } = "";
    public DateTimeOffset RequestedAt { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? DecisionReason { get; init; }
}

/// <summary>What carrying out a part erases in its institution, and what that institution keeps (and the web app says why).</summary>
public sealed record ErasureScope(
    int ChatMessages, int SubmissionFiles, int Enrolments, int QuizAttempts, int Credentials, int AuditEntries);

public abstract record ErasureOutcome
{
    public sealed record NotOpen(string Status) : ErasureOutcome;

    /// <param name="AccountErased">True when no institution keeps the account any more: its identity is now the pseudonym.</param>
    /// <param name="FileKeys">Submission files to delete from the disk now that the database no longer names them.</param>
    public sealed record CarriedOut(bool AccountErased, int ChatMessages, IReadOnlyList<string> FileKeys) : ErasureOutcome;
}

/// <summary>
/// Erasure requests (Decree 13/2023/NĐ-CP, art. 16): one part per institution that holds the person, each carried out
/// or declined by that institution's admins. Carrying out a part erases what that institution holds that no law or
/// school record requires it to keep (chat texts, submitted files); the account's identity (name, e-mail, phone,
/// national ID) is replaced by a pseudonym when every part of the request is carried out, so no institution keeps it.
/// Grades, attempts, certificates and audit entries stay, attached to the pseudonym.
/// </summary>
public sealed class ErasureRepository(Db db, TimeProvider clock)
{
    /// <summary>What the pseudonym of an erased account says (the product's default language); the number tells records apart.</summary>
    public static string Pseudonym(Guid userId) => $"Người học đã xóa #{PseudonymNumber(userId)}";

    /// <summary>A number from the account's id: the same on every record of one person, unlike another's in practice.</summary>
    public static int PseudonymNumber(Guid userId) => (int)(BitConverter.ToUInt32(userId.ToByteArray(), 12) % 100_000);

    // Institutions that hold something of the person: a role or class there, an enrolment or a certificate from it.
    private static readonly Sql InstitutionsSql = Sql.Portable(
        "SELECT institution_id FROM memberships WHERE user_id = @userId " +
        "UNION SELECT c.institution_id FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.user_id = @userId " +
        "UNION SELECT institution_id FROM credentials WHERE user_id = @userId");

    public async Task<IReadOnlyList<Guid>> InstitutionsOfAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<Guid>(db.Text(InstitutionsSql), new { userId })).AsList();
    }

    private static readonly Sql OpenOfUserSql = Sql.Portable(
        "SELECT COUNT(*) FROM erasure_requests WHERE user_id = @userId AND status = 'open'");

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO erasure_requests (id, request_id, user_id, institution_id, reason, language, status, requested_at) " +
        "VALUES (@id, @requestId, @userId, @institutionId, @reason, @language, 'open', @at)");

    /// <summary>A new request with one open part per institution; null when one is already open (nothing is written then).</summary>
    public Task<Guid?> RequestAsync(Guid userId, IReadOnlyList<Guid> institutions, string? reason, string language) =>
        db.InTransactionAsync<Guid?>(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(db.Text(OpenOfUserSql), new { userId }, transaction) > 0) return null;
            var requestId = Guid.CreateVersion7();
            var at = clock.GetUtcNow();
            foreach (var institutionId in institutions)
                await connection.ExecuteAsync(db.Text(InsertSql),
                    new { id = Guid.CreateVersion7(), requestId, userId, institutionId, reason, language, at }, transaction);
            return requestId;
        });

    private const string PartColumns =
        "r.id, r.request_id, r.user_id, r.institution_id, i.name AS institution_name, u.display_name, u.email, r.reason, r.language, r.status, " +
        "r.requested_at, r.decided_at, r.decision_reason FROM erasure_requests r " +
        "JOIN institutions i ON i.id = r.institution_id JOIN users u ON u.id = r.user_id";

    private static readonly Sql ListSql = Sql.PerDialect(d =>
        $"SELECT {PartColumns} WHERE r.institution_id = @institutionId AND (@anyStatus = 1 OR r.status = @status) " +
        $"ORDER BY r.requested_at DESC, r.id DESC {d.Page()}");

    private static readonly Sql CountSql = Sql.Portable(
        "SELECT COUNT(*) FROM erasure_requests r WHERE r.institution_id = @institutionId AND (@anyStatus = 1 OR r.status = @status)");

    /// <summary>An institution's parts, newest first; <paramref name="status"/> null for all.</summary>
    public Task<Page<ErasurePart>> ListAsync(Guid institutionId, string? status, PageRequest page) =>
        db.PageAsync<ErasurePart>(CountSql, ListSql, new { institutionId, anyStatus = status is null ? 1 : 0, status = status ?? "" }, page);

    private static readonly Sql MineSql = Sql.Portable($"SELECT {PartColumns} WHERE r.user_id = @userId ORDER BY r.requested_at DESC, i.name");

    /// <summary>Every part of every request a person made, newest first: what they see on their account page.</summary>
    public async Task<IReadOnlyList<ErasurePart>> OfUserAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ErasurePart>(db.Text(MineSql), new { userId })).AsList();
    }

    private static readonly Sql GetSql = Sql.Portable($"SELECT {PartColumns} WHERE r.id = @id AND r.institution_id = @institutionId");

    public async Task<ErasurePart?> GetAsync(Guid institutionId, Guid id)
    {
        return await db.SingleOrDefaultAsync<ErasurePart>(GetSql, new { id, institutionId });
    }

    // Everything the scope counts is what the institution holds through its own courses.
    private const string InstitutionRuns =
        "SELECT r.id FROM live_runs r JOIN live_sessions s ON s.id = r.session_id JOIN courses c ON c.id = s.course_id " +
        "WHERE c.institution_id = @institutionId";

    private const string InstitutionAssignments =
        "SELECT m.id FROM mooc_assignments m JOIN courses c ON c.id = m.course_id WHERE c.institution_id = @institutionId";

    private static readonly Sql ScopeSql = Sql.Portable(
        $"SELECT (SELECT COUNT(*) FROM live_chat WHERE user_id = @userId AND text <> '' AND run_id IN ({InstitutionRuns})) AS chat_messages, " +
        $"(SELECT COUNT(*) FROM mooc_submissions WHERE user_id = @userId AND file_key IS NOT NULL AND assignment_id IN ({InstitutionAssignments})) AS submission_files, " +
        "(SELECT COUNT(*) FROM enrolments e JOIN courses c ON c.id = e.course_id WHERE e.user_id = @userId AND c.institution_id = @institutionId) AS enrolments, " +
        "(SELECT COUNT(*) FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id JOIN courses c ON c.id = q.course_id " +
        "WHERE a.user_id = @userId AND c.institution_id = @institutionId) AS quiz_attempts, " +
        "(SELECT COUNT(*) FROM credentials WHERE user_id = @userId AND institution_id = @institutionId) AS credentials, " +
        "(SELECT COUNT(*) FROM admin_audit WHERE institution_id = @institutionId AND (subject_id = @userId OR actor_id = @userId)) AS audit_entries");

    public async Task<ErasureScope> ScopeAsync(Guid institutionId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        var row = await connection.QuerySingleAsync(db.Text(ScopeSql), new { institutionId, userId });
        var values = (IDictionary<string, object>)row;
        int N(string name) => Convert.ToInt32(values[name]);
        return new ErasureScope(N("chat_messages"), N("submission_files"), N("enrolments"), N("quiz_attempts"), N("credentials"), N("audit_entries"));
    }

    private static readonly Sql DecideSql = Sql.Portable(
        "UPDATE erasure_requests SET status = @status, decided_by = @actorId, decided_at = @at, decision_reason = @decisionReason " +
        "WHERE id = @id AND status = 'open'");

    private static readonly Sql StatusSql = Sql.Portable("SELECT status FROM erasure_requests WHERE id = @id");

    /// <summary>Declines an open part; false when it was already decided (by another admin, say).</summary>
    public async Task<bool> DeclineAsync(Guid id, Guid actorId, string decisionReason)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(DecideSql),
            new { id, actorId, at = clock.GetUtcNow(), status = ErasureStatus.Declined, decisionReason }) == 1;
    }

    private static readonly Sql BlankChatSql = Sql.Portable(
        $"UPDATE live_chat SET text = '', deleted_at = COALESCE(deleted_at, @at), deleted_by = COALESCE(deleted_by, @actorId) " +
        $"WHERE user_id = @userId AND text <> '' AND run_id IN ({InstitutionRuns})");

    private static readonly Sql FileKeysSql = Sql.Portable(
        $"SELECT file_key FROM mooc_submissions WHERE user_id = @userId AND file_key IS NOT NULL AND assignment_id IN ({InstitutionAssignments})");

    private static readonly Sql ForgetFilesSql = Sql.Portable(
        $"UPDATE mooc_submissions SET file_key = NULL WHERE user_id = @userId AND file_key IS NOT NULL AND assignment_id IN ({InstitutionAssignments})");

    private static readonly Sql PartsLeftSql = Sql.Portable(
        "SELECT COUNT(*) FROM erasure_requests WHERE request_id = @requestId AND status <> 'done'");

    private static readonly Sql EraseUserSql = Sql.Portable(
        "UPDATE users SET display_name = @pseudonym, search_name = @searchName, email = NULL, pending_email = NULL, phone = NULL, " +
        "national_id = NULL, password_hash = '', disabled_at = COALESCE(disabled_at, @at), erased_at = @at WHERE id = @userId");

    private static readonly Sql ForgetCodesSql = Sql.Portable("DELETE FROM one_time_codes WHERE user_id = @userId");

    // The school account's issuer and subject name the person at their provider; a push subscription names their phone.
    private static readonly Sql ForgetSchoolAccountLinksSql = Sql.Portable("DELETE FROM oidc_links WHERE user_id = @userId");
    private static readonly Sql ForgetProviderConsentsSql = Sql.Portable("DELETE FROM idp_consents WHERE user_id = @userId");
    private static readonly Sql ForgetPushSubscriptionsSql = Sql.Portable("DELETE FROM push_subscriptions WHERE user_id = @userId");

    private static readonly Sql EndSessionsSql = Sql.Portable(
        "UPDATE sessions SET ended_at = @at WHERE user_id = @userId AND ended_at IS NULL");

    /// <summary>
    /// Carries out an open part in one transaction: the institution's chat texts and submitted files of the person are
    /// erased; when it was the request's last part still open or declined, the account's identity becomes the pseudonym,
    /// it is disabled and its sessions end.
    /// </summary>
    public Task<ErasureOutcome> CarryOutAsync(ErasurePart part, Guid actorId) =>
        db.InTransactionAsync<ErasureOutcome>(async (connection, transaction) =>
        {
            var at = clock.GetUtcNow();
            var args = new { id = part.Id, userId = part.UserId, institutionId = part.InstitutionId, actorId, at };
            if (await connection.ExecuteAsync(db.Text(DecideSql),
                    new { id = part.Id, actorId, at, status = ErasureStatus.Done, decisionReason = (string?)null }, transaction) != 1)
                return new ErasureOutcome.NotOpen(await connection.ExecuteScalarAsync<string>(db.Text(StatusSql), args, transaction) ?? "");
            var chat = await connection.ExecuteAsync(db.Text(BlankChatSql), args, transaction);
            var keys = (await connection.QueryAsync<string>(db.Text(FileKeysSql), args, transaction)).AsList();
            await connection.ExecuteAsync(db.Text(ForgetFilesSql), args, transaction);
            var erased = await connection.ExecuteScalarAsync<long>(db.Text(PartsLeftSql), new { requestId = part.RequestId }, transaction) == 0;
            if (erased) await EraseIdentityAsync(connection, transaction, part.UserId, at);
            return new ErasureOutcome.CarriedOut(erased, chat, keys);
        });

    /// <summary>A person with no institution: nothing is kept for anyone, so the account is erased at once.</summary>
    public Task EraseAccountAsync(Guid userId) =>
        db.InTransactionAsync<bool>(async (connection, transaction) =>
        {
            await EraseIdentityAsync(connection, transaction, userId, clock.GetUtcNow());
            return true;
        });

    private async Task EraseIdentityAsync(DbConnection connection, DbTransaction transaction, Guid userId, DateTimeOffset at)
    {
        var pseudonym = Pseudonym(userId);
        await connection.ExecuteAsync(db.Text(EraseUserSql),
            new { userId, at, pseudonym, searchName = SearchText.Fold(pseudonym) }, transaction);
        await connection.ExecuteAsync(db.Text(ForgetCodesSql), new { userId }, transaction);
        await connection.ExecuteAsync(db.Text(ForgetSchoolAccountLinksSql), new { userId }, transaction);
        await connection.ExecuteAsync(db.Text(ForgetPushSubscriptionsSql), new { userId }, transaction);
        // The school systems this person let sign them in with Lms: their tokens stop working with the consent.
        await connection.ExecuteAsync(db.Text(ForgetProviderConsentsSql), new { userId }, transaction);
        await connection.ExecuteAsync(db.Text(EndSessionsSql), new { userId, at }, transaction);
    }
}
