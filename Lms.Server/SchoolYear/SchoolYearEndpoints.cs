using System.ComponentModel.DataAnnotations;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.SchoolYear;

public sealed record TermRequest(DateOnly StartsOn, DateOnly EndsOn);

/// <summary>A school year's name (2026-2027) and its two terms, in order, not overlapping.</summary>
public sealed record CreateSchoolYearRequest([property: StringLength(20)] string? Name, IReadOnlyList<TermRequest>? Terms);

/// <summary>Adds the curriculum's subjects for a school level (thcs or thpt) that the school does not have yet.</summary>
public sealed record CurriculumRequest(string? Level);

public sealed record CurriculumAdded(int Added, IReadOnlyList<SubjectView> Subjects);

public sealed record CreateSubjectRequest(
    [property: StringLength(20)] string? Code, [property: StringLength(100)] string? Name, string? Assessment,
    [property: Range(1, 400)] int PeriodsPerYear);

public sealed record TeacherRequest(Guid? TeacherId);

/// <summary>School years and terms, subjects, and each class's homeroom and subject teachers.</summary>
public static class SchoolYearEndpoints
{
    public static void MapSchoolYearEndpoints(this RouteGroupBuilder api)
    {
        var school = api.MapGroup("/institutions/{institutionId:guid}").ProducesProblems(404, 403).WithTags("School year");
        school.MapGet("/school-years", Years).WithSummary("The school's years, newest first, with their terms (admins and teachers).");
        school.MapPost("/school-years", CreateYear).ProducesProblems(400, 409)
            .WithSummary("A new school year with its two terms (admins).");
        school.MapGet("/subjects", Subjects).WithSummary("The school's subjects: how each is assessed, periods a year (admins and teachers).");
        school.MapPost("/subjects/curriculum", AddCurriculum).ProducesProblems(400)
            .WithSummary("Adds the 2018 curriculum's subjects of a level (thcs, thpt) the school does not have yet (admins).");
        school.MapPost("/subjects", CreateSubject).ProducesProblems(400, 409).WithSummary("A subject of the school's own (admins).");

        var year = api.MapGroup("/school-years/{yearId:guid}/classes/{classId:guid}").ProducesProblems(404, 403).WithTags("School year");
        year.MapGet("/teachers", Teachers).WithSummary("The class's homeroom teacher and its teacher of each subject this year (admins and teachers).");
        year.MapPut("/homeroom", SetHomeroom).ProducesProblems(400).WithSummary("Makes a teacher of the school the class's homeroom teacher (admins).");
        year.MapPut("/subjects/{subjectId:guid}/teacher", SetSubjectTeacher).ProducesProblems(400)
            .WithSummary("Who teaches the subject to the class this year; no teacher takes the subject off the class (admins).");
    }

