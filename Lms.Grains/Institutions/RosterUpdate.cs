using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

public abstract record RosterUpdateResult
{
    /// <summary>The previewed changes were applied; <paramref name="Disabled"/> and <paramref name="Changed"/> name the people whose sessions or connections should end.</summary>
    public sealed record Applied(RosterOutcome Outcome, IReadOnlyList<RosterChange> Changes, IReadOnlyList<Guid> Disabled, IReadOnlyList<Guid> Changed)
        : RosterUpdateResult;
    /// <summary>The people changed since the preview: its changes are no longer what applying the file would do.</summary>
    public sealed record Stale : RosterUpdateResult;
    /// <summary>This preview was confirmed already.</summary>
    public sealed record AlreadyConfirmed : RosterUpdateResult;
    public sealed record Invalid(IReadOnlyList<RosterProblem> Problems) : RosterUpdateResult;
}

/// <summary>
/// A roster re-imported in update mode: <see cref="PreviewAsync"/> lists every change the file makes (renames, new
/// logins, class moves, new people, roles added and, when asked, the absent disabled) without writing anything;
/// <see cref="ConfirmAsync"/> applies exactly those changes in one transaction, after computing them again and
/// comparing their hash with the one the admin saw: a preview made stale by any change in between is refused, and a
/// preview is applied once. The changes go through the people page's own operations (rename, move with the courses
/// following, disable), audited as an admin's edits are.
/// </summary>
public sealed class RosterUpdate(Db db, UserRepository users, OneTimeCodes codes, PeopleRepository people, AdminAudit audit,
    RosterImportRepository imports, TimeProvider clock)
{
    public async Task<(IReadOnlyList<RosterChange> Changes, IReadOnlyList<RosterProblem> Problems)> PreviewAsync(
        Guid institutionId, IReadOnlyList<RosterEntry> entries, bool disableAbsent, Guid actorId, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await new RosterUpdatePlanner(db, institutionId, connection, null).PlanAsync(entries, disableAbsent, actorId);
    }

    /// <summary>The hash a confirmation names: of every change with its before and after.</summary>
    public static string Hash(IReadOnlyList<RosterChange> changes) => RosterUpdatePlanner.Hash(changes);

    private sealed class Refused(RosterUpdateResult result) : Exception
    {
        public RosterUpdateResult Result { get; } = result;
    }

    private static readonly Sql DisableSql = Sql.Portable("UPDATE users SET disabled_at = @now WHERE id = @userId AND disabled_at IS NULL");

    /// <summary>
    /// Applies the previewed changes of <paramref name="import"/> if they are still what the file changes (their hash is
    /// <paramref name="hash"/>); all of them or none. <paramref name="maskForAudit"/> masks logins in the audit as the
    /// people page does. New people are written as an ordinary import writes them (slips, invitations).
    /// </summary>
    public async Task<RosterUpdateResult> ConfirmAsync(
        RosterImportRow import, IReadOnlyList<RosterEntry> entries, IReadOnlyDictionary<int, string> passwordHashes, string hash, Guid actorId,
        Func<string, string?, string?> maskForAudit, Func<RosterOutcome, string?> outcomeJson, CancellationToken cancellationToken = default)
    {
        if (import.ConfirmedAt is not null) return new RosterUpdateResult.AlreadyConfirmed();
        var institutionId = import.InstitutionId;
        entries = RosterImport.Cleaned(entries);
        try
        {
            return await db.InTransactionAsync<RosterUpdateResult>(async (connection, transaction) =>
            {
                var (changes, problems) = await new RosterUpdatePlanner(db, institutionId, connection, transaction)
                    .PlanAsync(entries, import.DisableAbsent, actorId);
                if (problems.Count > 0) return new RosterUpdateResult.Invalid(problems);
                if (RosterUpdatePlanner.Hash(changes) != hash || hash != import.PreviewHash) return new RosterUpdateResult.Stale();

                // Who people are first, so that the rows match them when the writer adds roles, classes and new people.
                foreach (var person in changes.Where(c => c.Kind is RosterChangeKinds.Renamed or RosterChangeKinds.Email or RosterChangeKinds.NationalId)
                             .GroupBy(c => c.UserId!.Value))
                {
                    string? To(string kind) => person.FirstOrDefault(c => c.Kind == kind)?.To;
                    var change = new IdentityChange(To(RosterChangeKinds.Renamed), To(RosterChangeKinds.Email), null, To(RosterChangeKinds.NationalId));
                    if (await people.ChangeIdentityAsync(connection, transaction, institutionId, person.Key, change, actorId, maskForAudit)
                        is IdentityOutcome.Taken taken)
                        throw new Refused(new RosterUpdateResult.Invalid([new RosterProblem(person.First().Line, taken.Field,
                            taken.Field + "-taken", $"This {taken.Field} already belongs to another account.")
                        {
                            Params = new Dictionary<string, string> { ["value"] = taken.Value },
                        }]));
                }

                var writer = new RosterWriter(db, users, codes, clock, institutionId, import.Id, issuePrintedCodes: false);
                var found = new List<RosterProblem>();
                var resolver = new RosterResolver(db, institutionId, connection, transaction);
                var resolved = await resolver.ResolveAsync(entries, found);
                if (found.Count > 0) throw new Refused(new RosterUpdateResult.Invalid(found));
                await writer.WriteAsync(resolved, passwordHashes, connection, transaction);
                await writer.LinkParentsAsync(entries, connection, transaction);
                foreach (var created in writer.Created)
                    await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, created, AuditActions.Created,
                        new { import = import.Id });

                // Moves after the writer: a student the file also makes a student here is one by now, and the move takes
                // them out of their other classes and their courses into the new class's, as the people page does.
                foreach (var move in changes.Where(c => c.Kind == RosterChangeKinds.Moved))
                {
                    var classId = await writer.ClassIdAsync(move.To!, connection, transaction);
                    if (await people.MoveAsync(connection, transaction, institutionId, move.UserId!.Value, classId, actorId) is not MoveOutcome.Moved)
                        throw new Refused(new RosterUpdateResult.Stale());
                }

                var disabled = changes.Where(c => c.Kind == RosterChangeKinds.Disabled).Select(c => c.UserId!.Value).ToList();
                foreach (var userId in disabled)
                {
                    await connection.ExecuteAsync(db.Text(DisableSql), new { userId, now = clock.GetUtcNow() }, transaction);
                    await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId, AuditActions.Disabled,
                        new { import = import.Id, absentFromFile = true });
                }

                var outcome = writer.Outcome();
                if (!await imports.ConfirmAsync(import.Id, hash, outcomeJson(outcome), connection, transaction))
                    throw new Refused(new RosterUpdateResult.AlreadyConfirmed());
                var changed = changes.Where(c => c.UserId is not null && c.Kind is not RosterChangeKinds.Disabled)
                    .Select(c => c.UserId!.Value).Distinct().ToList();
                return new RosterUpdateResult.Applied(outcome, changes, disabled, changed);
            }, cancellationToken);
        }
        catch (Refused refused)
        {
            return refused.Result;
        }
    }
}
