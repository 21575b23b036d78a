using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

public sealed class ReportCardApiTestsOnSqlite(SqliteLmsServer server) : ReportCardApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ReportCardApiTestsOnPostgres(PostgresLmsServer server) : ReportCardApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// Report cards through the API: the homeroom teacher of 10A1 comments and signs off first, then the principal; the card
/// keeps what it showed at sign-off whatever the marks do later; the family downloads the PDF (read back by pdftotext)
/// and anyone verifies it by its QR code's address, which says when a card was superseded or withdrawn; the principal
/// unlocks a locked term only with a reason, which is logged.
/// </summary>
public abstract class ReportCardApiTests(LmsServer server)
{
    private static string ClassUrl(SchoolDayWorld w, Guid classId, string period = "hk1") =>
        $"/api/school-years/{w.YearId}/classes/{classId}/report-cards/{period}";

    private static string CellUrl(SchoolDayWorld w, Guid subject, Guid student, string column) =>
        $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/{subject}/terms/{w.Term1Id}/students/{student}/{column}";

    private static async Task ScoresAsync(HttpClient teacher, SchoolDayWorld w, Guid subject, Guid student, params (string Column, decimal Score)[] scores)
    {
        foreach (var (column, score) in scores)
            await ProblemAssert.OkAsync<JsonElement>(await teacher.PutAsJsonAsync(CellUrl(w, subject, student, column), new { score, rating = (string?)null }));
    }

    /// <summary>An's term I in maths: (6 + 8 + 7.5 + 9 + 2·5 + 3·10) / 9 = 7.8.</summary>
    private static Task MathsAsync(SchoolDayWorld w) =>
        ScoresAsync(w.MathsTeacher, w, w.Maths, w.An, ("tx1", 6m), ("tx2", 8m), ("tx3", 7.5m), ("tx4", 9m), ("gk", 5m), ("ck", 10m));

