using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Credentials;

public static class CredentialKinds
{
    /// <summary>A certificate of completion: the course was passed.</summary>
    public const string Certificate = "certificate";

    /// <summary>A credit record: credits earned in a credit-bearing course, with the grade.</summary>
    public const string Credit = "credit";
}

public static class Decisions
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Refused = "refused";

    /// <summary>Was accepted or pending, and the credential it rests on was then revoked by its issuer.</summary>
    public const string CredentialRevoked = "credential-revoked";

    /// <summary>Was accepted or pending, and the credential it rests on was then replaced by a re-issued one.</summary>
    public const string CredentialReplaced = "credential-replaced";

    public static readonly IReadOnlyList<string> All = [Pending, Accepted, Refused, CredentialRevoked, CredentialReplaced];
}

public sealed record KeyRow
{
    public string Kid { get; init; } = "";
    public Guid InstitutionId { get; init; }
    public string Algorithm { get; init; } = "";
    public string PublicJwk { get; init; } = "";
    public string PrivateKey { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }
}

public sealed record CredentialRow
{
    public Guid Id { get; init; }
    public string Kind { get; init; } = "";
    public Guid UserId { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public Guid CourseId { get; init; }
    public string SubjectName { get; init; } = "";
    public string CourseTitle { get; init; } = "";
    public decimal Grade { get; init; }
    public int? Credits { get; init; }
    public decimal? Ects { get; init; }
    public int StatusIndex { get; init; }
    public string Kid { get; init; } = "";
    public string Jwt { get; init; } = "";
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevocationReason { get; init; }

    /// <summary>0 for the first issue; each re-issue of the same kind for the same learner and course is one more.</summary>
    public int Generation { get; init; }

    /// <summary>The credential that replaced this one (its revocation bit is set too).</summary>
    public Guid? SupersededBy { get; init; }
}

public sealed record ShareRow
{
    public Guid Id { get; init; }
    public Guid CredentialId { get; init; }
    public Guid ToInstitutionId { get; init; }
    public string ToInstitutionName { get; init; } = "";
    public string? Message { get; init; }
    public DateTimeOffset SharedAt { get; init; }
    public string Decision { get; init; } = "";
    public Guid? DecidedBy { get; init; }
    public string? DecidedByName { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public string? RecognisedAs { get; init; }
    public string? RecognisedCode { get; init; }
    public int? RecognisedCredits { get; init; }
    public string? Reason { get; init; }
    /// <summary>When the decision was marked because its credential was revoked or replaced, and what it was before.</summary>
    public DateTimeOffset? MarkedAt { get; init; }
    public string? DecisionBefore { get; init; }
    // The credential shared, for the receiving admin's inbox.
    public string Kind { get; init; } = "";
    public string SubjectName { get; init; } = "";
    public string CourseTitle { get; init; } = "";
    public string IssuerName { get; init; } = "";
    public int? Credits { get; init; }
    public decimal Grade { get; init; }
    public Guid UserId { get; init; }
}

/// <summary>Institutions' signing keys, issued credentials, and shares of credit records with other institutions.</summary>
public sealed class CredentialRepository(Db db, TimeProvider clock)
{
    private static readonly Sql ActiveKeySql = Sql.PerDialect(d => d.First(
        "SELECT kid, institution_id, algorithm, public_jwk, private_key, created_at, retired_at FROM institution_keys " +
        "WHERE institution_id = @institutionId AND retired_at IS NULL ORDER BY created_at DESC"));

    public async Task<KeyRow?> ActiveKeyAsync(Guid institutionId)
    {
        return await db.SingleOrDefaultAsync<KeyRow>(ActiveKeySql, new { institutionId });
    }

    private static readonly Sql KeysSql = Sql.Portable(
        "SELECT kid, institution_id, algorithm, public_jwk, private_key, created_at, retired_at FROM institution_keys " +
        "WHERE institution_id = @institutionId ORDER BY created_at");

    /// <summary>Every key an institution has signed with, retired ones too (old credentials still verify).</summary>
    public async Task<IReadOnlyList<KeyRow>> KeysAsync(Guid institutionId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<KeyRow>(db.Text(KeysSql), new { institutionId })).AsList();
    }

