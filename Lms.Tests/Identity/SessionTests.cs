using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Identity;

public sealed class SessionTestsOnSqlite(SqliteLmsServer server) : SessionTests(server), IClassFixture<SqliteLmsServer>;

public sealed class SessionTestsOnPostgres(PostgresLmsServer server) : SessionTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>Sessions that end: sign-out, sign-out everywhere, password change, refresh-token reuse, disabled accounts, removed members.</summary>
public abstract class SessionTests(LmsServer server)
{
    private const string Password = "Phien-lam-viec-2026";

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A new person (their own school, as a teacher) so that ending their sessions touches nobody else.</summary>
    private async Task<(string Email, Guid School)> PersonAsync()
    {
        var email = $"phien.{Unique()}@session.test";
        var school = await server.AddSchoolAsync("Trường phiên " + Unique(), (Roles.Teacher, "Người Có Phiên", email));
        var client = await server.SignedInAsync(email);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/identity/change-password",
            new { currentPassword = LmsServer.DemoPassword, newPassword = Password })).StatusCode);
        return (email, school.Id);
    }

    private async Task<(HttpClient Api, string Refresh)> TokenAsync(string email)
    {
        var token = await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/identity/token",
            new { login = email, password = Password }));
        var api = server.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return (api, token.GetProperty("refreshToken").GetString()!);
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        server.Client().PostAsJsonAsync("/api/identity/refresh", new { refreshToken });

    private static async Task IsRefusedAsync(HttpClient client) =>
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/identity/me"), HttpStatusCode.Unauthorized, "unauthenticated");

    [Fact]
    public async Task A_password_change_ends_every_other_cookie_bearer_and_refresh_token_but_not_this_session()
    {
        var (email, _) = await PersonAsync();
        var here = await server.SignedInAsync(email, Password);
        var phone = await server.SignedInAsync(email, Password);
        var (api, refresh) = await TokenAsync(email);
        await ProblemAssert.OkAsync<JsonElement>(await api.GetAsync("/api/identity/me"));

        Assert.Equal(HttpStatusCode.NoContent, (await here.PostAsJsonAsync("/api/identity/change-password",
            new { currentPassword = Password, newPassword = "Mat-khau-moi-han-2026" })).StatusCode);

        await IsRefusedAsync(phone);
        await IsRefusedAsync(api);
        await ProblemAssert.IsProblemAsync(await RefreshAsync(refresh), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.OkAsync<JsonElement>(await here.GetAsync("/api/identity/me"));
    }

    [Fact]
    public async Task Signing_out_everywhere_refuses_old_cookies_and_tokens_and_closes_an_open_hub_connection()
    {
        var (email, _) = await PersonAsync();
        var cookies = new CookieContainer();
        await server.SignedInAsync(email, Password, cookies);
        var (api, refresh) = await TokenAsync(email);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/content"), o => o.Cookies = cookies).Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += error => { closed.TrySetResult(error); return Task.CompletedTask; };
        await hub.StartAsync();
        Assert.Equal(HubConnectionState.Connected, hub.State);

        var elsewhere = await server.SignedInAsync(email, Password);
        Assert.Equal(HttpStatusCode.NoContent, (await elsewhere.PostAsync("/api/identity/sign-out-everywhere", null)).StatusCode);

        // The server closes the connection itself (bounded wait; it happens as the sessions end).
        var finished = await Task.WhenAny(closed.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(closed.Task, finished);
        Assert.Equal(HubConnectionState.Disconnected, hub.State);
        await IsRefusedAsync(elsewhere);
        await IsRefusedAsync(api);
        await ProblemAssert.IsProblemAsync(await RefreshAsync(refresh), HttpStatusCode.Unauthorized, "unauthenticated");
        using var again = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        await IsRefusedAsync(again);
        // Reconnecting with the old cookie is refused too.
        await using var retry = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, "/hubs/content"), o => o.Cookies = cookies).Build();
        await Assert.ThrowsAnyAsync<Exception>(() => retry.StartAsync());
    }

    [Fact]
    public async Task A_refresh_token_works_once_and_a_reused_one_ends_its_whole_family()
    {
        var (email, _) = await PersonAsync();
        var (api, first) = await TokenAsync(email);
        var renewed = await ProblemAssert.OkAsync<JsonElement>(await RefreshAsync(first));
        var second = renewed.GetProperty("refreshToken").GetString()!;
        Assert.NotEqual(first, second);
        var renewedApi = server.Client();
        renewedApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", renewed.GetProperty("accessToken").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await renewedApi.GetAsync("/api/identity/me"));

        // Someone replays the first token (copied from the device): refused, and the family ends.
        await ProblemAssert.IsProblemAsync(await RefreshAsync(first), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsProblemAsync(await RefreshAsync(second), HttpStatusCode.Unauthorized, "unauthenticated");
        await IsRefusedAsync(renewedApi);
        await IsRefusedAsync(api);
    }

    [Fact]
    public async Task A_person_sees_their_sessions_and_ends_one()
    {
        var (email, _) = await PersonAsync();
        var laptop = await server.SignedInAsync(email, Password);
        var phone = server.Client();
        phone.DefaultRequestHeaders.UserAgent.ParseAdd("PhoneBrowser/1.0");
        await ProblemAssert.OkAsync<JsonElement>(await phone.PostAsJsonAsync("/api/identity/sign-in", new { login = email, password = Password }));

        var sessions = (await ProblemAssert.OkAsync<JsonElement>(await laptop.GetAsync("/api/identity/sessions"))).EnumerateArray().ToList();
        Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        var phoneSession = sessions.Single(s => s.GetProperty("device").GetString() == "PhoneBrowser/1.0");
        Assert.Equal("127.0.0.1", phoneSession.GetProperty("address").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await laptop.DeleteAsync($"/api/identity/sessions/{phoneSession.GetProperty("id").GetGuid()}")).StatusCode);
        await IsRefusedAsync(phone);
        await ProblemAssert.OkAsync<JsonElement>(await laptop.GetAsync("/api/identity/me"));
        // Another person's session is not theirs to end.
        var stranger = await server.SignedInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await stranger.DeleteAsync($"/api/identity/sessions/{sessions.Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetGuid()}"),
            HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.OkAsync<JsonElement>(await laptop.GetAsync("/api/identity/me"));
    }

    [Fact]
    public async Task An_admin_disables_an_account_and_removes_a_member_and_it_takes_effect_at_once()
    {
        var adminEmail = $"qt.{Unique()}@session.test";
        var memberEmail = $"tv.{Unique()}@session.test";
        var school = await server.AddSchoolAsync("Trường quản lý phiên " + Unique(),
            (Roles.Admin, "Quản Trị Phiên", adminEmail), (Roles.Teacher, "Giáo Viên Bị Khoá", memberEmail));
        var admin = await server.SignedInAsync(adminEmail);
        var member = await server.SignedInAsync(memberEmail);
        await ProblemAssert.OkAsync<JsonElement>(await member.GetAsync($"/api/institutions/{school.Id}/people"));
        var memberId = await server.UserIdAsync(memberEmail);

        // Removed from the school: still signed in, but the school's data is closed to them.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/institutions/{school.Id}/members/{memberId}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await member.GetAsync($"/api/institutions/{school.Id}/people"), HttpStatusCode.Forbidden, "forbidden");

        // Disabled: every session ends and signing in answers as a wrong password does.
        await ProblemAssert.IsProblemAsync(await member.PutAsJsonAsync($"/api/identity/users/{await server.UserIdAsync(adminEmail)}/disabled",
            new { disabled = true }), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/identity/users/{memberId}/disabled", new { disabled = true })).StatusCode);
        await IsRefusedAsync(member);
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync("/api/identity/sign-in",
            new { login = memberEmail, password = LmsServer.DemoPassword }), HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/identity/users/{memberId}/disabled", new { disabled = false })).StatusCode);
        await server.SignedInAsync(memberEmail);
    }
}
