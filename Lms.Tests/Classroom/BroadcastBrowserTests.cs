using System.Net.Http.Json;
using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// Broadcast mode in Chromium: the teacher (a desktop) sends the lesson in 2 s pieces from the composer; two phones play
/// it with hls.js, one on the low rendition and then the sound-only one, each chosen with the room's own media select; the classroom hub still carries a poll; the floor given to a
/// student opens one peer connection, and the student's voice goes into the teacher's mix (and so into the broadcast).
/// </summary>
public sealed class BroadcastBrowserTests(ClassroomLmsServer server, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<ClassroomLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Two_phones_play_the_teachers_broadcast_one_sound_only_while_the_poll_and_the_floor_work_as_before()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Lịch sử 10 — Phát trực tiếp " + Guid.NewGuid().ToString("N")[..4]);
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PutAsJsonAsync($"/api/classroom/sessions/{course.SessionId}/broadcast", new { on = true }));
        await using var teacherContext = await browser.DesktopAsync(server);
        await using var phoneContext = await browser.PhoneAsync(server);
        await using var otherPhoneContext = await browser.PhoneAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var phone = await phoneContext.NewPageAsync();
        var weak = await otherPhoneContext.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(Two_phones_play_the_teachers_broadcast_one_sound_only_while_the_poll_and_the_floor_work_as_before), async () =>
        {
            await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
            // The teacher's console says the lesson is broadcast, and the pieces go up.
            await Expect(teacher.GetByTestId("broadcast-state")).ToHaveAttributeAsync("data-on", "true");
            await Expect(teacher.GetByTestId("broadcast-pieces")).ToContainTextAsync("Đang phát", new() { Timeout = 30_000 });

            await BrowserRoom.OpenAsync(phone, LmsServer.Student1, course.SessionId);
            await BrowserRoom.OpenAsync(weak, LmsServer.Student2, course.SessionId);
            // The student's own choice of media (full, low, audio: the select that drives peer-to-peer media) drives the player.
            await weak.GetByTestId("media-mode").SelectOptionAsync("low");
            await Expect(weak.GetByTestId("broadcast-player")).ToHaveAttributeAsync("data-media", "low");
            await ExpectPlayingAsync(phone, "phone");
            await ExpectPlayingAsync(weak, "low-rendition phone");
            // The phone plays the master playlist, unless its player stalled again and again on this loaded machine and took
            // the low picture by itself, which it then says.
            var phoneMedia = await PlayedMediaAsync(phone);
            output.WriteLine($"phone: plays {phoneMedia}");
            if (phoneMedia != "full") await Expect(phone.GetByTestId("broadcast-lighter")).ToBeVisibleAsync();
            var weakMedia = await PlayedMediaAsync(weak);
            Assert.Contains(weakMedia, new[] { "low", "audio" });
            if (weakMedia != "low") await Expect(weak.GetByTestId("broadcast-lighter")).ToBeVisibleAsync();
            await weak.GetByTestId("media-mode").SelectOptionAsync("audio");
            await Expect(weak.GetByTestId("broadcast-player")).ToHaveAttributeAsync("data-media", "audio");
            await ExpectPlayingAsync(weak, "sound-only phone");
            Assert.Equal("audio", await PlayedMediaAsync(weak));
            // In broadcast mode the students hold no peer connection to the teacher.
            await Expect(teacher.GetByTestId("peer-count")).ToHaveTextAsync("Đang gửi hình đến 0 học sinh");

            // A poll travels over the classroom hub as before.
            var console = teacher.GetByTestId("teacher-console");
            await console.GetByLabel("Câu hỏi").FillAsync("Năm 938 gắn với trận đánh nào?");
            await console.GetByLabel("Lựa chọn 1").FillAsync("Bạch Đằng");
            await console.GetByLabel("Lựa chọn 2").FillAsync("Chi Lăng");
            await console.GetByRole(AriaRole.Button, new() { Name = "Mở bình chọn" }).ClickAsync();
            foreach (var student in new[] { phone, weak })
            {
                var card = student.GetByTestId("poll-card");
                await card.GetByLabel("Bạch Đằng").CheckAsync();
                await card.GetByRole(AriaRole.Button, new() { Name = "Gửi câu trả lời" }).ClickAsync();
                await Expect(card.GetByTestId("poll-sent")).ToBeVisibleAsync();
            }
            await Expect(teacher.GetByTestId("poll-tally").GetByTestId("poll-count-0")).ToHaveTextAsync("2", new() { Timeout = 20_000 });

            // The floor: the phone raises its hand and is invited to speak. One peer connection opens (the teacher sees the
            // student's camera), and the student's voice joins the mix the broadcast is encoded from (microphone + 1).
            await Expect(teacher.GetByTestId("broadcast-pieces")).ToHaveAttributeAsync("data-mixed", "1");
            await phone.GetByTestId("hand-button").ClickAsync();
            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Giơ tay (1)" }).ClickAsync();
            await teacher.GetByTestId("hand").Filter(new() { HasText = "Lê Hoàng An" })
                .GetByRole(AriaRole.Button, new() { Name = "Mời phát biểu" }).ClickAsync();
            await Expect(teacher.GetByTestId("peer-count")).ToHaveTextAsync("Đang gửi hình đến 1 học sinh", new() { Timeout = 30_000 });
            await BrowserRoom.ExpectFramesAdvanceAsync(teacher, "floor-video");
            await Expect(teacher.GetByTestId("broadcast-pieces")).ToHaveAttributeAsync("data-mixed", "2", new() { Timeout = 15_000 });
            await ExpectPlayingAsync(weak, "sound-only phone, during the floor");

            // The end: the broadcast closes and its playlist becomes the whole lesson (a VOD that ends).
            await teacher.GetByRole(AriaRole.Tab, new() { Name = "Điều khiển" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc buổi học" }).ClickAsync();
            await teacher.GetByRole(AriaRole.Button, new() { Name = "Kết thúc cho cả lớp" }).ClickAsync();
            await Expect(teacher.GetByTestId("live-ended")).ToBeVisibleAsync();
            var runs = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs"));
            var runId = runs[0].GetProperty("id").GetGuid();
            var broadcasts = server.Get<Lms.Server.Classroom.Broadcast.LessonBroadcasts>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            Lms.Server.Classroom.Broadcast.BroadcastManifest? manifest;
            while ((manifest = await broadcasts.ManifestAsync(course.SessionId, runId))?.EndedAt is null)
            {
                if (DateTime.UtcNow > deadline) Assert.Fail("The broadcast was not closed after the lesson ended.");
                await Task.Delay(200);
            }
            output.WriteLine($"broadcast closed with {manifest!.Segments.Count} segments, {manifest.Seconds:0.0} s");
            Assert.True(manifest.Segments.Count >= 3);

            // The same segments are the lesson's recording: published by the end itself, listed in the ended room, and it
            // plays in the course's player. The teacher's browser recorded nothing else (one lesson, one recording).
            var entry = teacher.GetByTestId("recording-entry");
            await Expect(entry).ToHaveAttributeAsync("data-status", "published", new() { Timeout = 30_000 });
            await Expect(entry).ToHaveCountAsync(1);
            await Expect(entry.GetByTestId("recording-library-link")).ToBeVisibleAsync();
            await entry.GetByTestId("recording-course-link").ClickAsync();
            var player = teacher.GetByTestId("player-video");
            await Expect(player).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await player.EvaluateAsync("v => { v.muted = true; return v.play().catch(() => undefined); }");
            var until = DateTime.UtcNow.AddSeconds(45);
            double at;
            while ((at = await player.EvaluateAsync<double>("v => v.currentTime")) < 1.5)
            {
                if (DateTime.UtcNow > until) Assert.Fail($"The published recording did not play in the course's player (at {at} s).");
                await Task.Delay(250);
            }
            output.WriteLine($"the recording plays in the library's player ({at:0.0} s in)");
        }, teacher, phone, weak);
    }

    /// <summary>
    /// The media the player's choice says (full, low, audio) once the playlist it plays agrees with it (full: the master,
    /// low: the low picture, audio: the sound); a choice just changed is given a moment for its player to start.
    /// </summary>
    private static async Task<string> PlayedMediaAsync(IPage page)
    {
        var playlists = new Dictionary<string, string> { ["full"] = "/master.m3u8", ["low"] = "/low.m3u8", ["audio"] = "/audio.m3u8" };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var seen = await page.EvaluateAsync<string[]>(
                "() => [document.querySelector('[data-testid=broadcast-player]')?.dataset.media ?? '', window.lmsBroadcast?.url ?? '']");
            if (playlists.TryGetValue(seen[0], out var playlist) && seen[1].EndsWith(playlist, StringComparison.Ordinal)) return seen[0];
            if (DateTime.UtcNow > deadline) Assert.Fail($"The player's choice ({seen[0]}) and its playlist ({seen[1]}) disagree.");
            await Task.Delay(250);
        }
    }

    /// <summary>The player's clock moves on (hls.js is playing the broadcast); reports how far behind live it plays.</summary>
    private async Task ExpectPlayingAsync(IPage page, string who)
    {
        var video = page.GetByTestId("broadcast-video");
        await Expect(video).ToBeAttachedAsync(new() { Timeout = 30_000 });
        const string read = "v => v.currentTime";
        var deadline = DateTime.UtcNow.AddSeconds(45);
        var first = -1.0;
        while (true)
        {
            var now = await video.EvaluateAsync<double>(read);
            if (first < 0 && now > 0) first = now;
            else if (first >= 0 && now >= first + 2) break;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The {who}'s broadcast player did not advance: {first} then {now}. The server said:{Environment.NewLine}{server.Log}");
            await Task.Delay(250);
        }
        var behind = await page.EvaluateAsync<double?>("() => window.lmsBroadcast?.playingDate ? (Date.now() - window.lmsBroadcast.playingDate.getTime()) / 1000 : null");
        output.WriteLine($"{who}: playing, {behind:0.0} s behind live (now − hls.playingDate)");
        Assert.NotNull(behind);
    }
}
