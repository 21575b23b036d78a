using System.Globalization;
using Lms.Server.Credentials;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace Lms.Server.Institutions;

/// <summary>One printed slip: who, which class, what to type where.</summary>
public sealed record RosterSlip(string Name, string? ClassName, string Login, string Code);

/// <summary>
/// The credentials sheet: A4 pages of slips to cut out and hand over in class, ten to a page, each class
/// starting on a page of its own with its name at the top. Each slip gives the person's name, class and
/// login, their one-time code and the address where they type it to choose a password. Labels are in
/// Vietnamese and English (a slip is handed to a student, whatever language the admin reads).
/// </summary>
public sealed class RosterSlipsPdf(CertificatePdf certificates)
{
    private const double PageWidth = 595, PageHeight = 842, Margin = 28, Columns = 2, Rows = 5, HeaderHeight = 34;

    public byte[] Render(string institutionName, IReadOnlyList<(string? ClassName, IReadOnlyList<RosterSlip> Slips)> classes,
        string address, DateTimeOffset expires)
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = $"{institutionName} — phiếu đăng nhập / sign-in slips";
        builder.DocumentInformation.Author = institutionName;
        var (regularBytes, boldBytes) = certificates.Fonts;
        var regular = builder.AddTrueTypeFont(regularBytes);
        var bold = builder.AddTrueTypeFont(boldBytes);
        const double slipWidth = (PageWidth - 2 * Margin) / Columns;
        const double slipHeight = (PageHeight - 2 * Margin - HeaderHeight) / Rows;
        var expiry = expires.UtcDateTime.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

        foreach (var (className, slips) in classes)
        {
            for (var first = 0; first < slips.Count; first += (int)(Columns * Rows))
            {
                var page = builder.AddPage(PageWidth, PageHeight);
                page.SetTextAndFillColor(29, 95, 191);
                page.AddText(institutionName, 11, new PdfPoint(Margin, PageHeight - Margin - 12), bold);
                page.SetTextAndFillColor(0, 0, 0);
                page.AddText(className is null ? "Không có lớp / No class" : $"Lớp / Class {className}", 14,
                    new PdfPoint(Margin, PageHeight - Margin - 30), bold);
                var onPage = slips.Skip(first).Take((int)(Columns * Rows)).ToList();
                for (var i = 0; i < onPage.Count; i++)
                {
                    var left = Margin + i % (int)Columns * slipWidth;
                    var top = PageHeight - Margin - HeaderHeight - i / (int)Columns * slipHeight;
                    DrawSlip(page, regular, bold, onPage[i], left, top, slipWidth, slipHeight, address, expiry);
                }
            }
        }
        if (classes.Count == 0)
        {
            var page = builder.AddPage(PageWidth, PageHeight);
            page.AddText("Mọi người đã tự đặt mật khẩu. / Everyone has chosen a password.", 12, new PdfPoint(Margin, PageHeight - Margin - 20), regular);
        }
        return builder.Build();
    }

    private static void DrawSlip(PdfPageBuilder page, PdfDocumentBuilder.AddedFont regular, PdfDocumentBuilder.AddedFont bold, RosterSlip slip,
        double left, double top, double width, double height, string address, string expiry)
    {
        page.SetStrokeColor(150, 150, 150);
        page.DrawRectangle(new PdfPoint(left + 4, top - height + 4), width - 8, height - 8, 0.5);
        var x = left + 14;
        var y = top - 24;
        void Text(string text, double size, PdfDocumentBuilder.AddedFont font, double gap)
        {
            page.AddText(text, size, new PdfPoint(x, y), font);
            y -= gap;
        }
        page.SetTextAndFillColor(0, 0, 0);
        Text(slip.Name, 12, bold, 16);
        Text($"Lớp / Class: {slip.ClassName ?? "—"}", 9, regular, 13);
        Text($"Tên đăng nhập / Login: {slip.Login}", 9, regular, 17);
        Text("Mã kích hoạt / One-time code:", 9, regular, 18);
        Text(slip.Code, 16, bold, 18);
        page.SetTextAndFillColor(29, 95, 191);
        Text($"Vào / Go to: {address}", 8, regular, 11);
        page.SetTextAndFillColor(90, 90, 90);
        Text($"Dùng một lần, hết hạn / Single use, expires {expiry}", 7.5, regular, 10);
    }
}
