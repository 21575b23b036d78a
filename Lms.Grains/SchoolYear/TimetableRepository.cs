using System.Data.Common;
using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>One period of a class's week: day (1 = Monday … 7 = Sunday), period 1-10, subject, teacher, room or online.</summary>
public sealed record TimetableSlot
{
    public Guid Id { get; init; }
    public Guid SchoolYearId { get; init; }
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
    public int Weekday { get; init; }
    public int Period { get; init; }
    public Guid SubjectId { get; init; }
    public string SubjectName { get; init; } = "";
    public Guid TeacherId { get; init; }
    public string TeacherName { get; init; } = "";
    public string? Room { get; init; }
    public bool Online { get; init; }
}

/// <summary>A period to write (by ids, checked by the caller against the institution's classes, subjects and teachers).</summary>
public sealed record SlotEntry(Guid ClassId, int Weekday, int Period, Guid SubjectId, Guid TeacherId, string? Room, bool Online);

/// <summary>The period another class already has the teacher in.</summary>
public sealed record DoubleBooking(SlotEntry Entry, Guid OtherClassId);

/// <summary>
/// The weekly timetable of each class for a school year. A teacher is in one class per period: the unique index on
/// (year, teacher, day, period) refuses a double booking however two writes interleave; the checks here only name it.
/// </summary>
public sealed class TimetableRepository(Db db)
{
    public const int Periods = 10;

    private const string SlotSelect =
        "SELECT s.id, s.school_year_id, s.class_id, c.name AS class_name, s.weekday, s.period, s.subject_id, sub.name AS subject_name, " +
        "s.teacher_id, u.display_name AS teacher_name, s.room, s.online FROM timetable_slots s " +
        "JOIN classes c ON c.id = s.class_id JOIN subjects sub ON sub.id = s.subject_id JOIN users u ON u.id = s.teacher_id ";

    private static readonly Sql ClassSql = Sql.Portable(SlotSelect + "WHERE s.school_year_id = @yearId AND s.class_id = @classId ORDER BY s.weekday, s.period");

    public Task<IReadOnlyList<TimetableSlot>> ClassAsync(Guid yearId, Guid classId) => db.QueryAsync<TimetableSlot>(ClassSql, new { yearId, classId });

    private static readonly Sql TeacherSql = Sql.Portable(
        SlotSelect + "WHERE s.school_year_id = @yearId AND s.teacher_id = @teacherId ORDER BY s.weekday, s.period");

    /// <summary>A teacher's periods across classes for the year.</summary>
    public Task<IReadOnlyList<TimetableSlot>> TeacherAsync(Guid yearId, Guid teacherId) =>
        db.QueryAsync<TimetableSlot>(TeacherSql, new { yearId, teacherId });

    private static readonly Sql SlotSql = Sql.Portable(SlotSelect + "WHERE s.id = @slotId");

    public Task<TimetableSlot?> SlotAsync(Guid slotId) => db.SingleOrDefaultAsync<TimetableSlot>(SlotSql, new { slotId });

    private static readonly Sql YearSql = Sql.Portable(SlotSelect + "WHERE s.school_year_id = @yearId");

    private static readonly Sql DeleteCellSql = Sql.Portable(
        "DELETE FROM timetable_slots WHERE school_year_id = @yearId AND class_id = @classId AND weekday = @weekday AND period = @period " +
        "AND NOT EXISTS (SELECT 1 FROM roll_calls r WHERE r.slot_id = timetable_slots.id)");
    private static readonly Sql UpdateCellSql = Sql.Portable(
        "UPDATE timetable_slots SET subject_id = @subjectId, teacher_id = @teacherId, room = @room, online = @online " +
        "WHERE school_year_id = @yearId AND class_id = @classId AND weekday = @weekday AND period = @period");
    private static readonly Sql InsertSql = Sql.Portable(
        "INSERT INTO timetable_slots (id, school_year_id, class_id, weekday, period, subject_id, teacher_id, room, online) " +
        "VALUES (@id, @yearId, @classId, @weekday, @period, @subjectId, @teacherId, @room, @online)");

