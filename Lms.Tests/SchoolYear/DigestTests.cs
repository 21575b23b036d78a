using System.Net.Http.Json;
using System.Text.Json;
using Lms.Server.Communication.Mail;
using Lms.Server.SchoolYear;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// The weekly digest for a parent who asked for one, read at a real SMTP server (aiosmtpd): each child's week of
/// absences and late arrivals, the marks entered since the last digest, and what the parent has not read in the contact
/// book, in their language, once a week however often the digest runs.
/// </summary>
public sealed class DigestTests(SmtpLmsServer server) : IClassFixture<SmtpLmsServer>
{
    [Fact]
    public async Task A_parent_who_asked_gets_one_digest_of_the_week_with_each_childs_absences_new_marks_and_the_unread_contact_book()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var (mathsPeriod, _) = await w.TimetableAsync();
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod),
            SchoolDayWorld.Marks((w.An, "absent", false))));
        await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.PutAsJsonAsync("/api/contact-book/preferences",
            new { byEmail = false, byPush = false, weeklyDigest = true, quietFrom = (int?)null, quietTo = (int?)null, language = "vi" }));
        var thread = (await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsJsonAsync("/api/contact-book/conversations",
            new { studentId = w.An, parentId = await server.UserIdAsync(w.AnParentEmail) }))).GetProperty("id").GetGuid();
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PostAsJsonAsync($"/api/contact-book/conversations/{thread}/messages",
            new { body = "Phụ huynh nhớ nộp giấy khám sức khoẻ.", attachmentIds = Array.Empty<Guid>() }));

        // A score entered since the week began is in the digest; Chi (10A2) has none, so her line has no marks.
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/{w.Maths}/terms/{w.Term1Id}/students/{w.An}/tx1",
            new { score = 8.5m, rating = (string?)null, reason = (string?)null }));

        // Run twice (a restart, a second node): one digest.
        var digest = server.Get<WeeklyDigest>();
        var monday = WeeklyDigest.WeekOf(w.RollDay);
        await digest.SendWeekAsync(monday);
        await digest.SendWeekAsync(monday);

        var mail = await server.Smtp.WaitForAsync(w.AnParentEmail, WeeklyDigest.MailKind);
        var (from, to) = (monday.ToString("yyyy-MM-dd"), monday.AddDays(6).ToString("yyyy-MM-dd"));
        Assert.Equal($"Tóm tắt tuần {from} – {to}", mail.Subject);
        Assert.Contains("Lê Hoàng An (lớp 10A1): vắng không phép 1 tiết, vắng có phép 0 tiết, đi muộn 0 lần.", mail.TextBody);
        Assert.Contains($"{w.Day} (1, Toán)", mail.TextBody);
        Assert.Contains("Điểm mới: Toán ĐĐGtx1 8,5.", mail.TextBody);
        Assert.Single(mail.TextBody!.Split("Điểm mới:").Skip(1));
        Assert.Contains("Đỗ Minh Chi (lớp 10A2): vắng không phép 0 tiết, vắng có phép 0 tiết, đi muộn 0 lần.", mail.TextBody);
        Assert.Contains("Sổ liên lạc: 1 tin nhắn và 0 thông báo chưa đọc.", mail.TextBody);
        // Bình's parent did not ask for one.
        var outbox = await server.Get<MailOutbox>().ListAsync(500);
        Assert.Single(outbox, m => m.Kind == WeeklyDigest.MailKind && m.To.Contains(w.AnParentEmail, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(outbox, m => m.Kind == WeeklyDigest.MailKind && m.To.Contains(w.Email("ph-binh"), StringComparison.OrdinalIgnoreCase));
    }
}