    private static async Task<IReadOnlyList<SchoolYearView>> Years(Guid institutionId, HttpContext http, InstitutionAccess access, SchoolYearRepository years)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin, Roles.Teacher);
        return await years.ListAsync(institutionId);
    }

    private static async Task<Created<SchoolYearView>> CreateYear(
        Guid institutionId, CreateSchoolYearRequest request, HttpContext http, InstitutionAccess access, SchoolYearRepository years)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var name = (request.Name ?? "").Trim();
        if (name.Length == 0) throw ProblemException.Invalid("name", "A school year has a name (2026-2027).", "missing-name");
        var terms = request.Terms ?? [];
        if (terms.Count != 2) throw ProblemException.Invalid("terms", "A school year has two terms.", "two-terms");
        for (var i = 0; i < terms.Count; i++)
        {
            if (terms[i].EndsOn <= terms[i].StartsOn)
                throw ProblemException.Invalid($"terms[{i}]", "A term ends after it starts.", "term-ends-before-start", (i + 1).ToString());
            if (i > 0 && terms[i].StartsOn <= terms[i - 1].EndsOn)
                throw ProblemException.Invalid($"terms[{i}]", "The second term starts after the first ends.", "terms-overlap");
        }
        if (terms[^1].EndsOn.DayNumber - terms[0].StartsOn.DayNumber > 366)
            throw ProblemException.Invalid("terms", "A school year is at most a year long.", "year-too-long");
        var id = await years.CreateAsync(institutionId, name, terms.Select(t => (t.StartsOn, t.EndsOn)).ToList())
                 ?? throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "school-year-taken",
                     $"The school already has the year {name}.", name, "name");
        return TypedResults.Created($"/api/institutions/{institutionId}/school-years", (await years.GetAsync(id))!);
    }

    private static async Task<IReadOnlyList<SubjectView>> Subjects(Guid institutionId, HttpContext http, InstitutionAccess access, SchoolYearRepository years)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin, Roles.Teacher);
        return await years.SubjectsAsync(institutionId);
    }

    private static async Task<CurriculumAdded> AddCurriculum(
        Guid institutionId, CurriculumRequest request, HttpContext http, InstitutionAccess access, SchoolYearRepository years)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (!SchoolLevels.IsKnown(request.Level))
            throw ProblemException.Invalid("level", "The level is thcs or thpt.", "unknown-level", request.Level);
        var added = await years.AddSubjectsAsync(institutionId, Curriculum.Of(request.Level!));
        return new CurriculumAdded(added, await years.SubjectsAsync(institutionId));
    }

    private static async Task<Created<SubjectView>> CreateSubject(
        Guid institutionId, CreateSubjectRequest request, HttpContext http, InstitutionAccess access, SchoolYearRepository years)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var code = (request.Code ?? "").Trim().ToUpperInvariant();
        var name = Lms.Grains.Data.PersonText.Clean(request.Name ?? "");
        if (code.Length == 0) throw ProblemException.Invalid("code", "A subject has a code.", "missing-code");
        if (name.Length == 0) throw ProblemException.Invalid("name", "A subject has a name.", "missing-name");
        if (!SubjectAssessments.IsKnown(request.Assessment))
            throw ProblemException.Invalid("assessment", "A subject is assessed by score (scored) or by comment only (comment).", "unknown-assessment",
                request.Assessment);
        if (await years.AddSubjectsAsync(institutionId, [new CurriculumSubject(code, name, request.Assessment!, request.PeriodsPerYear)]) == 0)
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "subject-code-taken",
                $"The school already has a subject {code}.", code, "code");
        var subject = (await years.SubjectsAsync(institutionId)).Single(s => s.Code == code);
        return TypedResults.Created($"/api/institutions/{institutionId}/subjects", subject);
    }

    private static async Task<ClassTeachersView> Teachers(
        Guid yearId, Guid classId, HttpContext http, SchoolYearAccess access, SchoolYearRepository years)
    {
        await access.ClassAsync(http.User, yearId, classId, Roles.Admin, Roles.Teacher);
        return await years.TeachersAsync(yearId, classId);
    }

    private static async Task<ClassTeachersView> SetHomeroom(
        Guid yearId, Guid classId, TeacherRequest request, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, SchoolPeople people)
    {
        var (year, _, _) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin);
        if (request.TeacherId is not { } teacherId || !await people.IsTeacherAsync(year.InstitutionId, teacherId))
            throw ProblemException.Invalid("teacherId", "The homeroom teacher is a teacher of the school.", "not-a-teacher");
        await years.SetHomeroomAsync(yearId, classId, teacherId);
        return await years.TeachersAsync(yearId, classId);
    }

    private static async Task<ClassTeachersView> SetSubjectTeacher(
        Guid yearId, Guid classId, Guid subjectId, TeacherRequest request, HttpContext http, SchoolYearAccess access,
        SchoolYearRepository years, SchoolPeople people)
    {
        var (year, _, _) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin);
        _ = await years.SubjectAsync(year.InstitutionId, subjectId) ?? throw ProblemException.NotFound("The subject");
        if (request.TeacherId is { } teacherId && !await people.IsTeacherAsync(year.InstitutionId, teacherId))
            throw ProblemException.Invalid("teacherId", "A subject teacher is a teacher of the school.", "not-a-teacher");
        await years.SetSubjectTeacherAsync(yearId, classId, subjectId, request.TeacherId);
        return await years.TeachersAsync(yearId, classId);
    }
}
