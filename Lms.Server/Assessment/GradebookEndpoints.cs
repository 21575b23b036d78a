using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Data;
using Lms.Grains.Privacy;
using Lms.Server.Courses;
using Lms.Server.Exports;
using Lms.Server.Identity;
using Lms.Server.Privacy;
using Lms.Server.Problems;

namespace Lms.Server.Assessment;

public sealed record GradebookColumn(Guid QuizId, string Title, double MaxPoints, double PassMark, string GradingMethod);

public sealed record GradebookCell(Guid QuizId, double? Score, double? Percent, int Attempts, bool Passed, bool Pending);

/// <param name="Login">The e-mail, else the national ID (masked for teachers: only the institution's admins see IDs).</param>
/// <param name="NationalId">For the institution's admins only; null for teachers.</param>
public sealed record GradebookRow(Guid UserId, string DisplayName, string? Login, IReadOnlyList<GradebookCell> Cells, double Total, double TotalMax, double? TotalPercent,
    string? ClassName = null, string? NationalId = null);

public sealed record Gradebook(Guid CourseId, string CourseTitle, IReadOnlyList<GradebookColumn> Columns, IReadOnlyList<GradebookRow> Rows);

public sealed record QueueItem(Guid AttemptId, Guid QuizId, string QuizTitle, Guid UserId, string DisplayName, int Slot, double Points,
    DateTimeOffset? SubmittedAt, StudentQuestion Question, System.Text.Json.JsonElement? Response);

public static class GradebookEndpoints
{
    public static void MapGradebookEndpoints(this RouteGroupBuilder api)
    {
        var course = api.MapGroup("/courses/{courseId:guid}").ProducesProblems(404).WithTags("Gradebook");
        course.MapGet("/gradebook", Get).WithSummary("Quizzes as columns, students as rows, totals (sum of points; the MOOC issue adds weights).")
            .ProducesProblems(403);
        course.MapGet("/gradebook.{format}", Export).ProducesProblems(403).WithSummary(
            "The gradebook as xlsx or csv, in the viewer's language (?language=vi|en, else Accept-Language): Vietnamese CSV is " +
            "semicolon-separated with decimal commas, English comma-separated; both UTF-8 with BOM. National IDs for admins only.");
        course.MapGet("/grading-queue", Queue).ProducesProblems(403).WithSummary("Answers waiting for a teacher (essays), oldest first.");
        course.MapGet("/quizzes", Quizzes).WithSummary("The course's quizzes in outline order.");
    }

