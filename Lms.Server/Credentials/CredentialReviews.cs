using System.Globalization;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Moocs;
using Lms.Server.Communication.Mail;

namespace Lms.Server.Credentials;

/// <summary>
/// Watches the standing of learners who hold credentials: when the record moves away from what was
/// issued (a lower or higher grade, or no longer passing), a review is opened for the course's staff
/// (mailed when it is against the learner), kept up to date while open, and closed on its own if the
/// record comes back to what was issued. A review the staff decided stays closed for that same grade and pass.
/// </summary>
public sealed class CredentialReviews(
    CredentialRepository credentials,
    CredentialReviewRepository reviews,
    MoocRepository moocs,
    Mailer mailer,
    ILogger<CredentialReviews> log) : ICourseStandingWatcher
{
    public async Task OnStandingAsync(Guid courseId, Guid userId, LearnerStanding standing)
    {
        var active = await credentials.ActiveAsync(userId, courseId);
        if (active.Count == 0) return;
        var current = Math.Round((decimal)standing.Grade, 1);
        var issued = active.Min(c => c.Grade);
        var latest = await reviews.LatestAsync(courseId, userId);
        var open = latest is { DecidedAt: null } ? latest : null;
        if (standing.Passed && active.All(c => c.Grade == current))
        {
            if (open is not null) await reviews.DecideAsync(open.Id, ReviewDecisions.InLine, null, null);
            return;
        }
        if (open is not null)
        {
            if (open.CurrentGrade != current || open.Passes != standing.Passed) await reviews.UpdateAsync(open.Id, issued, current, standing.Passed);
            return;
        }
        // The staff already decided on this very record (kept it, or revoked only some of the credentials): not asked again.
        if (latest is { Decision: ReviewDecisions.Keep or ReviewDecisions.Revoke or ReviewDecisions.Reissue } decided
            && decided.CurrentGrade == current && decided.Passes == standing.Passed) return;
        await reviews.OpenAsync(courseId, userId, issued, current, standing.Passed);
        log.LogInformation("Credentials of {UserId} in {CourseId} to review: issued {Issued}, now {Current}, passes {Passes}",
            userId, courseId, issued, current, standing.Passed);
        if (standing.Passed && current >= issued) return; // a rise is listed for the staff, not mailed
        var run = await moocs.RunByCourseAsync(courseId);
        var learner = active[0].SubjectName;
        foreach (var teacher in await reviews.CourseStaffAsync(courseId))
            await mailer.SendAsync(teacher.Email, teacher.DisplayName, CredentialMailKinds.ReviewOpened, "vi", new Dictionary<string, string>
            {
                ["name"] = teacher.DisplayName,
                ["learner"] = learner,
                ["course"] = active[0].CourseTitle,
                ["issued"] = issued.ToString("0.0", CultureInfo.InvariantCulture),
                ["current"] = current.ToString("0.0", CultureInfo.InvariantCulture),
                ["link"] = mailer.Link(run is null ? $"/courses/{courseId}" : $"/moocs/{run.MoocId}/manage?tab=runs"),
            });
    }
}