    private static readonly Sql KeySql = Sql.Portable(
        "SELECT kid, institution_id, algorithm, public_jwk, private_key, created_at, retired_at FROM institution_keys WHERE kid = @kid");

    public async Task<KeyRow?> KeyAsync(string kid)
    {
        return await db.SingleOrDefaultAsync<KeyRow>(KeySql, new { kid });
    }

    private static readonly Sql InsertKeySql = Sql.Portable(
        "INSERT INTO institution_keys (kid, institution_id, algorithm, public_jwk, private_key, created_at) " +
        "VALUES (@Kid, @InstitutionId, @Algorithm, @PublicJwk, @PrivateKey, @CreatedAt)");

    public async Task InsertKeyAsync(KeyRow key)
    {
        await db.ExecuteAsync(InsertKeySql, key);
    }

    private const string CredentialColumns =
        "c.id, c.kind, c.user_id, c.institution_id, i.name AS institution_name, c.course_id, c.subject_name, c.course_title, c.grade, " +
        "c.credits, c.ects, c.status_index, c.kid, c.jwt, c.issued_at, c.revoked_at, c.revocation_reason, c.generation, c.superseded_by";

    private static readonly Sql GetSql = Sql.Portable(
        $"SELECT {CredentialColumns} FROM credentials c JOIN institutions i ON i.id = c.institution_id WHERE c.id = @id");

    public async Task<CredentialRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<CredentialRow>(GetSql, new { id });
    }

    private static readonly Sql FindSql = Sql.PerDialect(d => d.First(
        $"SELECT {CredentialColumns} FROM credentials c JOIN institutions i ON i.id = c.institution_id " +
        "WHERE c.kind = @kind AND c.user_id = @userId AND c.course_id = @courseId ORDER BY c.generation DESC"));

    /// <summary>The latest credential of this kind for the learner in the course (revoked or not); older generations were superseded.</summary>
    public async Task<CredentialRow?> FindAsync(string kind, Guid userId, Guid courseId)
    {
        return await db.SingleOrDefaultAsync<CredentialRow>(FindSql, new { kind, userId, courseId });
    }

    private static readonly Sql ActiveSql = Sql.Portable(
        $"SELECT {CredentialColumns} FROM credentials c JOIN institutions i ON i.id = c.institution_id " +
        "WHERE c.user_id = @userId AND c.course_id = @courseId AND c.revoked_at IS NULL ORDER BY c.kind");

