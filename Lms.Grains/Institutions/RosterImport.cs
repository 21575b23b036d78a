using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>
/// One person from a roster file, already checked for shape at the edge. <paramref name="BirthDate"/> is
/// read only to tell two people with one identifier apart; it is not stored.
/// </summary>
public sealed record RosterEntry(
    int Line,
    string Role,
    string FullName,
    string? Email,
    string? NationalId,
    string? ClassName,
    string? Password,
    IReadOnlyList<string> ParentOf,
    string? BirthDate = null);

/// <summary>
/// A problem in a roster: a stable <see cref="Code"/> with its <see cref="Params"/>, which the web app words in
/// the reader's language; <see cref="Message"/> is English, for logs and scripts. <see cref="Lines"/> names
/// every line the problem is about (both lines of a duplicate).
/// </summary>
public sealed record RosterProblem(int Line, string Field, string Code, string Message)
{
    public IReadOnlyList<int> Lines { get; init; } = [Line];
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A person the import created without a password: they choose one with this one-time code, sent as a
/// link to <paramref name="Email"/> when there is one, else printed on a sheet. <paramref name="Code"/>
/// is null when the code is issued later, on the sheet (a background import keeps no code).
/// </summary>
public sealed record RosterInvitation(int Line, string DisplayName, string Login, string? Email, string? Code);

public sealed record RosterOutcome(
    int PeopleCreated,
    int PeopleAlreadyThere,
    int MembershipsAdded,
    int ClassesCreated,
    int ParentLinksAdded,
    IReadOnlyList<RosterInvitation> Invitations);

/// <summary>
/// Applies a roster to an institution. Every row is checked against the file and the database in one pass
/// (<see cref="CheckAsync"/>), and nothing is written while any row is wrong. A row joins an account that
/// already exists only when this institution made it or its owner has claimed it, and only when the names
/// agree: two people are never merged. New people get an invitation, not a password.
/// Two ways to write: <see cref="ApplyAsync"/> in one transaction (small files, the demo, first admin), and
/// <see cref="ApplyInBatchesAsync"/> for the background job (a transaction per batch, so progress can be
/// recorded and the database is never locked for the whole file; running it again continues where it stopped).
/// </summary>
public sealed class RosterImport(Db db, UserRepository users, Passwords passwords, OneTimeCodes codes, TimeProvider clock)
{
    /// <summary>Rows per transaction in a background import.</summary>
    public const int BatchSize = 200;

    /// <summary>Names and class names as they are stored and compared (NFC, one space); identifiers trimmed.</summary>
    public static IReadOnlyList<RosterEntry> Cleaned(IReadOnlyList<RosterEntry> entries) =>
        entries.Select(e => e with
        {
            FullName = PersonText.Clean(e.FullName),
            ClassName = PersonText.CleanOrNull(e.ClassName),
            Email = string.IsNullOrWhiteSpace(e.Email) ? null : e.Email.Trim(),
            NationalId = string.IsNullOrWhiteSpace(e.NationalId) ? null : e.NationalId.Trim(),
            BirthDate = PersonText.CleanOrNull(e.BirthDate),
            ParentOf = e.ParentOf.Select(c => c.Trim()).Where(c => c.Length > 0).ToList(),
        }).ToList();

    /// <summary>Every problem of every row, against the file and the database at once; empty when the roster can be applied.</summary>
    public async Task<IReadOnlyList<RosterProblem>> CheckAsync(
        Guid institutionId, IReadOnlyList<RosterEntry> entries, CancellationToken cancellationToken = default)
    {
        entries = Cleaned(entries);
        var problems = RosterFileCheck.Check(entries);
        await using var connection = await db.OpenAsync(cancellationToken);
        var resolver = new RosterResolver(db, institutionId, connection, null);
        await resolver.ResolveAsync(entries, problems);
        await resolver.CheckChildrenAsync(entries, entries, problems);
        return Ordered(problems);
    }

