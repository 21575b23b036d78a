using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>A term of a school year: its number (1 or 2) and its first and last day (yyyy-MM-dd).</summary>
public sealed record TermView
{
    public Guid Id { get; init; }
    public int Number { get; init; }
    public string StartsOn { get; init; } = "";
    public string EndsOn { get; init; } = "";
}

public sealed record SchoolYearView
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string Name { get; init; } = "";
    public IReadOnlyList<TermView> Terms { get; init; } = [];
}

/// <summary>A subject as a school teaches it: the mark book hangs its columns off <see cref="Assessment"/> and the periods.</summary>
public sealed record SubjectView
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public string Assessment { get; init; } = "";
    public int PeriodsPerYear { get; init; }
    public int Position { get; init; }

    /// <summary>Periods a week over the curriculum's 35 weeks (Lịch sử at upper secondary: 52 a year, 1.5 a week).</summary>
    public double PeriodsPerWeek => Math.Round(PeriodsPerYear / 35.0, 1);
}

public sealed record HomeroomClass
{
    public Guid SchoolYearId { get; init; }
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
}

public sealed record ClassTeacherView
{
    public Guid SubjectId { get; init; }
    public string SubjectName { get; init; } = "";
    public Guid TeacherId { get; init; }
    public string TeacherName { get; init; } = "";
}

public sealed record ClassTeachersView
{
    public Guid ClassId { get; init; }
    public Guid? HomeroomTeacherId { get; init; }
    public string? HomeroomTeacherName { get; init; }
    public IReadOnlyList<ClassTeacherView> Subjects { get; init; } = [];
}

/// <summary>
/// The school year and what hangs off it: the two terms, the institution's subjects (seeded from the curriculum),
/// each class's homeroom teacher and its teacher of each subject.
/// </summary>
public sealed class SchoolYearRepository(Db db, TimeProvider clock)
{
    private static readonly Sql YearsSql = Sql.Portable(
        "SELECT id, institution_id, name FROM school_years WHERE institution_id = @institutionId ORDER BY name DESC");
    private static readonly Sql TermsSql = Sql.Portable(
        "SELECT t.id, t.school_year_id, t.number, t.starts_on, t.ends_on FROM school_terms t " +
        "JOIN school_years y ON y.id = t.school_year_id WHERE y.institution_id = @institutionId ORDER BY t.number");

    // Dapper fills rows through their properties: SQLite hands back Guids as text, which only a type handler on a property reads.
    private sealed record TermRow
    {
        public Guid Id { get; init; }
        public Guid SchoolYearId { get; init; }
        public int Number { get; init; }
        public string StartsOn { get; init; } = "";
        public string EndsOn { get; init; } = "";
    }

    private sealed record YearRow
    {
        public Guid Id { get; init; }
        public Guid InstitutionId { get; init; }
        public string Name { get; init; } = "";
    }

    /// <summary>The institution's school years, newest first, each with its terms.</summary>
    public async Task<IReadOnlyList<SchoolYearView>> ListAsync(Guid institutionId)
    {
        await using var connection = await db.OpenAsync();
        var years = await connection.QueryAsync<YearRow>(db.Text(YearsSql), new { institutionId });
        var terms = (await connection.QueryAsync<TermRow>(db.Text(TermsSql), new { institutionId })).ToLookup(t => t.SchoolYearId);
        return years.Select(y => new SchoolYearView
        {
            Id = y.Id, InstitutionId = y.InstitutionId, Name = y.Name,
            Terms = terms[y.Id].Select(t => new TermView { Id = t.Id, Number = t.Number, StartsOn = t.StartsOn, EndsOn = t.EndsOn }).ToList(),
        }).ToList();
    }

    private static readonly Sql YearSql = Sql.Portable("SELECT id, institution_id, name FROM school_years WHERE id = @yearId");

    public async Task<SchoolYearView?> GetAsync(Guid yearId)
    {
        var year = await db.SingleOrDefaultAsync<YearRow>(YearSql, new { yearId });
        return year is null ? null : (await ListAsync(year.InstitutionId)).Single(y => y.Id == yearId);
    }

