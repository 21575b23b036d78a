using System.Text;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.Moocs;

/// <summary>A catalogue query: every filter is optional.</summary>
public sealed record CatalogueQuery(
    string? Text, string? Subject, Guid? InstitutionId, string? Language, string? Level, bool CreditOnly);

public sealed record FacetRow
{
    public string Value { get; init; } = "";
    public string? Label { get; init; }
    public int Count { get; init; }
}

/// <summary>The catalogue entries of MOOCs, their runs, and enrolment into a run.</summary>
public sealed class MoocRepository(Db db, TimeProvider clock)
{
    // Published MOOC courses only: what a stranger may see.
    private const string PublicFrom =
        "FROM moocs m JOIN courses c ON c.id = m.id JOIN institutions i ON i.id = m.institution_id " +
        "WHERE c.status = 'published' AND c.kind = 'mooc' ";

    private const string Filters =
        // Every word of the query must be found (up to five words), each folded like the text it is compared with.
        "AND (@w1 IS NULL OR m.search_text LIKE @w1 ESCAPE '\\') AND (@w2 IS NULL OR m.search_text LIKE @w2 ESCAPE '\\') " +
        "AND (@w3 IS NULL OR m.search_text LIKE @w3 ESCAPE '\\') AND (@w4 IS NULL OR m.search_text LIKE @w4 ESCAPE '\\') " +
        "AND (@w5 IS NULL OR m.search_text LIKE @w5 ESCAPE '\\') " +
        "AND (@subject IS NULL OR m.subject = @subject) " +
        "AND (@anyInstitution = 1 OR m.institution_id = @institutionId) " +
        "AND (@language IS NULL OR m.language = @language) " +
        "AND (@level IS NULL OR m.level = @level) " +
        "AND (@creditOnly = 0 OR m.credits > 0) ";

    private const string CardColumns =
        "m.id, m.slug, c.title, c.summary, m.institution_id, i.name AS institution_name, m.subject, m.language, m.level, " +
        "m.effort_hours_per_week, m.duration_weeks, m.credits, m.ects, m.price_vnd, m.image_url, c.status, m.updated_at";

    private static readonly Sql SearchSql = Sql.PerDialect(d =>
        $"SELECT {CardColumns}, NULL AS syllabus, NULL AS instructors {PublicFrom}{Filters}ORDER BY m.updated_at DESC, m.id {d.Page()}");
    private static readonly Sql SearchCountSql = Sql.Portable($"SELECT COUNT(*) {PublicFrom}{Filters}");

