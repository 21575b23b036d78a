using System.Data.Common;
using Dapper;
using Lms.Grains.Courses;
using Lms.Grains.Data;

namespace Lms.Grains.Content;

/// <summary>Library items, their versions, tags and subtitles; search; storage used per institution.</summary>
public sealed partial class ContentRepository(Db db, TimeProvider clock)
{
    private const string ItemColumns =
        "c.id, c.institution_id, i.name AS institution_name, i.path AS institution_path, c.owner_id, u.display_name AS owner_name, " +
        "c.type, c.title, c.description, c.subject, c.grade, c.curriculum_code, c.language, c.licence, c.visibility, c.tags, c.url, " +
        "c.status, c.current_version_id, c.created_at, c.updated_at, v.manifest AS current_manifest, v.duration_seconds";

    private const string ItemFrom =
        "FROM content_items c JOIN institutions i ON i.id = c.institution_id JOIN users u ON u.id = c.owner_id " +
        "LEFT JOIN content_versions v ON v.id = c.current_version_id";

    private static readonly Sql InsertItemSql = Sql.Portable(
        "INSERT INTO content_items (id, institution_id, owner_id, type, title, description, subject, grade, curriculum_code, " +
        "language, licence, visibility, tags, url, status, current_version_id, search_text, created_at, updated_at) " +
        "VALUES (@id, @institutionId, @ownerId, @type, @title, @description, @subject, @grade, @curriculumCode, " +
        "@language, @licence, @visibility, @tags, @url, @status, NULL, @searchText, @now, @now)");
    private static readonly Sql InsertTagSql = Sql.PerDialect(d => d.InsertIgnore(
        "content_tags", ["item_id", "tag"], ["@itemId", "@tag"], ["item_id", "tag"]));
    private static readonly Sql DeleteTagsSql = Sql.Portable("DELETE FROM content_tags WHERE item_id = @itemId");

    public async Task<Guid> CreateAsync(Guid institutionId, Guid ownerId, string type, ContentFields fields) =>
        await db.InTransactionAsync((connection, transaction) => CreateAsync(connection, transaction, institutionId, ownerId, type, fields));

    /// <summary>Adds an item inside the caller's transaction (a recording publishes its item with its course item).</summary>
    public async Task<Guid> CreateAsync(DbConnection connection, DbTransaction transaction, Guid institutionId, Guid ownerId, string type,
        ContentFields fields)
    {
        var id = Guid.CreateVersion7();
        await connection.ExecuteAsync(db.Text(InsertItemSql), new
        {
            id, institutionId, ownerId, type, title = fields.Title, description = fields.Description, subject = fields.Subject,
            grade = fields.Grade, curriculumCode = fields.CurriculumCode, language = fields.Language, licence = fields.Licence,
            visibility = fields.Visibility, tags = JoinTags(fields.Tags), url = fields.Url,
            status = type == ContentTypes.Link ? ContentStatuses.Ready : ContentStatuses.Draft,
            searchText = FullTextQuery.Document(fields, type), now = clock.GetUtcNow(),
        }, transaction);
        await WriteTagsAsync(connection, transaction, id, fields.Tags);
        return id;
    }

    private static readonly Sql UpdateItemSql = Sql.Portable(
        "UPDATE content_items SET title = @title, description = @description, subject = @subject, grade = @grade, " +
        "curriculum_code = @curriculumCode, language = @language, licence = @licence, visibility = @visibility, tags = @tags, " +
        "url = @url, search_text = @searchText, updated_at = @now WHERE id = @id");

