using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Moocs;
using Lms.Server.Courses;
using Lms.Server.Credentials;
using Lms.Server.Problems;

namespace Lms.Server.Moocs;

public sealed record PolicyRequest(
    [property: Required] IReadOnlyList<GradingCategory> Categories,
    [property: Range(0, 100)] int PassMark,
    bool RequireAllItems);

public sealed record ItemRuleRequest(bool Required, [property: StringLength(50)] string? Category,
    [property: Range(0, 3650)] int? ReleaseDay, [property: Range(1, 100)] int? MinPercent);

public sealed record GradingView(GradingPolicy? Policy, IReadOnlyList<ItemRuleRow> Rules);

/// <summary>A learner a policy change would affect: their grade and pass now, and under the proposed policy.</summary>
public sealed record PolicyEffectView(
    Guid UserId, string Name, decimal? IssuedGrade, double GradeNow, bool PassesNow, double GradeThen, bool PassesThen, int Credentials);

public sealed record PolicyPreviewView(int Learners, IReadOnlyList<PolicyEffectView> Affected);

public sealed record StandingView(
    Guid CourseId, string CourseTitle, RunView? Run, string? Slug, LearnerStanding Standing,
    IReadOnlyList<CredentialView> Credentials);

/// <summary>A course's grading policy and item rules (its teachers), and a learner's standing in it.</summary>
public static class GradingEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var course = api.MapGroup("/courses/{courseId:guid}").WithTags("MOOCs");
        course.ProducesProblemsOfIdsAndBodies();
        course.MapGet("/run", RunOfCourse).WithSummary("The MOOC run this course is, if any.");
        course.MapGet("/standing", MyStanding).WithSummary("My completion, grade and pass in the course.");
        course.MapGet("/standing/{userId:guid}", LearnerStandingFor).WithSummary("A learner's standing (the course's teachers).");
        course.MapGet("/grading", Grading).WithSummary("The grading policy and the items' rules.");
        course.MapPut("/grading", SavePolicy).WithSummary("Set the grading policy: weighted categories with drop-lowest, a pass mark.");
        course.MapPost("/grading/preview", PreviewPolicy)
            .WithSummary("Who a policy change would affect, before it is saved: each learner with a recorded pass whose grade or pass would change.");
        course.MapPut("/items/{itemId:guid}/rule", SaveRule).WithSummary("How an item counts: required, its category, its release day.");
    }

    // ---- A course's grading and a learner's standing ----

    private static async Task<RunView?> RunOfCourse(Guid courseId, HttpContext http, CourseAccess access, MoocRepository moocs,
        IGrainFactory grains)
    {
        var context = await access.ViewAsync(http.User, courseId);
        var run = await moocs.RunByCourseAsync(courseId);
        if (run is null) return null;
        return MoocEndpoints.RunViewOf(run, await grains.GetGrain<ICourseRunGrain>(run.Id).GetStats(), context.Course.Status == CourseStatuses.Published);
    }

    private static async Task<StandingView> MyStanding(Guid courseId, HttpContext http, CourseAccess access, IGrainFactory grains,
        MoocRepository moocs, CredentialRepository credentials, PublicUrl urls)
    {
        var context = await access.ViewAsync(http.User, courseId);
        if (!context.CanLearn) throw ProblemException.Forbidden("Standing is kept for the course's learners.");
        return await StandingAsync(context, context.UserId, grains, moocs, credentials, urls);
    }

    private static async Task<StandingView> LearnerStandingFor(Guid courseId, Guid userId, HttpContext http, CourseAccess access,
        IGrainFactory grains, MoocRepository moocs, CredentialRepository credentials, PublicUrl urls, CourseRepository courses)
    {
        var context = await access.TeachAsync(http.User, courseId);
        if (!(await courses.ParticipationAsync(courseId, userId)).Enrolled) throw ProblemException.NotFound("The learner");
        return await StandingAsync(context, userId, grains, moocs, credentials, urls);
    }

    private static async Task<StandingView> StandingAsync(CourseContext context, Guid userId, IGrainFactory grains, MoocRepository moocs,
        CredentialRepository credentials, PublicUrl urls)
    {
        var courseId = context.Course.Id;
        var standing = await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, userId)).GetStanding();
        var run = await moocs.RunByCourseAsync(courseId);
        RunView? runView = null;
        string? slug = null;
        if (run is not null)
        {
            runView = MoocEndpoints.RunViewOf(run, await grains.GetGrain<ICourseRunGrain>(run.Id).GetStats(), context.Course.Status == CourseStatuses.Published);
            slug = (await moocs.GetAsync(run.MoocId))?.Slug;
        }
        var issued = new List<CredentialView>();
        foreach (var kind in new[] { CredentialKinds.Certificate, CredentialKinds.Credit })
            if (await credentials.FindAsync(kind, userId, courseId) is { } c) issued.Add(CredentialEndpoints.View(c, urls));
        return new StandingView(courseId, context.Course.Title, runView, slug, standing, issued);
    }

    private static async Task<GradingView> Grading(Guid courseId, HttpContext http, CourseAccess access, GradingRepository grading)
    {
        await access.TeachAsync(http.User, courseId);
        return new GradingView(await grading.PolicyAsync(courseId), (await grading.RulesAsync(courseId)).Values.ToList());
    }

    private static async Task<GradingView> SavePolicy(Guid courseId, PolicyRequest request, HttpContext http, CourseAccess access,
        GradingRepository grading, IGrainFactory grains)
    {
        await access.TeachAsync(http.User, courseId);
        var policy = PolicyOf(request);
        await grading.SavePolicyAsync(courseId, policy);
        // Everyone whose pass was recorded is graded again at once: credentials that no longer match go to the staff's review list.
        foreach (var result in await grading.ResultsAsync(courseId))
            await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(courseId, result.UserId)).GetStanding();
        return await Grading(courseId, http, access, grading);
    }

    private static GradingPolicy PolicyOf(PolicyRequest request)
    {
        var policy = new GradingPolicy(
            request.Categories.Select(c => new GradingCategory(c.Key?.Trim() ?? "", c.Name?.Trim() ?? "", c.Weight, c.DropLowest)).ToList(),
            request.PassMark, request.RequireAllItems);
        if (policy.Problem() is { } problem) throw ProblemException.Invalid("categories", problem, "policy-invalid");
        return policy;
    }

    /// <summary>Grades every learner with a recorded pass by the saved and by the proposed policy; lists those whose grade or pass differ.</summary>
    private static async Task<PolicyPreviewView> PreviewPolicy(Guid courseId, PolicyRequest request, HttpContext http, CourseAccess access,
        GradingRepository grading, ProgressRepository progress, CourseStanding standing, CredentialRepository credentials, Lms.Grains.Identity.UserRepository users)
    {
        await access.TeachAsync(http.User, courseId);
        var proposed = PolicyOf(request);
        var results = await grading.ResultsAsync(courseId);
        var affected = new List<PolicyEffectView>();
        foreach (var result in results)
        {
            var seen = (await progress.SeenAsync(courseId, result.UserId)).ToDictionary(r => r.ItemId, r => r.SeenAt);
            var now = await standing.ComputeAsync(courseId, result.UserId, seen);
            var then = await standing.ComputeAsync(courseId, result.UserId, seen, proposed);
            if (now.Grade == then.Grade && now.Passed == then.Passed) continue;
            var held = await credentials.ActiveAsync(result.UserId, courseId);
            var name = held.FirstOrDefault()?.SubjectName ?? (await users.GetAsync(result.UserId))?.DisplayName ?? "";
            affected.Add(new PolicyEffectView(result.UserId, name, held.Count == 0 ? null : held.Min(c => c.Grade), now.Grade, now.Passed,
                then.Grade, then.Passed, held.Count));
        }
        return new PolicyPreviewView(results.Count, affected.OrderBy(a => a.PassesThen).ThenBy(a => a.Name, StringComparer.Ordinal).ToList());
    }

    private static async Task<ItemRuleRow> SaveRule(Guid courseId, Guid itemId, ItemRuleRequest request, HttpContext http, CourseAccess access,
        CourseRepository courses, GradingRepository grading)
    {
        await access.TeachAsync(http.User, courseId);
        var (_, items) = await courses.OutlineAsync(courseId);
        if (items.All(i => i.Id != itemId)) throw ProblemException.NotFound("The item");
        var category = MoocEndpoints.Clean(request.Category);
        if (category is not null && (await grading.PolicyAsync(courseId))?.Categories.Any(c => c.Key == category) != true)
            throw ProblemException.Invalid("category", $"The grading policy has no category {category}.", "unknown-category", category);
        var rule = new ItemRuleRow
        {
            ItemId = itemId, CourseId = courseId, Required = request.Required, Category = category, ReleaseDay = request.ReleaseDay,
            MinPercent = request.MinPercent,
        };
        await grading.SaveRuleAsync(rule);
        return rule;
    }
}
