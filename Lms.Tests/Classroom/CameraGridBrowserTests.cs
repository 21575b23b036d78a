using System.Net.Http.Json;
using Lms.Grains.Identity;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.Classroom;

/// <summary>
/// The teacher sees the class, in real browsers: three students on phones (Chromium's fake camera) are asked to turn
/// their cameras on; two accept and one refuses; the teacher's grid shows the two thumbnails with frames advancing
/// and names the one who refused.
/// </summary>
public sealed class CameraGridBrowserTests(ClassroomLmsServer server, BrowserFixture browser) : IClassFixture<ClassroomLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Two_students_accept_one_refuses_and_the_teacher_sees_two_live_thumbnails_and_who_refused()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Sinh học 10 — camera " + Guid.NewGuid().ToString("N")[..4]);
        // Student3 is in 10A2: that class joins the course too, so three students come.
        await ProblemAssert.OkAsync<System.Text.Json.JsonElement>(await course.Teacher.PostAsJsonAsync($"/api/courses/{course.CourseId}/enrolments", new { className = "10A2" }));
        await using var teacherContext = await browser.DesktopAsync(server);
        var teacher = await teacherContext.NewPageAsync();
        var students = new[] { LmsServer.Student1, LmsServer.Student2, LmsServer.Student3 };
        var contexts = new List<IBrowserContext>();
        var phones = new List<IPage>();
        try
        {
            foreach (var _ in students)
            {
                var context = await browser.PhoneAsync(server);
                contexts.Add(context);
                phones.Add(await context.NewPageAsync());
            }
            await BrowserFixture.ScreenshotOnFailureAsync(nameof(Two_students_accept_one_refuses_and_the_teacher_sees_two_live_thumbnails_and_who_refused), async () =>
            {
                await BrowserRoom.StartLessonAsync(teacher, course.SessionId);
                for (var i = 0; i < students.Length; i++)
                {
                    await BrowserRoom.OpenAsync(phones[i], students[i], course.SessionId);
                    await Expect(phones[i].GetByTestId("live-status")).ToHaveTextAsync("Đang học");
                }
                // Everyone is in the teacher's room before the class is asked.
                await Expect(teacher.GetByTestId("live-count")).ToContainTextAsync("4");

                await teacher.GetByTestId("cameras-ask").ClickAsync();
                foreach (var phone in phones) await Expect(phone.GetByTestId("camera-ask")).ToBeVisibleAsync();
                await phones[0].GetByTestId("camera-accept").ClickAsync();
                await phones[1].GetByTestId("camera-accept").ClickAsync();
                await phones[2].GetByTestId("camera-refuse").ClickAsync();
                await Expect(phones[0].GetByTestId("camera-mine")).ToBeVisibleAsync();
                await Expect(phones[2].GetByTestId("camera-ask")).ToHaveCountAsync(0);

                // Two thumbnails whose frames advance, at the thumbnail's size.
                foreach (var login in students[..2])
                {
                    var id = await server.UserIdAsync(login);
                    await BrowserRoom.ExpectFramesAdvanceAsync(teacher, $"camera-video-{id}");
                    var width = await teacher.GetByTestId($"camera-video-{id}").EvaluateAsync<int>("v => v.videoWidth");
                    Assert.InRange(width, 1, 160);
                }
                // The refusal is named.
                var refuser = (await server.Get<UserRepository>().FindByLoginAsync(LmsServer.Student3))!.DisplayName;
                var refusedTile = teacher.Locator("[data-testid=camera-tile][data-state=refused]");
                await Expect(refusedTile).ToHaveCountAsync(1);
                await Expect(refusedTile).ToContainTextAsync(refuser);
                await Expect(refusedTile).ToContainTextAsync("Đã từ chối");
                await Expect(teacher.Locator("[data-testid=camera-tile][data-state=on] video")).ToHaveCountAsync(2);

                // A student turns theirs off at any time: the teacher's tile says so.
                await phones[1].GetByTestId("camera-off").ClickAsync();
                await Expect(teacher.Locator("[data-testid=camera-tile][data-state=on] video")).ToHaveCountAsync(1);
                await Expect(teacher.Locator("[data-testid=camera-tile][data-state=off]")).ToHaveCountAsync(1);

                // The teacher asks them all to turn off: none is left on, and the student's page shows it off.
                await teacher.GetByTestId("cameras-stop").ClickAsync();
                await Expect(teacher.Locator("[data-testid=camera-tile][data-state=on]")).ToHaveCountAsync(0);
                await Expect(phones[0].GetByTestId("camera-mine")).ToHaveCountAsync(0);
            }, [teacher, .. phones]);
        }
        finally
        {
            foreach (var context in contexts) await context.DisposeAsync();
        }
    }
}
