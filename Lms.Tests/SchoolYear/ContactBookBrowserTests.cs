using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// The contact book on phones, in Chromium, against the real server: the homeroom teacher announces to 10A1's parents,
/// a parent reads it and the teacher sees who read it; the parent writes to the homeroom teacher and gets a reply. And
/// a push delivered to the app's real service worker (Chromium DevTools' ServiceWorker.deliverPushMessage: its own
/// push service cannot be reached here) shows a notification and tells the open page.
/// </summary>
public sealed class ContactBookBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_announcement_is_read_with_a_receipt_and_a_parents_message_gets_the_homeroom_teachers_reply()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await using var teacherPhone = await browser.PhoneAsync(server);
        await using var parentPhone = await browser.PhoneAsync(server);
        var teacher = await teacherPhone.NewPageAsync();
        var parent = await parentPhone.NewPageAsync();
        const string title = "Họp phụ huynh cuối học kì I";

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(An_announcement_is_read_with_a_receipt_and_a_parents_message_gets_the_homeroom_teachers_reply), async () =>
        {
            await BrowserFixture.SignInAsync(teacher, w.Email("gvcn"));
            await BrowserFixture.GoToPlaceAsync(teacher, "Sổ liên lạc");
            var composer = teacher.GetByTestId("announcement-composer");
            await Expect(composer.GetByLabel("Gửi đến")).ToHaveValueAsync($"c-{w.Class10A1}");
            await composer.GetByLabel("Tiêu đề").FillAsync(title);
            await composer.GetByLabel("Nội dung").FillAsync("Kính mời phụ huynh dự họp lúc 8 giờ sáng Chủ nhật tại phòng P201.");
            await teacher.GetByTestId("announce-send").ClickAsync();
            await Expect(teacher.GetByTestId("announcement-sent")).ToHaveTextAsync("Đã gửi thông báo.");
            await Expect(teacher.GetByTestId("announcements")).ToContainTextAsync("0/2 đã xem");

            await BrowserFixture.SignInAsync(parent, w.AnParentEmail);
            await BrowserFixture.GoToPlaceAsync(parent, "Sổ liên lạc");
            await parent.GetByTestId($"announcement-{title}").ClickAsync();
            await Expect(parent.GetByTestId("announcement-body")).ToContainTextAsync("8 giờ sáng Chủ nhật");

            await teacher.ReloadAsync();
            await Expect(teacher.GetByTestId("announcements")).ToContainTextAsync("1/2 đã xem");
            await teacher.GetByTestId($"sent-{title}").ClickAsync();
            await Expect(teacher.GetByTestId("reader-Lê Văn Phụ Huynh")).ToContainTextAsync("Đã xem lúc");
            await Expect(teacher.GetByTestId("reader-Phạm Thị Mẹ Bình")).ToContainTextAsync("Chưa xem");

            // The parent writes to An's homeroom teacher.
            await parent.GotoAsync("/contact-book");
            await parent.GetByTestId("contact-person").SelectOptionAsync(new SelectOptionValue { Label = "Nguyễn Thị Chủ Nhiệm (GV chủ nhiệm) — về Lê Hoàng An" });
            await parent.GetByTestId("open-thread").ClickAsync();
            await parent.GetByTestId("reply-body").FillAsync("Thưa cô, cháu An xin phép nghỉ buổi chiều nay để đi khám răng.");
            await parent.GetByTestId("reply-send").ClickAsync();
            await Expect(parent.GetByTestId("read-receipt")).ToHaveTextAsync("Chưa xem");

            await teacher.GotoAsync("/contact-book");
            await Expect(teacher.GetByTestId("threads").GetByTestId("unread")).ToHaveTextAsync("1 chưa đọc");
            await teacher.GetByTestId("thread-Lê Hoàng An").ClickAsync();
            await Expect(teacher.GetByTestId("messages")).ToContainTextAsync("đi khám răng");
            await teacher.GetByTestId("reply-body").FillAsync("Cô đã nhận được, chúc cháu khám tốt.");
            await teacher.GetByTestId("reply-send").ClickAsync();
            await Expect(teacher.GetByTestId("messages")).ToContainTextAsync("chúc cháu khám tốt");

            await parent.ReloadAsync();
            await Expect(parent.GetByTestId("messages")).ToContainTextAsync("Cô đã nhận được, chúc cháu khám tốt.");
            await Expect(parent.GetByTestId("read-receipt")).ToContainTextAsync("Đã xem lúc");
        }, teacher, parent);
    }

    [Fact]
    public async Task A_push_delivered_to_the_apps_service_worker_shows_a_notification_and_tells_the_open_page()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await using var phone = await browser.PhoneAsync(server);
        await phone.GrantPermissionsAsync(["notifications"]);
        var page = await phone.NewPageAsync();
        await BrowserFixture.ScreenshotOnFailureAsync(nameof(A_push_delivered_to_the_apps_service_worker_shows_a_notification_and_tells_the_open_page), async () =>
        {
            await BrowserFixture.SignInAsync(page, w.AnParentEmail);
            await page.GotoAsync("/contact-book");
            // The app's own worker (sw.js, importing contact-push-sw.js), registered on load and controlling the page.
            var scope = await page.EvaluateAsync<string>("async () => (await navigator.serviceWorker.ready).scope");
            await page.EvaluateAsync("() => { window.__pushes = []; navigator.serviceWorker.addEventListener('message', (e) => window.__pushes.push(e.data)); }");

            var cdp = await phone.NewCDPSessionAsync(page);
            var registrations = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            cdp.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, update) =>
            {
                if (update is not { } u) return;
                foreach (var r in u.GetProperty("registrations").EnumerateArray())
                    if (r.GetProperty("scopeURL").GetString() == scope && !r.GetProperty("isDeleted").GetBoolean())
                        registrations.TrySetResult(r.GetProperty("registrationId").GetString()!);
            };
            await cdp.SendAsync("ServiceWorker.enable");
            var registrationId = await registrations.Task.WaitAsync(TimeSpan.FromSeconds(30));

            var notice = JsonSerializer.Serialize(new
            {
                title = "Tin nhắn mới từ Nguyễn Thị Chủ Nhiệm (về Lê Hoàng An)", body = "Chiều nay lớp tan học lúc 16 giờ.",
                url = "/contact-book", tag = "message-test",
            });
            await cdp.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
            {
                ["origin"] = server.BaseAddress.GetLeftPart(UriPartial.Authority), ["registrationId"] = registrationId, ["data"] = notice,
            });

            // The open page is told, and the notification is among those the registration shows.
            await page.WaitForFunctionAsync("() => window.__pushes.some((p) => p.type === 'contact-book-push')", null, new() { Timeout = 30_000 });
            var titles = await page.EvaluateAsync<string[]>(
                "async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => n.title + ' | ' + n.body)");
            Assert.Contains("Tin nhắn mới từ Nguyễn Thị Chủ Nhiệm (về Lê Hoàng An) | Chiều nay lớp tan học lúc 16 giờ.", titles);
        }, page);
    }
}
