using System.Data.Common;
using System.Globalization;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>The columns of a term's mark book: regular assessments tx1…txN (N by <see cref="Circular22.RegularCount"/>), gk, ck.</summary>
public static class MarkColumns
{
    public const string Midterm = "gk";
    public const string Final = "ck";

    public static string Regular(int number) => "tx" + number;

    public static IReadOnlyList<string> For(string assessment, int periodsPerYear) =>
        [.. Enumerable.Range(1, Circular22.RegularCount(assessment, periodsPerYear)).Select(Regular), Midterm, Final];
}

/// <summary>What a cell holds: a score (scored subjects) or a rating, dat / chua-dat (comment-only subjects); neither when empty.</summary>
public sealed record MarkValue(decimal? Score, string? Rating)
{
    public static readonly MarkValue Empty = new(null, null);

    public bool IsEmpty => Score is null && Rating is null;

    /// <summary>As the grid and the log show it: "7.5", "dat", or null.</summary>
    public string? Text => Score?.ToString("0.#", CultureInfo.InvariantCulture) ?? Rating;

    internal int? Tenths => Score is { } s ? (int)(s * 10) : null;
}

/// <summary>Which cell: a student's column of a subject in a class's term.</summary>
public sealed record MarkCellKey(Guid TermId, Guid ClassId, Guid SubjectId, Guid StudentId, string Column);

/// <summary>A stored cell.</summary>
public sealed record MarkCellRow
{
    public Guid TermId { get; init; }
    public Guid SubjectId { get; init; }
    public Guid StudentId { get; init; }
    public string ColumnKey { get; init; } = "";
    public int? ScoreTenths { get; init; }
    public string? Rating { get; init; }

    public MarkValue Value => new(ScoreTenths is { } t ? t / 10m : null, Rating);
}

public enum MarkSaveOutcome
{
    Saved,
    Unchanged,

    /// <summary>The term is locked for the class and no reason was given: nothing was saved.</summary>
    LockedNeedsReason,
}

/// <summary>A change made after the term was locked: who, when, the old and new value, and why.</summary>
public sealed record MarkChangeView
{
    public Guid Id { get; init; }
    public Guid TermId { get; init; }
    public Guid SubjectId { get; init; }
    public string SubjectName { get; init; } = "";
    public Guid StudentId { get; init; }
    public string StudentName { get; init; } = "";
    public string ColumnKey { get; init; } = "";
    public string? OldValue { get; init; }
    public string? NewValue { get; init; }
    public string Reason { get; init; } = "";
    public string ChangedByName { get; init; } = "";
    public DateTimeOffset ChangedAt { get; init; }
}

public sealed record MarkLockView
{
    public Guid TermId { get; init; }
    public Guid ClassId { get; init; }
    public DateTimeOffset LockedAt { get; init; }
}

/// <summary>A term lock lifted by the principal: when it had been set, who lifted it, when and why.</summary>
public sealed record MarkUnlockView
{
    public Guid Id { get; init; }
    public Guid TermId { get; init; }
    public DateTimeOffset LockedAt { get; init; }
    public string Reason { get; init; } = "";
    public string UnlockedByName { get; init; } = "";
    public DateTimeOffset UnlockedAt { get; init; }
}

/// <summary>A subject a teacher keeps the marks of in a class (theirs, or every subject of the class they are homeroom teacher of).</summary>
public sealed record MarkBookEntry
{
    public Guid SchoolYearId { get; init; }
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
    public Guid SubjectId { get; init; }
    public string SubjectName { get; init; } = "";
    public bool Mine { get; init; }
}

/// <summary>
/// The mark book's cells, one row each, saved one at a time: saving the same value again changes nothing, so a retried
/// request never doubles; a locked term's cell changes only with a reason, and the change is logged in the same
/// transaction as the cell.
/// </summary>
public sealed class MarkBookRepository(Db db, TimeProvider clock)
{
    private const string CellColumns = "term_id, subject_id, student_id, column_key, score_tenths, rating";

    private static readonly Sql SheetSql = Sql.Portable(
        $"SELECT {CellColumns} FROM mark_cells WHERE class_id = @classId AND subject_id = @subjectId");

    /// <summary>Every cell of a subject in a class, over all terms (term II's year average needs term I).</summary>
    public Task<IReadOnlyList<MarkCellRow>> SubjectCellsAsync(Guid classId, Guid subjectId) =>
        db.QueryAsync<MarkCellRow>(SheetSql, new { classId, subjectId });

    private static readonly Sql StudentSql = Sql.Portable(
        $"SELECT {CellColumns} FROM mark_cells WHERE student_id = @studentId AND class_id = @classId");

