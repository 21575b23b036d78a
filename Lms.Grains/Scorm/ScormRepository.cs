using System.Text.Json;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Scorm;

public sealed record ScormPackageRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string Title { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Edition { get; init; }
    public string Launchables { get; init; } = "[]";
    public int EntryCount { get; init; }
    public long UnpackedBytes { get; init; }
    public Guid CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<ScormLaunchable> Items => JsonSerializer.Deserialize<List<ScormLaunchable>>(Launchables) ?? [];
}

/// <summary>One learner's runtime data for one SCO of one course item.</summary>
public sealed record ScormRuntimeRow
{
    public Guid ItemId { get; init; }
    public Guid UserId { get; init; }
    public string ScoId { get; init; } = "";
    public string? LessonStatus { get; init; }
    public string? CompletionStatus { get; init; }
    public string? SuccessStatus { get; init; }
    public double? ScoreRaw { get; init; }
    public double? ScoreMin { get; init; }
    public double? ScoreMax { get; init; }
    public double? ScoreScaled { get; init; }
    public double TotalSeconds { get; init; }
    public string? SessionId { get; init; }
    public double SessionSeconds { get; init; }
    public string? Location { get; init; }
    public string? SuspendData { get; init; }
    public string? ExitMode { get; init; }
    public int Sessions { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Every session so far, the one running included.</summary>
    public double AllSeconds => TotalSeconds + SessionSeconds;

    /// <summary>Done by the SCO's own word: 1.2 "completed" or "passed"; 2004 completion "completed" or success "passed".</summary>
    public bool Completed => LessonStatus is "completed" or "passed" || CompletionStatus == "completed" || SuccessStatus == "passed";

    /// <summary>The score on 0–1: scaled (2004) if given, else raw within min–max, else raw out of 100 (1.2's default range).</summary>
    public double? Score
    {
        get
        {
            if (ScoreScaled is { } scaled) return Math.Clamp(scaled, 0, 1);
            if (ScoreRaw is not { } raw) return null;
            var min = ScoreMin ?? 0;
            var max = ScoreMax ?? 100;
            return max > min ? Math.Clamp((raw - min) / (max - min), 0, 1) : null;
        }
    }
}

/// <summary>What one commit of the runtime carries (already checked against the SCORM vocabularies and lengths).</summary>
public sealed record ScormCommit(
    string ScoId, string SessionId, string? LessonStatus, string? CompletionStatus, string? SuccessStatus,
    double? ScoreRaw, double? ScoreMin, double? ScoreMax, double? ScoreScaled, double SessionSeconds,
    string? Location, string? SuspendData, string? ExitMode);

public sealed class ScormRepository(Db db, TimeProvider clock)
{
    public const string ItemKind = "scorm";

    private static readonly Sql InsertPackageSql = Sql.Portable(
        "INSERT INTO scorm_packages (id, institution_id, title, version, edition, launchables, entry_count, unpacked_bytes, created_by, created_at) " +
        "VALUES (@Id, @InstitutionId, @Title, @Version, @Edition, @Launchables, @EntryCount, @UnpackedBytes, @CreatedBy, @CreatedAt)");

    public async Task<ScormPackageRow> AddPackageAsync(Guid id, Guid institutionId, string title, ScormManifest manifest, Guid createdBy)
    {
        var row = new ScormPackageRow
        {
            Id = id, InstitutionId = institutionId, Title = title, Version = manifest.Version, Edition = manifest.Edition,
            Launchables = JsonSerializer.Serialize(manifest.Launchables), EntryCount = manifest.EntryCount,
            UnpackedBytes = manifest.UnpackedBytes, CreatedBy = createdBy, CreatedAt = clock.GetUtcNow(),
        };
        await db.ExecuteAsync(InsertPackageSql, row);
        return row;
    }

    private static readonly Sql GetPackageSql = Sql.Portable(
        "SELECT id, institution_id, title, version, edition, launchables, entry_count, unpacked_bytes, created_by, created_at " +
        "FROM scorm_packages WHERE id = @id");

    public async Task<ScormPackageRow?> GetPackageAsync(Guid id) => await db.SingleOrDefaultAsync<ScormPackageRow>(GetPackageSql, new { id });

