using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

/// <summary>Verification, invitation and reset mail through a real SMTP server (aiosmtpd), and their links used once.</summary>
public sealed class MailDeliveryTests(SmtpLmsServer server) : IClassFixture<SmtpLmsServer>
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private async Task<string> LinkCodeAsync(string to, string kind)
    {
        var message = await server.Smtp.WaitForAsync(to, kind);
        var text = message.TextBody;
        Assert.Contains(server.BaseAddress.ToString().TrimEnd('/'), text); // the link points at this server
        return LmsServer.CodeInLink(text);
    }

    [Fact]
    public async Task A_confirmation_arrives_by_smtp_in_the_language_asked_and_its_link_works_once()
    {
        var email = $"smtp.{Unique()}@example.vn";
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client().PostAsJsonAsync("/api/identity/sign-up",
            new { displayName = "Người Nhận Thư", email, password = "Thu-den-that-2026", language = "en" })).StatusCode);
        var message = await server.Smtp.WaitForAsync(email, "confirm-email");
        Assert.Equal("Confirm your e-mail address", message.Subject);
        var code = LmsServer.CodeInLink(message.TextBody);

        await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/confirm-email", new { code }));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/confirm-email", new { code }),
            HttpStatusCode.BadRequest, "invalid-code");
    }

    [Fact]
    public async Task An_invitation_and_a_reset_arrive_by_smtp_in_vietnamese_and_work_once()
    {
        var adminEmail = $"qt.{Unique()}@school.test";
        var school = await server.AddSchoolAsync("Trường thư thật", (Roles.Admin, "Quản Trị", adminEmail));
        var admin = await server.SignedInAsync(adminEmail);
        var teacher = $"gv.{Unique()}@school.test";
        await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school.Id}/roster?language=vi",
            new StringContent($"role,full_name,email\nteacher,Cô Được Mời,{teacher}\n", Encoding.UTF8, "text/csv")));

        var invitation = await server.Smtp.WaitForAsync(teacher, "invitation");
        Assert.Equal("Mời bạn vào Trường thư thật trên Lms", invitation.Subject);
        var code = LmsServer.CodeInLink(invitation.TextBody);
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code, newPassword = "Co-duoc-moi-2026" }));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code, newPassword = "Co-duoc-moi-2027" }), HttpStatusCode.BadRequest, "invalid-code");

        Assert.Equal(HttpStatusCode.Accepted, (await server.Client().PostAsJsonAsync("/api/identity/password-reset",
            new { email = teacher, language = "vi" })).StatusCode);
        var resetCode = await LinkCodeAsync(teacher, "password-reset");
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = resetCode, newPassword = "Co-dat-lai-2026" }));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = resetCode, newPassword = "Co-dat-lai-2027" }), HttpStatusCode.BadRequest, "invalid-code");
        await server.SignedInAsync(teacher, "Co-dat-lai-2026");
    }
}