    public async Task<Page<CatalogueRow>> SearchAsync(CatalogueQuery query, PageRequest page)
    {
        var words = (query.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(SearchText.ContainsSpelling).Distinct().Take(5).ToList();
        string? Word(int i) => i < words.Count ? words[i] : null;
        var args = new
        {
            w1 = Word(0), w2 = Word(1), w3 = Word(2), w4 = Word(3), w5 = Word(4),
            subject = Blank(query.Subject),
            anyInstitution = query.InstitutionId is null ? 1 : 0,
            institutionId = query.InstitutionId ?? Guid.Empty,
            language = Blank(query.Language),
            level = Blank(query.Level),
            creditOnly = query.CreditOnly ? 1 : 0,
        };
        return await db.PageAsync<CatalogueRow>(SearchCountSql, SearchSql, args, page);
    }

    private static readonly Sql SubjectFacetSql = Sql.Portable(
        $"SELECT m.subject AS value, COUNT(*) AS count {PublicFrom}GROUP BY m.subject ORDER BY m.subject");
    private static readonly Sql LanguageFacetSql = Sql.Portable(
        $"SELECT m.language AS value, COUNT(*) AS count {PublicFrom}GROUP BY m.language ORDER BY m.language");
    private static readonly Sql LevelFacetSql = Sql.Portable(
        $"SELECT m.level AS value, COUNT(*) AS count {PublicFrom}GROUP BY m.level ORDER BY m.level");
    private static readonly Sql InstitutionFacetSql = Sql.Portable(
        $"SELECT m.institution_id AS value, i.name AS label, COUNT(*) AS count {PublicFrom}GROUP BY m.institution_id, i.name ORDER BY i.name");

    /// <summary>What the filters can be set to, with how many published MOOCs each has.</summary>
    public async Task<(IReadOnlyList<FacetRow> Subjects, IReadOnlyList<FacetRow> Institutions, IReadOnlyList<FacetRow> Languages, IReadOnlyList<FacetRow> Levels)> FacetsAsync()
    {
        await using var connection = await db.OpenAsync();
        var subjects = (await connection.QueryAsync<FacetRow>(db.Text(SubjectFacetSql))).AsList();
        var institutions = (await connection.QueryAsync<(Guid Value, string Label, long Count)>(db.Text(InstitutionFacetSql)))
            .Select(r => new FacetRow { Value = r.Value.ToString("D"), Label = r.Label, Count = (int)r.Count }).ToList();
        var languages = (await connection.QueryAsync<FacetRow>(db.Text(LanguageFacetSql))).AsList();
        var levels = (await connection.QueryAsync<FacetRow>(db.Text(LevelFacetSql))).AsList();
        return (subjects, institutions, languages, levels);
    }

    private static readonly Sql BySlugSql = Sql.Portable(
        $"SELECT {CardColumns}, m.syllabus, m.instructors {PublicFrom}AND m.slug = @slug");

    /// <summary>A published MOOC by its catalogue address; null for a draft or an unknown one.</summary>
    public async Task<CatalogueRow?> PublishedBySlugAsync(string slug)
    {
        return await db.SingleOrDefaultAsync<CatalogueRow>(BySlugSql, new { slug });
    }

    private static readonly Sql EntrySql = Sql.Portable(
        $"SELECT {CardColumns}, m.syllabus, m.instructors " +
        "FROM moocs m JOIN courses c ON c.id = m.id JOIN institutions i ON i.id = m.institution_id WHERE m.id = @id");

    /// <summary>A MOOC's entry whatever its status (for its teachers).</summary>
    public async Task<CatalogueRow?> EntryAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<CatalogueRow>(EntrySql, new { id });
    }

    private static readonly Sql GetSql = Sql.Portable(
        "SELECT id, institution_id, slug, subject, language, level, syllabus, instructors, effort_hours_per_week, duration_weeks, " +
        "credits, ects, price_vnd, image_url, updated_at FROM moocs WHERE id = @id");

