using Dapper;
using Lms.Grains.Data;

namespace Lms.Grains.SchoolYear;

/// <summary>How a student was at a period. Only absent and late are stored: everyone else was present.</summary>
public static class AttendanceStatuses
{
    public const string Present = "present";
    public const string Absent = "absent";
    public const string Late = "late";

    public static bool IsKnown(string? value) => value is Present or Absent or Late;
}

/// <summary>What the teacher marked for one student (absences may be marked excused, có phép, on the spot).</summary>
public sealed record RollMark(Guid StudentId, string Status, bool Excused);

/// <summary>A student on the roll: the mark, whether the absence is excused (marked so, or an approved leave request covers it).</summary>
public sealed record RollEntry(Guid StudentId, string Name, string Status, bool Excused, bool OnLeave);

public sealed record RollView
{
    public Guid SlotId { get; init; }
    public string Day { get; init; } = "";
    public int Period { get; init; }
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
    public string SubjectName { get; init; } = "";
    public bool Online { get; init; }
    public DateTimeOffset? TakenAt { get; init; }
    public IReadOnlyList<RollEntry> Students { get; init; } = [];
}

/// <summary>One absence or late arrival of a student.</summary>
public sealed record AttendanceRecord
{
    public string Day { get; init; } = "";
    public int Period { get; init; }
    public Guid StudentId { get; init; }
    public string SubjectName { get; init; } = "";
    public string Status { get; init; } = "";
    public bool Excused { get; init; }
}

/// <summary>A student's totals over a span (a term, say).</summary>
public sealed record AttendanceTotals(Guid StudentId, string Name, int AbsentExcused, int AbsentUnexcused, int Late);

public static class LeaveStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Refused = "refused";
}

