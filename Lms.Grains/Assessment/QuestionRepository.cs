using System.Collections.Concurrent;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Assessment;

public sealed record QuestionRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public Guid CreatedBy { get; init; }
    public string Type { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Subject { get; init; }
    public string? Level { get; init; }
    public string Tags { get; init; } = "||";
    public int Difficulty { get; init; }
    public bool Shared { get; init; }
    public int CurrentVersion { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public IReadOnlyList<string> TagList => Tags.Split('|', StringSplitOptions.RemoveEmptyEntries);

    public QuestionMeta Meta => new()
    {
        Title = Title, Subject = Subject, Level = Level, Tags = TagList, Difficulty = Difficulty, Shared = Shared,
    };
}

public sealed record QuestionVersionRow
{
    public Guid QuestionId { get; init; }
    public int Version { get; init; }
    public string Type { get; init; } = "";
    public string Content { get; init; } = "";
}

public sealed record BankFilter(
    string? Query = null, string? Type = null, string? Subject = null, string? Level = null, string? Tag = null,
    int? MinDifficulty = null, int? MaxDifficulty = null, bool IncludeShared = true);

/// <summary>The question bank: questions per institution, their versions, search and random-draw candidates.</summary>
public sealed class QuestionRepository(Db db, TimeProvider clock)
{
    // A version that an attempt uses never changes, so it is cached for good; an unused one that is
    // edited in place is dropped from here when it is.
    private static readonly ConcurrentDictionary<(Guid, int), QuestionContent> Versions = new();

    public static string TagsColumn(IEnumerable<string> tags)
    {
        var clean = tags.Select(t => t.Trim().Replace("|", "/")).Where(t => t.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).Take(30).ToList();
        return "|" + string.Join("|", clean) + (clean.Count > 0 ? "|" : "");
    }

    private static readonly Sql InsertQuestionSql = Sql.Portable(
        "INSERT INTO questions (id, institution_id, created_by, type, title, subject, level, tags, difficulty, shared, current_version, search_text, deleted, created_at, updated_at) " +
        "VALUES (@id, @institutionId, @createdBy, @type, @title, @subject, @level, @tags, @difficulty, @shared, 1, @searchText, @deleted, @now, @now)");
    private static readonly Sql InsertVersionSql = Sql.Portable(
        "INSERT INTO question_versions (question_id, version, type, content, created_at) VALUES (@id, @version, @type, @content, @now)");

    /// <summary>Stores questions (already checked and sanitised) in one transaction: all or none.</summary>
    public async Task<IReadOnlyList<Guid>> CreateManyAsync(Guid institutionId, Guid createdBy, IReadOnlyList<QuestionDraft> drafts)
    {
        var now = clock.GetUtcNow();
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var ids = new List<Guid>();
            foreach (var draft in drafts)
            {
                var id = Guid.CreateVersion7();
                await connection.ExecuteAsync(db.Text(InsertQuestionSql), MetaArgs(id, institutionId, createdBy, draft, now), transaction);
                await connection.ExecuteAsync(db.Text(InsertVersionSql), new
                {
                    id, version = 1, type = draft.Content.Type, content = AssessmentJson.Write(draft.Content), now,
                }, transaction);
                ids.Add(id);
            }
            return (IReadOnlyList<Guid>)ids;
        });
    }

    private static object MetaArgs(Guid id, Guid institutionId, Guid createdBy, QuestionDraft draft, DateTimeOffset now) => new
    {
        id, institutionId, createdBy, type = draft.Content.Type, title = draft.Meta.Title.Trim(),
        subject = Blank(draft.Meta.Subject), level = Blank(draft.Meta.Level), tags = TagsColumn(draft.Meta.Tags),
        difficulty = Math.Clamp(draft.Meta.Difficulty, 1, 5), shared = draft.Meta.Shared,
        searchText = QuestionRules.SearchKey(draft.Meta.Title, draft.Content.Stem), deleted = false, now,
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private const string Columns =
        "q.id, q.institution_id, i.name AS institution_name, q.created_by, q.type, q.title, q.subject, q.level, q.tags, q.difficulty, q.shared, q.current_version, q.updated_at";

    private static readonly Sql GetSql = Sql.Portable(
        $"SELECT {Columns} FROM questions q JOIN institutions i ON i.id = q.institution_id WHERE q.id = @id AND q.deleted = @no");

    public async Task<QuestionRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<QuestionRow>(GetSql, new { id, no = false });

    private static readonly ReadThroughCache<Guid, int?> CurrentVersions = new(TimeSpan.FromSeconds(2));
    private static readonly Sql CurrentVersionSql = Sql.Portable("SELECT current_version FROM questions WHERE id = @id AND deleted = @no");

    /// <summary>A question's current version, or null if it is gone (cached for two seconds: a class starts together).</summary>
    public Task<int?> CurrentVersionAsync(Guid id) => CurrentVersions.GetAsync(id, clock.GetUtcNow(), async key =>
    {
        return await db.ScalarAsync<int?>(CurrentVersionSql, new { id = key, no = false });
    });

    private static readonly Sql VersionSql = Sql.Portable(
        "SELECT question_id, version, type, content FROM question_versions WHERE question_id = @id AND version = @version");

    public async Task<QuestionContent> ContentAsync(Guid id, int version)
    {
        if (Versions.TryGetValue((id, version), out var cached)) return cached;
        await using var connection = await db.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<QuestionVersionRow>(db.Text(VersionSql), new { id, version })
                  ?? throw new InvalidOperationException($"Question {id} has no version {version}.");
        var content = AssessmentJson.Read<QuestionContent>(row.Content);
        Versions[(id, version)] = content;
        return content;
    }

    // Used by an attempt, or launched in a live quiz (whose records keep the version they launched).
    private static readonly Sql UsedSql = Sql.Portable(
        "SELECT (SELECT COUNT(*) FROM attempt_slots WHERE question_id = @id AND version = @version) + " +
        "(SELECT COUNT(*) FROM live_quiz_questions WHERE question_id = @id AND version = @version)");
    private static readonly Sql UpdateMetaSql = Sql.Portable(
        "UPDATE questions SET type = @type, title = @title, subject = @subject, level = @level, tags = @tags, difficulty = @difficulty, " +
        "shared = @shared, search_text = @searchText, current_version = @version, updated_at = @now WHERE id = @id");
    private static readonly Sql OverwriteVersionSql = Sql.Portable(
        "UPDATE question_versions SET type = @type, content = @content WHERE question_id = @id AND version = @version");

    /// <summary>
    /// Saves an edit. If an attempt (or a live quiz) already uses the current version, a new version is made and those
    /// attempts keep the old one; otherwise the current version is corrected in place. Returns the version now current.
    /// </summary>
    public async Task<int> UpdateAsync(QuestionRow current, QuestionDraft draft)
    {
        var now = clock.GetUtcNow();
        var version = await db.InTransactionAsync(async (connection, transaction) =>
        {
            var used = await connection.ExecuteScalarAsync<long>(db.Text(UsedSql), new { id = current.Id, version = current.CurrentVersion }, transaction) > 0;
            var version = used ? current.CurrentVersion + 1 : current.CurrentVersion;
            var content = AssessmentJson.Write(draft.Content);
            if (used)
                await connection.ExecuteAsync(db.Text(InsertVersionSql), new { id = current.Id, version, type = draft.Content.Type, content, now }, transaction);
            else
                await connection.ExecuteAsync(db.Text(OverwriteVersionSql), new { id = current.Id, version, type = draft.Content.Type, content }, transaction);
            await connection.ExecuteAsync(db.Text(UpdateMetaSql), new
            {
                id = current.Id, type = draft.Content.Type, title = draft.Meta.Title.Trim(), subject = Blank(draft.Meta.Subject),
                level = Blank(draft.Meta.Level), tags = TagsColumn(draft.Meta.Tags), difficulty = Math.Clamp(draft.Meta.Difficulty, 1, 5),
                shared = draft.Meta.Shared, searchText = QuestionRules.SearchKey(draft.Meta.Title, draft.Content.Stem), version, now,
            }, transaction);
            return version;
        });
        Versions.TryRemove((current.Id, version), out _);
        CurrentVersions.Forget(current.Id);
        ForgetCandidates();
        return version;
    }

    private static readonly Sql DeleteSql = Sql.Portable("UPDATE questions SET deleted = @yes, updated_at = @now WHERE id = @id");

    /// <summary>Removes a question from the bank; attempts that used it keep it.</summary>
    public async Task DeleteAsync(Guid id) =>
        await db.ExecuteAsync(DeleteSql, new { id, yes = true, now = clock.GetUtcNow() });

    private const string FilterWhere =
        "q.deleted = @no AND (q.institution_id = @institutionId OR (@includeShared = @yes AND q.shared = @yes)) " +
        "AND (@type IS NULL OR q.type = @type) AND (@subject IS NULL OR q.subject = @subject) AND (@level IS NULL OR q.level = @level) " +
        "AND (@tag IS NULL OR q.tags LIKE @tag ESCAPE '\\') AND (@pattern IS NULL OR q.search_text LIKE @pattern ESCAPE '\\') " +
        "AND (@minDifficulty IS NULL OR q.difficulty >= @minDifficulty) AND (@maxDifficulty IS NULL OR q.difficulty <= @maxDifficulty)";

    private static readonly Sql SearchSql = Sql.PerDialect(d =>
        $"SELECT {Columns} FROM questions q JOIN institutions i ON i.id = q.institution_id WHERE {FilterWhere} " +
        $"ORDER BY q.updated_at DESC, q.id {d.Page()}");
    private static readonly Sql SearchCountSql = Sql.Portable(
        $"SELECT COUNT(*) FROM questions q WHERE {FilterWhere}");

    private static object FilterArgs(Guid institutionId, BankFilter f, PageRequest? page = null) => new
    {
        institutionId, no = false, yes = true, includeShared = f.IncludeShared,
        type = Blank(f.Type), subject = Blank(f.Subject), level = Blank(f.Level),
        tag = string.IsNullOrWhiteSpace(f.Tag) ? null : "%|" + Escape(f.Tag.Trim()) + "|%",
        pattern = string.IsNullOrWhiteSpace(f.Query) ? null : SearchText.Contains(f.Query),
        minDifficulty = f.MinDifficulty, maxDifficulty = f.MaxDifficulty,
        skip = page?.Skip ?? 0, take = page?.Take ?? 0,
    };

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_").Replace("[", "\\[");

    public async Task<Page<QuestionRow>> SearchAsync(Guid institutionId, BankFilter filter, PageRequest page)
    {
        var args = FilterArgs(institutionId, filter, page);
        await using var connection = await db.OpenAsync();
        var total = await connection.ExecuteScalarAsync<long>(db.Text(SearchCountSql), args);
        var items = (await connection.QueryAsync<QuestionRow>(db.Text(SearchSql), args)).AsList();
        return new Page<QuestionRow>(items, (int)total, page.Skip, page.Take);
    }

    private static readonly Sql CandidatesSql = Sql.Portable(
        $"SELECT q.id, q.current_version, q.tags FROM questions q WHERE {FilterWhere} ORDER BY q.id");

    public sealed record Candidate
    {
        public Guid Id { get; init; }
        public int CurrentVersion { get; init; }
        public string Tags { get; init; } = "";
    }

    private static readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<Candidate> List)> CandidateCache = new();

    /// <summary>
    /// The bank questions a random draw may pick, in a fixed order (by id) so that a seed always draws
    /// the same. All tags must match. Cached for a few seconds: thousands of attempts start together.
    /// </summary>
    public async Task<IReadOnlyList<Candidate>> CandidatesAsync(Guid institutionId, QuizSlotSpec spec)
    {
        var tags = spec.Tags?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList() ?? [];
        var key = $"{institutionId}|{string.Join("|", tags)}|{spec.MinDifficulty}|{spec.MaxDifficulty}|{spec.Subject}|{spec.Type}";
        var now = clock.GetUtcNow();
        if (CandidateCache.TryGetValue(key, out var hit) && now - hit.At < TimeSpan.FromSeconds(10)) return hit.List;
        var filter = new BankFilter(Type: spec.Type, Subject: spec.Subject, Tag: tags.FirstOrDefault(),
            MinDifficulty: spec.MinDifficulty, MaxDifficulty: spec.MaxDifficulty);
        await using var connection = await db.OpenAsync();
        var rows = (await connection.QueryAsync<Candidate>(db.Text(CandidatesSql), FilterArgs(institutionId, filter))).AsList();
        IReadOnlyList<Candidate> list = rows
            .Where(r => tags.All(t => r.Tags.Contains("|" + t + "|", StringComparison.OrdinalIgnoreCase))).ToList();
        CandidateCache[key] = (now, list);
        return list;
    }

    public static void ForgetCandidates() => CandidateCache.Clear();

    private static readonly Sql TagsSql = Sql.Portable(
        "SELECT DISTINCT q.tags FROM questions q WHERE q.deleted = @no AND (q.institution_id = @institutionId OR q.shared = @yes)");

    public async Task<IReadOnlyList<string>> TagsAsync(Guid institutionId)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<string>(db.Text(TagsSql), new { institutionId, no = false, yes = true });
        return rows.SelectMany(r => r.Split('|', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.OrdinalIgnoreCase).Order().ToList();
    }

}
