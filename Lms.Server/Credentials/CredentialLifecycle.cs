using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Moocs;
using Lms.Server.Communication.Mail;

namespace Lms.Server.Credentials;

/// <summary>The mail the credential features send (texts in Communication/Mail/Texts/{vi,en}.json).</summary>
public static class CredentialMailKinds
{
    /// <summary>To a course's teachers: a credential's grade no longer matches the learner's record.</summary>
    public const string ReviewOpened = "credential-review";

    /// <summary>To a receiving institution's admins: a credential they decided on was revoked or replaced.</summary>
    public const string RecognitionMarked = "recognition-marked";
}

/// <summary>
/// Revoking and re-issuing credentials so that everyone who relied on them follows: the status list,
/// each recognition decision made on them (marked, not left as accepted), the receiving institutions
/// (told by mail), and the open review of the learner's credentials (closed).
/// </summary>
public sealed class CredentialLifecycle(
    CredentialRepository credentials,
    CredentialReviewRepository reviews,
    CredentialIssuer issuer,
    GradingRepository grading,
    Mailer mailer,
    ILogger<CredentialLifecycle> log)
{
    /// <summary>
    /// Revokes the credential and, unless <paramref name="keepRelated"/>, the learner's other credentials in
    /// force from the same course (a certificate and a credit record rest on the same pass). Returns those revoked.
    /// </summary>
    public async Task<IReadOnlyList<CredentialRow>> RevokeAsync(CredentialRow credential, string reason, bool keepRelated, Guid by)
    {
        var targets = new List<CredentialRow> { credential };
        if (!keepRelated)
            targets.AddRange((await credentials.ActiveAsync(credential.UserId, credential.CourseId)).Where(c => c.Id != credential.Id));
        var revoked = new List<CredentialRow>();
        foreach (var target in targets)
        {
            if (!await issuer.RevokeAsync(target, reason)) continue;
            revoked.Add(target);
            await MarkRecognitionsAsync(target, Decisions.CredentialRevoked);
        }
        if (revoked.Count > 0 && (await credentials.ActiveAsync(credential.UserId, credential.CourseId)).Count == 0
            && await reviews.LatestAsync(credential.CourseId, credential.UserId) is { DecidedAt: null } open)
            await reviews.DecideAsync(open.Id, ReviewDecisions.Revoke, reason, by);
        return revoked;
    }

    /// <summary>
    /// Replaces each credential in force of the learner in the course with a new one (a new id) carrying
    /// <paramref name="grade"/>; the old ones are superseded in the status list and their recognitions marked.
    /// </summary>
    public async Task<IReadOnlyList<CredentialRow>> ReissueAsync(Guid userId, Guid courseId, decimal grade)
    {
        var result = await grading.ResultAsync(courseId, userId) ?? throw new InvalidOperationException("No pass was recorded.");
        var issued = new List<CredentialRow>();
        foreach (var old in await credentials.ActiveAsync(userId, courseId))
        {
            var replacement = await issuer.ReissueAsync(old, grade, result.PassedAt);
            if (replacement is null || replacement.Id == old.Id) continue;
            if (await issuer.SupersedeAsync(old, replacement, "Cấp lại với điểm mới / Re-issued with the current grade"))
                await MarkRecognitionsAsync(old, Decisions.CredentialReplaced);
            issued.Add(replacement);
        }
        await grading.UpdateResultGradeAsync(courseId, userId, grade);
        return issued;
    }

    /// <summary>Marks every pending or accepted recognition of the credential and tells each receiving institution's admins.</summary>
    private async Task MarkRecognitionsAsync(CredentialRow credential, string mark)
    {
        foreach (var share in await credentials.MarkSharesAsync(credential.Id, mark))
        {
            foreach (var admin in await reviews.InstitutionAdminsAsync(share.ToInstitutionId))
                await mailer.SendAsync(admin.Email, admin.DisplayName, CredentialMailKinds.RecognitionMarked, "vi", new Dictionary<string, string>
                {
                    ["name"] = admin.DisplayName,
                    ["learner"] = share.SubjectName,
                    ["course"] = share.CourseTitle,
                    ["issuer"] = share.IssuerName,
                    ["recognisedAs"] = share.RecognisedAs ?? "—",
                    ["credits"] = share.RecognisedCredits?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—",
                    ["link"] = mailer.Link($"/recognition/{share.Id}"),
                });
            log.LogInformation("Recognition {ShareId} at {InstitutionId} marked {Mark}", share.Id, share.ToInstitutionId, mark);
        }
    }
}
