using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>A student's row of a subject's term: the cells (column → "7.5" or "dat"), the term's result and, in term II, the year's.</summary>
public sealed record MarkRowView(
    Guid StudentId, string Name, IReadOnlyDictionary<string, string> Cells, decimal? Average, string? Rating, decimal? YearAverage, string? YearRating);

/// <summary>A subject's mark book for a class and term, as the grid shows it.</summary>
public sealed record MarkSheetView(
    Guid YearId, IReadOnlyList<TermView> Terms, Guid TermId, int TermNumber, Guid ClassId, string ClassName, Guid SubjectId, string SubjectName, string Assessment,
    IReadOnlyList<string> Columns, bool Locked, bool CanEdit, IReadOnlyList<MarkRowView> Students);

/// <summary>One cell: a score 0–10 with one decimal (scored subjects), or a rating dat / chua-dat (comment-only); neither clears it. A locked term needs a reason.</summary>
public sealed record MarkCellRequest(decimal? Score, string? Rating, [property: StringLength(500)] string? Reason);

public sealed record MarkTermView(Guid TermId, int Number, IReadOnlyDictionary<string, string> Cells, decimal? Average, string? Rating);

public sealed record MarkSubjectView(
    Guid SubjectId, string Name, string Assessment, IReadOnlyList<string> Columns, IReadOnlyList<MarkTermView> Terms, decimal? YearAverage,
    string? YearRating);

/// <summary>A student's marks of the year: each subject's cells and results per term, the year's, and the learning result (Tốt … Chưa đạt) once complete.</summary>
public sealed record StudentMarksView(
    StudentInClass Student, Guid? YearId, string? YearName, IReadOnlyList<MarkSubjectView> Subjects, IReadOnlyList<string?> TermResults,
    string? YearResult, IReadOnlyList<string?> TermConduct, string? YearConduct);

/// <summary>The principal locks a term's marks for one class, or for every class of the school when none is named.</summary>
public sealed record MarkLockRequest(Guid? ClassId);

public sealed record MarkLockResult(int Locked);

/// <summary>The principal lifts a class's lock of a term; the reason is required and logged.</summary>
public sealed record MarkUnlockRequest([property: Required] Guid ClassId, [property: Required, StringLength(500, MinimumLength = 1)] string Reason);

public sealed record MarkBooksView(Guid? YearId, IReadOnlyList<TermView> Terms, IReadOnlyList<MarkBookEntry> Books);

/// <summary>
/// The mark book by Circular 22: a subject's sheet per class and term, saved one cell at a time by the subject's
/// teacher (an idempotent PUT: a retry never doubles, nothing entered is lost); the homeroom teacher and the school's
/// admins read the whole class, a student and their parents that student's own marks. The principal locks a term;
/// after that a change needs a reason and is logged.
/// </summary>
public static class MarkBookEndpoints
{
    public static void MapMarkBookEndpoints(this RouteGroupBuilder api)
    {
        var sheet = api.MapGroup("/school-years/{yearId:guid}/classes/{classId:guid}/mark-book").ProducesProblems(403, 404).WithTags("Mark book");
        sheet.MapGet("/{subjectId:guid}/terms/{termId:guid}", Sheet)
            .WithSummary("A subject's marks in a class and term, with each student's averages (its teacher, the homeroom teacher, admins).");
        sheet.MapPut("/{subjectId:guid}/terms/{termId:guid}/students/{studentId:guid}/{column}", SaveCell).ProducesProblems(400, 409)
            .WithSummary("Saves one cell (tx1…tx4, gk, ck) of a student (the subject's teacher); a locked term needs a reason, and the change is logged.");
        sheet.MapGet("/changes", Changes).WithSummary("Changes made after a term was locked: who, when, old, new, why (homeroom teacher, admins).");

        api.MapPost("/school-years/{yearId:guid}/terms/{termId:guid}/lock", Lock).ProducesProblems(400, 403, 404).WithTags("Mark book")
            .WithSummary("Locks a term's marks for a class, or for the whole school (the school's admins).");
        api.MapPost("/school-years/{yearId:guid}/terms/{termId:guid}/unlock", Unlock).ProducesProblems(400, 403, 404, 409).WithTags("Mark book")
            .WithSummary("Lifts a class's lock of a term, with a reason that is logged (the school's admins).");
        sheet.MapGet("/unlocks", Unlocks).WithSummary("The term locks the principal lifted: when, who, why (homeroom teacher, admins).");
        api.MapGet("/school-year/mark-books", Books).WithTags("Mark book")
            .WithSummary("The subjects whose marks the caller keeps or reads as homeroom teacher, in the current school year.");
        api.MapGet("/school-year/students/{studentId:guid}/marks", StudentMarks).ProducesProblems(404).WithTags("Mark book")
            .WithSummary("A student's marks of the year by subject and term, averages and results (the student, their parents, the homeroom teacher, admins).");
    }