    public async Task<MoocRow?> GetAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<MoocRow>(GetSql, new { id });
    }

    private static readonly Sql SlugTakenSql = Sql.Portable("SELECT COUNT(*) FROM moocs WHERE slug = @slug AND id <> @id");

    public async Task<bool> SlugTakenAsync(string slug, Guid exceptId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(SlugTakenSql), new { slug, id = exceptId }) > 0;
    }

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO moocs (id, institution_id, slug, subject, language, level, syllabus, instructors, effort_hours_per_week, " +
        "duration_weeks, credits, ects, price_vnd, image_url, search_text, updated_at) VALUES (@Id, @InstitutionId, @Slug, @Subject, " +
        "@Language, @Level, @Syllabus, @Instructors, @EffortHoursPerWeek, @DurationWeeks, @Credits, @Ects, @PriceVnd, @ImageUrl, @SearchText, @UpdatedAt)");
    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE moocs SET slug = @Slug, subject = @Subject, language = @Language, level = @Level, syllabus = @Syllabus, " +
        "instructors = @Instructors, effort_hours_per_week = @EffortHoursPerWeek, duration_weeks = @DurationWeeks, credits = @Credits, " +
        "ects = @Ects, price_vnd = @PriceVnd, image_url = @ImageUrl, search_text = @SearchText, updated_at = @UpdatedAt WHERE id = @Id");
    private static readonly Sql CourseSql = Sql.Portable(
        "SELECT c.title, c.summary, i.name FROM courses c JOIN institutions i ON i.id = c.institution_id WHERE c.id = @id");

    /// <summary>Creates or changes a MOOC's catalogue entry; its search text is folded from the course and the entry.</summary>
    public async Task SaveAsync(MoocRow row)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var (title, summary, institution) = await connection.QuerySingleAsync<(string, string?, string)>(
                db.Text(CourseSql), new { id = row.Id }, transaction);
            var args = new
            {
                row.Id, row.InstitutionId, row.Slug, row.Subject, row.Language, row.Level, row.Syllabus, row.Instructors,
                row.EffortHoursPerWeek, row.DurationWeeks, row.Credits, row.Ects, row.PriceVnd, row.ImageUrl,
                SearchText = Fold(title, summary, row.Subject, institution, row.Instructors),
                UpdatedAt = clock.GetUtcNow(),
            };
            if (await connection.ExecuteAsync(db.Text(UpdateSql), args, transaction) == 0)
                await connection.ExecuteAsync(db.Text(InsertSql), args, transaction);
            return 0;
        });
    }

    private static readonly Sql RefoldSql = Sql.Portable(
        "SELECT m.id, m.subject, m.instructors, c.title, c.summary, i.name AS institution_name " +
        "FROM moocs m JOIN courses c ON c.id = m.id JOIN institutions i ON i.id = m.institution_id WHERE m.id = @id");
    private static readonly Sql SetSearchSql = Sql.Portable("UPDATE moocs SET search_text = @text, updated_at = @now WHERE id = @id");

    /// <summary>After the course's title or summary changed: search finds it by the new words.</summary>
    public async Task RefoldAsync(Guid id)
    {
        await using var connection = await db.OpenAsync();
        var row = await connection.QuerySingleOrDefaultAsync<(Guid Id, string Subject, string? Instructors, string Title, string? Summary, string InstitutionName)>(
            db.Text(RefoldSql), new { id });
        if (row.Id == Guid.Empty) return;
        await connection.ExecuteAsync(db.Text(SetSearchSql), new
        {
            id, text = Fold(row.Title, row.Summary, row.Subject, row.InstitutionName, row.Instructors), now = clock.GetUtcNow(),
        });
    }

    private static string Fold(params string?[] parts)
    {
        // Spelling variants folded too ("kĩ"/"kỹ"), as the query is.
        var text = SearchText.FoldSpelling(string.Join(" ", parts.Where(p => !string.IsNullOrWhiteSpace(p))));
        return text.Length > 4000 ? text[..4000] : text;
    }

    /// <summary>A catalogue address from a title: "Nhập môn Python" becomes "nhap-mon-python".</summary>
    public static string SlugOf(string title)
    {
        var folded = SearchText.Fold(title);
        var slug = new StringBuilder();
        foreach (var c in folded)
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        var text = slug.ToString().Trim('-');
        if (text.Length > 100) text = text[..100].Trim('-');
        return text.Length == 0 ? "mooc" : text;
    }

    // ---- Runs ----

    private const string RunColumns =
        "id, mooc_id, course_id, label, pace, starts_at, ends_at, enrol_cap, enrolled, passed, created_at";

    private static readonly Sql RunsSql = Sql.Portable(
        $"SELECT {RunColumns} FROM mooc_runs WHERE mooc_id = @moocId ORDER BY created_at, id");

    public async Task<IReadOnlyList<RunRow>> RunsAsync(Guid moocId)
    {
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<RunRow>(db.Text(RunsSql), new { moocId })).AsList();
    }

    private static readonly Sql RunSql = Sql.Portable($"SELECT {RunColumns} FROM mooc_runs WHERE id = @id");

    public async Task<RunRow?> RunAsync(Guid id)
    {
        return await db.SingleOrDefaultAsync<RunRow>(RunSql, new { id });
    }

    private static readonly Sql RunByCourseSql = Sql.Portable($"SELECT {RunColumns} FROM mooc_runs WHERE course_id = @courseId");

    /// <summary>The run a course is the content of, if it is one.</summary>
    public async Task<RunRow?> RunByCourseAsync(Guid courseId)
    {
        return await db.SingleOrDefaultAsync<RunRow>(RunByCourseSql, new { courseId });
    }

    private static readonly Sql InsertRunSql = Sql.Portable(
        "INSERT INTO mooc_runs (id, mooc_id, course_id, label, pace, starts_at, ends_at, enrol_cap, enrolled, passed, created_at) " +
        "VALUES (@Id, @MoocId, @CourseId, @Label, @Pace, @StartsAt, @EndsAt, @EnrolCap, 0, 0, @CreatedAt)");

    public async Task<RunRow> CreateRunAsync(Guid moocId, Guid courseId, string label, string pace,
        DateTimeOffset? startsAt, DateTimeOffset? endsAt, int? cap)
    {
        var row = new RunRow
        {
            Id = Guid.CreateVersion7(), MoocId = moocId, CourseId = courseId, Label = label, Pace = pace,
            StartsAt = startsAt, EndsAt = endsAt, EnrolCap = cap, CreatedAt = clock.GetUtcNow(),
        };
        await db.ExecuteAsync(InsertRunSql, row);
        return row;
    }

    private static readonly Sql UpdateRunSql = Sql.Portable(
        "UPDATE mooc_runs SET label = @label, pace = @pace, starts_at = @startsAt, ends_at = @endsAt, enrol_cap = @cap WHERE id = @id");

    public async Task<bool> UpdateRunAsync(Guid id, string label, string pace, DateTimeOffset? startsAt, DateTimeOffset? endsAt, int? cap)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteAsync(db.Text(UpdateRunSql), new { id, label, pace, startsAt, endsAt, cap }) > 0;
    }

    private static readonly Sql CountEnrolledSql = Sql.Portable("SELECT COUNT(*) FROM enrolments WHERE course_id = @courseId");
    private static readonly Sql CountPassedSql = Sql.Portable("SELECT COUNT(*) FROM course_results WHERE course_id = @courseId");

    /// <summary>The run's counters as the store has them (what a run grain starts from).</summary>
    public async Task<(int Enrolled, int Passed)> CountsAsync(Guid courseId)
    {
        await using var connection = await db.OpenAsync();
        var enrolled = await connection.ExecuteScalarAsync<long>(db.Text(CountEnrolledSql), new { courseId });
        var passed = await connection.ExecuteScalarAsync<long>(db.Text(CountPassedSql), new { courseId });
        return ((int)enrolled, (int)passed);
    }

    private static readonly Sql IsEnrolledSql = Sql.Portable(
        "SELECT COUNT(*) FROM enrolments WHERE course_id = @courseId AND user_id = @userId");

    public async Task<bool> IsEnrolledAsync(Guid courseId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(db.Text(IsEnrolledSql), new { courseId, userId }) > 0;
    }

    // The run's row is locked first (an update that changes nothing), so that sign-ups of one run are decided one at a
    // time whatever calls them (two activations of the run grain during cluster churn included); the next statements
    // then see every sign-up committed before (each statement of READ COMMITTED reads afresh, and SQLite writes one at
    // a time), and the insert counts the seats inside the statement.
    private static readonly Sql LockRunSql = Sql.Portable("UPDATE mooc_runs SET enrolled = enrolled WHERE id = @runId");
    private static readonly Sql EnrolUnderCapSql = Sql.Portable(
        "INSERT INTO enrolments (course_id, user_id, enrolled_at) " +
        "SELECT r.course_id, @userId, @now FROM mooc_runs r WHERE r.id = @runId " +
        "AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = r.course_id AND e.user_id = @userId) " +
        "AND (r.enrol_cap IS NULL OR (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = r.course_id) < r.enrol_cap)");
    private static readonly Sql StoreEnrolledSql = Sql.Portable(
        "UPDATE mooc_runs SET enrolled = (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = mooc_runs.course_id) WHERE id = @runId");

    /// <summary>
    /// Enrols a learner if the run has a seat, and stores the run's new count, in one transaction. The cap is held by the
    /// database: however many callers sign up at once, no more than the cap get in.
    /// </summary>
    public async Task<(EnrolOutcome Outcome, int Enrolled)> EnrolAsync(Guid runId, Guid courseId, Guid userId)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var args = new { runId, courseId, userId, now = clock.GetUtcNow() };
            await connection.ExecuteAsync(db.Text(LockRunSql), args, transaction);
            var added = await connection.ExecuteAsync(db.Text(EnrolUnderCapSql), args, transaction) == 1;
            if (added) await connection.ExecuteAsync(db.Text(StoreEnrolledSql), args, transaction);
            var enrolled = (int)await connection.ExecuteScalarAsync<long>(db.Text(CountEnrolledSql), args, transaction);
            if (added) return (EnrolOutcome.Enrolled, enrolled);
            var already = await connection.ExecuteScalarAsync<long>(db.Text(IsEnrolledSql), args, transaction) > 0;
            return (already ? EnrolOutcome.AlreadyEnrolled : EnrolOutcome.Full, enrolled);
        });
    }

    private static readonly Sql SetPassedSql = Sql.Portable("UPDATE mooc_runs SET passed = @passed WHERE id = @runId");

    public async Task SetPassedAsync(Guid runId, int passed)
    {
        await db.ExecuteAsync(SetPassedSql, new { runId, passed });
    }

    private static readonly Sql SetCountsSql = Sql.Portable(
        "UPDATE mooc_runs SET enrolled = @enrolled, passed = @passed WHERE id = @runId");

    public async Task SetCountsAsync(Guid runId, int enrolled, int passed)
    {
        await db.ExecuteAsync(SetCountsSql, new { runId, enrolled, passed });
    }

    private static readonly Sql ActiveSql = Sql.Portable(
        "SELECT COUNT(DISTINCT user_id) FROM item_progress WHERE course_id = @courseId AND seen_at >= @since");

    /// <summary>Learners who opened something in the run since <paramref name="since"/>.</summary>
    public async Task<int> ActiveSinceAsync(Guid courseId, DateTimeOffset since)
    {
        await using var connection = await db.OpenAsync();
        return (int)await connection.ExecuteScalarAsync<long>(db.Text(ActiveSql), new { courseId, since });
    }

    private static readonly Sql MyRunsSql = Sql.PerDialect(d =>
        "SELECT r.id AS run_id, r.course_id, r.mooc_id, m.slug, c.title, r.label, r.pace, r.starts_at, r.ends_at, e.enrolled_at, " +
        "cr.grade, cr.passed_at FROM enrolments e JOIN mooc_runs r ON r.course_id = e.course_id " +
        "JOIN moocs m ON m.id = r.mooc_id JOIN courses c ON c.id = r.course_id " +
        "LEFT JOIN course_results cr ON cr.course_id = e.course_id AND cr.user_id = e.user_id " +
        $"WHERE e.user_id = @userId ORDER BY e.enrolled_at DESC, r.id {d.Page()}");
    private static readonly Sql MyRunsCountSql = Sql.Portable(
        "SELECT COUNT(*) FROM enrolments e JOIN mooc_runs r ON r.course_id = e.course_id WHERE e.user_id = @userId");

    public async Task<Page<MyRunRow>> MyRunsAsync(Guid userId, PageRequest page) =>
        await db.PageAsync<MyRunRow>(MyRunsCountSql, MyRunsSql, new { userId }, page);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

public sealed record MyRunRow
{
    public Guid RunId { get; init; }
    public Guid CourseId { get; init; }
    public Guid MoocId { get; init; }
    public string Slug { get; init; } = "";
    public string Title { get; init; } = "";
    public string Label { get; init; } = "";
    public string Pace { get; init; } = "";
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public DateTimeOffset EnrolledAt { get; init; }
    public decimal? Grade { get; init; }
    public DateTimeOffset? PassedAt { get; init; }
}
