using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

public sealed class SchoolDayApiTestsOnSqlite(SqliteLmsServer server) : SchoolDayApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class SchoolDayApiTestsOnPostgres(PostgresLmsServer server) : SchoolDayApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The school day through the API: the timetable imported all or nothing with a double-booked teacher refused, the
/// roll taken by the period's teacher alone, reports per class and term, a leave request approved by the homeroom
/// teacher alone excusing the absence, and parents who see their own children only.
/// </summary>
public abstract class SchoolDayApiTests(LmsServer server)
{
    private static List<(int Line, string Code)> Problems(JsonElement problem) =>
        problem.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("line").GetInt32(), p.GetProperty("code").GetString()!)).ToList();

    [Fact]
    public async Task A_timetable_file_is_imported_all_or_nothing_and_a_teacher_is_never_in_two_classes_at_once()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var broken = await ProblemAssert.IsProblemAsync(await w.ImportAsync(
                $"10A1;{w.DayName};1;Toán;{w.Email("gvtoan")};P201",
                $"10Z9;{w.DayName};2;Toán;{w.Email("gvtoan")};P201",
                $"10A1;{w.DayName};11;Toán;{w.Email("gvtoan")};P201",
                $"10A1;Thứ 9;3;Toán;{w.Email("gvtoan")};P201",
                $"10A1;{w.DayName};4;Thiên văn;{w.Email("nobody")};P201",
                $"10A1;{w.DayName};1;Ngữ văn;{w.Email("gvcn")};P201"),
            HttpStatusCode.UnprocessableEntity, "import-invalid");
        Assert.Equal([(3, "unknown-class"), (4, "bad-period"), (5, "bad-day"), (6, "unknown-subject"), (6, "unknown-teacher"), (7, "duplicate-period")],
            Problems(broken).OrderBy(p => p.Line).ThenBy(p => p.Code).ToList());
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/timetable")))
            .EnumerateArray());

        // The maths teacher in 10A1 and in 10A2 in the same period: the second line is refused, naming the first class.
        var twice = await ProblemAssert.IsProblemAsync(await w.ImportAsync(
                $"10A1;{w.DayName};1;Toán;{w.Email("gvtoan")};P201",
                $"10A2;{w.DayName};1;TOAN;{w.Email("gvtoan")};P105"),
            HttpStatusCode.UnprocessableEntity, "import-invalid");
        var clash = twice.GetProperty("problems")[0];
        Assert.Equal((3, "double-booked"), (clash.GetProperty("line").GetInt32(), clash.GetProperty("code").GetString()));
        Assert.Equal("10A1", clash.GetProperty("params").GetProperty("class").GetString());

        var (mathsPeriod, _) = await w.TimetableAsync();
        var week = await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/timetable"));
        Assert.Equal([(1, "Toán", "P201", false), (2, "Ngữ văn", null, true)], week.EnumerateArray()
            .Select(s => (s.GetProperty("period").GetInt32(), s.GetProperty("subjectName").GetString()!, s.GetProperty("room").GetString(),
                s.GetProperty("online").GetBoolean())).ToList());

        // On the grid: the maths teacher put into 10A2 in the period they teach 10A1 is refused; another period is fine.
        var cell = $"/api/school-years/{w.YearId}/classes/{w.Class10A2}/timetable/{w.Weekday}";
        var refused = await ProblemAssert.IsProblemAsync(await w.Admin.PutAsJsonAsync($"{cell}/1",
            new { subjectId = w.Maths, teacherId = w.MathsTeacherId, room = "P105", online = false }), HttpStatusCode.Conflict, "conflict");
        Assert.Equal(("double-booked", "10A1"), (refused.GetProperty("code").GetString(), refused.GetProperty("value").GetString()));
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PutAsJsonAsync($"{cell}/6",
            new { subjectId = w.Maths, teacherId = w.MathsTeacherId, room = "P105", online = false }));
        Assert.Equal(HttpStatusCode.NoContent, (await w.Admin.DeleteAsync($"{cell}/6")).StatusCode);
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PutAsJsonAsync($"{cell}/5",
            new { subjectId = w.Maths, teacherId = w.MathsTeacherId, room = "P105", online = false }));

        // The teacher's day lists their periods across classes; only admins write the timetable.
        var today = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync($"/api/school-year/today?day={w.Day}"));
        Assert.Equal([("10A1", 1), ("10A2", 5)], today.GetProperty("teaching").EnumerateArray()
            .Select(p => (p.GetProperty("slot").GetProperty("className").GetString()!, p.GetProperty("slot").GetProperty("period").GetInt32())).ToList());
        Assert.Contains(mathsPeriod, today.GetProperty("teaching").EnumerateArray().Select(p => p.GetProperty("slot").GetProperty("id").GetGuid()));
        await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync($"{cell}/6",
            new { subjectId = w.Maths, teacherId = w.MathsTeacherId, room = "P105", online = false }), HttpStatusCode.Forbidden, "forbidden");
        var studentDay = await ProblemAssert.OkAsync<JsonElement>(await w.AnHimself.GetAsync($"/api/school-year/today?day={w.Day}"));
        Assert.Equal([1, 2], studentDay.GetProperty("attending").EnumerateArray().Select(s => s.GetProperty("period").GetInt32()).ToList());
    }

    [Fact]
    public async Task The_period_teacher_takes_the_roll_and_the_class_report_counts_it_per_student_and_term()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var (mathsPeriod, literaturePeriod) = await w.TimetableAsync();

        var roll = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync(w.RollUrl(mathsPeriod)));
        Assert.Equal(JsonValueKind.Null, roll.GetProperty("takenAt").ValueKind);
        Assert.All(roll.GetProperty("students").EnumerateArray(), s => Assert.Equal("present", s.GetProperty("status").GetString()));

        // Only the period's teacher takes its roll: not the homeroom teacher, not a parent, not on another weekday.
        var marks = SchoolDayWorld.Marks((w.An, "absent", false), (w.Binh, "late", false));
        var notYours = await ProblemAssert.IsProblemAsync(await w.Homeroom.PutAsJsonAsync(w.RollUrl(mathsPeriod), marks), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("not-your-period", notYours.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await w.AnParent.PutAsJsonAsync(w.RollUrl(mathsPeriod), marks), HttpStatusCode.Forbidden, "forbidden");
        var otherDay = w.RollDay.AddDays(1).ToString("yyyy-MM-dd");
        var wrongDay = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync($"/api/school-year/slots/{mathsPeriod}/roll/{otherDay}", marks),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("wrong-weekday", wrongDay.GetProperty("code").GetString());
        var stranger = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod),
            SchoolDayWorld.Marks((w.Chi, "absent", false))), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("not-in-class", stranger.GetProperty("code").GetString());

        var saved = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod), marks));
        Assert.NotEqual(JsonValueKind.Null, saved.GetProperty("takenAt").ValueKind);
        var byStudent = saved.GetProperty("students").EnumerateArray().ToDictionary(s => s.GetProperty("studentId").GetGuid());
        Assert.Equal(("absent", false), (byStudent[w.An].GetProperty("status").GetString(), byStudent[w.An].GetProperty("excused").GetBoolean()));
        Assert.Equal("late", byStudent[w.Binh].GetProperty("status").GetString());
        // The homeroom teacher takes the roll of their own literature period: An absent, excused on the spot (có phép).
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync(w.RollUrl(literaturePeriod),
            SchoolDayWorld.Marks((w.An, "absent", true))));

        var today = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync($"/api/school-year/today?day={w.Day}"));
        Assert.True(today.GetProperty("teaching")[0].GetProperty("rollTaken").GetBoolean());
        // A period whose roll was taken is not emptied from the week: its attendance stays with it.
        var kept = await ProblemAssert.IsProblemAsync(await w.Admin.DeleteAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/timetable/{w.Weekday}/1"),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("period-has-roll", kept.GetProperty("code").GetString());

        var report = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.GetAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/attendance?termId={w.Term1Id}"));
        var totals = report.GetProperty("students").EnumerateArray().ToDictionary(s => s.GetProperty("studentId").GetGuid(),
            s => (s.GetProperty("absentExcused").GetInt32(), s.GetProperty("absentUnexcused").GetInt32(), s.GetProperty("late").GetInt32()));
        Assert.Equal((1, 1, 0), totals[w.An]);
        Assert.Equal((0, 0, 1), totals[w.Binh]);
        // The second term has none of it.
        var term2 = (await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync($"/api/institutions/{w.SchoolId}/school-years")))[0]
            .GetProperty("terms")[1].GetProperty("id").GetGuid();
        var later = await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/attendance?termId={term2}"));
        Assert.Empty(later.GetProperty("records").EnumerateArray());

        var csv = await w.Admin.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/attendance.csv?termId={w.Term1Id}&language=vi");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var rows = ExportFiles.CsvRows(await csv.Content.ReadAsByteArrayAsync(), ';');
        Assert.Equal(["STT", "Họ và tên", "Vắng có phép", "Vắng không phép", "Đi muộn"], rows[0]);
        Assert.Contains(rows, r => r[1] == "Lê Hoàng An" && r[2] == "1" && r[3] == "1" && r[4] == "0");
        var xlsx = await w.Admin.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/attendance.xlsx?termId={w.Term1Id}&language=en");
        var sheets = ExportFiles.XlsxSheets(await xlsx.Content.ReadAsByteArrayAsync(), ".");
        Assert.Contains(sheets["Attendance totals"], r => r[1] == "Phạm Thanh Bình" && r[4] == "1");
        Assert.Equal(2, sheets["Attendance detail"].Count(r => r[2] == "Lê Hoàng An"));
        // Parents read no class report.
        await ProblemAssert.IsProblemAsync(await w.AnParent.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/attendance"),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_leave_request_approved_by_the_homeroom_teacher_alone_excuses_the_absence_a_parent_sees()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var (mathsPeriod, _) = await w.TimetableAsync();
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod),
            SchoolDayWorld.Marks((w.An, "absent", false))));

        // A parent with two children switches between them; they see An's absence, unexcused, and were told of it.
        var children = await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync("/api/school-year/children"));
        Assert.Equal([("Lê Hoàng An", "10A1"), ("Đỗ Minh Chi", "10A2")], children.EnumerateArray()
            .Select(c => (c.GetProperty("studentName").GetString()!, c.GetProperty("className").GetString()!)).OrderBy(c => c.Item2).ToList());
        var an = await w.StudentYearAsync(w.AnParent, w.An);
        var absence = an.GetProperty("attendance").EnumerateArray().Single();
        Assert.Equal(("absent", false, "Toán"), (absence.GetProperty("status").GetString(), absence.GetProperty("excused").GetBoolean(),
            absence.GetProperty("subjectName").GetString()));
        Assert.Equal(2, an.GetProperty("timetable").GetArrayLength());
        var notice = (await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync("/api/school-year/notices"))).EnumerateArray().Single();
        Assert.Equal((w.An, w.Day, 1), (notice.GetProperty("studentId").GetGuid(), notice.GetProperty("day").GetString(), notice.GetProperty("period").GetInt32()));
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await w.BinhParent.GetAsync("/api/school-year/notices"))).EnumerateArray());

        // Bình's parent sees nothing of An, and cannot ask leave for him.
        Assert.Equal(HttpStatusCode.NotFound, await SchoolDayWorld.StatusAsync(w.BinhParent.GetAsync($"/api/school-year/students/{w.An}")));
        var leave = new { fromDate = w.Day, toDate = w.Day, fromPeriod = (int?)null, toPeriod = (int?)null, reason = "Cháu bị sốt, gia đình xin cho nghỉ." };
        Assert.Equal(HttpStatusCode.NotFound, await SchoolDayWorld.StatusAsync(w.BinhParent.PostAsJsonAsync($"/api/school-year/students/{w.An}/leave-requests", leave)));
        var notParent = await ProblemAssert.IsProblemAsync(await w.AnHimself.PostAsJsonAsync($"/api/school-year/students/{w.An}/leave-requests", leave),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("parents-only", notParent.GetProperty("code").GetString());

        var requested = await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.PostAsJsonAsync($"/api/school-year/students/{w.An}/leave-requests", leave));
        Assert.Equal("pending", requested.GetProperty("status").GetString());
        var requestId = requested.GetProperty("id").GetGuid();
        var decision = $"/api/school-year/leave-requests/{requestId}/decision";

        // Only the homeroom teacher decides: the maths teacher is told so, the parent finds no such request.
        var notHomeroom = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync(decision, new { approve = true }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("not-homeroom", notHomeroom.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, await SchoolDayWorld.StatusAsync(w.AnParent.PutAsJsonAsync(decision, new { approve = true })));
        Assert.Equal(HttpStatusCode.Forbidden, await SchoolDayWorld.StatusAsync(w.MathsTeacher.GetAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/leave-requests")));
        var pending = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/leave-requests"));
        Assert.Equal(requestId, pending.EnumerateArray().Single().GetProperty("id").GetGuid());

        var approved = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync(decision, new { approve = true }));
        Assert.Equal(("approved", "Nguyễn Thị Chủ Nhiệm"), (approved.GetProperty("status").GetString(), approved.GetProperty("decidedByName").GetString()));
        var again = await ProblemAssert.IsProblemAsync(await w.Homeroom.PutAsJsonAsync(decision, new { approve = false }), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("leave-decided", again.GetProperty("code").GetString());

        // The absence recorded before the request is now excused, for the parent, the roll and the report alike.
        Assert.True((await w.StudentYearAsync(w.AnParent, w.An)).GetProperty("attendance")[0].GetProperty("excused").GetBoolean());
        var roll = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync(w.RollUrl(mathsPeriod)));
        var anOnRoll = roll.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("studentId").GetGuid() == w.An);
        Assert.True(anOnRoll.GetProperty("excused").GetBoolean() && anOnRoll.GetProperty("onLeave").GetBoolean());
        var totals = (await w.StudentYearAsync(w.AnHimself, w.An)).GetProperty("totals");
        Assert.Equal((1, 0), (totals.GetProperty("absentExcused").GetInt32(), totals.GetProperty("absentUnexcused").GetInt32()));
    }
}