public sealed record LeaveRequestView
{
    public Guid Id { get; init; }
    public Guid SchoolYearId { get; init; }
    public Guid ClassId { get; init; }
    public string ClassName { get; init; } = "";
    public Guid StudentId { get; init; }
    public string StudentName { get; init; } = "";
    public string RequestedByName { get; init; } = "";
    public string FromDate { get; init; } = "";
    public string ToDate { get; init; } = "";
    public int? FromPeriod { get; init; }
    public int? ToPeriod { get; init; }
    public string Reason { get; init; } = "";
    public string Status { get; init; } = "";
    public string? DecidedByName { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record LeaveRequestEntry(
    Guid SchoolYearId, Guid ClassId, Guid StudentId, Guid RequestedBy, string FromDate, string ToDate, int? FromPeriod, int? ToPeriod, string Reason);

/// <summary>What a parent is told in the app (and by e-mail): an unexcused absence from a period.</summary>
public sealed record FamilyNotice
{
    public Guid Id { get; init; }
    public Guid StudentId { get; init; }
    public string StudentName { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Day { get; init; } = "";
    public int? Period { get; init; }
    public string? SubjectName { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; init; }
}

/// <summary>
/// The roll of every period, leave requests and the notices families are sent. An absence is excused when the teacher
/// marked it so or when an approved leave request covers its day and period: worked out when read, so a leave approved
/// after the roll (the usual order: the parent writes the next morning) excuses it as well.
/// </summary>
public sealed class AttendanceRepository(Db db, TimeProvider clock)
{
    /// <summary>1 when an approved leave request of the mark's student covers the roll's day and period (r: roll_calls, m: the mark).</summary>
    private const string Covered =
        "EXISTS (SELECT 1 FROM leave_requests l WHERE l.student_id = {0} AND l.status = 'approved' " +
        "AND l.from_date <= r.on_date AND r.on_date <= l.to_date " +
        "AND (l.from_period IS NULL OR (l.from_period <= r.period AND r.period <= l.to_period)))";

    private static readonly Sql RollSql = Sql.Portable("SELECT id, taken_at FROM roll_calls WHERE slot_id = @slotId AND on_date = @day");
    private static readonly Sql MarksSql = Sql.Portable(
        "SELECT m.student_id, m.status, CASE WHEN m.excused = @yes OR " + string.Format(Covered, "m.student_id") + " THEN 1 ELSE 0 END AS excused " +
        "FROM attendance_marks m JOIN roll_calls r ON r.id = m.roll_call_id WHERE r.id = @rollId");
    private static readonly Sql LeaveOnDaySql = Sql.Portable(
        "SELECT student_id FROM leave_requests WHERE class_id = @classId AND status = 'approved' AND from_date <= @day AND @day <= to_date " +
        "AND (from_period IS NULL OR (from_period <= @period AND @period <= to_period))");

    private sealed record RollRow
    {
        public Guid Id { get; init; }
        public DateTimeOffset TakenAt { get; init; }
    }

    private sealed record MarkRow
    {
        public Guid StudentId { get; init; }
        public string Status { get; init; } = "";
        public int Excused { get; init; }
    }

    /// <summary>The roll of a period on a day: every student of the class, present unless marked otherwise.</summary>
    public async Task<RollView> RollAsync(TimetableSlot slot, string day, IReadOnlyList<PersonName> students)
    {
        await using var connection = await db.OpenAsync();
        var roll = await connection.QuerySingleOrDefaultAsync<RollRow>(db.Text(RollSql), new { slotId = slot.Id, day });
        var marks = roll is null ? [] : (await connection.QueryAsync<MarkRow>(db.Text(MarksSql), new { rollId = roll.Id, yes = true }))
            .ToDictionary(m => m.StudentId);
        var onLeave = (await connection.QueryAsync<Guid>(db.Text(LeaveOnDaySql), new { classId = slot.ClassId, day, period = slot.Period })).ToHashSet();
        return new RollView
        {
            SlotId = slot.Id, Day = day, Period = slot.Period, ClassId = slot.ClassId, ClassName = slot.ClassName, SubjectName = slot.SubjectName,
            Online = slot.Online, TakenAt = roll?.TakenAt,
            Students = students.Select(s => marks.TryGetValue(s.Id, out var m)
                    ? new RollEntry(s.Id, s.Name, m.Status, m.Excused == 1, onLeave.Contains(s.Id))
                    : new RollEntry(s.Id, s.Name, AttendanceStatuses.Present, false, onLeave.Contains(s.Id)))
                .ToList(),
        };
    }

    private static readonly Sql TakenSql = Sql.Portable(
        "SELECT r.slot_id FROM roll_calls r JOIN timetable_slots s ON s.id = r.slot_id WHERE r.on_date = @day AND s.teacher_id = @teacherId");

    /// <summary>Which of a teacher's periods had their roll taken on the day.</summary>
    public async Task<IReadOnlySet<Guid>> TakenAsync(Guid teacherId, string day) =>
        (await db.QueryAsync<Guid>(TakenSql, new { day, teacherId })).ToHashSet();

    private static readonly Sql InsertRollSql = Sql.PerDialect(d => d.InsertIgnore("roll_calls",
        ["id", "slot_id", "class_id", "on_date", "period", "taken_by", "taken_at"],
        ["@id", "@slotId", "@classId", "@day", "@period", "@teacherId", "@now"], ["slot_id", "on_date"]));
    private static readonly Sql RetakeSql = Sql.Portable("UPDATE roll_calls SET taken_by = @teacherId, taken_at = @now WHERE id = @rollId");
    private static readonly Sql ClearMarksSql = Sql.Portable("DELETE FROM attendance_marks WHERE roll_call_id = @rollId");
    private static readonly Sql InsertMarkSql = Sql.Portable(
        "INSERT INTO attendance_marks (roll_call_id, student_id, status, excused) VALUES (@rollId, @studentId, @status, @excused)");

    /// <summary>
    /// Saves the roll of a period on a day as marked (anyone not in <paramref name="marks"/> was present), replacing an
    /// earlier one. Returns the roll's id and the students whose absence is unexcused, for the family notices.
    /// </summary>
    public async Task<(Guid RollId, IReadOnlyList<Guid> Unexcused)> SaveRollAsync(
        TimetableSlot slot, string day, Guid teacherId, IReadOnlyList<RollMark> marks) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            await connection.ExecuteAsync(db.Text(InsertRollSql),
                new { id = Guid.CreateVersion7(), slotId = slot.Id, classId = slot.ClassId, day, period = slot.Period, teacherId, now }, transaction);
            var roll = await connection.QuerySingleAsync<RollRow>(db.Text(RollSql), new { slotId = slot.Id, day }, transaction);
            await connection.ExecuteAsync(db.Text(RetakeSql), new { teacherId, now, rollId = roll.Id }, transaction);
            await connection.ExecuteAsync(db.Text(ClearMarksSql), new { rollId = roll.Id }, transaction);
            foreach (var m in marks.Where(m => m.Status != AttendanceStatuses.Present))
                await connection.ExecuteAsync(db.Text(InsertMarkSql),
                    new { rollId = roll.Id, studentId = m.StudentId, status = m.Status, excused = m.Status == AttendanceStatuses.Absent && m.Excused }, transaction);
            var unexcused = (await connection.QueryAsync<MarkRow>(db.Text(MarksSql), new { rollId = roll.Id, yes = true }, transaction))
                .Where(m => m.Status == AttendanceStatuses.Absent && m.Excused == 0).Select(m => m.StudentId).ToList();
            return (roll.Id, (IReadOnlyList<Guid>)unexcused);
        });

    private const string RecordSelect =
        "SELECT r.on_date AS day, r.period, m.student_id, sub.name AS subject_name, m.status, " +
        "CASE WHEN m.excused = @yes OR " + "{0}" + " THEN 1 ELSE 0 END AS excused " +
        "FROM attendance_marks m JOIN roll_calls r ON r.id = m.roll_call_id " +
        "JOIN timetable_slots s ON s.id = r.slot_id JOIN subjects sub ON sub.id = s.subject_id ";

    private static readonly Sql StudentRecordsSql = Sql.Portable(string.Format(RecordSelect, string.Format(Covered, "m.student_id")) +
        "WHERE m.student_id = @studentId AND r.on_date >= @from AND r.on_date <= @to ORDER BY r.on_date DESC, r.period DESC");
    private static readonly Sql ClassRecordsSql = Sql.Portable(string.Format(RecordSelect, string.Format(Covered, "m.student_id")) +
        "WHERE r.class_id = @classId AND r.on_date >= @from AND r.on_date <= @to ORDER BY r.on_date, r.period");

    private sealed record RecordRow
    {
        public string Day { get; init; } = "";
        public int Period { get; init; }
        public Guid StudentId { get; init; }
        public string SubjectName { get; init; } = "";
        public string Status { get; init; } = "";
        public int Excused { get; init; }


        public AttendanceRecord View() => new()
        {
            Day = Day, Period = Period, StudentId = StudentId, SubjectName = SubjectName, Status = Status, Excused = Excused == 1,
        };
    }

    /// <summary>A student's absences and late arrivals between two days (inclusive), newest first.</summary>
    public async Task<IReadOnlyList<AttendanceRecord>> StudentAsync(Guid studentId, string from, string to) =>
        (await db.QueryAsync<RecordRow>(StudentRecordsSql, new { studentId, from, to, yes = true })).Select(r => r.View()).ToList();

    /// <summary>A class's absences and late arrivals between two days (inclusive), in time order.</summary>
    public async Task<IReadOnlyList<AttendanceRecord>> ClassAsync(Guid classId, string from, string to) =>
        (await db.QueryAsync<RecordRow>(ClassRecordsSql, new { classId, from, to, yes = true })).Select(r => r.View()).ToList();

    /// <summary>Each student's totals from their records; a student with none has zeros.</summary>
    public static IReadOnlyList<AttendanceTotals> Totals(IReadOnlyList<PersonName> students, IReadOnlyList<AttendanceRecord> records)
    {
        var byStudent = records.ToLookup(r => r.StudentId);
        return students.Select(s => new AttendanceTotals(s.Id, s.Name,
            byStudent[s.Id].Count(r => r.Status == AttendanceStatuses.Absent && r.Excused),
            byStudent[s.Id].Count(r => r.Status == AttendanceStatuses.Absent && !r.Excused),
            byStudent[s.Id].Count(r => r.Status == AttendanceStatuses.Late))).ToList();
    }

    private static readonly Sql InsertLeaveSql = Sql.Portable(
        "INSERT INTO leave_requests (id, school_year_id, class_id, student_id, requested_by, from_date, to_date, from_period, to_period, reason, status, created_at) " +
        "VALUES (@id, @schoolYearId, @classId, @studentId, @requestedBy, @fromDate, @toDate, @fromPeriod, @toPeriod, @reason, 'pending', @now)");

    public async Task<Guid> RequestLeaveAsync(LeaveRequestEntry entry)
    {
        var id = Guid.CreateVersion7();
        await db.ExecuteAsync(InsertLeaveSql, new
        {
            id, schoolYearId = entry.SchoolYearId, classId = entry.ClassId, studentId = entry.StudentId, requestedBy = entry.RequestedBy,
            fromDate = entry.FromDate, toDate = entry.ToDate, fromPeriod = entry.FromPeriod, toPeriod = entry.ToPeriod, reason = entry.Reason,
            now = clock.GetUtcNow(),
        });
        return id;
    }

    private const string LeaveSelect =
        "SELECT l.id, l.school_year_id, l.class_id, c.name AS class_name, l.student_id, s.display_name AS student_name, " +
        "p.display_name AS requested_by_name, l.from_date, l.to_date, l.from_period, l.to_period, l.reason, l.status, " +
        "d.display_name AS decided_by_name, l.decided_at, l.created_at FROM leave_requests l " +
        "JOIN classes c ON c.id = l.class_id JOIN users s ON s.id = l.student_id JOIN users p ON p.id = l.requested_by " +
        "LEFT JOIN users d ON d.id = l.decided_by ";

    private static readonly Sql LeaveSql = Sql.Portable(LeaveSelect + "WHERE l.id = @id");
    private static readonly Sql StudentLeavesSql = Sql.Portable(LeaveSelect + "WHERE l.student_id = @studentId ORDER BY l.created_at DESC");
    private static readonly Sql ClassLeavesSql = Sql.Portable(
        LeaveSelect + "WHERE l.school_year_id = @yearId AND l.class_id = @classId ORDER BY l.created_at DESC");

    public Task<LeaveRequestView?> LeaveAsync(Guid id) => db.SingleOrDefaultAsync<LeaveRequestView>(LeaveSql, new { id });

    public Task<IReadOnlyList<LeaveRequestView>> StudentLeavesAsync(Guid studentId) =>
        db.QueryAsync<LeaveRequestView>(StudentLeavesSql, new { studentId });

    public Task<IReadOnlyList<LeaveRequestView>> ClassLeavesAsync(Guid yearId, Guid classId) =>
        db.QueryAsync<LeaveRequestView>(ClassLeavesSql, new { yearId, classId });

    private static readonly Sql DecideSql = Sql.Portable(
        "UPDATE leave_requests SET status = @status, decided_by = @by, decided_at = @now WHERE id = @id AND status = 'pending'");

    /// <summary>Approves or refuses a pending request; false when it was already decided (by someone else, at the same moment).</summary>
    public async Task<bool> DecideAsync(Guid id, bool approve, Guid by) =>
        await db.ExecuteAsync(DecideSql, new { id, by, now = clock.GetUtcNow(), status = approve ? LeaveStatuses.Approved : LeaveStatuses.Refused }) == 1;

    private static readonly Sql InsertNoticeSql = Sql.PerDialect(d => d.InsertIgnore("family_notices",
        ["id", "parent_id", "student_id", "kind", "roll_call_id", "on_date", "period", "subject_name", "created_at"],
        ["@id", "@parentId", "@studentId", "'absence'", "@rollId", "@day", "@period", "@subjectName", "@now"], ["parent_id", "student_id", "roll_call_id"]));

    /// <summary>Records that a parent is told of a child's unexcused absence from a period; false when they were told already.</summary>
    public async Task<bool> NoteAbsenceAsync(Guid parentId, Guid studentId, Guid rollId, TimetableSlot slot, string day) =>
        await db.ExecuteAsync(InsertNoticeSql, new
        {
            id = Guid.CreateVersion7(), parentId, studentId, rollId, day, period = slot.Period, subjectName = slot.SubjectName, now = clock.GetUtcNow(),
        }) == 1;

    private static readonly Sql NoticesSql = Sql.Portable(
        "SELECT n.id, n.student_id, u.display_name AS student_name, n.kind, n.on_date AS day, n.period, n.subject_name, n.created_at, n.read_at " +
        "FROM family_notices n JOIN users u ON u.id = n.student_id WHERE n.parent_id = @parentId ORDER BY n.created_at DESC");

    public Task<IReadOnlyList<FamilyNotice>> NoticesAsync(Guid parentId) => db.QueryAsync<FamilyNotice>(NoticesSql, new { parentId });
}
