using Lms.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Lms.Tests.SchoolYear;

/// <summary>
/// The mark book in Chromium against the real server: the maths teacher on a laptop types a score (Vietnamese decimal
/// comma), moves with Enter, pastes a block from a spreadsheet, sees a bad score flagged, reloads and finds every
/// score; An's parent on a phone sees the score on the child's page.
/// </summary>
public sealed class MarkBookBrowserTests(SqliteLmsServer server, BrowserFixture browser)
    : IClassFixture<SqliteLmsServer>, IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_subject_teacher_types_and_pastes_scores_that_survive_a_reload_and_the_parent_sees_them_on_a_phone()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        await using var laptop = await browser.DesktopAsync(server);
        await using var parentPhone = await browser.PhoneAsync(server);
        var teacher = await laptop.NewPageAsync();
        var parent = await parentPhone.NewPageAsync();

        await BrowserFixture.ScreenshotOnFailureAsync(nameof(The_subject_teacher_types_and_pastes_scores_that_survive_a_reload_and_the_parent_sees_them_on_a_phone), async () =>
        {
            await BrowserFixture.SignInAsync(teacher, w.Email("gvtoan"));
            await teacher.GotoAsync("/school-year");
            await teacher.GetByTestId("mark-book-10A1-Toán").ClickAsync();
            await Expect(teacher.GetByTestId("mark-grid")).ToBeVisibleAsync();

            // Row 0 is An, row 1 Bình (given names in order). A score typed with a decimal comma is saved; Enter moves down.
            await teacher.GetByTestId("cell-0-tx1").FillAsync("7,5");
            await teacher.GetByTestId("cell-0-tx1").PressAsync("Enter");
            await Expect(teacher.GetByTestId("cell-1-tx1")).ToBeFocusedAsync();
            await Expect(teacher.GetByTestId("state-0-tx1")).ToHaveTextAsync("đã lưu");

            // A block copied from a spreadsheet (tab between cells, a newline between rows) fills right and down from the focused cell.
            await teacher.GetByTestId("cell-0-tx2").FocusAsync();
            await teacher.GetByTestId("cell-0-tx2").EvaluateAsync("""
                (input, text) => {
                  const data = new DataTransfer();
                  data.setData('text/plain', text);
                  input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
                }
                """, "8\t6,5\r\n9\t7\r\n");
            foreach (var cell in new[] { "0-tx2", "0-tx3", "1-tx2", "1-tx3" })
                await Expect(teacher.GetByTestId($"state-{cell}")).ToHaveTextAsync("đã lưu");

            // A score out of range is refused and flagged on its cell; nothing is saved for it.
            await teacher.GetByTestId("cell-1-tx4").FillAsync("11");
            await teacher.GetByTestId("cell-1-tx4").PressAsync("Tab");
            await Expect(teacher.GetByTestId("state-1-tx4")).ToHaveTextAsync("lỗi, thử lại");
            await Expect(teacher.GetByTestId("mark-problems")).ToContainTextAsync("Điểm từ 0 đến 10");

            await teacher.ReloadAsync();
            await Expect(teacher.GetByTestId("cell-0-tx1")).ToHaveValueAsync("7,5");
            await Expect(teacher.GetByTestId("cell-0-tx3")).ToHaveValueAsync("6,5");
            await Expect(teacher.GetByTestId("cell-1-tx2")).ToHaveValueAsync("9");
            await Expect(teacher.GetByTestId("cell-1-tx3")).ToHaveValueAsync("7");
            await Expect(teacher.GetByTestId("cell-1-tx4")).ToHaveValueAsync("");

            // An's parent, on a phone, opens An's page and sees the scores.
            await BrowserFixture.SignInAsync(parent, w.AnParentEmail);
            await parent.GotoAsync("/school-year");
            await parent.GetByTestId("children").GetByRole(AriaRole.Link, new() { Name = "Lê Hoàng An" }).ClickAsync();
            var maths = parent.GetByTestId($"child-marks-{w.Maths}");
            await Expect(maths).ToContainTextAsync("Toán");
            await Expect(maths).ToContainTextAsync("7,5 8 6,5");
        }, teacher, parent);
    }
}
