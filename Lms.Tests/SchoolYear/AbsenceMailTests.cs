using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

/// <summary>A parent is told of an unexcused absence the same day, by e-mail through a real SMTP server (aiosmtpd), once.</summary>
public sealed class AbsenceMailTests(SmtpLmsServer server) : IClassFixture<SmtpLmsServer>
{
    [Fact]
    public async Task An_unexcused_absence_reaches_the_parent_by_smtp_once_and_an_excused_one_not_at_all()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var (mathsPeriod, literaturePeriod) = await w.TimetableAsync();

        // Excused on the spot (có phép) in literature: no notice.
        await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.PutAsJsonAsync(w.RollUrl(literaturePeriod),
            SchoolDayWorld.Marks((w.An, "absent", true))));
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync("/api/school-year/notices"))).EnumerateArray());

        var marks = SchoolDayWorld.Marks((w.An, "absent", false));
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod), marks));
        var message = await server.Smtp.WaitForAsync(w.AnParentEmail, "absence-unexcused");
        Assert.Contains("Lê Hoàng An", message.Subject);
        Assert.Contains("Toán", message.TextBody);
        Assert.Contains(w.Day, message.TextBody);
        Assert.Contains($"/school-year/children/{w.An}", message.TextBody);

        // Saved again (a teacher corrects Bình's mark): the family is not told twice.
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(w.RollUrl(mathsPeriod),
            SchoolDayWorld.Marks((w.An, "absent", false), (w.Binh, "late", false))));
        Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await w.AnParent.GetAsync("/api/school-year/notices"))).EnumerateArray());
        var outbox = await server.Get<Lms.Server.Communication.Mail.MailOutbox>().ListAsync(200);
        Assert.Single(outbox, m => m.Kind == "absence-unexcused" && m.To.Contains(w.AnParentEmail, StringComparison.OrdinalIgnoreCase));
    }
}
