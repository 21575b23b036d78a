using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

public sealed class MarkBookApiTestsOnSqlite(SqliteLmsServer server) : MarkBookApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class MarkBookApiTestsOnPostgres(PostgresLmsServer server) : MarkBookApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The mark book through the API: the maths teacher of 10A1 saves one cell at a time (0–10, one decimal; a retry
/// never doubles), the term average by Circular 22 in the sheet; the homeroom teacher and admins read, only the
/// subject's teacher writes; a parent reads their own child's marks only; after the principal locks the term a change
/// needs a reason and is logged.
/// </summary>
public abstract class MarkBookApiTests(LmsServer server)
{
    private static string SheetUrl(SchoolDayWorld w, Guid classId, Guid termId) =>
        $"/api/school-years/{w.YearId}/classes/{classId}/mark-book/{w.Maths}/terms/{termId}";

    private static string CellUrl(SchoolDayWorld w, Guid termId, Guid student, string column) =>
        $"{SheetUrl(w, w.Class10A1, termId)}/students/{student}/{column}";

    private static Task<HttpResponseMessage> Put(HttpClient who, SchoolDayWorld w, Guid termId, Guid student, string column, decimal? score,
        string? reason = null) => who.PutAsJsonAsync(CellUrl(w, termId, student, column), new { score, rating = (string?)null, reason });

    private static JsonElement Row(JsonElement sheet, Guid student) =>
        sheet.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("studentId").GetGuid() == student);

    private static Dictionary<string, string> Cells(JsonElement row) =>
        row.GetProperty("cells").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);

    private static async Task<Guid> Term2Async(SchoolDayWorld w)
    {
        var books = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync("/api/school-year/mark-books"));
        return books.GetProperty("terms").EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 2).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task The_subject_teacher_saves_one_cell_at_a_time_and_the_sheet_averages_by_the_circular()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var books = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync("/api/school-year/mark-books"));
        Assert.Equal([("10A1", "Toán", true)], books.GetProperty("books").EnumerateArray()
            .Select(b => (b.GetProperty("className").GetString()!, b.GetProperty("subjectName").GetString()!, b.GetProperty("mine").GetBoolean())).ToList());

        // Toán at upper secondary has 105 periods a year: four regular assessments a term, then the mid-term and the end of term.
        var sheet = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id)));
        Assert.Equal(["tx1", "tx2", "tx3", "tx4", "gk", "ck"], sheet.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToList());
        Assert.True(sheet.GetProperty("canEdit").GetBoolean());
        Assert.Equal(2, sheet.GetProperty("students").GetArrayLength());

        foreach (var (column, score) in new[] { ("tx1", 6m), ("tx2", 8m), ("tx3", 7.5m), ("tx4", 9m), ("gk", 5m) })
            await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.An, column, score));
        var partial = Row(await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id))), w.An);
        Assert.Equal(JsonValueKind.Null, partial.GetProperty("average").ValueKind); // no average until the end of term is in
        var full = await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.An, "ck", 10m));
        // (6 + 8 + 7.5 + 9 + 2·5 + 3·10) / (4 + 5) = 7.833… → 7.8
        Assert.Equal(7.8m, full.GetProperty("average").GetDecimal());
        Assert.Equal(new Dictionary<string, string> { ["tx1"] = "6", ["tx2"] = "8", ["tx3"] = "7.5", ["tx4"] = "9", ["gk"] = "5", ["ck"] = "10" },
            Cells(full));

        // A retried save (the same value, several at once on an empty cell) leaves one cell with that value.
        var retries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Put(w.MathsTeacher, w, w.Term1Id, w.Binh, "tx1", 6.5m)));
        Assert.All(retries, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(new Dictionary<string, string> { ["tx1"] = "6.5" },
            Cells(Row(await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id))), w.Binh)));

        // Scores are 0–10 with one decimal, checked at the edge; nothing is saved.
        var tooPrecise = await ProblemAssert.IsProblemAsync(await Put(w.MathsTeacher, w, w.Term1Id, w.Binh, "tx2", 7.25m),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal(("score-one-decimal", "7.25"), (tooPrecise.GetProperty("code").GetString(), tooPrecise.GetProperty("value").GetString()));
        foreach (var score in new[] { 10.5m, -1m })
        {
            var outOfRange = await ProblemAssert.IsProblemAsync(await Put(w.MathsTeacher, w, w.Term1Id, w.Binh, "tx2", score),
                HttpStatusCode.BadRequest, "validation");
            Assert.Equal("score-out-of-range", outOfRange.GetProperty("code").GetString());
        }
        var noColumn = await ProblemAssert.IsProblemAsync(await Put(w.MathsTeacher, w, w.Term1Id, w.Binh, "tx5", 7m),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("unknown-column", noColumn.GetProperty("code").GetString());
        var rated = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync(CellUrl(w, w.Term1Id, w.Binh, "tx2"),
            new { score = (decimal?)null, rating = "dat" }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("score-only", rated.GetProperty("code").GetString());
        Assert.Equal(new Dictionary<string, string> { ["tx1"] = "6.5" },
            Cells(Row(await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id))), w.Binh)));

        // An empty value clears a cell.
        Assert.Empty(Cells(await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.Binh, "tx1", null))));

        // Term II: its year average is (ĐTBmhkI + 2·ĐTBmhkII) / 3 = (7.8 + 2·9) / 3 = 8.6
        var term2 = await Term2Async(w);
        foreach (var column in new[] { "tx1", "tx2", "tx3", "tx4", "gk" })
            await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, term2, w.An, column, 9m));
        var year = await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, term2, w.An, "ck", 9m));
        Assert.Equal((9m, 8.6m), (year.GetProperty("average").GetDecimal(), year.GetProperty("yearAverage").GetDecimal()));
    }

    [Fact]
    public async Task Only_the_subject_teacher_writes_the_homeroom_teacher_and_admins_read_and_a_parent_sees_only_their_child()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.An, "tx1", 8.5m));

        // The homeroom teacher reads the class's maths but does not write it; nor does the admin.
        var asHomeroom = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id)));
        Assert.False(asHomeroom.GetProperty("canEdit").GetBoolean());
        Assert.Equal("8.5", Cells(Row(asHomeroom, w.An))["tx1"]);
        foreach (var notTheTeacher in new[] { w.Homeroom, w.Admin })
        {
            var refused = await ProblemAssert.IsProblemAsync(await Put(notTheTeacher, w, w.Term1Id, w.An, "tx1", 2m), HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("not-your-subject", refused.GetProperty("code").GetString());
        }
        // The maths teacher of 10A1 keeps no marks in 10A2; a parent reads no class's sheet.
        var otherClass = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.GetAsync(SheetUrl(w, w.Class10A2, w.Term1Id)),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("not-your-class", otherClass.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await w.AnParent.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id)), HttpStatusCode.Forbidden, "forbidden");

        // An's parent and An see An's marks; Bình's parent, and a teacher who is not An's homeroom teacher, learn nothing.
        foreach (var family in new[] { w.AnParent, w.AnHimself, w.Homeroom })
        {
            var marks = await ProblemAssert.OkAsync<JsonElement>(await family.GetAsync($"/api/school-year/students/{w.An}/marks"));
            var maths = marks.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("subjectId").GetGuid() == w.Maths);
            var term1 = maths.GetProperty("terms").EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 1);
            Assert.Equal("8.5", term1.GetProperty("cells").GetProperty("tx1").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await w.BinhParent.GetAsync($"/api/school-year/students/{w.An}/marks")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await w.MathsTeacher.GetAsync($"/api/school-year/students/{w.An}/marks")).StatusCode);
    }

    [Fact]
    public async Task After_the_principal_locks_the_term_a_change_needs_a_reason_and_is_logged()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.An, "gk", 7.5m));
        var lockUrl = $"/api/school-years/{w.YearId}/terms/{w.Term1Id}/lock";
        await ProblemAssert.IsProblemAsync(await w.Homeroom.PostAsJsonAsync(lockUrl, new { classId = w.Class10A1 }), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(1, (await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsJsonAsync(lockUrl, new { classId = w.Class10A1 })))
            .GetProperty("locked").GetInt32());
        Assert.Equal(0, (await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsJsonAsync(lockUrl, new { classId = w.Class10A1 })))
            .GetProperty("locked").GetInt32());
        Assert.True((await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync(SheetUrl(w, w.Class10A1, w.Term1Id))))
            .GetProperty("locked").GetBoolean());

        // Without a reason: refused with a stable code, the cell unchanged. The same value again is no change and passes.
        var refused = await ProblemAssert.IsProblemAsync(await Put(w.MathsTeacher, w, w.Term1Id, w.An, "gk", 8m), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("term-locked", refused.GetProperty("code").GetString());
        Assert.Equal("7.5", Cells(await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.An, "gk", 7.5m)))["gk"]);
        Assert.Empty(await ProblemAssert.OkAsync<JsonElement[]>(await w.Homeroom.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/changes")));

        // With a reason: saved and logged (who, old, new, why), seen by the homeroom teacher and the admins, not the subject teacher.
        var saved = await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, w.Term1Id, w.An, "gk", 8m, "Chấm phúc khảo"));
        Assert.Equal("8", Cells(saved)["gk"]);
        var log = await ProblemAssert.OkAsync<JsonElement[]>(await w.Homeroom.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/changes"));
        var change = Assert.Single(log);
        Assert.Equal(("gk", "7.5", "8", "Chấm phúc khảo", "Trần Văn Toán", "Lê Hoàng An"), (change.GetProperty("columnKey").GetString(),
            change.GetProperty("oldValue").GetString(), change.GetProperty("newValue").GetString(), change.GetProperty("reason").GetString(),
            change.GetProperty("changedByName").GetString(), change.GetProperty("studentName").GetString()));
        Assert.Single(await ProblemAssert.OkAsync<JsonElement[]>(await w.Admin.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/changes")));
        var notHomeroom = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/changes"),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("not-homeroom", notHomeroom.GetProperty("code").GetString());

        // Term II is not locked: no reason needed there; locking the whole school locks 10A2 as well.
        await ProblemAssert.OkAsync<JsonElement>(await Put(w.MathsTeacher, w, await Term2Async(w), w.An, "gk", 6m));
        Assert.True((await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsJsonAsync(lockUrl, new { classId = (Guid?)null })))
            .GetProperty("locked").GetInt32() >= 1);
        Assert.True((await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync(SheetUrl(w, w.Class10A2, w.Term1Id)))).GetProperty("locked").GetBoolean());
    }

    [Fact]
    public async Task The_homeroom_teacher_rates_conduct_per_term_and_the_year_follows_the_circulars_table()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var term2 = await Term2Async(w);
        var classUrl = $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/conduct";
        string Url(Guid term) => $"{classUrl}/{term}/students/{w.An}";

        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync(Url(w.Term1Id), new { rating = "dat" }));
        var rated = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync(Url(term2), new { rating = "tot" }));
        var an = rated.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("studentId").GetGuid() == w.An);
        // Term I Đạt, term II Tốt: the year is Khá (article 8: term II Tốt needs term I Khá or better for Tốt).
        Assert.Equal(["dat", "tot"], an.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToList());
        Assert.Equal("kha", an.GetProperty("year").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync(Url(w.Term1Id), new { rating = "kha" }));

        var unknown = await ProblemAssert.IsProblemAsync(await w.Homeroom.PutAsJsonAsync(Url(w.Term1Id), new { rating = "xuat-sac" }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("unknown-rating", unknown.GetProperty("code").GetString());
        foreach (var notHomeroom in new[] { w.MathsTeacher, w.Admin })
        {
            var refused = await ProblemAssert.IsProblemAsync(await notHomeroom.PutAsJsonAsync(Url(w.Term1Id), new { rating = "chua-dat" }),
                HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("not-homeroom", refused.GetProperty("code").GetString());
        }
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync(classUrl));
        await ProblemAssert.IsProblemAsync(await w.MathsTeacher.GetAsync(classUrl), HttpStatusCode.Forbidden, "forbidden");

        // The family sees both terms and the year's: Khá then Tốt makes Tốt.
        var marks = await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync($"/api/school-year/students/{w.An}/marks"));
        Assert.Equal(["kha", "tot"], marks.GetProperty("termConduct").EnumerateArray().Select(t => t.GetString()!).ToList());
        Assert.Equal("tot", marks.GetProperty("yearConduct").GetString());
    }
}