    /// <summary>Every cell of a student in their class, all subjects and terms.</summary>
    public Task<IReadOnlyList<MarkCellRow>> StudentCellsAsync(Guid studentId, Guid classId) =>
        db.QueryAsync<MarkCellRow>(StudentSql, new { studentId, classId });

    private static readonly Sql CellSql = Sql.Portable(
        $"SELECT {CellColumns} FROM mark_cells WHERE term_id = @TermId AND class_id = @ClassId AND subject_id = @SubjectId " +
        "AND student_id = @StudentId AND column_key = @Column");
    private static readonly Sql LockedSql = Sql.Portable("SELECT COUNT(*) FROM mark_term_locks WHERE term_id = @TermId AND class_id = @ClassId");
    private static readonly Sql UpdateSql = Sql.Portable(
        "UPDATE mark_cells SET score_tenths = @tenths, rating = @rating, updated_by = @by, updated_at = @now " +
        "WHERE term_id = @TermId AND class_id = @ClassId AND subject_id = @SubjectId AND student_id = @StudentId AND column_key = @Column");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO mark_cells (term_id, class_id, subject_id, student_id, column_key, score_tenths, rating, updated_by, updated_at) " +
        "VALUES (@TermId, @ClassId, @SubjectId, @StudentId, @Column, @tenths, @rating, @by, @now)");
    private static readonly Sql DeleteSql = Sql.Portable(
        "DELETE FROM mark_cells WHERE term_id = @TermId AND class_id = @ClassId AND subject_id = @SubjectId AND student_id = @StudentId " +
        "AND column_key = @Column");
    private static readonly Sql LogSql = Sql.Portable(
        "INSERT INTO mark_changes (id, term_id, class_id, subject_id, student_id, column_key, old_value, new_value, reason, changed_by, changed_at) " +
        "VALUES (@id, @TermId, @ClassId, @SubjectId, @StudentId, @Column, @old, @new, @reason, @by, @now)");

    /// <summary>
    /// Saves one cell (an empty value clears it). The lock is read in the same transaction as the write, so a cell
    /// saved as the principal locks the term is either in before the lock or needs its reason.
    /// </summary>
    public async Task<MarkSaveOutcome> SaveAsync(MarkCellKey key, MarkValue value, Guid by, string? reason)
    {
        try
        {
            return await SaveOnceAsync(key, value, by, reason);
        }
        catch (DbException)
        {
            // Two first saves of one cell at once: the primary key let one insert in; this one now updates it.
            return await SaveOnceAsync(key, value, by, reason);
        }
    }

    private Task<MarkSaveOutcome> SaveOnceAsync(MarkCellKey key, MarkValue value, Guid by, string? reason) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var old = (await connection.QuerySingleOrDefaultAsync<MarkCellRow>(db.Text(CellSql), key, transaction))?.Value ?? MarkValue.Empty;
            if (old.Text == value.Text) return MarkSaveOutcome.Unchanged;
            var locked = await connection.ExecuteScalarAsync<long>(db.Text(LockedSql), key, transaction) > 0;
            if (locked && string.IsNullOrWhiteSpace(reason)) return MarkSaveOutcome.LockedNeedsReason;
            var args = new DynamicParameters(key);
            args.AddDynamicParams(new { tenths = value.Tenths, rating = value.Rating, by, now = clock.GetUtcNow() });
            if (value.IsEmpty) await connection.ExecuteAsync(db.Text(DeleteSql), key, transaction);
            else if (await connection.ExecuteAsync(db.Text(UpdateSql), args, transaction) == 0)
                await connection.ExecuteAsync(db.Text(InsertSql), args, transaction);
            if (locked)
            {
                args.AddDynamicParams(new { id = Guid.CreateVersion7(), old = old.Text, @new = value.Text, reason = reason!.Trim() });
                await connection.ExecuteAsync(db.Text(LogSql), args, transaction);
            }
            return MarkSaveOutcome.Saved;
        });

    private static readonly Sql LockSql = Sql.PerDialect(d => d.InsertIgnore("mark_term_locks",
        ["term_id", "class_id", "locked_by", "locked_at"], ["@termId", "@classId", "@by", "@now"], ["term_id", "class_id"]));

    /// <summary>Locks the term's marks for each class (locking again changes nothing); the number newly locked.</summary>
    public Task<int> LockAsync(Guid termId, IEnumerable<Guid> classIds, Guid by) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var locked = 0;
            foreach (var classId in classIds)
                locked += await connection.ExecuteAsync(db.Text(LockSql), new { termId, classId, by, now = clock.GetUtcNow() }, transaction);
            return locked;
        });

    private static readonly Sql LocksSql = Sql.Portable("SELECT term_id, class_id, locked_at FROM mark_term_locks WHERE class_id = @classId");

    /// <summary>The class's locked terms.</summary>
    public Task<IReadOnlyList<MarkLockView>> LocksAsync(Guid classId) => db.QueryAsync<MarkLockView>(LocksSql, new { classId });

    private static readonly Sql LockOfSql = Sql.Portable(
        "SELECT term_id, class_id, locked_at FROM mark_term_locks WHERE term_id = @termId AND class_id = @classId");
    private static readonly Sql UnlockSql = Sql.Portable("DELETE FROM mark_term_locks WHERE term_id = @termId AND class_id = @classId");
    private static readonly Sql UnlockLogSql = Sql.Portable(
        "INSERT INTO mark_term_unlocks (id, term_id, class_id, locked_at, reason, unlocked_by, unlocked_at) " +
        "VALUES (@id, @termId, @classId, @lockedAt, @reason, @by, @now)");

    /// <summary>
    /// Lifts a class's lock of a term, logged with the reason in the same transaction; false when it was not locked
    /// (two unlocks at once: one deletes the lock and logs, the other finds nothing).
    /// </summary>
    public Task<bool> UnlockAsync(Guid termId, Guid classId, Guid by, string reason) =>
        db.InTransactionAsync(async (connection, transaction) =>
        {
            var found = await connection.QuerySingleOrDefaultAsync<MarkLockView>(db.Text(LockOfSql), new { termId, classId }, transaction);
            if (found is null || await connection.ExecuteAsync(db.Text(UnlockSql), new { termId, classId }, transaction) == 0) return false;
            await connection.ExecuteAsync(db.Text(UnlockLogSql),
                new { id = Guid.CreateVersion7(), termId, classId, lockedAt = found.LockedAt, reason = reason.Trim(), by, now = clock.GetUtcNow() }, transaction);
            return true;
        });

    private static readonly Sql UnlocksSql = Sql.Portable(
        "SELECT x.id, x.term_id, x.locked_at, x.reason, u.display_name AS unlocked_by_name, x.unlocked_at FROM mark_term_unlocks x " +
        "JOIN users u ON u.id = x.unlocked_by WHERE x.class_id = @classId ORDER BY x.unlocked_at DESC, x.id DESC");

    /// <summary>The class's term unlocks, newest first.</summary>
    public Task<IReadOnlyList<MarkUnlockView>> UnlocksAsync(Guid classId) => db.QueryAsync<MarkUnlockView>(UnlocksSql, new { classId });

    private static readonly Sql ChangesSql = Sql.Portable(
        "SELECT c.id, c.term_id, c.subject_id, s.name AS subject_name, c.student_id, st.display_name AS student_name, c.column_key, " +
        "c.old_value, c.new_value, c.reason, u.display_name AS changed_by_name, c.changed_at FROM mark_changes c " +
        "JOIN subjects s ON s.id = c.subject_id JOIN users st ON st.id = c.student_id JOIN users u ON u.id = c.changed_by " +
        "WHERE c.class_id = @classId ORDER BY c.changed_at DESC, c.id DESC");

    /// <summary>The class's changes after a lock, newest first.</summary>
    public Task<IReadOnlyList<MarkChangeView>> ChangesAsync(Guid classId) => db.QueryAsync<MarkChangeView>(ChangesSql, new { classId });

    private static readonly Sql TeacherBooksSql = Sql.Portable(
        "SELECT t.school_year_id, t.class_id, c.name AS class_name, t.subject_id, s.name AS subject_name, " +
        "CASE WHEN t.teacher_id = @teacherId THEN 1 ELSE 0 END AS mine FROM class_subject_teachers t " +
        "JOIN classes c ON c.id = t.class_id JOIN subjects s ON s.id = t.subject_id " +
        "WHERE t.school_year_id = @yearId AND (t.teacher_id = @teacherId OR EXISTS (SELECT 1 FROM class_homerooms h " +
        "WHERE h.school_year_id = t.school_year_id AND h.class_id = t.class_id AND h.teacher_id = @teacherId)) ORDER BY c.name, s.position");

    /// <summary>The subjects whose marks a teacher keeps (mine) or reads as the class's homeroom teacher, in a year.</summary>
    public Task<IReadOnlyList<MarkBookEntry>> TeacherBooksAsync(Guid yearId, Guid teacherId) =>
        db.QueryAsync<MarkBookEntry>(TeacherBooksSql, new { yearId, teacherId });
}
