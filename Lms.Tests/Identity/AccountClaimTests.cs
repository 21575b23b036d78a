using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Identity;

public sealed class AccountClaimTestsOnSqlite(SqliteLmsServer server) : AccountClaimTests(server), IClassFixture<SqliteLmsServer>;

public sealed class AccountClaimTestsOnPostgres(PostgresLmsServer server) : AccountClaimTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// Accounts are claimed by their owner before they count: sign-up needs a confirmed address, a
/// roster never hands a role to an account that someone else made, invitations and resets are
/// one-time codes.
/// </summary>
public abstract class AccountClaimTests(LmsServer server)
{
    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static HttpContent Csv(string text) => new StringContent(text, Encoding.UTF8, "text/csv");

    private async Task<(Guid School, HttpClient Admin)> NewSchoolAsync(string name)
    {
        var adminEmail = $"admin.{Unique()}@school.test";
        var school = await server.AddSchoolAsync(name, (Roles.Admin, "Quản Trị Viên", adminEmail));
        return (school.Id, await server.SignedInAsync(adminEmail));
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string login, string password) =>
        client.PostAsJsonAsync("/api/identity/sign-in", new { login, password });

    [Fact]
    public async Task A_stranger_who_signs_up_with_a_staff_address_gets_nothing_and_the_real_person_claims_it()
    {
        var principal = $"hieutruong.{Unique()}@school.test";
        var stranger = server.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await stranger.PostAsJsonAsync("/api/identity/sign-up",
            new { displayName = "Kẻ Lạ", email = principal, password = "Ke-la-muon-vao-2026" })).StatusCode);
        // Not signed in, and cannot sign in before the address is confirmed.
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(await SignInAsync(stranger, principal, "Ke-la-muon-vao-2026"),
            HttpStatusCode.Unauthorized, "invalid-credentials");

        // The school imports its principal as admin: the unconfirmed address was not "taken", a new account is made.
        var (school, admin) = await NewSchoolAsync("Trường bị nhắm tới");
        var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster",
            Csv($"role,full_name,email\nadmin,Hiệu Trưởng Thật,{principal}\n")));
        Assert.Equal(1, outcome.GetProperty("peopleCreated").GetInt32());

        // The stranger still cannot sign in, has no role anywhere, and reads nothing of the school.
        await ProblemAssert.IsProblemAsync(await SignInAsync(stranger, principal, "Ke-la-muon-vao-2026"),
            HttpStatusCode.Unauthorized, "invalid-credentials");
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/api/institutions/{school}/people"),
            HttpStatusCode.Unauthorized, "unauthenticated");
        await using (var connection = await server.Get<Db>().OpenAsync())
        {
            var strangerRoles = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.pending_email = @principal",
                new { principal });
            Assert.Equal(0, strangerRoles);
        }
        // Even holding their own confirmation link, the stranger cannot take the address now.
        var strangersLink = await server.MailedCodeAsync(principal, "confirm-email");
        await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync("/api/identity/confirm-email", new { code = strangersLink }),
            HttpStatusCode.Conflict, "email-taken");

        // The real principal follows the invitation mailed to the address, chooses a password and is the school's admin.
        var invitation = await server.MailedCodeAsync(principal, "invitation");
        var real = server.Client();
        var holder = await ProblemAssert.OkAsync<JsonElement>(await real.PostAsJsonAsync("/api/identity/codes/check", new { code = invitation }));
        Assert.Equal("Hiệu Trưởng Thật", holder.GetProperty("displayName").GetString());
        var me = await ProblemAssert.OkAsync<JsonElement>(await real.PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = invitation, newPassword = "Hieu-truong-that-2026" }));
        Assert.Equal(Roles.Admin, me.GetProperty("memberships").EnumerateArray()
            .Single(m => m.GetProperty("institutionId").GetGuid() == school).GetProperty("role").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await real.GetAsync($"/api/institutions/{school}/people"));
        // The invitation worked once.
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = invitation, newPassword = "Lan-thu-hai-2026" }), HttpStatusCode.BadRequest, "invalid-code");
    }

    [Fact]
    public async Task A_sign_up_works_once_its_address_is_confirmed_and_the_link_works_once()
    {
        var email = $"hocvien.{Unique()}@example.vn";
        var client = server.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/identity/sign-up",
            new { displayName = "Học Viên Tự Do", email, password = "Hoc-vien-tu-do-2026", returnTo = "/catalogue" })).StatusCode);
        var code = await server.MailedCodeAsync(email, "confirm-email");

        var confirmed = await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/confirm-email", new { code }));
        Assert.Equal(email, confirmed.GetProperty("me").GetProperty("email").GetString());
        Assert.Equal("/catalogue", confirmed.GetProperty("returnTo").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/identity/me"));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/confirm-email", new { code }),
            HttpStatusCode.BadRequest, "invalid-code");
        await server.SignedInAsync(email, "Hoc-vien-tu-do-2026");

        // Signing up again with the address now taken answers the same and tells its holder instead.
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client().PostAsJsonAsync("/api/identity/sign-up",
            new { displayName = "Người Khác", email, password = "Nguoi-khac-2026" })).StatusCode);
        await server.MailedCodeAsync(email, "confirm-email"); // the only confirmation is still the first one
        var messages = await server.Get<Lms.Server.Communication.Mail.MailOutbox>().ListAsync(200);
        Assert.Single(messages, m => m.Kind == "sign-up-existing" && m.To.Contains(email));
        Assert.Single(messages, m => m.Kind == "confirm-email" && m.To.Contains(email));
    }

    [Fact]
    public async Task Weak_passwords_are_refused_with_a_reason()
    {
        var client = server.Client();
        var shortOne = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-up",
            new { displayName = "Ngắn", email = $"ngan.{Unique()}@example.vn", password = "Abc-12345" }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("too-short", shortOne.GetProperty("code").GetString());
        var common = await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/identity/sign-up",
            new { displayName = "Phổ Biến", email = $"phobien.{Unique()}@example.vn", password = "password123" }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("too-common", common.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_password_reset_link_works_once_and_the_answer_never_says_whether_the_address_exists()
    {
        var email = $"quenmk.{Unique()}@school.test";
        await server.AddSchoolAsync("Trường quên mật khẩu", (Roles.Teacher, "Cô Hay Quên", email));
        var known = await server.Client().PostAsJsonAsync("/api/identity/password-reset", new { email });
        var unknown = await server.Client().PostAsJsonAsync("/api/identity/password-reset", new { email = $"khongai.{Unique()}@school.test" });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());

        var code = await server.MailedCodeAsync(email, "password-reset");
        var client = server.Client();
        await ProblemAssert.OkAsync<JsonElement>(await client.PostAsJsonAsync("/api/identity/codes/redeem",
            new { code, newPassword = "Nho-lai-roi-2026" }));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code, newPassword = "Lan-nua-di-2026" }), HttpStatusCode.BadRequest, "invalid-code");
        await ProblemAssert.IsProblemAsync(await SignInAsync(server.Client(), email, LmsServer.DemoPassword),
            HttpStatusCode.Unauthorized, "invalid-credentials");
        await server.SignedInAsync(email, "Nho-lai-roi-2026");
    }

    [Fact]
    public async Task A_student_without_email_gets_a_printable_code_and_chooses_a_password_with_it()
    {
        var (school, admin) = await NewSchoolAsync("Trường phiếu kích hoạt");
        var nationalId = "0012" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var outcome = await ProblemAssert.OkAsync<JsonElement>(await admin.PostAsync($"/api/institutions/{school}/roster",
            Csv($"role,full_name,national_id,class\nstudent,Em Không Email,{nationalId},6A\n")));
        var invitation = Assert.Single(outcome.GetProperty("invitations").EnumerateArray());
        Assert.False(invitation.GetProperty("emailed").GetBoolean());
        var printed = invitation.GetProperty("code").GetString()!;
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", printed);

        // Nobody can sign in on an account whose owner has not chosen a password yet.
        await ProblemAssert.IsProblemAsync(await SignInAsync(server.Client(), nationalId, ""), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.IsProblemAsync(await SignInAsync(server.Client(), nationalId, "anything-at-all"),
            HttpStatusCode.Unauthorized, "invalid-credentials");

        // Typed from the sheet in lower case, without the dashes.
        var student = server.Client();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = printed.Replace("-", " ").ToLowerInvariant(), newPassword = "Em-tu-dat-2026" }));
        await server.SignedInAsync(nationalId, "Em-tu-dat-2026");
    }

    [Fact]
    public async Task A_roster_does_not_join_an_account_another_institution_made_until_its_owner_claims_it()
    {
        var teacher = $"giaovien.{Unique()}@school.test";
        var (first, firstAdmin) = await NewSchoolAsync("Trường thứ nhất");
        await ProblemAssert.OkAsync<JsonElement>(await firstAdmin.PostAsync($"/api/institutions/{first}/roster",
            Csv($"role,full_name,email,password\nteacher,Thầy Hai Trường,{teacher},Mat-khau-admin-dat-2026\n")));

        // The first school's admin chose that password: the second school must not hand its admin role to that account.
        var (second, secondAdmin) = await NewSchoolAsync("Trường thứ hai");
        var refused = await ProblemAssert.IsProblemAsync(await secondAdmin.PostAsync($"/api/institutions/{second}/roster",
            Csv($"role,full_name,email\nadmin,Thầy Hai Trường,{teacher}\n")), (HttpStatusCode)422, "roster-invalid");
        Assert.Equal("unclaimed-account", refused.GetProperty("problems")[0].GetProperty("code").GetString());

        // Once the owner proves they hold the address (a reset link to it), the second school can add them.
        await server.Client().PostAsJsonAsync("/api/identity/password-reset", new { email = teacher });
        await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/codes/redeem",
            new { code = await server.MailedCodeAsync(teacher, "password-reset"), newPassword = "Cua-toi-that-su-2026" }));
        var added = await ProblemAssert.OkAsync<JsonElement>(await secondAdmin.PostAsync($"/api/institutions/{second}/roster",
            Csv($"role,full_name,email\nadmin,Thầy Hai Trường,{teacher}\n")));
        Assert.Equal(1, added.GetProperty("peopleAlreadyThere").GetInt32());
    }

    [Fact]
    public async Task A_teacher_sees_national_ids_and_addresses_masked_and_an_admin_sees_them_in_full()
    {
        var school = await server.DemoSchoolIdAsync();
        const string path = "/people?role=student&q=Le%20Hoang%20An";
        var asTeacher = await ProblemAssert.OkAsync<JsonElement>(
            await (await server.SignedInAsync(LmsServer.Teacher)).GetAsync($"/api/institutions/{school}{path}"));
        var masked = Assert.Single(asTeacher.GetProperty("items").EnumerateArray());
        Assert.Equal("0012******01", masked.GetProperty("nationalId").GetString());
        Assert.Equal("h***@demo.lms.vn", masked.GetProperty("email").GetString());

        var asAdmin = await ProblemAssert.OkAsync<JsonElement>(
            await (await server.SignedInAsync(LmsServer.Admin)).GetAsync($"/api/institutions/{school}{path}"));
        var full = Assert.Single(asAdmin.GetProperty("items").EnumerateArray());
        Assert.Equal("001208000001", full.GetProperty("nationalId").GetString());
        Assert.Equal(LmsServer.Student1, full.GetProperty("email").GetString());
    }

    [Fact]
    public async Task The_outbox_is_read_by_a_platform_admin_only()
    {
        var outbox = await ProblemAssert.OkAsync<JsonElement>(await (await server.SignedInAsync(LmsServer.Admin)).GetAsync("/api/mail/outbox"));
        Assert.Equal(JsonValueKind.Array, outbox.ValueKind);
        await ProblemAssert.IsProblemAsync(await (await server.SignedInAsync(LmsServer.Teacher)).GetAsync("/api/mail/outbox"),
            HttpStatusCode.Forbidden, "forbidden");
    }
}
