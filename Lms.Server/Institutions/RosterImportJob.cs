using System.Security.Claims;
using System.Text.Json;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Server.Content;
using Lms.Server.Identity;

namespace Lms.Server.Institutions;

/// <summary>What a finished import did, as kept for the admin to come back to (no code, no password).</summary>
public sealed record RosterImportSummary(
    int PeopleCreated, int PeopleAlreadyThere, int MembershipsAdded, int ClassesCreated, int ParentLinksAdded, int Emailed, int Slips);

/// <summary>The rows waiting for the job: cleaned, and with the hashes (never the clear text) of any passwords the file gave.</summary>
public sealed record StoredRoster(IReadOnlyList<RosterEntry> Entries, IReadOnlyDictionary<int, string> PasswordHashes);

/// <summary>
/// Applies a checked roster as a job on the media job queue (kind <c>roster-import</c>, subject = the import):
/// its lease, heartbeat, retries and the progress relay to /hubs/content are the media pipeline's own. People
/// with an e-mail are mailed their invitation as each batch is written; the others get their code on the
/// printed sheet. The outcome (or the problems found meanwhile) is kept on the import.
/// </summary>
public sealed class RosterImportJob(
    Db db, RosterImport import, RosterUpdate update, RosterImportRepository imports, MediaJobRepository jobs, InstitutionRepository institutions,
    IServiceScopeFactory scopes, ILogger<RosterImportJob> log) : IQueuedJobHandler
{
    public const string JobKind = "roster-import";

    public string Kind => JobKind;

    public async Task RunAsync(MediaJobRow job, IProgress<double> progress, CancellationToken cancellationToken)
    {
        var token = job.LeaseToken!.Value;
        var row = await imports.GetAsync(job.SubjectId);
        var institution = row is null ? null : await institutions.GetAsync(row.InstitutionId);
        if (row?.Entries is null || institution is null)
        {
            // Finished by an earlier attempt that lost its lease after writing, or removed: nothing left to do.
            await db.InTransactionAsync(async (c, t) => { await jobs.CompleteAsync(c, t, job.Id, token); return 0; });
            return;
        }
        var stored = JsonSerializer.Deserialize<StoredRoster>(row.Entries, JsonSerializerOptions.Web)!;
        if (row.Mode == RosterModes.Update)
        {
            await PreviewAsync(job, row, stored, cancellationToken);
            return;
        }
        var emailed = 0;
        var (outcome, problems) = await import.ApplyInBatchesAsync(institution.Id, row.Id, stored.Entries, stored.PasswordHashes, progress,
            async invitations =>
            {
                var mailed = invitations.Where(i => i.Email is not null && i.Code is not null).ToList();
                if (mailed.Count == 0) return;
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<Accounts>().SendInvitationsAsync(
                    mailed.Select(i => (i.Email!, i.DisplayName, i.Code!)), institution.Name, row.Language);
                emailed += mailed.Count;
            }, cancellationToken);
        var summary = outcome is null ? null : new RosterImportSummary(outcome.PeopleCreated, outcome.PeopleAlreadyThere,
            outcome.MembershipsAdded, outcome.ClassesCreated, outcome.ParentLinksAdded, emailed,
            outcome.Invitations.Count(i => i.Email is null));
        await db.InTransactionAsync(async (c, t) =>
        {
            await imports.FinishAsync(row.Id, Json(summary), problems.Count == 0 ? null : Json(problems), c, t);
            if (problems.Count == 0) await jobs.CompleteAsync(c, t, job.Id, token);
            else await jobs.FailAsync(c, t, job.Id, token, "roster-invalid", $"{problems.Count} problem(s) appeared since the file was checked.");
            return 0;
        }, CancellationToken.None);
        log.LogInformation("Roster import {Import}: {Created} people created, {Problems} problem(s)", row.Id, summary?.PeopleCreated, problems.Count);
    }

    /// <summary>An update's job only works out its changes; nothing is written until the admin confirms them.</summary>
    private async Task PreviewAsync(MediaJobRow job, RosterImportRow row, StoredRoster stored, CancellationToken cancellationToken)
    {
        var token = job.LeaseToken!.Value;
        var (changes, problems) = await update.PreviewAsync(row.InstitutionId, stored.Entries, row.DisableAbsent, row.CreatedBy, cancellationToken);
        await db.InTransactionAsync(async (c, t) =>
        {
            if (problems.Count == 0)
            {
                await imports.SavePreviewAsync(row.Id, Json(changes)!, RosterUpdate.Hash(changes), c, t);
                await jobs.CompleteAsync(c, t, job.Id, token);
            }
            else
            {
                // Nothing to confirm: the rows are forgotten as a finished import's are.
                await imports.FinishAsync(row.Id, null, Json(problems), c, t);
                await jobs.FailAsync(c, t, job.Id, token, "roster-invalid", $"{problems.Count} problem(s) in the update.");
            }
            return 0;
        }, CancellationToken.None);
        log.LogInformation("Roster update {Import} previewed: {Changes} change(s), {Problems} problem(s)", row.Id, changes.Count, problems.Count);
    }

    public async Task FailAsync(MediaJobRow job, string code, string reason)
    {
        var problem = new RosterProblem(0, "file", "import-failed", reason);
        await db.InTransactionAsync(async (c, t) =>
        {
            await imports.FinishAsync(job.SubjectId, null, Json(new[] { problem }), c, t);
            await jobs.FailAsync(c, t, job.Id, job.LeaseToken!.Value, code, reason);
            return 0;
        });
    }

    public async Task<bool> MayWatchAsync(ClaimsPrincipal user, MediaJobRow job)
    {
        var row = await imports.GetAsync(job.SubjectId);
        var institution = row is null ? null : await institutions.GetAsync(row.InstitutionId);
        return institution is not null && (await institutions.RolesAsync(user.Id(), institution)).Contains(Roles.Admin);
    }

    public static string? Json<T>(T? value) => value is null ? null : JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
}