    private sealed record StudentRow
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string? ClassName { get; init; }
    }

    // A student's class is their class in the course's institution (the first by name if the roster put them in two).
    private static readonly Sql StudentsSql = Sql.Portable(
        "SELECT u.id, u.display_name, u.email, u.national_id, " +
        "(SELECT MIN(c.name) FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "  WHERE cm.user_id = u.id AND c.institution_id = @institutionId) AS class_name " +
        "FROM enrolments e JOIN users u ON u.id = e.user_id " +
        "WHERE e.course_id = @courseId ORDER BY u.search_name, u.id");

    /// <summary>The gradebook as the caller may see it: national IDs only for the institution's admins.</summary>
    public static async Task<Gradebook> BuildAsync(CourseContext course, Db db, QuizRepository quizzes, AttemptRepository attempts)
    {
        var courseId = course.Course.Id;
        var title = course.Course.Title;
        var withIds = course.InstitutionAdmin;
        var rows = await quizzes.ByCourseAsync(courseId);
        var columns = rows.Select(r =>
        {
            var settings = AssessmentJson.Read<QuizSettings>(r.Settings);
            return (Column: new GradebookColumn(r.Id, r.Title, QuizGrades.MaxPoints(AssessmentJson.Read<QuizDefinition>(r.Definition)),
                settings.PassMark, settings.GradingMethod), Settings: settings);
        }).ToList();
        List<StudentRow> students;
        await using (var connection = await db.OpenAsync())
            students = (await connection.QueryAsync<StudentRow>(db.Text(StudentsSql),
                new { courseId, institutionId = course.Course.InstitutionId })).AsList();
        var all = (await attempts.ForCourseAsync(courseId)).ToLookup(a => (a.QuizId, a.UserId));
        var result = new List<GradebookRow>();
        foreach (var s in students)
        {
            var cells = columns.Select(c =>
            {
                var g = QuizGrades.For(c.Column.QuizId, s.Id, c.Settings, c.Column.MaxPoints, all[(c.Column.QuizId, s.Id)]);
                return new GradebookCell(c.Column.QuizId, g.Score, g.Percent, g.Attempts, g.Passed, g.Pending);
            }).ToList();
            var total = cells.Sum(c => c.Score ?? 0);
            var max = columns.Sum(c => c.Column.MaxPoints);
            var login = s.Email ?? (withIds ? s.NationalId : PersonalData.MaskNationalId(s.NationalId));
            result.Add(new GradebookRow(s.Id, s.DisplayName, login, cells, Math.Round(total, 2), max,
                max > 0 ? Math.Round(100 * total / max, 2) : null, s.ClassName, withIds ? s.NationalId : null));
        }
        return new Gradebook(courseId, title, columns.Select(c => c.Column).ToList(), result);
    }

    private static async Task<Gradebook> Get(Guid courseId, HttpContext http, CourseAccess access, Db db, QuizRepository quizzes, AttemptRepository attempts)
    {
        return await BuildAsync(await access.TeachAsync(http.User, courseId), db, quizzes, attempts);
    }

    /// <summary>
    /// The gradebook as one table in the viewer's language: who (number, name, class, login, and the national ID
    /// for the institution's admins only), each quiz's score, then the totals.
    /// </summary>
    public static ExportTable Table(Gradebook book, ExportLanguage language, bool withNationalIds)
    {
        var headers = new List<string> { language.Text("column.number"), language.Text("column.name"), language.Text("column.class"), language.Text("column.login") };
        if (withNationalIds) headers.Add(language.Text("column.nationalId"));
        headers.AddRange(book.Columns.Select(c => language.Text("column.quiz", ("title", c.Title), ("max", language.Number(c.MaxPoints)))));
        headers.AddRange([language.Text("column.total"), language.Text("column.max"), language.Text("column.percent")]);
        var rows = new List<IReadOnlyList<object?>>();
        foreach (var (r, number) in book.Rows.Select((r, i) => (r, i + 1)))
        {
            var row = new List<object?> { number, r.DisplayName, r.ClassName, r.Login };
            if (withNationalIds) row.Add(r.NationalId);
            row.AddRange(r.Cells.Select(c => (object?)c.Score));
            row.AddRange([r.Total, r.TotalMax, r.TotalPercent]);
            rows.Add(row);
        }
        return new ExportTable(language.Text("sheet.gradebook"), headers, rows);
    }

    private static async Task<IResult> Export(Guid courseId, string format, HttpContext http, CourseAccess access, Db db,
        QuizRepository quizzes, AttemptRepository attempts)
    {
        var exportFormat = TableExport.ParseFormat(format);
        var course = await access.TeachAsync(http.User, courseId);
        var book = await BuildAsync(course, db, quizzes, attempts);
        var language = ExportLanguage.Of(http.Request);
        await http.AuditAsync(course.Course.InstitutionId, PrivacySubjects.Course, courseId, PrivacyActions.GradebookExport,
            new { format, nationalIds = course.InstitutionAdmin, rows = book.Rows.Count });
        return TableExport.File(http, exportFormat, $"{language.Text("file.gradebook")} {book.CourseTitle}",
            [Table(book, language, withNationalIds: course.InstitutionAdmin)], language, $"gradebook of course {courseId}");
    }

    private static async Task<IReadOnlyList<QueueItem>> Queue(Guid courseId, HttpContext http, CourseAccess access, AttemptRepository attempts,
        QuestionRepository questions)
    {
        await access.TeachAsync(http.User, courseId);
        var queue = await attempts.GradingQueueAsync(courseId);
        var items = new List<QueueItem>();
        foreach (var group in queue.GroupBy(q => q.AttemptId))
        {
            var answers = AnswerOrder.Current(await attempts.AnswersAsync(group.Key));
            foreach (var q in group)
            {
                var content = await questions.ContentAsync(q.QuestionId, q.Version);
                var plan = new SlotPlan(q.Slot, null, q.QuestionId, q.Version, q.Points, null);
                System.Text.Json.JsonElement? response = answers.TryGetValue(q.Slot, out var a)
                    ? System.Text.Json.JsonDocument.Parse(a.Response).RootElement.Clone() : null;
                items.Add(new QueueItem(q.AttemptId, q.QuizId, q.QuizTitle, q.UserId, q.DisplayName, q.Slot, q.Points, q.SubmittedAt,
                    AttemptEndpoints.ForStudent(plan, content), response));
            }
        }
        return items;
    }

    private static async Task<IReadOnlyList<QuizRow>> Quizzes(Guid courseId, HttpContext http, CourseAccess access, QuizRepository quizzes)
    {
        await access.ViewAsync(http.User, courseId);
        return await quizzes.ByCourseAsync(courseId);
    }
}