    public async Task UpdateAsync(Guid id, string type, ContentFields fields)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(UpdateItemSql), new
            {
                id, title = fields.Title, description = fields.Description, subject = fields.Subject, grade = fields.Grade,
                curriculumCode = fields.CurriculumCode, language = fields.Language, licence = fields.Licence,
                visibility = fields.Visibility, tags = JoinTags(fields.Tags), url = fields.Url,
                searchText = FullTextQuery.Document(fields, type), now = clock.GetUtcNow(),
            }, transaction);
            await connection.ExecuteAsync(db.Text(DeleteTagsSql), new { itemId = id }, transaction);
            await WriteTagsAsync(connection, transaction, id, fields.Tags);
            return 0;
        });
    }

    private async Task WriteTagsAsync(DbConnection connection, DbTransaction transaction, Guid itemId, IReadOnlyList<string> tags)
    {
        foreach (var tag in tags.Select(FoldTag).Where(t => t.Length > 0).Distinct())
            await connection.ExecuteAsync(db.Text(InsertTagSql), new { itemId, tag }, transaction);
    }

    /// <summary>Tags are compared folded: "Hình học" and "hinh hoc" are one tag.</summary>
    public static string FoldTag(string tag)
    {
        var folded = SearchText.Fold(tag);
        return folded.Length > 50 ? folded[..50] : folded;
    }

    private static string? JoinTags(IReadOnlyList<string> tags) =>
        tags.Count == 0 ? null : string.Join(", ", tags.Select(t => t.Trim().Replace(",", " ")).Where(t => t.Length > 0).Distinct());

    private static readonly Sql GetItemSql = Sql.Portable($"SELECT {ItemColumns} {ItemFrom} WHERE c.id = @id");

    public async Task<ContentItemRow?> GetAsync(Guid id) =>
        await db.SingleOrDefaultAsync<ContentItemRow>(GetItemSql, new { id });

    // Who sees an item in the library: its owner; everyone, once it is ready and shared; people of its
    // institution when it is for the institution; admins of its institution or one above it, always.
    private static string Visible(SqlDialect d) =>
        "(c.owner_id = @userId OR (c.status = 'ready' AND (c.visibility = 'shared' OR EXISTS (" +
        "SELECT 1 FROM memberships m JOIN institutions mi ON mi.id = m.institution_id WHERE m.user_id = @userId AND (" +
        "(m.institution_id = c.institution_id AND c.visibility = 'institution') OR " +
        $"(m.role = 'admin' AND {d.StartsWith("i.path", "mi.path")}))))))";

    private const string Filters =
        " AND (@type IS NULL OR c.type = @type) AND (@subject IS NULL OR c.subject = @subject)" +
        " AND (@grade IS NULL OR c.grade = @grade) AND (@language IS NULL OR c.language = @language)" +
        " AND (@licence IS NULL OR c.licence = @licence)" +
        " AND (@tag IS NULL OR EXISTS (SELECT 1 FROM content_tags t WHERE t.item_id = c.id AND t.tag = @tag))" +
        " AND (@anyInstitution = 1 OR c.institution_id = @institutionId)" +
        " AND (@scope = 'all' OR (@scope = 'mine' AND c.owner_id = @userId) OR (@scope = 'shared' AND c.visibility = 'shared'))";

    /// <summary>Each database's full-text join, condition and ranking, over the same folded text.</summary>
    private static (string Join, string Where, string Order) FullText(SqlDialect d) => d.Provider switch
    {
        DatabaseProvider.Sqlite => (
            " JOIN content_search ON content_search.item_id = c.id",
            " AND content_search MATCH @fts",
            "content_search.rank"),
        DatabaseProvider.Postgres => (
            "",
            " AND c.search_vector @@ to_tsquery('simple', @fts)",
            "ts_rank(c.search_vector, to_tsquery('simple', @fts)) DESC"),
        DatabaseProvider.SqlServer => (
            " JOIN CONTAINSTABLE(content_items, search_text, @fts) ft ON ft.[KEY] = c.id",
            "",
            "ft.[RANK] DESC"),
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };

    private static readonly Sql BrowseSql = Sql.PerDialect(d =>
        $"SELECT {ItemColumns} {ItemFrom} WHERE {Visible(d)}{Filters} ORDER BY c.updated_at DESC, c.id {d.Page()}");
    private static readonly Sql BrowseCountSql = Sql.PerDialect(d =>
        $"SELECT COUNT(*) FROM content_items c JOIN institutions i ON i.id = c.institution_id WHERE {Visible(d)}{Filters}");
    private static readonly Sql SearchSql = Sql.PerDialect(d =>
    {
        var (join, where, order) = FullText(d);
        return $"SELECT {ItemColumns} {ItemFrom}{join} WHERE {Visible(d)}{Filters}{where} ORDER BY {order}, c.id {d.Page()}";
    });
    private static readonly Sql SearchCountSql = Sql.PerDialect(d =>
    {
        var (join, where, _) = FullText(d);
        return $"SELECT COUNT(*) FROM content_items c JOIN institutions i ON i.id = c.institution_id{join} WHERE {Visible(d)}{Filters}{where}";
    });

    /// <summary>The items a person may see, filtered, searched (full text, best match first) or newest first, paged.</summary>
    public async Task<Page<ContentItemRow>> SearchAsync(Guid userId, ContentQuery query, PageRequest page)
    {
        var fts = FullTextQuery.For(db.Dialect.Provider, query.Text);
        var args = new
        {
            userId,
            type = Blank(query.Type), subject = Blank(query.Subject), grade = Blank(query.Grade),
            language = Blank(query.Language), licence = Blank(query.Licence),
            tag = string.IsNullOrWhiteSpace(query.Tag) ? null : FoldTag(query.Tag),
            anyInstitution = query.InstitutionId is null ? 1 : 0,
            institutionId = query.InstitutionId ?? Guid.Empty,
            scope = query.Scope,
            fts,
        };
        var (list, count) = fts is null ? (BrowseSql, BrowseCountSql) : (SearchSql, SearchCountSql);
        return await db.PageAsync<ContentItemRow>(count, list, args, page);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // A course item stands for a library item (ref_id); the course's teachers and, once it is
    // published, its students may then watch it, whatever the item's own visibility.
    private static readonly Sql SeenThroughCourseSql = Sql.Portable(
        "SELECT COUNT(*) FROM course_items ci JOIN courses co ON co.id = ci.course_id " +
        "LEFT JOIN course_staff s ON s.course_id = co.id AND s.user_id = @userId " +
        "LEFT JOIN enrolments e ON e.course_id = co.id AND e.user_id = @userId " +
        "WHERE ci.ref_id = @itemId AND ci.kind IN ('video', 'audio', 'document', 'image', 'link') " +
        "AND (s.user_id IS NOT NULL OR (e.user_id IS NOT NULL AND co.status = 'published'))");

    public async Task<bool> VisibleThroughCourseAsync(Guid userId, Guid itemId) =>
        await db.ScalarAsync<long>(SeenThroughCourseSql, new { userId, itemId }) > 0;

    private static readonly Sql CourseUsesSql = Sql.Portable(
        "SELECT COUNT(*) FROM course_items WHERE ref_id = @itemId AND kind IN ('video', 'audio', 'document', 'image', 'link')");

    public async Task<int> CourseUsesAsync(Guid itemId) =>
        (int)await db.ScalarAsync<long>(CourseUsesSql, new { itemId });

    private static readonly Sql ItemVersionsKeysSql = Sql.Portable(
        "SELECT source_key, output_prefix FROM content_versions WHERE item_id = @itemId");
    private static readonly Sql ItemSubtitleKeysSql = Sql.Portable("SELECT store_key FROM content_subtitles WHERE item_id = @itemId");
    private static readonly Sql DeleteItemJobsSql = Sql.Portable(
        "UPDATE media_jobs SET state = 'cancelled', finished_at = @now, updated_at = @now " +
        "WHERE item_id = @itemId AND state IN ('queued', 'running')");
    private static readonly Sql DeleteItemSubtitlesSql = Sql.Portable("DELETE FROM content_subtitles WHERE item_id = @itemId");
    private static readonly Sql DeleteItemUploadsSql = Sql.Portable("DELETE FROM content_uploads WHERE item_id = @itemId");
    private static readonly Sql DeleteItemVersionsSql = Sql.Portable("DELETE FROM content_versions WHERE item_id = @itemId");
    private static readonly Sql DeleteItemWatchSql = Sql.Portable("DELETE FROM content_watch WHERE content_id = @itemId");
    private static readonly Sql DeleteItemSql = Sql.Portable("DELETE FROM content_items WHERE id = @itemId");

    /// <summary>Deletes an item and everything recorded about it; returns the store keys and prefixes to remove.</summary>
    public async Task<IReadOnlyList<string>> DeleteAsync(Guid itemId)
    {
        return await db.InTransactionAsync(async (connection, transaction) =>
        {
            var args = new { itemId, now = clock.GetUtcNow() };
            var keys = new List<string>();
            foreach (var row in await connection.QueryAsync<(string? Source, string? Output)>(db.Text(ItemVersionsKeysSql), args, transaction))
            {
                if (row.Source is not null) keys.Add(row.Source);
                if (row.Output is not null) keys.Add(row.Output);
            }
            keys.AddRange(await connection.QueryAsync<string>(db.Text(ItemSubtitleKeysSql), args, transaction));
            await connection.ExecuteAsync(db.Text(DeleteItemJobsSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteItemSubtitlesSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteItemUploadsSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteTagsSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteItemWatchSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteItemVersionsSql), args, transaction);
            await connection.ExecuteAsync(db.Text(DeleteItemSql), args, transaction);
            return (IReadOnlyList<string>)keys;
        });
    }

    // ---- Storage quota ----

    private static readonly Sql UsageSql = Sql.Portable(
        "SELECT " +
        "(SELECT COALESCE(SUM(v.source_bytes + v.output_bytes), 0) FROM content_versions v JOIN content_items c ON c.id = v.item_id " +
        "  WHERE c.institution_id = @institutionId) + " +
        "(SELECT COALESCE(SUM(s.bytes), 0) FROM content_subtitles s JOIN content_items c ON c.id = s.item_id " +
        "  WHERE c.institution_id = @institutionId) + " +
        "(SELECT COALESCE(SUM(p.source_bytes + p.output_bytes), 0) FROM content_recording_pieces p " +
        "  JOIN content_recordings r ON r.id = p.recording_id WHERE r.institution_id = @institutionId) + " +
        "(SELECT COALESCE(SUM(u.length), 0) FROM content_uploads u " +
        "  WHERE u.institution_id = @institutionId AND u.completed_at IS NULL AND u.expires_at > @now) + " +
        "(SELECT COALESCE(SUM(r.bytes), 0) FROM content_reservations r " +
        "  WHERE r.institution_id = @institutionId AND r.expires_at > @now)");
    private static readonly Sql ItemCountSql = Sql.Portable("SELECT COUNT(*) FROM content_items WHERE institution_id = @institutionId");
    private static readonly Sql QuotaSql = Sql.Portable("SELECT quota_bytes FROM content_quotas WHERE institution_id = @institutionId");

    /// <summary>
    /// Bytes an institution holds: every version's source and outputs, subtitles, recording pieces, the full
    /// declared length of uploads still in progress (reserved when they were created), and files in transit
    /// (<see cref="StorageQuota"/>).
    /// </summary>
    public async Task<QuotaUsage> UsageAsync(Guid institutionId, long defaultQuotaBytes, DbConnection? connection = null, DbTransaction? transaction = null)
    {
        var own = connection is null ? await db.OpenAsync() : null;
        try
        {
            var c = connection ?? own!;
            var args = new { institutionId, now = clock.GetUtcNow() };
            var used = await c.ExecuteScalarAsync<long>(db.Text(UsageSql), args, transaction);
            var items = await c.ExecuteScalarAsync<long>(db.Text(ItemCountSql), args, transaction);
            var quota = await c.ExecuteScalarAsync<long?>(db.Text(QuotaSql), args, transaction);
            return new QuotaUsage(used, quota ?? defaultQuotaBytes, (int)items);
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    private static readonly Sql DeleteQuotaSql = Sql.Portable("DELETE FROM content_quotas WHERE institution_id = @institutionId");
    private static readonly Sql InsertQuotaSql = Sql.Portable(
        "INSERT INTO content_quotas (institution_id, quota_bytes, updated_at) VALUES (@institutionId, @quotaBytes, @now)");

    public async Task SetQuotaAsync(Guid institutionId, long quotaBytes)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(DeleteQuotaSql), new { institutionId }, transaction);
            return await connection.ExecuteAsync(db.Text(InsertQuotaSql), new { institutionId, quotaBytes, now = clock.GetUtcNow() }, transaction);
        });
    }

    // ---- Course items that stand for library items ----

    private static readonly Sql ModuleOfCourseSql = Sql.Portable(
        "SELECT COUNT(*) FROM course_modules WHERE id = @moduleId AND course_id = @courseId");
    private static readonly Sql NextItemPositionSql = Sql.Portable(
        "SELECT COALESCE(MAX(position), -1) + 1 FROM course_items WHERE module_id = @moduleId");
    private static readonly Sql InsertCourseItemSql = Sql.Portable(
        "INSERT INTO course_items (id, course_id, module_id, kind, title, body, url, position, ref_id) " +
        "VALUES (@Id, @CourseId, @ModuleId, @Kind, @Title, @Body, @Url, @Position, @RefId)");
    private static readonly Sql TouchCourseSql = Sql.Portable("UPDATE courses SET updated_at = @now WHERE id = @courseId");

    /// <summary>
    /// Adds a course item standing for a library item at the end of a module, inside the caller's
    /// transaction (a recording publishes its item and its course item together); null when the
    /// module is not the course's.
    /// </summary>
    public async Task<ItemRow?> AddCourseItemAsync(DbConnection connection, DbTransaction transaction,
        Guid courseId, Guid moduleId, string kind, string title, string? url, Guid contentId)
    {
        if (await connection.ExecuteScalarAsync<long>(db.Text(ModuleOfCourseSql), new { courseId, moduleId }, transaction) == 0)
            return null;
        var position = await connection.ExecuteScalarAsync<int>(db.Text(NextItemPositionSql), new { moduleId }, transaction);
        var item = new ItemRow
        {
            Id = Guid.CreateVersion7(), CourseId = courseId, ModuleId = moduleId, Kind = kind, Title = title,
            Url = url, Position = position, RefId = contentId,
        };
        await connection.ExecuteAsync(db.Text(InsertCourseItemSql), item, transaction);
        await connection.ExecuteAsync(db.Text(TouchCourseSql), new { courseId, now = clock.GetUtcNow() }, transaction);
        return item;
    }

    public async Task<ItemRow?> AddCourseItemAsync(Guid courseId, Guid moduleId, string kind, string title, string? url, Guid contentId) =>
        await db.InTransactionAsync((connection, transaction) =>
            AddCourseItemAsync(connection, transaction, courseId, moduleId, kind, title, url, contentId));

    private static readonly Sql FirstModuleSql = Sql.PerDialect(d => d.First(
        "SELECT id FROM course_modules WHERE course_id = @courseId ORDER BY position, id"));
    private static readonly Sql InsertModuleSql = Sql.Portable(
        "INSERT INTO course_modules (id, course_id, title, position) VALUES (@id, @courseId, @title, 0)");

    /// <summary>The course's first module, created with <paramref name="title"/> when the course has none.</summary>
    public async Task<Guid> FirstModuleAsync(DbConnection connection, DbTransaction transaction, Guid courseId, string title)
    {
        var existing = await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(FirstModuleSql), new { courseId }, transaction);
        if (existing is { } id) return id;
        id = Guid.CreateVersion7();
        await connection.ExecuteAsync(db.Text(InsertModuleSql), new { id, courseId, title }, transaction);
        return id;
    }

    public static string Truncate(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
