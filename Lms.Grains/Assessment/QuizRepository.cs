using Dapper;
using Lms.Grains.Courses;
using Lms.Grains.Data;

namespace Lms.Grains.Assessment;

/// <summary>Quizzes: a course item of kind "quiz" whose record (settings and sections) lives here.</summary>
public sealed class QuizRepository(Db db, CourseRepository courses, TimeProvider clock)
{
    public const string ItemKind = "quiz";

    private static readonly ReadThroughCache<Guid, Quiz?> Cache = new(TimeSpan.FromSeconds(2));

    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO quizzes (id, course_id, title, settings, definition, created_at, updated_at) " +
        "VALUES (@id, @courseId, @title, @settings, @definition, @now, @now)");

    /// <summary>Creates the quiz and its item at the end of a module; null when the module is not the course's.</summary>
    public async Task<(Guid QuizId, Guid ItemId)?> CreateAsync(Guid courseId, Guid moduleId, string title, QuizSettings settings, QuizDefinition definition)
    {
        var id = Guid.CreateVersion7();
        await using (var connection = await db.OpenAsync())
            await connection.ExecuteAsync(db.Text(InsertSql), new
            {
                id, courseId, title, settings = AssessmentJson.Write(settings), definition = AssessmentJson.Write(definition), now = clock.GetUtcNow(),
            });
        var item = await courses.AddItemAsync(courseId, moduleId, ItemKind, title, settings.Description, null, id);
        if (item is null)
        {
            await db.ExecuteAsync(DeleteSql, new { id });
            return null;
        }
        return (id, item.Id);
    }

    private static readonly Sql DeleteSql = Sql.Portable("DELETE FROM quizzes WHERE id = @id");

    private static readonly Sql GetSql = Sql.Portable(
        "SELECT q.id, q.course_id, q.title, q.settings, q.definition, q.updated_at, c.institution_id FROM quizzes q JOIN courses c ON c.id = q.course_id WHERE q.id = @id");

    private sealed record QuizDbRow
    {
        public Guid Id { get; init; }
        public Guid CourseId { get; init; }
        public Guid InstitutionId { get; init; }
        public string Title { get; init; } = "";
        public string Settings { get; init; } = "{}";
        public string Definition { get; init; } = "{}";
    }

    /// <summary>The quiz; read through a two-second cache (one load at a time), since a class starting together reads it thousands of times.</summary>
    public Task<Quiz?> GetAsync(Guid id, bool fresh = false)
    {
        if (fresh) Cache.Forget(id);
        return Cache.GetAsync(id, clock.GetUtcNow(), LoadAsync);
    }

    private async Task<Quiz?> LoadAsync(Guid id)
    {
        var row = await db.SingleOrDefaultAsync<QuizDbRow>(GetSql, new { id });
        if (row is null) return null;
        return new Quiz(row.Id, row.CourseId, row.InstitutionId, row.Title,
            AssessmentJson.Read<QuizSettings>(row.Settings), AssessmentJson.Read<QuizDefinition>(row.Definition));
    }

    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE quizzes SET title = @title, settings = @settings, definition = @definition, updated_at = @now WHERE id = @id");
    private static readonly Sql UpdateItemSql = Sql.Portable(
        "UPDATE course_items SET title = @title, body = @body WHERE ref_id = @id AND kind = 'quiz'");

    public async Task UpdateAsync(Guid id, string title, QuizSettings settings, QuizDefinition definition)
    {
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var args = new { id, title, settings = AssessmentJson.Write(settings), definition = AssessmentJson.Write(definition), body = settings.Description, now = clock.GetUtcNow() };
            await connection.ExecuteAsync(db.Text(UpdateSql), args, transaction);
            await connection.ExecuteAsync(db.Text(UpdateItemSql), args, transaction);
            return 0;
        });
        Cache.Forget(id);
    }

    private static readonly Sql CopySql = Sql.Portable(
        "INSERT INTO quizzes (id, course_id, title, settings, definition, created_at, updated_at) " +
        "SELECT @newId, @courseId, title, settings, definition, @now, @now FROM quizzes WHERE id = @id");

    /// <summary>
    /// A new quiz in <paramref name="toCourseId"/> with the same title, settings and sections (the same
    /// bank questions and random draws); no attempt is copied. Null when the quiz is gone. The caller
    /// adds the course item (a re-run's copy of the outline does).
    /// </summary>
    public async Task<Guid?> CopyAsync(Guid quizId, Guid toCourseId)
    {
        var newId = Guid.CreateVersion7();
        var copied = await db.ExecuteAsync(CopySql, new { newId, courseId = toCourseId, id = quizId, now = clock.GetUtcNow() });
        return copied == 1 ? newId : null;
    }

    private static readonly Sql ByCourseSql = Sql.Portable(
        "SELECT q.id, q.course_id, q.title, q.settings, q.definition, q.updated_at FROM quizzes q " +
        "JOIN course_items ci ON ci.ref_id = q.id AND ci.kind = 'quiz' JOIN course_modules m ON m.id = ci.module_id " +
        "WHERE q.course_id = @courseId ORDER BY m.position, ci.position");

    /// <summary>The course's quizzes in outline order (a quiz whose item was deleted is left out).</summary>
    public async Task<IReadOnlyList<QuizRow>> ByCourseAsync(Guid courseId) =>
        await db.QueryAsync<QuizRow>(ByCourseSql, new { courseId });
}
