using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Moocs;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Moocs;

public sealed record ExtensionRequest(DateTimeOffset Until, [property: Required, StringLength(500, MinimumLength = 3)] string Reason);

public sealed record ExtensionView(Guid RunId, Guid UserId, string LearnerName, DateTimeOffset Until, string Reason, string GrantedByName,
    DateTimeOffset GrantedAt);

/// <summary>A run's staff let one learner keep handing in work after the run's end (recorded: until when, why, by whom).</summary>
public static class RunExtensionEndpoints
{
    public static void Map(RouteGroupBuilder runs)
    {
        runs.MapGet("/runs/{runId:guid}/extensions", List).WithSummary("Learners allowed to work past the run's end (its teachers).");
        runs.MapPut("/runs/{runId:guid}/extensions/{userId:guid}", Grant)
            .WithSummary("Let one enrolled learner do any work until a date after the run's end, for a reason (its teachers).");
        runs.MapDelete("/runs/{runId:guid}/extensions/{userId:guid}", Withdraw).WithSummary("Withdraw a learner's extension (its teachers).");
        runs.MapGet("/runs/{runId:guid}/extensions/mine", Mine).WithSummary("My own extension in the run, if the staff granted one.");
    }

    private static async Task<NoContent> Withdraw(Guid runId, Guid userId, HttpContext http, CourseAccess access, MoocRepository moocs,
        RunExtensionRepository extensions)
    {
        await MoocEndpoints.TeachRunAsync(runId, http, access, moocs);
        if (!await extensions.DeleteAsync(runId, userId)) throw ProblemException.NotFound("The extension");
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ExtensionView>, NoContent>> Mine(Guid runId, HttpContext http, CourseAccess access, MoocRepository moocs,
        RunExtensionRepository extensions)
    {
        var run = await moocs.RunAsync(runId) ?? throw ProblemException.NotFound("The run");
        var context = await access.ViewAsync(http.User, run.CourseId);
        if (!context.CanLearn) return TypedResults.NoContent();
        return await extensions.GetAsync(runId, context.UserId) is { } mine ? TypedResults.Ok(View(mine)) : TypedResults.NoContent();
    }

    private static async Task<IReadOnlyList<ExtensionView>> List(Guid runId, HttpContext http, CourseAccess access, MoocRepository moocs,
        RunExtensionRepository extensions)
    {
        await MoocEndpoints.TeachRunAsync(runId, http, access, moocs);
        return (await extensions.ListAsync(runId)).Select(View).ToList();
    }

    private static async Task<ExtensionView> Grant(Guid runId, Guid userId, ExtensionRequest request, HttpContext http, CourseAccess access,
        MoocRepository moocs, CourseRepository courses, RunExtensionRepository extensions)
    {
        var run = await MoocEndpoints.TeachRunAsync(runId, http, access, moocs);
        if (!(await courses.ParticipationAsync(run.CourseId, userId)).Enrolled) throw ProblemException.NotFound("The learner");
        if (run.EndsAt is not { } end) throw ProblemException.Invalid("until", "This run has no end to extend.", "no-end");
        if (request.Until <= end) throw ProblemException.Invalid("until", "An extension ends after the run does.", "until-before-end");
        await extensions.SaveAsync(runId, userId, request.Until, request.Reason.Trim(), http.User.Id());
        return View((await extensions.GetAsync(runId, userId))!);
    }

    private static ExtensionView View(RunExtensionRow x) =>
        new(x.RunId, x.UserId, x.LearnerName, x.Until, x.Reason, x.GrantedByName, x.GrantedAt);
}