    /// <summary>The learner's credentials for the course that are in force (neither revoked nor superseded).</summary>
    public async Task<IReadOnlyList<CredentialRow>> ActiveAsync(Guid userId, Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<CredentialRow>(db.Text(ActiveSql), new { userId, courseId })).AsList();
    }

    private static readonly Sql OfCourseSql = Sql.Portable(
        $"SELECT {CredentialColumns} FROM credentials c JOIN institutions i ON i.id = c.institution_id " +
        "WHERE c.user_id = @userId AND c.course_id = @courseId ORDER BY c.generation DESC, c.kind");

    /// <summary>Every credential the learner was issued in the course, the latest generation first.</summary>
    public async Task<IReadOnlyList<CredentialRow>> OfCourseAsync(Guid userId, Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<CredentialRow>(db.Text(OfCourseSql), new { userId, courseId })).AsList();
    }

    private static readonly Sql CountByKindSql = Sql.Portable(
        "SELECT kind AS value, COUNT(*) AS count FROM credentials WHERE course_id = @courseId AND revoked_at IS NULL GROUP BY kind");

    private sealed record KindCount
    {
        public string Value { get; init; } = "";
        public int Count { get; init; }
    }

    /// <summary>Credentials in force in a course, per kind (certificate, credit).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountInForceAsync(Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<KindCount>(db.Text(CountByKindSql), new { courseId })).ToDictionary(r => r.Value, r => r.Count);
    }

    private static readonly Sql MineSql = Sql.Portable(
        $"SELECT {CredentialColumns} FROM credentials c JOIN institutions i ON i.id = c.institution_id " +
        "WHERE c.user_id = @userId ORDER BY c.issued_at DESC, c.id");

    public async Task<IReadOnlyList<CredentialRow>> MineAsync(Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<CredentialRow>(db.Text(MineSql), new { userId })).AsList();
    }

    private static readonly Sql ByCourseSql = Sql.PerDialect(d =>
        $"SELECT {CredentialColumns} FROM credentials c JOIN institutions i ON i.id = c.institution_id " +
        $"WHERE c.course_id = @courseId ORDER BY c.issued_at DESC, c.id {d.Page()}");
    private static readonly Sql ByCourseCountSql = Sql.Portable("SELECT COUNT(*) FROM credentials WHERE course_id = @courseId");

    public async Task<Page<CredentialRow>> ByCourseAsync(Guid courseId, PageRequest page) =>
        await db.PageAsync<CredentialRow>(ByCourseCountSql, ByCourseSql, new { courseId }, page);

    private static readonly Sql NextIndexSql = Sql.Portable(
        "SELECT COALESCE(MAX(status_index), -1) + 1 FROM credentials WHERE institution_id = @institutionId");

    /// <summary>The next free place in an institution's status list (made unique by an index; retried on a clash).</summary>
    public async Task<int> NextStatusIndexAsync(Guid institutionId)
    {
        return await db.ScalarAsync<int>(NextIndexSql, new { institutionId });
    }

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO credentials (id, kind, user_id, institution_id, course_id, subject_name, course_title, grade, credits, ects, " +
        "status_index, kid, jwt, issued_at, generation) VALUES (@Id, @Kind, @UserId, @InstitutionId, @CourseId, @SubjectName, @CourseTitle, " +
        "@Grade, @Credits, @Ects, @StatusIndex, @Kid, @Jwt, @IssuedAt, @Generation)");

    public async Task InsertAsync(CredentialRow row)
    {
        await db.ExecuteAsync(InsertSql, row);
    }

    private static readonly Sql RevokeSql = Sql.Portable(
        "UPDATE credentials SET revoked_at = @now, revocation_reason = @reason WHERE id = @id AND revoked_at IS NULL");

    public async Task<bool> RevokeAsync(Guid id, string reason)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(RevokeSql), new { id, reason, now = clock.GetUtcNow() }) > 0;
    }

    private static readonly Sql SupersedeSql = Sql.Portable(
        "UPDATE credentials SET revoked_at = @now, revocation_reason = @reason, superseded_by = @by WHERE id = @id AND revoked_at IS NULL");

    /// <summary>Marks a credential replaced by <paramref name="by"/>: its revocation bit is set, so verifiers stop trusting it.</summary>
    public async Task<bool> SupersedeAsync(Guid id, Guid by, string reason)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(SupersedeSql), new { id, by, reason, now = clock.GetUtcNow() }) > 0;
    }

    private static readonly Sql RevokedIndexesSql = Sql.Portable(
        "SELECT status_index FROM credentials WHERE institution_id = @institutionId AND revoked_at IS NOT NULL");

    public async Task<IReadOnlyList<int>> RevokedIndexesAsync(Guid institutionId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<int>(db.Text(RevokedIndexesSql), new { institutionId })).AsList();
    }

    // ---- Shares and recognition ----

    private const string ShareColumns =
        "s.id, s.credential_id, s.to_institution_id, ti.name AS to_institution_name, s.message, s.shared_at, s.decision, s.decided_by, " +
        "du.display_name AS decided_by_name, s.decided_at, s.recognised_as, s.recognised_code, s.recognised_credits, s.reason, " +
        "s.marked_at, s.decision_before, " +
        "c.kind, c.subject_name, c.course_title, ii.name AS issuer_name, c.credits, c.grade, c.user_id";

    private const string ShareFrom =
        "FROM credit_shares s JOIN credentials c ON c.id = s.credential_id JOIN institutions ti ON ti.id = s.to_institution_id " +
        "JOIN institutions ii ON ii.id = c.institution_id LEFT JOIN users du ON du.id = s.decided_by ";

    private static readonly Sql InsertShareSql = Sql.PerDialect(d => d.InsertIgnore(
        "credit_shares", ["id", "credential_id", "to_institution_id", "message", "shared_at", "decision"],
        ["@id", "@credentialId", "@toInstitutionId", "@message", "@now", "@pending"], ["credential_id", "to_institution_id"]));

    /// <summary>Shares a credential with an institution; false when it already was.</summary>
    public async Task<bool> ShareAsync(Guid credentialId, Guid toInstitutionId, string? message)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(InsertShareSql), new
        {
            id = Guid.CreateVersion7(), credentialId, toInstitutionId, message, now = clock.GetUtcNow(), pending = Decisions.Pending,
        }) > 0;
    }

    private static readonly Sql ShareSql = Sql.Portable($"SELECT {ShareColumns} {ShareFrom}WHERE s.id = @id");

    public async Task<ShareRow?> ShareAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<ShareRow>(ShareSql, new { id });
    }

    private static readonly Sql SharesOfSql = Sql.Portable(
        $"SELECT {ShareColumns} {ShareFrom}WHERE s.credential_id = @credentialId ORDER BY s.shared_at, s.id");

    public async Task<IReadOnlyList<ShareRow>> SharesOfAsync(Guid credentialId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<ShareRow>(db.Text(SharesOfSql), new { credentialId })).AsList();
    }

    private static readonly Sql InboxSql = Sql.PerDialect(d =>
        $"SELECT {ShareColumns} {ShareFrom}WHERE s.to_institution_id = @institutionId AND (@decision IS NULL OR s.decision = @decision) " +
        $"ORDER BY CASE WHEN s.decision = 'pending' OR s.marked_at IS NOT NULL THEN 0 ELSE 1 END, COALESCE(s.marked_at, s.shared_at) DESC, s.id {d.Page()}");
    private static readonly Sql InboxCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM credit_shares s WHERE s.to_institution_id = @institutionId AND (@decision IS NULL OR s.decision = @decision)");

    /// <summary>The credit records shared with an institution: those awaiting a decision, and those whose credential was revoked or replaced, first.</summary>
    public async Task<Page<ShareRow>> InboxAsync(Guid institutionId, string? decision, PageRequest page) =>
        await db.PageAsync<ShareRow>(InboxCountSql, InboxSql, new { institutionId, decision }, page);

    private static readonly Sql DecideSql = Sql.Portable(
        "UPDATE credit_shares SET decision = @decision, decided_by = @decidedBy, decided_at = @now, recognised_as = @recognisedAs, " +
        "recognised_code = @recognisedCode, recognised_credits = @recognisedCredits, reason = @reason WHERE id = @id");

    public async Task DecideAsync(Guid id, string decision, Guid decidedBy, string? recognisedAs, string? recognisedCode,
        int? recognisedCredits, string? reason)
    {
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(db.Text(DecideSql), new
        {
            id, decision, decidedBy, now = clock.GetUtcNow(), recognisedAs, recognisedCode, recognisedCredits, reason,
        });
    }

    private static readonly Sql MarkSharesSql = Sql.Portable(
        "UPDATE credit_shares SET decision_before = decision, decision = @mark, marked_at = @now " +
        "WHERE credential_id = @credentialId AND decision IN ('pending', 'accepted')");

    /// <summary>
    /// Marks every pending or accepted decision on a credential that was revoked or replaced, keeping
    /// what it was before (and the recognised course and credits) for the receiving institution to see.
    /// </summary>
    public async Task<IReadOnlyList<ShareRow>> MarkSharesAsync(Guid credentialId, string mark)
    {
        var relied = (await SharesOfAsync(credentialId)).Where(s => s.Decision is Decisions.Pending or Decisions.Accepted).Select(s => s.Id).ToHashSet();
        if (relied.Count == 0) return [];
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteAsync(db.Text(MarkSharesSql), new { credentialId, mark, now = clock.GetUtcNow() });
        return (await SharesOfAsync(credentialId)).Where(s => relied.Contains(s.Id)).ToList();
    }
}
