using System.Text.Json;
using Lms.Grains.Courses;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Moocs;

namespace Lms.Server.Moocs;

/// <summary>
/// The demo's MOOCs (the "moocs" section of assets/demo/demo.json): a catalogue entry, a grading
/// policy, pages, links and assignments, published, through the same repositories the API uses.
/// </summary>
public sealed class MoocDemo(
    CourseRepository courses,
    MoocRepository moocs,
    GradingRepository grading,
    AssignmentRepository assignments,
    UserRepository users,
    CatalogueCache cache)
{
    public async Task<int> SeedAsync(string demoFile, IReadOnlyDictionary<string, InstitutionRow> institutions)
    {
        var file = JsonSerializer.Deserialize<DemoFile>(await File.ReadAllTextAsync(demoFile), JsonSerializerOptions.Web);
        foreach (var m in file?.Moocs ?? [])
        {
            var institution = institutions[m.Institution];
            var owner = await users.FindByLoginAsync(m.Owner) ?? throw new InvalidOperationException($"No demo owner {m.Owner}.");
            var courseId = await courses.CreateAsync(institution.Id, m.Title, m.Summary, CourseKinds.Mooc, owner.Id);
            await grading.SavePolicyAsync(courseId, new GradingPolicy(m.Categories, m.PassMark, true));
            foreach (var module in m.Modules)
            {
                var added = await courses.AddModuleAsync(courseId, module.Title);
                foreach (var item in module.Items)
                {
                    Guid? refId = null;
                    if (item.Kind == AssignmentRepository.ItemKind)
                        refId = (await assignments.CreateAsync(courseId, item.Body ?? "", item.Submission ?? SubmissionTypes.Either,
                            item.Review ?? ReviewModes.Teacher, 1, item.Rubric ?? [])).Id;
                    var row = await courses.AddItemAsync(courseId, added.Id, item.Kind, item.Title,
                        item.Kind == AssignmentRepository.ItemKind ? null : item.Body, item.Url, refId);
                    if (row is not null && item.Category is not null)
                        await grading.SaveRuleAsync(new ItemRuleRow { ItemId = row.Id, CourseId = courseId, Required = true, Category = item.Category });
                }
            }
            await moocs.SaveAsync(new MoocRow
            {
                Id = courseId, InstitutionId = institution.Id, Slug = m.Slug, Subject = m.Subject, Language = m.Language, Level = m.Level,
                Syllabus = m.Syllabus, Instructors = m.Instructors, EffortHoursPerWeek = m.EffortHoursPerWeek, DurationWeeks = m.DurationWeeks,
                Credits = m.Credits, Ects = m.Ects, PriceVnd = 0,
            });
            await moocs.CreateRunAsync(courseId, courseId, m.RunLabel ?? "1", RunPaces.Self, null, null, null);
            await courses.SetStatusAsync(courseId, CourseStatuses.Published);
        }
        cache.Invalidate();
        return file?.Moocs?.Count ?? 0;
    }

    private sealed record DemoFile(List<DemoMooc>? Moocs);

    private sealed record DemoMooc(
        string Institution, string Owner, string Title, string? Summary, string Slug, string Subject, string Language, string Level,
        string? Syllabus, string? Instructors, int? EffortHoursPerWeek, int? DurationWeeks, int? Credits, decimal? Ects, int PassMark,
        List<GradingCategory> Categories, string? RunLabel, List<DemoModule> Modules);

    private sealed record DemoModule(string Title, List<DemoItem> Items);

    private sealed record DemoItem(string Kind, string Title, string? Body, string? Url, string? Category, string? Submission, string? Review,
        List<RubricCriterion>? Rubric);
}