    private const string RuntimeColumns =
        "item_id, user_id, sco_id, lesson_status, completion_status, success_status, score_raw, score_min, score_max, score_scaled, " +
        "total_seconds, session_id, session_seconds, location, suspend_data, exit_mode, sessions, updated_at";

    private static readonly Sql ForItemSql = Sql.Portable(
        $"SELECT {RuntimeColumns} FROM scorm_runtime WHERE item_id = @itemId AND user_id = @userId");

    /// <summary>The learner's data for each SCO of the item they have opened.</summary>
    public async Task<IReadOnlyList<ScormRuntimeRow>> ForItemAsync(Guid itemId, Guid userId) =>
        await db.QueryAsync<ScormRuntimeRow>(ForItemSql, new { itemId, userId });

    private static readonly Sql ForCourseSql = Sql.Portable(
        $"SELECT r.{RuntimeColumns.Replace(", ", ", r.", StringComparison.Ordinal)} FROM scorm_runtime r " +
        "JOIN course_items i ON i.id = r.item_id WHERE i.course_id = @courseId AND r.user_id = @userId");

    /// <summary>The learner's data for every SCORM item of a course (for completion and the grade).</summary>
    public async Task<IReadOnlyList<ScormRuntimeRow>> ForCourseAsync(Guid courseId, Guid userId) =>
        await db.QueryAsync<ScormRuntimeRow>(ForCourseSql, new { courseId, userId });

    private static readonly Sql InsertRuntimeSql = Sql.PerDialect(d => d.InsertIgnore("scorm_runtime",
        ["item_id", "user_id", "sco_id", "total_seconds", "session_seconds", "sessions", "updated_at"],
        ["@itemId", "@userId", "@scoId", "0", "0", "0", "@now"],
        ["item_id", "user_id", "sco_id"]));
    private static readonly Sql GetRuntimeSql = Sql.Portable(
        $"SELECT {RuntimeColumns} FROM scorm_runtime WHERE item_id = @itemId AND user_id = @userId AND sco_id = @scoId");
    private static readonly Sql UpdateRuntimeSql = Sql.Portable(
        "UPDATE scorm_runtime SET lesson_status = @LessonStatus, completion_status = @CompletionStatus, success_status = @SuccessStatus, " +
        "score_raw = @ScoreRaw, score_min = @ScoreMin, score_max = @ScoreMax, score_scaled = @ScoreScaled, total_seconds = @TotalSeconds, " +
        "session_id = @SessionId, session_seconds = @SessionSeconds, location = @Location, suspend_data = @SuspendData, exit_mode = @ExitMode, " +
        "sessions = @Sessions, updated_at = @UpdatedAt WHERE item_id = @ItemId AND user_id = @UserId AND sco_id = @ScoId");

    /// <summary>
    /// Keeps what the SCO committed, written before the commit is acknowledged. A commit from a new session folds the
    /// previous session's time into the total; one from the same session replaces that session's time.
    /// </summary>
    public async Task<ScormRuntimeRow> CommitAsync(Guid itemId, Guid userId, ScormCommit commit) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            var key = new { itemId, userId, scoId = commit.ScoId, now };
            await connection.ExecuteAsync(db.Text(InsertRuntimeSql), key, transaction);
            var current = await connection.QuerySingleAsync<ScormRuntimeRow>(db.Text(GetRuntimeSql), key, transaction);
            var newSession = current.SessionId != commit.SessionId;
            var row = current with
            {
                LessonStatus = commit.LessonStatus, CompletionStatus = commit.CompletionStatus, SuccessStatus = commit.SuccessStatus,
                ScoreRaw = commit.ScoreRaw, ScoreMin = commit.ScoreMin, ScoreMax = commit.ScoreMax, ScoreScaled = commit.ScoreScaled,
                TotalSeconds = newSession ? current.TotalSeconds + current.SessionSeconds : current.TotalSeconds,
                SessionId = commit.SessionId, SessionSeconds = Math.Max(0, commit.SessionSeconds),
                Location = commit.Location, SuspendData = commit.SuspendData, ExitMode = commit.ExitMode,
                Sessions = newSession ? current.Sessions + 1 : current.Sessions, UpdatedAt = now,
            };
            await connection.ExecuteAsync(db.Text(UpdateRuntimeSql), row, transaction);
            return row;
        });
}
