using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Privacy;
using Lms.Server.Exports;
using Lms.Server.Identity;
using Lms.Server.Privacy;
using Lms.Server.Problems;

namespace Lms.Server.Institutions;

/// <summary>
/// The people list and the class lists as files a school keeps and prints (admins only: they carry e-mails and
/// national IDs). Rows come from the same queries as the lists on screen, in the same order.
/// </summary>
public static class RosterExportEndpoints
{
    public static void MapRosterExportEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/institutions/{institutionId:guid}").ProducesProblems(404).WithTags("Institutions");
        group.MapGet("/people.{format}", People).ProducesProblems(403).WithSummary(
            "The people list (admins) as xlsx or csv in the viewer's language (?language=vi|en), filtered like the list: role, class, q.");
        group.MapGet("/class-lists.{format}", ClassLists).ProducesProblems(403).WithSummary(
            "The students of every class (or of className) as xlsx (one sheet per class) or csv (one table with a class column), for admins.");
    }

    private static async Task<IResult> People(
        Guid institutionId, string format, string? role, string? q, string? className, HttpContext http, InstitutionAccess access,
        InstitutionRepository institutions)
    {
        var exportFormat = TableExport.ParseFormat(format);
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (role is not null && !Roles.IsKnown(role)) throw ProblemException.Invalid("role", $"Unknown role {role}.");
        if (q is { Length: > 100 }) throw ProblemException.Invalid("q", "The search text is longer than 100 characters.");
        var language = ExportLanguage.Of(http.Request);
        var people = await AllPeopleAsync(institutions, institutionId, role, q, className);
        var table = new ExportTable(language.Text("sheet.people"),
            [
                language.Text("column.number"), language.Text("column.name"), language.Text("column.role"), language.Text("column.class"),
                language.Text("column.email"), language.Text("column.nationalId"),
            ],
            people.Select((p, i) => (IReadOnlyList<object?>)
                [i + 1, p.DisplayName, language.Text("role." + p.Role), p.ClassName, p.Email, p.NationalId]).ToList());
        await http.AuditAsync(institutionId, PrivacySubjects.People, institutionId, PrivacyActions.PeopleExport,
            new { format, role, q, className, rows = people.Count });
        return TableExport.File(http, exportFormat, $"{language.Text("file.people")} {institution.Name}", [table], language,
            $"people of institution {institutionId}");
    }

    private static async Task<IResult> ClassLists(
        Guid institutionId, string format, string? className, HttpContext http, InstitutionAccess access, InstitutionRepository institutions,
        ClassRepository classRepository)
    {
        var exportFormat = TableExport.ParseFormat(format);
        var (institution, _) = await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var language = ExportLanguage.Of(http.Request);
        var classes = (await classRepository.ListAsync(institutionId)).OrderBy(c => c.Name, ClassNameOrder.Instance).ToList();
        if (!string.IsNullOrWhiteSpace(className))
        {
            var wanted = PersonText.Key(className);
            classes = classes.Where(c => PersonText.Key(c.Name) == wanted).ToList();
            if (classes.Count == 0) throw ProblemException.NotFound($"The class {className}");
        }
        IReadOnlyList<string> headers =
        [
            language.Text("column.number"), language.Text("column.name"), language.Text("column.class"),
            language.Text("column.email"), language.Text("column.nationalId"),
        ];
        var tables = new List<ExportTable>();
        foreach (var c in classes)
        {
            var students = await AllPeopleAsync(institutions, institutionId, Roles.Student, null, c.Name);
            tables.Add(new ExportTable(c.Name, headers,
                students.Select((p, i) => (IReadOnlyList<object?>)[i + 1, p.DisplayName, c.Name, p.Email, p.NationalId]).ToList()));
        }
        await http.AuditAsync(institutionId, PrivacySubjects.People, institutionId, PrivacyActions.ClassListsExport,
            new { format, className, classes = tables.Count, rows = tables.Sum(t => t.Rows.Count) });
        var stem = $"{language.Text("file.classes")} {(classes.Count == 1 ? classes[0].Name : institution.Name)}";
        return TableExport.File(http, exportFormat, stem, tables, language, $"class lists of institution {institutionId}");
    }

    /// <summary>Every page of the people list, in its order (pages of the largest size the list serves).</summary>
    private static async Task<IReadOnlyList<PersonRow>> AllPeopleAsync(
        InstitutionRepository institutions, Guid institutionId, string? role, string? q, string? className)
    {
        var all = new List<PersonRow>();
        while (true)
        {
            var page = await institutions.PeopleAsync(institutionId, role, q, className, PageRequest.Of(all.Count, PageRequest.MaxTake));
            all.AddRange(page.Items);
            // As class lists are read in Vietnam (and as the people page shows them): by given name, then surname.
            if (page.Items.Count == 0 || all.Count >= page.Total)
                return all.OrderBy(p => p.ClassName ?? "", ClassNameOrder.Instance).ThenBy(p => p.DisplayName, PersonNameOrder.GivenNameFirst).ToList();
        }
    }
}