    /// <summary>The year whose terms hold <paramref name="day"/>, with the term, if any.</summary>
    public async Task<(SchoolYearView Year, TermView Term)?> OnDayAsync(Guid institutionId, string day)
    {
        foreach (var year in await ListAsync(institutionId))
            if (year.Terms.FirstOrDefault(t => string.CompareOrdinal(t.StartsOn, day) <= 0 && string.CompareOrdinal(day, t.EndsOn) <= 0) is { } term)
                return (year, term);
        return null;
    }

    private static readonly Sql InsertYearSql = Sql.Portable(
        "INSERT INTO school_years (id, institution_id, name, created_at) VALUES (@id, @institutionId, @name, @now)");
    private static readonly Sql InsertTermSql = Sql.Portable(
        "INSERT INTO school_terms (id, school_year_id, number, starts_on, ends_on) VALUES (@id, @yearId, @number, @startsOn, @endsOn)");

    /// <summary>A new school year with its terms (already checked), or null when the institution has one by that name.</summary>
    public async Task<Guid?> CreateAsync(Guid institutionId, string name, IReadOnlyList<(DateOnly Starts, DateOnly Ends)> terms)
    {
        try
        {
            return await db.InTransactionAsync(async (connection, transaction) =>
            {
                var id = Guid.CreateVersion7();
                await connection.ExecuteAsync(db.Text(InsertYearSql), new { id, institutionId, name, now = clock.GetUtcNow() }, transaction);
                for (var i = 0; i < terms.Count; i++)
                    await connection.ExecuteAsync(db.Text(InsertTermSql), new
                    {
                        id = Guid.CreateVersion7(), yearId = id, number = i + 1, startsOn = Day(terms[i].Starts), endsOn = Day(terms[i].Ends),
                    }, transaction);
                return (Guid?)id;
            });
        }
        catch (DbException)
        {
            return null; // the unique index (institution, name) decided
        }
    }