    /// <summary>All rows or none, in one transaction; printed codes are issued at once (the caller shows them).</summary>
    public async Task<(RosterOutcome? Outcome, IReadOnlyList<RosterProblem> Problems)> ApplyAsync(
        Guid institutionId, IReadOnlyList<RosterEntry> entries, CancellationToken cancellationToken = default)
    {
        var problems = await CheckAsync(institutionId, entries, cancellationToken);
        if (problems.Count > 0) return (null, problems);
        entries = Cleaned(entries);
        // Hashing is slow on purpose: never inside the write transaction.
        var hashes = HashPasswords(entries);
        var writer = new RosterWriter(db, users, codes, clock, institutionId, importId: null, issuePrintedCodes: true);
        var found = new List<RosterProblem>();
        var outcome = await db.InTransactionAsync(async (connection, transaction) =>
        {
            var resolver = new RosterResolver(db, institutionId, connection, transaction);
            var resolved = await resolver.ResolveAsync(entries, found);
            if (found.Count > 0) return null;
            await writer.WriteAsync(resolved, hashes, connection, transaction);
            await writer.LinkParentsAsync(entries, connection, transaction);
            return writer.Outcome();
        }, cancellationToken);
        return (outcome, Ordered(found));
    }

    /// <summary>
    /// The background import, from rows whose passwords were already hashed (<see cref="HashPasswords"/>; the
    /// rows waiting for the job keep no password in clear): a transaction per <see cref="BatchSize"/> rows, progress reported after each.
    /// Codes for printed slips are not issued here (the sheet issues them, so none is kept); invitations to
    /// people with an e-mail are (their links are mailed). A problem that appears meanwhile (someone took an
    /// identifier since the check) stops the import where it is; what was applied stays, and a re-import
    /// adds nobody twice.
    /// </summary>
    public async Task<(RosterOutcome? Outcome, IReadOnlyList<RosterProblem> Problems)> ApplyInBatchesAsync(
        Guid institutionId, Guid importId, IReadOnlyList<RosterEntry> entries, IReadOnlyDictionary<int, string> passwordHashes,
        IProgress<double> progress, Func<IReadOnlyList<RosterInvitation>, Task> invited, CancellationToken cancellationToken)
    {
        entries = Cleaned(entries);
        var problems = RosterFileCheck.Check(entries);
        if (problems.Count > 0) return (null, Ordered(problems));
        var writer = new RosterWriter(db, users, codes, clock, institutionId, importId, issuePrintedCodes: false);
        var parents = entries.Where(e => e.ParentOf.Count > 0).ToList();
        var steps = (double)entries.Count + parents.Count;
        var done = 0;
        foreach (var batch in entries.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = writer.Invitations.Count;
            await db.InTransactionAsync(async (connection, transaction) =>
            {
                var resolved = await new RosterResolver(db, institutionId, connection, transaction).ResolveAsync(batch, problems);
                if (problems.Count == 0) await writer.WriteAsync(resolved, passwordHashes, connection, transaction);
                return 0;
            }, cancellationToken);
            if (problems.Count > 0) return (null, Ordered(problems));
            await invited(writer.Invitations.Skip(before).ToList());
            done += batch.Length;
            progress.Report(done / steps);
        }
        foreach (var batch in parents.Chunk(BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await db.InTransactionAsync(async (connection, transaction) =>
            {
                var resolver = new RosterResolver(db, institutionId, connection, transaction);
                await resolver.CheckChildrenAsync(batch, entries, problems);
                if (problems.Count == 0) await writer.LinkParentsAsync(batch, connection, transaction);
                return 0;
            }, cancellationToken);
            if (problems.Count > 0) return (null, Ordered(problems));
            done += batch.Length;
            progress.Report(done / steps);
        }
        return (writer.Outcome(), []);
    }

    /// <summary>The hashes of the passwords some rows give (by line): slow on purpose, so never inside a write transaction.</summary>
    public Dictionary<int, string> HashPasswords(IEnumerable<RosterEntry> entries) =>
        entries.Where(e => e.Password is not null).AsParallel().ToDictionary(e => e.Line, e => passwords.Hash(e.Password!));

    private static List<RosterProblem> Ordered(IEnumerable<RosterProblem> problems) =>
        problems.OrderBy(p => p.Line).ThenBy(p => p.Field, StringComparer.Ordinal).ToList();
}
