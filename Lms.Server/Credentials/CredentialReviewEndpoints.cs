using System.ComponentModel.DataAnnotations;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Data;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.Credentials;

/// <summary>A credential to review, with the learner's credentials of the course (in force or not) and where they stand now.</summary>
public sealed record CredentialReviewView(
    Guid Id, Guid CourseId, Guid UserId, string LearnerName, decimal IssuedGrade, decimal CurrentGrade, bool Passes, string Cause,
    DateTimeOffset OpenedAt, DateTimeOffset UpdatedAt, string? Decision, string? Reason, string? DecidedByName, DateTimeOffset? DecidedAt,
    IReadOnlyList<CredentialView> Credentials);

/// <param name="Decision">keep (with a reason), reissue (the current grade, new credentials, the old ones superseded) or revoke.</param>
/// <param name="Kinds">For revoke: which of the learner's credentials of the course (certificate, credit); default all of them.</param>
public sealed record ReviewDecisionRequest(
    [property: Required, StringLength(20)] string Decision,
    [property: StringLength(500)] string? Reason,
    IReadOnlyList<string>? Kinds = null);

/// <summary>The course staff's list of credentials whose grade no longer matches the learner's record, and their decisions.</summary>
public static class CredentialReviewEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/courses/{courseId:guid}/credential-reviews", List).ProducesProblems(403, 404).WithTags("Credentials")
            .WithSummary("Credentials to review in a course (its teachers): open ones first; all=true adds the decided ones.");
        api.MapPost("/credential-reviews/{reviewId:guid}/decision", Decide).ProducesProblems(403, 409, 404, 400).WithTags("Credentials")
            .WithSummary("Keep (with a reason), re-issue with the current grade, or revoke (the course's teachers).");
    }

    private static async Task<Page<CredentialReviewView>> List(
        Guid courseId, bool? all, int? skip, int? take, HttpContext http, CourseAccess access, CredentialReviewRepository reviews,
        CredentialRepository credentials, PublicUrl urls)
    {
        await access.TeachAsync(http.User, courseId);
        var page = await reviews.ByCourseAsync(courseId, all ?? false, PageRequest.Of(skip, take));
        var views = new List<CredentialReviewView>();
        foreach (var review in page.Items) views.Add(await ViewAsync(review, credentials, urls));
        return new Page<CredentialReviewView>(views, page.Total, page.Skip, page.Take);
    }

    private static async Task<CredentialReviewView> Decide(
        Guid reviewId, ReviewDecisionRequest request, HttpContext http, CourseAccess access, CredentialReviewRepository reviews,
        CredentialRepository credentials, CredentialLifecycle lifecycle, IGrainFactory grains, PublicUrl urls)
    {
        var review = await reviews.GetAsync(reviewId) ?? throw ProblemException.NotFound("The review");
        await access.TeachAsync(http.User, review.CourseId);
        if (review.DecidedAt is not null) throw ProblemException.Conflict("This review was already decided.");
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        var by = http.User.Id();
        switch (request.Decision)
        {
            case ReviewDecisions.Keep:
                if (reason is null) throw ProblemException.Invalid("reason", "Say why the credential is kept as issued.", "reason-missing");
                break;
            case ReviewDecisions.Reissue:
                // The grade to issue is what the record says now, not what the review saw when it was opened.
                var standing = await grains.GetGrain<ILearnerCourseGrain>(LearnerCourseKey.For(review.CourseId, review.UserId)).GetStanding();
                if (!standing.Passed)
                    throw ProblemException.Invalid("decision", "The learner does not pass now; keep or revoke instead.", "not-passing");
                await lifecycle.ReissueAsync(review.UserId, review.CourseId, Math.Round((decimal)standing.Grade, 1));
                break;
            case ReviewDecisions.Revoke:
                if (reason is null) throw ProblemException.Invalid("reason", "Give the reason the learner and verifiers will see.", "reason-missing");
                var kinds = request.Kinds ?? [CredentialKinds.Certificate, CredentialKinds.Credit];
                if (kinds.Count == 0 || kinds.Any(k => k is not (CredentialKinds.Certificate or CredentialKinds.Credit)))
                    throw ProblemException.Invalid("kinds", "Name the credentials to revoke: certificate, credit.", "unknown-kind");
                foreach (var credential in await credentials.ActiveAsync(review.UserId, review.CourseId))
                    if (kinds.Contains(credential.Kind)) await lifecycle.RevokeAsync(credential, reason, keepRelated: true, by);
                break;
            default:
                throw ProblemException.Invalid("decision", $"A decision is one of: {string.Join(", ", ReviewDecisions.Staff)}.", "unknown-decision",
                    request.Decision);
        }
        // Re-issuing or revoking may already have closed the review on its own; the staff's decision is what is recorded.
        if (!await reviews.DecideAsync(reviewId, request.Decision, reason, by))
            await reviews.OverrideAutomaticAsync(reviewId, request.Decision, reason, by);
        return await ViewAsync((await reviews.GetAsync(reviewId))!, credentials, urls);
    }

    private static async Task<CredentialReviewView> ViewAsync(CredentialReviewRow r, CredentialRepository credentials, PublicUrl urls)
    {
        var held = await credentials.OfCourseAsync(r.UserId, r.CourseId);
        return new CredentialReviewView(r.Id, r.CourseId, r.UserId, r.LearnerName, r.IssuedGrade, r.CurrentGrade, r.Passes, r.Cause, r.OpenedAt,
            r.UpdatedAt, r.Decision, r.Reason, r.DecidedByName, r.DecidedAt, held.Select(c => CredentialEndpoints.View(c, urls)).ToList());
    }
}