    /// <summary>A day as it is stored and compared: yyyy-MM-dd.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly Sql SubjectsSql = Sql.Portable(
        "SELECT id, code, name, assessment, periods_per_year, position FROM subjects WHERE institution_id = @institutionId ORDER BY position, name");

    public async Task<IReadOnlyList<SubjectView>> SubjectsAsync(Guid institutionId) =>
        await db.QueryAsync<SubjectView>(SubjectsSql, new { institutionId });

    private static readonly Sql SubjectSql = Sql.Portable(
        "SELECT id, code, name, assessment, periods_per_year, position FROM subjects WHERE id = @subjectId AND institution_id = @institutionId");

    public Task<SubjectView?> SubjectAsync(Guid institutionId, Guid subjectId) =>
        db.SingleOrDefaultAsync<SubjectView>(SubjectSql, new { institutionId, subjectId });

    private static readonly Sql InsertSubjectSql = Sql.PerDialect(d => d.InsertIgnore("subjects",
        ["id", "institution_id", "code", "name", "assessment", "periods_per_year", "position"],
        ["@id", "@institutionId", "@code", "@name", "@assessment", "@periodsPerYear", "@position"], ["institution_id", "code"]));

    /// <summary>Adds the subjects whose code the institution does not have yet; true for each one added.</summary>
    public async Task<int> AddSubjectsAsync(Guid institutionId, IEnumerable<CurriculumSubject> subjects) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var added = 0;
            var position = (await connection.QueryAsync<SubjectView>(db.Text(SubjectsSql), new { institutionId }, transaction))
                .Select(s => s.Position).DefaultIfEmpty(0).Max();
            foreach (var s in subjects)
                added += await connection.ExecuteAsync(db.Text(InsertSubjectSql), new
                {
                    id = Guid.CreateVersion7(), institutionId, code = s.Code, name = s.Name, assessment = s.Assessment,
                    periodsPerYear = s.PeriodsPerYear, position = ++position,
                }, transaction);
            return added;
        });

    private static readonly Sql HomeroomSql = Sql.Portable(
        "SELECT h.teacher_id, u.display_name FROM class_homerooms h JOIN users u ON u.id = h.teacher_id " +
        "WHERE h.school_year_id = @yearId AND h.class_id = @classId");
    private static readonly Sql ClassSubjectsSql = Sql.Portable(
        "SELECT t.subject_id, s.name AS subject_name, t.teacher_id, u.display_name AS teacher_name FROM class_subject_teachers t " +
        "JOIN subjects s ON s.id = t.subject_id JOIN users u ON u.id = t.teacher_id " +
        "WHERE t.school_year_id = @yearId AND t.class_id = @classId ORDER BY s.position");

    private sealed record Homeroom
    {
        public Guid TeacherId { get; init; }
        public string DisplayName { get; init; } = "";
    }

    public async Task<ClassTeachersView> TeachersAsync(Guid yearId, Guid classId)
    {
        await using var connection = await db.OpenAsync();
        var homeroom = await connection.QuerySingleOrDefaultAsync<Homeroom>(db.Text(HomeroomSql), new { yearId, classId });
        var subjects = await connection.QueryAsync<ClassTeacherView>(db.Text(ClassSubjectsSql), new { yearId, classId });
        return new ClassTeachersView
        {
            ClassId = classId, HomeroomTeacherId = homeroom?.TeacherId, HomeroomTeacherName = homeroom?.DisplayName, Subjects = subjects.AsList(),
        };
    }

    private static readonly Sql ClearHomeroomSql = Sql.Portable("DELETE FROM class_homerooms WHERE school_year_id = @yearId AND class_id = @classId");
    private static readonly Sql SetHomeroomSql = Sql.Portable(
        "INSERT INTO class_homerooms (school_year_id, class_id, teacher_id) VALUES (@yearId, @classId, @teacherId)");

    /// <summary>The class's homeroom teacher for the year (one; the previous one steps down).</summary>
    public Task SetHomeroomAsync(Guid yearId, Guid classId, Guid teacherId) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(ClearHomeroomSql), new { yearId, classId }, transaction);
            return await connection.ExecuteAsync(db.Text(SetHomeroomSql), new { yearId, classId, teacherId }, transaction);
        });

    private static readonly Sql ClearSubjectTeacherSql = Sql.Portable(
        "DELETE FROM class_subject_teachers WHERE school_year_id = @yearId AND class_id = @classId AND subject_id = @subjectId");
    private static readonly Sql SetSubjectTeacherSql = Sql.Portable(
        "INSERT INTO class_subject_teachers (school_year_id, class_id, subject_id, teacher_id) VALUES (@yearId, @classId, @subjectId, @teacherId)");

    /// <summary>Who teaches the subject to the class this year; null takes the subject off the class.</summary>
    public Task SetSubjectTeacherAsync(Guid yearId, Guid classId, Guid subjectId, Guid? teacherId) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(db.Text(ClearSubjectTeacherSql), new { yearId, classId, subjectId }, transaction);
            return teacherId is null ? 0
                : await connection.ExecuteAsync(db.Text(SetSubjectTeacherSql), new { yearId, classId, subjectId, teacherId }, transaction);
        });

    private static readonly Sql HomeroomClassesSql = Sql.Portable(
        "SELECT h.school_year_id, h.class_id, c.name AS class_name FROM class_homerooms h JOIN classes c ON c.id = h.class_id " +
        "WHERE h.teacher_id = @teacherId AND h.school_year_id = @yearId");

    /// <summary>The classes a teacher is homeroom teacher of in a year (usually one).</summary>
    public Task<IReadOnlyList<HomeroomClass>> HomeroomClassesAsync(Guid yearId, Guid teacherId) =>
        db.QueryAsync<HomeroomClass>(HomeroomClassesSql, new { yearId, teacherId });

    private static readonly Sql IsHomeroomSql = Sql.Portable(
        "SELECT COUNT(*) FROM class_homerooms WHERE school_year_id = @yearId AND class_id = @classId AND teacher_id = @teacherId");

    public async Task<bool> IsHomeroomTeacherAsync(Guid yearId, Guid classId, Guid teacherId) =>
        await db.ScalarAsync<long>(IsHomeroomSql, new { yearId, classId, teacherId }) > 0;
}