    private static JsonElement Card(JsonElement view, Guid student) =>
        view.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("studentId").GetGuid() == student).GetProperty("card");

    private static JsonElement Subject(JsonElement card, string name) =>
        card.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    private static async Task<JsonElement> IssuedCardAsync(HttpClient family, SchoolDayWorld w) =>
        (await ProblemAssert.OkAsync<JsonElement[]>(await family.GetAsync($"/api/school-year/students/{w.An}/report-cards")))
        .Single(c => c.GetProperty("state").GetString() == "current");

    /// <summary>The verification page's data, asked for by someone signed in nowhere, from the address in the card's QR code.</summary>
    private async Task<JsonElement> VerifyAsync(string verifyUrl) =>
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync("/api" + new Uri(verifyUrl).AbsolutePath));

    private Task<SchoolDayWorld> WorldAsync() => SchoolDayWorld.CreateAsync(server);

    [Fact]
    public async Task The_homeroom_teacher_signs_before_the_principal_and_a_signed_card_keeps_its_marks()
    {
        var w = await WorldAsync();
        await MathsAsync(w);
        // An absent without permission from a maths period of term I: the card counts it from the roll.
        var (mathsPeriod, _) = await w.TimetableAsync();
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod), SchoolDayWorld.Marks((w.An, "absent", false))));

        var draft = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.GetAsync(ClassUrl(w, w.Class10A1)));
        Assert.Equal("draft", draft.GetProperty("state").GetString());
        Assert.Equal(7.8m, Subject(Card(draft, w.An), "Toán").GetProperty("average").GetDecimal());
        Assert.Equal(1, Card(draft, w.An).GetProperty("attendance").GetProperty("absentUnexcused").GetInt32());
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync($"{ClassUrl(w, w.Class10A1)}/students/{w.An}/comment",
            new { comment = "Em chăm ngoan, cần cố gắng hơn." }));

        // The principal cannot sign first; a teacher who is not the class's homeroom teacher cannot sign at all.
        var early = await ProblemAssert.IsProblemAsync(await w.Admin.PostAsync($"{ClassUrl(w, w.Class10A1)}/principal-sign-off", null),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("homeroom-not-signed", early.GetProperty("code").GetString());
        foreach (var (who, classId) in new[] { (w.MathsTeacher, w.Class10A1), (w.Homeroom, w.Class10A2) })
        {
            var refused = await ProblemAssert.IsProblemAsync(await who.PostAsync($"{ClassUrl(w, classId)}/homeroom-sign-off", null),
                HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("not-homeroom", refused.GetProperty("code").GetString());
        }
        await ProblemAssert.IsProblemAsync(await w.AnParent.GetAsync(ClassUrl(w, w.Class10A1)), HttpStatusCode.Forbidden, "forbidden");

        var signed = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsync($"{ClassUrl(w, w.Class10A1)}/homeroom-sign-off", null));
        Assert.Equal("homeroom-signed", signed.GetProperty("state").GetString());
        Assert.Equal("Em chăm ngoan, cần cố gắng hơn.", Card(signed, w.An).GetProperty("comment").GetString());
        var again = await ProblemAssert.IsProblemAsync(await w.Homeroom.PutAsJsonAsync($"{ClassUrl(w, w.Class10A1)}/students/{w.An}/comment",
            new { comment = "Sửa sau khi ký" }), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("report-card-signed", again.GetProperty("code").GetString());
        // Not issued yet: the family has nothing, and the draft's PDF is the staff's.
        Assert.Empty(await ProblemAssert.OkAsync<JsonElement[]>(await w.AnParent.GetAsync($"/api/school-year/students/{w.An}/report-cards")));
        var draftId = signed.GetProperty("students").EnumerateArray().Single(s => s.GetProperty("studentId").GetGuid() == w.An).GetProperty("cardId").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await w.AnParent.GetAsync($"/api/report-cards/{draftId}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Homeroom.GetAsync($"/api/report-cards/{draftId}/pdf")).StatusCode);

        // A mark changed between the two sign-offs does not reach the signed card; the principal signs and it is issued.
        await ScoresAsync(w.MathsTeacher, w, w.Maths, w.An, ("ck", 4m));
        var issued = await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsync($"{ClassUrl(w, w.Class10A1)}/principal-sign-off", null));
        Assert.Equal("issued", issued.GetProperty("state").GetString());
        Assert.Equal(7.8m, Subject(Card(issued, w.An), "Toán").GetProperty("average").GetDecimal());
        var twice = await ProblemAssert.IsProblemAsync(await w.Admin.PostAsync($"{ClassUrl(w, w.Class10A1)}/principal-sign-off", null),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("homeroom-not-signed", twice.GetProperty("code").GetString());

        // And after it: the mark book shows the new average, the issued card the one it was signed with.
        await ScoresAsync(w.MathsTeacher, w, w.Maths, w.An, ("ck", 3m));
        var marks = await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync($"/api/school-year/students/{w.An}/marks"));
        var maths = marks.GetProperty("subjects").EnumerateArray().Single(s => s.GetProperty("subjectId").GetGuid() == w.Maths);
        Assert.Equal(5.5m, maths.GetProperty("terms")[0].GetProperty("average").GetDecimal()); // (30.5 + 2·5 + 3·3) / 9 = 5.5
        var card = await IssuedCardAsync(w.AnParent, w);
        var verified = await VerifyAsync(card.GetProperty("verifyUrl").GetString()!);
        Assert.Equal(7.8m, Subject(verified, "Toán").GetProperty("average").GetDecimal());
        Assert.Equal(7.8m, Subject(Card(await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync(ClassUrl(w, w.Class10A1))), w.An), "Toán")
            .GetProperty("average").GetDecimal());
    }

    [Fact]
    public async Task A_parent_sees_only_their_childrens_cards_and_the_pdf_reads_in_vietnamese()
    {
        var w = await WorldAsync();
        await MathsAsync(w);
        // Ngữ văn, taught by the homeroom teacher: (8·4 + 2·7 + 3·6.5) / 9 = 7.28 → 7.3; Giáo dục thể chất rated by comment only.
        var subjects = await ProblemAssert.OkAsync<JsonElement[]>(await w.Admin.GetAsync($"/api/institutions/{w.SchoolId}/subjects"));
        var pe = subjects.Single(s => s.GetProperty("code").GetString() == "GDTC").GetProperty("id").GetGuid();
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PutAsJsonAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/subjects/{w.Literature}/teacher", new { teacherId = w.HomeroomId }));
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PutAsJsonAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/subjects/{pe}/teacher", new { teacherId = w.MathsTeacherId }));
        await ScoresAsync(w.Homeroom, w, w.Literature, w.An, ("tx1", 8m), ("tx2", 8m), ("tx3", 8m), ("tx4", 8m), ("gk", 7m), ("ck", 6.5m));
        foreach (var column in new[] { "tx1", "tx2", "gk", "ck" })
            await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(CellUrl(w, pe, w.An, column), new { score = (decimal?)null, rating = "dat" }));
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync($"{ClassUrl(w, w.Class10A1)}/students/{w.An}/comment",
            new { comment = "Em học tốt môn Ngữ văn, tích cực phát biểu." }));
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsync($"{ClassUrl(w, w.Class10A1)}/homeroom-sign-off", null));
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsync($"{ClassUrl(w, w.Class10A1)}/principal-sign-off", null));

        // An, An's parent and the homeroom teacher see An's card; Bình's parent and the maths teacher learn nothing.
        foreach (var who in new[] { w.AnParent, w.AnHimself, w.Homeroom, w.Admin })
            Assert.Equal("hk1", (await IssuedCardAsync(who, w)).GetProperty("period").GetString());
        var card = await IssuedCardAsync(w.AnParent, w);
        var cardId = card.GetProperty("id").GetGuid();
        foreach (var stranger in new[] { w.BinhParent, w.MathsTeacher })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/school-year/students/{w.An}/report-cards")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/report-cards/{cardId}/pdf")).StatusCode);
        }

        var text = await PdfTextAsync(w.AnParent, cardId);
        foreach (var expected in new[]
                 {
                     "PHIẾU BÁO KẾT QUẢ HỌC TẬP", "Học kì I", "Lê Hoàng An", "10A1", "Toán", "7,8", "Ngữ văn", "7,3", "Giáo dục thể chất", "Đạt",
                     "Em học tốt môn Ngữ văn, tích cực phát biểu.", "Nguyễn Thị Chủ Nhiệm", "Quản Trị Trường", "Hiệu trưởng",
                 })
            Assert.Contains(expected, text);
        Assert.Contains(card.GetProperty("verifyUrl").GetString()!, text.Replace("\n", ""));
    }

    [Fact]
    public async Task A_reissued_card_verifies_as_superseded_a_withdrawn_one_as_withdrawn_and_unlocking_a_term_needs_a_reason()
    {
        var w = await WorldAsync();
        await MathsAsync(w);
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsync($"{ClassUrl(w, w.Class10A1)}/homeroom-sign-off", null));
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsync($"{ClassUrl(w, w.Class10A1)}/principal-sign-off", null));
        var first = await IssuedCardAsync(w.AnParent, w);
        var firstUrl = first.GetProperty("verifyUrl").GetString()!;

        // The public page: the school, the name, the period, the results and that it is current; nothing else of the student.
        var verified = await VerifyAsync(firstUrl);
        Assert.Equal(("current", "Lê Hoàng An", "hk1"), (verified.GetProperty("state").GetString(), verified.GetProperty("studentName").GetString(),
            verified.GetProperty("period").GetString()));
        Assert.StartsWith("Trường THPT ", verified.GetProperty("schoolName").GetString());
        Assert.Equal(7.8m, Subject(verified, "Toán").GetProperty("average").GetDecimal());
        Assert.Equal(["schoolName", "studentName", "yearName", "period", "subjects", "learningResult", "conduct", "issuedAt", "state", "withdrawnAt"],
            verified.EnumerateObject().Select(p => p.Name).ToList());
        Assert.DoesNotContain(w.An.ToString(), verified.GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client().GetAsync("/api/report-cards/verify/AAAAAAAAAAAAAAAAAAAAAA")).StatusCode);

        // The principal locked term I; a correction needs the lock lifted, with a reason, which is logged.
        var lockUrl = $"/api/school-years/{w.YearId}/terms/{w.Term1Id}/lock";
        var unlockUrl = $"/api/school-years/{w.YearId}/terms/{w.Term1Id}/unlock";
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsJsonAsync(lockUrl, new { classId = w.Class10A1 }));
        await ProblemAssert.IsProblemAsync(await w.Admin.PostAsJsonAsync(unlockUrl, new { classId = w.Class10A1, reason = "  " }),
            HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await w.Homeroom.PostAsJsonAsync(unlockUrl, new { classId = w.Class10A1, reason = "Phúc khảo" }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent,
            (await w.Admin.PostAsJsonAsync(unlockUrl, new { classId = w.Class10A1, reason = "Phúc khảo bài cuối kì môn Toán" })).StatusCode);
        var notLocked = await ProblemAssert.IsProblemAsync(await w.Admin.PostAsJsonAsync(unlockUrl, new { classId = w.Class10A1, reason = "Lần nữa" }),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("term-not-locked", notLocked.GetProperty("code").GetString());
        var unlocks = await ProblemAssert.OkAsync<JsonElement[]>(
            await w.Homeroom.GetAsync($"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/unlocks"));
        var unlock = Assert.Single(unlocks);
        Assert.Equal(("Phúc khảo bài cuối kì môn Toán", "Quản Trị Trường"), (unlock.GetProperty("reason").GetString(),
            unlock.GetProperty("unlockedByName").GetString()));
        // Unlocked: the maths teacher corrects without a reason: (6 + 8 + 7.5 + 9 + 10 + 3·9) / 9 = 7.5.
        await ScoresAsync(w.MathsTeacher, w, w.Maths, w.An, ("ck", 9m));

        // A new round, signed by both, supersedes the first card; the new one is current and shows the correction.
        var reopened = await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.GetAsync(ClassUrl(w, w.Class10A1)));
        Assert.Equal("issued", reopened.GetProperty("state").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsync($"{ClassUrl(w, w.Class10A1)}/homeroom-sign-off", null));
        Assert.Equal("current", (await VerifyAsync(firstUrl)).GetProperty("state").GetString()); // until the principal signs the new one
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsync($"{ClassUrl(w, w.Class10A1)}/principal-sign-off", null));
        Assert.Equal("superseded", (await VerifyAsync(firstUrl)).GetProperty("state").GetString());
        var second = await IssuedCardAsync(w.AnParent, w);
        Assert.NotEqual(firstUrl, second.GetProperty("verifyUrl").GetString());
        Assert.Equal(7.5m, Subject(await VerifyAsync(second.GetProperty("verifyUrl").GetString()!), "Toán").GetProperty("average").GetDecimal());
        var cards = await ProblemAssert.OkAsync<JsonElement[]>(await w.AnParent.GetAsync($"/api/school-year/students/{w.An}/report-cards"));
        Assert.Equal(["current", "superseded"], cards.Select(c => c.GetProperty("state").GetString()!).ToList());

        // The principal withdraws the new card; the family cannot.
        var secondId = second.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await w.AnParent.PostAsJsonAsync($"/api/report-cards/{secondId}/withdraw", new { reason = "Không" }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent,
            (await w.Admin.PostAsJsonAsync($"/api/report-cards/{secondId}/withdraw", new { reason = "Học sinh chuyển trường" })).StatusCode);
        var withdrawn = await VerifyAsync(second.GetProperty("verifyUrl").GetString()!);
        Assert.Equal("withdrawn", withdrawn.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, withdrawn.GetProperty("withdrawnAt").ValueKind);
        var again = await ProblemAssert.IsProblemAsync(await w.Admin.PostAsJsonAsync($"/api/report-cards/{secondId}/withdraw", new { reason = "Lần nữa" }),
            HttpStatusCode.Conflict, "conflict");
        Assert.Equal("report-card-not-issued", again.GetProperty("code").GetString());
    }

    /// <summary>The text of a card's PDF as the family downloads it, read by pdftotext.</summary>
    private static async Task<string> PdfTextAsync(HttpClient who, Guid cardId)
    {
        var response = await who.GetAsync($"/api/report-cards/{cardId}/pdf");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var file = Path.Combine(Path.GetTempPath(), $"report-card-{cardId:N}-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
        try
        {
            var start = new ProcessStartInfo("pdftotext") { ArgumentList = { "-layout", file, "-" }, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