    /// <summary>
    /// Replaces the timetable of every class named in <paramref name="entries"/> with those entries, all or nothing.
    /// A period whose roll was already taken keeps its row (and so its history): it is updated in place.
    /// Returns the double bookings found (then nothing was written).
    /// </summary>
    public async Task<IReadOnlyList<DoubleBooking>> ReplaceAsync(Guid yearId, IReadOnlyList<SlotEntry> entries)
    {
        var clashes = await ImportClashesAsync(yearId, entries);
        if (clashes.Count > 0) return clashes;
        try
        {
            return await db.InTransactionAsync<IReadOnlyList<DoubleBooking>>(async (connection, transaction) =>
            {
                var classes = entries.Select(e => e.ClassId).ToHashSet();
                var existing = (await connection.QueryAsync<TimetableSlot>(db.Text(YearSql), new { yearId }, transaction))
                    .Where(s => classes.Contains(s.ClassId)).ToList();
                // Out of the way first, so that teachers swapped between two classes do not meet themselves in the index
                // (a period whose roll was taken stays, and is updated in place).
                foreach (var s in existing)
                    await connection.ExecuteAsync(db.Text(DeleteCellSql), new { yearId, classId = s.ClassId, weekday = s.Weekday, period = s.Period }, transaction);
                foreach (var e in entries)
                    await WriteCellAsync(connection, transaction, yearId, e);
                return [];
            });
        }
        catch (DbException)
        {
            // Someone booked one of these teachers in the same period between the check and the write.
            return await ImportClashesAsync(yearId, entries) is { Count: > 0 } found ? found : throw new InvalidOperationException("The timetable could not be saved.");
        }
    }

    private async Task WriteCellAsync(DbConnection connection, DbTransaction transaction, Guid yearId, SlotEntry e)
    {
        var args = new
        {
            id = Guid.CreateVersion7(), yearId, classId = e.ClassId, weekday = e.Weekday, period = e.Period, subjectId = e.SubjectId,
            teacherId = e.TeacherId, room = e.Room, online = e.Online,
        };
        if (await connection.ExecuteAsync(db.Text(UpdateCellSql), args, transaction) == 0)
            await connection.ExecuteAsync(db.Text(InsertSql), args, transaction);
    }

    /// <summary>Empties one cell of the grid; false when its period's roll was taken (the period stays, with its history).</summary>
    public async Task<bool> ClearCellAsync(Guid yearId, Guid classId, int weekday, int period)
    {
        await db.ExecuteAsync(DeleteCellSql, new { yearId, classId, weekday, period });
        return !(await ClassAsync(yearId, classId)).Any(s => s.Weekday == weekday && s.Period == period);
    }

    /// <summary>One cell of the grid. A double booking is returned, and nothing is written.</summary>
    public async Task<DoubleBooking?> SetCellAsync(Guid yearId, Guid classId, int weekday, int period, SlotEntry entry)
    {
        if ((await CellClashesAsync(yearId, entry)).FirstOrDefault() is { } clash) return clash;
        try
        {
            await db.InTransactionAsync(async (connection, transaction) =>
            {
                await WriteCellAsync(connection, transaction, yearId, entry);
                return 0;
            });
            return null;
        }
        catch (DbException)
        {
            return (await CellClashesAsync(yearId, entry)).FirstOrDefault() ?? throw new InvalidOperationException("The period could not be saved.");
        }
    }

    /// <summary>
    /// Entries whose teacher is already in another class in that period: in the year's timetable (periods the write
    /// does not replace) or twice among the entries themselves.
    /// </summary>
    private async Task<IReadOnlyList<DoubleBooking>> DoubleBookingsAsync(Guid yearId, IReadOnlyList<SlotEntry> entries, Func<TimetableSlot, bool> replaced)
    {
        var taken = (await db.QueryAsync<TimetableSlot>(YearSql, new { yearId })).Where(s => !replaced(s))
            .ToDictionary(s => (s.TeacherId, s.Weekday, s.Period), s => s.ClassId);
        var clashes = new List<DoubleBooking>();
        foreach (var e in entries)
        {
            var key = (e.TeacherId, e.Weekday, e.Period);
            if (taken.TryGetValue(key, out var other) && other != e.ClassId) clashes.Add(new DoubleBooking(e, other));
            else taken[key] = e.ClassId;
        }
        return clashes;
    }

    private Task<IReadOnlyList<DoubleBooking>> ImportClashesAsync(Guid yearId, IReadOnlyList<SlotEntry> entries)
    {
        var rewritten = entries.Select(e => e.ClassId).ToHashSet();
        return DoubleBookingsAsync(yearId, entries, s => rewritten.Contains(s.ClassId));
    }

    private Task<IReadOnlyList<DoubleBooking>> CellClashesAsync(Guid yearId, SlotEntry entry) =>
        DoubleBookingsAsync(yearId, [entry], s => s.ClassId == entry.ClassId && s.Weekday == entry.Weekday && s.Period == entry.Period);
}
