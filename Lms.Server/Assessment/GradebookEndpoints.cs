using System.Globalization;
using System.Text;
using Dapper;
using Lms.Grains.Assessment;
using Lms.Grains.Data;
using Lms.Server.Courses;

namespace Lms.Server.Assessment;

public sealed record GradebookColumn(Guid QuizId, string Title, double MaxPoints, double PassMark, string GradingMethod);

public sealed record GradebookCell(Guid QuizId, double? Score, double? Percent, int Attempts, bool Passed, bool Pending);

public sealed record GradebookRow(Guid UserId, string DisplayName, string? Login, IReadOnlyList<GradebookCell> Cells, double Total, double TotalMax, double? TotalPercent);

public sealed record Gradebook(Guid CourseId, string CourseTitle, IReadOnlyList<GradebookColumn> Columns, IReadOnlyList<GradebookRow> Rows);

public sealed record QueueItem(Guid AttemptId, Guid QuizId, string QuizTitle, Guid UserId, string DisplayName, int Slot, double Points,
    DateTimeOffset? SubmittedAt, StudentQuestion Question, System.Text.Json.JsonElement? Response);

public static class GradebookEndpoints
{
    public static void MapGradebookEndpoints(this RouteGroupBuilder api)
    {
        var course = api.MapGroup("/courses/{courseId:guid}").WithTags("Gradebook");
        course.MapGet("/gradebook", Get).WithSummary("Quizzes as columns, students as rows, totals (sum of points; the MOOC issue adds weights).");
        course.MapGet("/gradebook.csv", Csv).WithSummary("The gradebook as CSV (UTF-8 with BOM, for Excel).");
        course.MapGet("/gradebook.xlsx", Excel).WithSummary("The gradebook as an Excel workbook.");
        course.MapGet("/grading-queue", Queue).WithSummary("Answers waiting for a teacher (essays), oldest first.");
        course.MapGet("/quizzes", Quizzes).WithSummary("The course's quizzes in outline order.");
    }

    private sealed record StudentRow
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
    }

    private static readonly Sql StudentsSql = Sql.Portable(
        "SELECT u.id, u.display_name, u.email, u.national_id FROM enrolments e JOIN users u ON u.id = e.user_id " +
        "WHERE e.course_id = @courseId ORDER BY u.search_name, u.id");

    public static async Task<Gradebook> BuildAsync(Guid courseId, string title, Db db, QuizRepository quizzes, AttemptRepository attempts)
    {
        var rows = await quizzes.ByCourseAsync(courseId);
        var columns = rows.Select(r =>
        {
            var settings = AssessmentJson.Read<QuizSettings>(r.Settings);
            return (Column: new GradebookColumn(r.Id, r.Title, QuizGrades.MaxPoints(AssessmentJson.Read<QuizDefinition>(r.Definition)),
                settings.PassMark, settings.GradingMethod), Settings: settings);
        }).ToList();
        List<StudentRow> students;
        await using (var connection = await db.OpenAsync())
            students = (await connection.QueryAsync<StudentRow>(db.Text(StudentsSql), new { courseId })).AsList();
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
            result.Add(new GradebookRow(s.Id, s.DisplayName, s.Email ?? s.NationalId, cells, Math.Round(total, 2), max,
                max > 0 ? Math.Round(100 * total / max, 2) : null));
        }
        return new Gradebook(courseId, title, columns.Select(c => c.Column).ToList(), result);
    }

    private static async Task<Gradebook> Get(Guid courseId, HttpContext http, CourseAccess access, Db db, QuizRepository quizzes, AttemptRepository attempts)
    {
        var course = await access.TeachAsync(http.User, courseId);
        return await BuildAsync(courseId, course.Course.Title, db, quizzes, attempts);
    }

    private static List<IReadOnlyList<object?>> Table(Gradebook book)
    {
        var header = new List<object?> { "Student", "Login" };
        header.AddRange(book.Columns.Select(c => $"{c.Title} (/{c.MaxPoints.ToString(CultureInfo.InvariantCulture)})"));
        header.AddRange(["Total", "Max", "Percent"]);
        var table = new List<IReadOnlyList<object?>> { header };
        foreach (var r in book.Rows)
        {
            var row = new List<object?> { r.DisplayName, r.Login };
            row.AddRange(r.Cells.Select(c => (object?)c.Score));
            row.AddRange([r.Total, r.TotalMax, r.TotalPercent]);
            table.Add(row);
        }
        return table;
    }

    private static string FileName(string title, string ext)
    {
        var safe = new string(SearchText.Fold(title).Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return $"gradebook-{(safe.Length > 40 ? safe[..40] : safe)}.{ext}";
    }

    private static async Task<IResult> Csv(Guid courseId, HttpContext http, CourseAccess access, Db db, QuizRepository quizzes, AttemptRepository attempts)
    {
        var course = await access.TeachAsync(http.User, courseId);
        var book = await BuildAsync(courseId, course.Course.Title, db, quizzes, attempts);
        var sb = new StringBuilder();
        foreach (var row in Table(book))
            sb.Append(string.Join(",", row.Select(Cell))).Append("\r\n");
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(sb.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", FileName(book.CourseTitle, "csv"));
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    private static string Quote(string s)
    {
        // A leading =, +, - or @ would be a formula in a spreadsheet: keep it text.
        if (s.Length > 0 && s[0] is '=' or '+' or '-' or '@') s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    private static async Task<IResult> Excel(Guid courseId, HttpContext http, CourseAccess access, Db db, QuizRepository quizzes, AttemptRepository attempts)
    {
        var course = await access.TeachAsync(http.User, courseId);
        var book = await BuildAsync(courseId, course.Course.Title, db, quizzes, attempts);
        return TypedResults.File(Xlsx.Write(book.CourseTitle, Table(book)),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", FileName(book.CourseTitle, "xlsx"));
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