    /// <summary>Who may read a class's subject: admins, the homeroom teacher, the subject's teacher; and whether the caller keeps it.</summary>
    internal static async Task<(SchoolYearView Year, ClassInfo Class, SubjectView Subject, TermView Term, bool Keeps)> ReadableAsync(
        ClaimsPrincipal user, Guid yearId, Guid classId, Guid subjectId, Guid termId, SchoolYearAccess access, SchoolYearRepository years)
    {
        var (year, found, roles) = await access.ClassAsync(user, yearId, classId, Roles.Admin, Roles.Teacher);
        var subject = await years.SubjectAsync(year.InstitutionId, subjectId) ?? throw ProblemException.NotFound("The subject");
        var term = year.Terms.FirstOrDefault(t => t.Id == termId) ?? throw ProblemException.NotFound("The term");
        var me = user.Id();
        var keeps = (await years.TeachersAsync(yearId, classId)).Subjects.Any(s => s.SubjectId == subjectId && s.TeacherId == me);
        if (!keeps && !roles.Contains(Roles.Admin) && !await years.IsHomeroomTeacherAsync(yearId, classId, me))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-your-class",
                "Only the subject's teacher, the class's homeroom teacher and the school's admins see these marks.");
        return (year, found, subject, term, keeps);
    }

    internal static async Task<MarkSheetView> Sheet(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years,
        SchoolPeople people, MarkBookRepository marks)
    {
        var (year, found, subject, term, keeps) = await ReadableAsync(http.User, yearId, classId, subjectId, termId, access, years);
        var students = await people.ClassStudentsAsync(classId);
        var cells = await marks.SubjectCellsAsync(classId, subjectId);
        var locked = (await marks.LocksAsync(classId)).Any(l => l.TermId == termId);
        return new MarkSheetView(yearId, year.Terms, termId, term.Number, classId, found.Name, subjectId, subject.Name, subject.Assessment,
            MarkColumns.For(subject.Assessment, subject.PeriodsPerYear), locked, keeps,
            students.Select(s => Row(year, term, subject, s, cells)).ToList());
    }

    private static MarkRowView Row(SchoolYearView year, TermView term, SubjectView subject, PersonName student, IReadOnlyList<MarkCellRow> cells)
    {
        var mine = cells.Where(c => c.StudentId == student.Id).ToList();
        Dictionary<string, MarkValue> Of(Guid termId) => mine.Where(c => c.TermId == termId).ToDictionary(c => c.ColumnKey, c => c.Value);
        var now = MarkBookResults.Term(subject, Of(term.Id));
        var yearResult = MarkResult.None;
        if (term.Number == 2 && year.Terms.FirstOrDefault(t => t.Number == 1) is { } first)
            yearResult = MarkBookResults.Year(subject, MarkBookResults.Term(subject, Of(first.Id)), now);
        return new MarkRowView(student.Id, student.Name, Texts(Of(term.Id)), now.Average, now.Rating, yearResult.Average, yearResult.Rating);
    }

    private static Dictionary<string, string> Texts(Dictionary<string, MarkValue> cells) =>
        cells.Where(c => c.Value.Text is not null).ToDictionary(c => c.Key, c => c.Value.Text!);

    private static async Task<MarkRowView> SaveCell(
        Guid yearId, Guid classId, Guid subjectId, Guid termId, Guid studentId, string column, MarkCellRequest request, HttpContext http,
        SchoolYearAccess access, SchoolYearRepository years, SchoolPeople people, MarkBookRepository marks)
    {
        var (year, _, subject, term, keeps) = await ReadableAsync(http.User, yearId, classId, subjectId, termId, access, years);
        if (!keeps)
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-your-subject",
                "Only the subject's teacher in this class enters its marks.");
        if (!MarkColumns.For(subject.Assessment, subject.PeriodsPerYear).Contains(column))
            throw ProblemException.Invalid("column", "The subject has no such column this term.", "unknown-column", column);
        var value = Validate(subject, request);
        var student = (await people.ClassStudentsAsync(classId)).FirstOrDefault(s => s.Id == studentId)
                      ?? throw ProblemException.NotFound("The student");
        var outcome = await marks.SaveAsync(new MarkCellKey(termId, classId, subjectId, studentId, column), value, http.User.Id(), request.Reason);
        if (outcome == MarkSaveOutcome.LockedNeedsReason)
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "term-locked",
                "The term is locked: a change needs a reason, and is logged.", term.Number.ToString(CultureInfo.InvariantCulture), "reason");
        return Row(year, term, subject, student, await marks.SubjectCellsAsync(classId, subjectId));
    }

    /// <summary>A score 0–10 with one decimal for a scored subject, dat / chua-dat for a comment-only one (Circular 22 articles 5 and 6).</summary>
    private static MarkValue Validate(SubjectView subject, MarkCellRequest request)
    {
        if (request.Score is null && request.Rating is null) return MarkValue.Empty;
        if (subject.Assessment == SubjectAssessments.CommentOnly)
        {
            if (request.Score is not null || request.Rating is not (C22Ratings.Dat or C22Ratings.ChuaDat))
                throw ProblemException.Invalid("rating", "A comment-only subject is rated dat or chua-dat.", "rating-only", request.Rating);
            return new MarkValue(null, request.Rating);
        }
        if (request.Score is not { } score || request.Rating is not null)
            throw ProblemException.Invalid("score", "A scored subject takes a score.", "score-only");
        var text = score.ToString(CultureInfo.InvariantCulture);
        if (score is < Circular22.MinScore or > Circular22.MaxScore)
            throw ProblemException.Invalid("score", "A score is from 0 to 10.", "score-out-of-range", text);
        if (!Circular22.IsScore(score)) throw ProblemException.Invalid("score", "A score has at most one decimal.", "score-one-decimal", text);
        return new MarkValue(decimal.Round(score, 1), null);
    }

    private static async Task<IReadOnlyList<MarkChangeView>> Changes(
        Guid yearId, Guid classId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, MarkBookRepository marks)
    {
        var (_, _, roles) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        if (!roles.Contains(Roles.Admin) && !await years.IsHomeroomTeacherAsync(yearId, classId, http.User.Id()))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-homeroom",
                "The log of changes is the homeroom teacher's and the school's admins'.");
        return await marks.ChangesAsync(classId);
    }

    private static async Task<MarkLockResult> Lock(
        Guid yearId, Guid termId, MarkLockRequest request, HttpContext http, SchoolYearAccess access, ClassRepository classes, MarkBookRepository marks)
    {
        var (year, _) = await access.YearAsync(http.User, yearId, Roles.Admin);
        if (year.Terms.All(t => t.Id != termId)) throw ProblemException.NotFound("The term");
        IReadOnlyList<Guid> classIds;
        if (request.ClassId is { } classId)
            classIds = [(await classes.GetAsync(year.InstitutionId, classId) ?? throw ProblemException.NotFound("The class")).Id];
        else classIds = (await classes.ListAsync(year.InstitutionId)).Select(c => c.Id).ToList();
        return new MarkLockResult(await marks.LockAsync(termId, classIds, http.User.Id()));
    }

    private static async Task<IResult> Unlock(
        Guid yearId, Guid termId, MarkUnlockRequest request, HttpContext http, SchoolYearAccess access, ClassRepository classes, MarkBookRepository marks)
    {
        var (year, _) = await access.YearAsync(http.User, yearId, Roles.Admin);
        if (year.Terms.All(t => t.Id != termId)) throw ProblemException.NotFound("The term");
        if (string.IsNullOrWhiteSpace(request.Reason)) throw ProblemException.Invalid("reason", "Unlocking a term needs a reason.", "reason-required");
        _ = await classes.GetAsync(year.InstitutionId, request.ClassId) ?? throw ProblemException.NotFound("The class");
        if (!await marks.UnlockAsync(termId, request.ClassId, http.User.Id(), request.Reason))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "term-not-locked", "The term is not locked for the class.");
        return Results.NoContent();
    }

    private static async Task<IReadOnlyList<MarkUnlockView>> Unlocks(
        Guid yearId, Guid classId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, MarkBookRepository marks)
    {
        var (_, _, roles) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        if (!roles.Contains(Roles.Admin) && !await years.IsHomeroomTeacherAsync(yearId, classId, http.User.Id()))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-homeroom",
                "The log of unlocks is the homeroom teacher's and the school's admins'.");
        return await marks.UnlocksAsync(classId);
    }

    private static async Task<MarkBooksView> Books(HttpContext http, TimeProvider clock, UserRepository users, SchoolYearRepository years, MarkBookRepository marks)
    {
        var today = SchoolDays.Text(SchoolDays.Today(clock));
        foreach (var membership in (await users.MembershipsAsync(http.User.Id())).Where(m => m.Role == Roles.Teacher))
            if (await CurrentYearAsync(years, membership.InstitutionId, today) is { } year)
                return new MarkBooksView(year.Id, year.Terms, await marks.TeacherBooksAsync(year.Id, http.User.Id()));
        return new MarkBooksView(null, [], []);
    }

    /// <summary>The year holding the day; between terms (summer, Tết), the newest year.</summary>
    private static async Task<SchoolYearView?> CurrentYearAsync(SchoolYearRepository years, Guid institutionId, string day) =>
        (await years.OnDayAsync(institutionId, day))?.Year ?? (await years.ListAsync(institutionId)).FirstOrDefault();

    private static async Task<StudentMarksView> StudentMarks(
        Guid studentId, HttpContext http, TimeProvider clock, SchoolYearAccess access, UserRepository users, SchoolPeople people,
        SchoolYearRepository years, MarkBookRepository marks, MarkBookConduct conduct)
    {
        var student = await access.StudentAsync(http.User, studentId);
        var me = http.User.Id();
        var year = await CurrentYearAsync(years, student.InstitutionId, SchoolDays.Text(SchoolDays.Today(clock)));
        // Marks of a minor are the family's, the homeroom teacher's and the admins': another teacher of the school is told nothing.
        if (me != studentId && !await users.IsParentOfAsync(me, studentId) && !await people.HasRoleAsync(student.InstitutionId, me, Roles.Admin)
            && !(year is not null && await years.IsHomeroomTeacherAsync(year.Id, student.ClassId, me)))
            throw ProblemException.NotFound("The student");
        if (year is null) return new StudentMarksView(student, null, null, [], [], null, [], null);
        return await MarksOfYearAsync(student, year, years, marks, conduct);
    }

    /// <summary>
    /// A student's marks of a year in their class, by the Circular's rules: the one computation the child's page and
    /// the report cards share, so a card never shows a result worked out another way.
    /// </summary>
    public static async Task<StudentMarksView> MarksOfYearAsync(
        StudentInClass student, SchoolYearView year, SchoolYearRepository years, MarkBookRepository marks, MarkBookConduct conduct)
    {
        var studentId = student.StudentId;
        var subjects = (await years.SubjectsAsync(student.InstitutionId)).ToDictionary(s => s.Id);
        var taught = (await years.TeachersAsync(year.Id, student.ClassId)).Subjects.Select(s => subjects[s.SubjectId]).ToList();
        var cells = await marks.StudentCellsAsync(studentId, student.ClassId);
        var terms = year.Terms.OrderBy(t => t.Number).ToList();
        var views = new List<MarkSubjectView>();
        var termResults = terms.Select(_ => new List<MarkResult>()).ToList();
        var yearResults = new List<MarkResult>();
        foreach (var subject in taught)
        {
            var perTerm = terms.Select(t => cells.Where(c => c.SubjectId == subject.Id && c.TermId == t.Id).ToDictionary(c => c.ColumnKey, c => c.Value)).ToList();
            var results = perTerm.Select(c => MarkBookResults.Term(subject, c)).ToList();
            for (var i = 0; i < results.Count; i++) termResults[i].Add(results[i]);
            var yearResult = results.Count == 2 ? MarkBookResults.Year(subject, results[0], results[1]) : MarkResult.None;
            yearResults.Add(yearResult);
            views.Add(new MarkSubjectView(subject.Id, subject.Name, subject.Assessment, MarkColumns.For(subject.Assessment, subject.PeriodsPerYear),
                terms.Select((t, i) => new MarkTermView(t.Id, t.Number, Texts(perTerm[i]), results[i].Average, results[i].Rating)).ToList(),
                yearResult.Average, yearResult.Rating));
        }
        var ratings = (await conduct.ClassAsync(student.ClassId)).Where(c => c.StudentId == studentId).ToDictionary(c => c.TermId, c => c.Rating);
        var termConduct = terms.Select(t => ratings.GetValueOrDefault(t.Id)).ToList();
        return new StudentMarksView(student, year.Id, year.Name, views, termResults.Select(MarkBookResults.LearningResult).ToList(),
            MarkBookResults.LearningResult(yearResults), termConduct,
            termConduct.Count == 2 ? MarkBookConduct.Year(termConduct[0], termConduct[1]) : null);
    }
}
