using System.Text.Json;
using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// The admin sets the week on the grid, in Chromium, against the real server: a period added with its room, a teacher
/// booked in two classes at once refused with the other class named, an online period, a period emptied; the server's
/// timetable then holds exactly what the grid shows.
/// </summary>
public sealed class TimetableBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_admin_sets_adds_refuses_and_empties_periods_on_the_timetable_grid()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await ProblemAssert.OkAsync<JsonElement>(await w.ImportAsync($"10A1;Thứ 2;1;Toán;{w.Email("gvtoan")};P201"));
        await using var laptop = await browser.DesktopAsync(server);
        var admin = await laptop.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_admin_sets_adds_refuses_and_empties_periods_on_the_timetable_grid), async () =>
        {
            await BrowserFixture.SignInAsync(admin, w.Email("qt"));
            await admin.GotoAsync($"/institutions/{w.SchoolId}/school-year");
            await admin.GetByTestId("class-select").SelectOptionAsync(new SelectOptionValue { Label = "10A1" });
            await Expect(admin.GetByTestId("cell-1-1")).ToContainTextAsync("Toán");

            // Monday's third period: maths, by the class's maths teacher (the default), in P305.
            await admin.GetByRole(AriaRole.Button, new() { Name = "Thứ 2, tiết 3: trống" }).ClickAsync();
            var editor = admin.GetByTestId("cell-editor");
            await editor.GetByLabel("Môn").SelectOptionAsync(new SelectOptionValue { Label = "Toán" });
            await editor.GetByLabel("Phòng").FillAsync("P305");
            await editor.GetByTestId("cell-save").ClickAsync();
            await Expect(editor).ToBeHiddenAsync();
            await Expect(admin.GetByTestId("cell-1-3")).ToContainTextAsync("Trần Văn Toán · P305");

            // 10A2 at the same hour with the same teacher: refused, naming 10A1; nothing is saved.
            await admin.GetByTestId("class-select").SelectOptionAsync(new SelectOptionValue { Label = "10A2" });
            await admin.GetByTestId("cell-1-1").ClickAsync();
            await editor.GetByLabel("Môn").SelectOptionAsync(new SelectOptionValue { Label = "Toán" });
            await editor.GetByLabel("Giáo viên").SelectOptionAsync(new SelectOptionValue { Label = "Trần Văn Toán" });
            await editor.GetByTestId("cell-save").ClickAsync();
            await Expect(editor.GetByTestId("cell-error")).ToHaveTextAsync("Giáo viên đã dạy lớp 10A1 vào tiết này.");

            // Literature online instead, by the homeroom teacher.
            await editor.GetByLabel("Môn").SelectOptionAsync(new SelectOptionValue { Label = "Ngữ văn" });
            await editor.GetByLabel("Giáo viên").SelectOptionAsync(new SelectOptionValue { Label = "Nguyễn Thị Chủ Nhiệm" });
            await editor.GetByLabel("Trực tuyến").CheckAsync();
            await editor.GetByTestId("cell-save").ClickAsync();
            await Expect(admin.GetByTestId("cell-1-1")).ToContainTextAsync("Nguyễn Thị Chủ Nhiệm · Trực tuyến");

            // Back in 10A1, Monday's third period is emptied.
            await admin.GetByTestId("class-select").SelectOptionAsync(new SelectOptionValue { Label = "10A1" });
            await admin.GetByTestId("cell-1-3").ClickAsync();
            await editor.GetByTestId("cell-clear").ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Thứ 2, tiết 3: trống" })).ToBeVisibleAsync();
        }, admin);

        var firstClass = await WeekAsync(w, w.Class10A1);
        Assert.Equal([(1, 1, "Toán", "P201", false)], firstClass);
        var secondClass = await WeekAsync(w, w.Class10A2);
        Assert.Equal([(1, 1, "Ngữ văn", (string?)null, true)], secondClass);
    }

    private static async Task<List<(int, int, string, string?, bool)>> WeekAsync(SchoolDayWorld w, Guid classId) =>
        (await ProblemAssert.OkAsync<JsonElement>(await w.Admin.GetAsync($"/api/school-years/{w.YearId}/classes/{classId}/timetable")))
        .EnumerateArray().Select(s => (s.GetProperty("weekday").GetInt32(), s.GetProperty("period").GetInt32(), s.GetProperty("subjectName").GetString()!,
            s.GetProperty("room").GetString(), s.GetProperty("online").GetBoolean())).ToList();
}
