using System.Globalization;
using Lms.Grains.SchoolYear;
using Lms.Server.Credentials;
using QRCoder;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace Lms.Server.SchoolYear;

/// <summary>How a card stands when it is printed: a draft the principal has not signed, issued and current, or replaced.</summary>
public enum ReportCardPrintState
{
    Draft,
    Current,
    Superseded,
    Withdrawn,
}

/// <summary>
/// A report card as a one-page A4 PDF in the layout schools know (phiếu báo kết quả học tập): the school and the
/// national motto, the student and class, a row per subject with the term's or the year's average (or Đạt / Chưa
/// đạt), the learning result and conduct, absences, the homeroom teacher's comment, the two signatures, and a QR
/// code to the public verification page. Written with PdfPig and the certificates' font, which has Vietnamese letters.
/// </summary>
public sealed class ReportCardPdf(CertificatePdf certificates)
{
    private const double W = 595, H = 842, Margin = 50; // A4 portrait, in points

    public static string RatingText(string? code) => code switch
    {
        C22Ratings.Tot => "Tốt",
        C22Ratings.Kha => "Khá",
        C22Ratings.Dat => "Đạt",
        C22Ratings.ChuaDat => "Chưa đạt",
        _ => "—",
    };

    /// <summary>A period as the card's title says it.</summary>
    public static string PeriodText(string period) => period switch
    {
        ReportCardPeriods.Term1 => "Học kì I",
        ReportCardPeriods.Term2 => "Học kì II",
        _ => "Cả năm học",
    };

    /// <summary>An average as a Vietnamese school writes it: one decimal, with a comma (7,8).</summary>
    public static string Average(decimal? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture).Replace('.', ',') : "—";

    private static string Day(DateTimeOffset? at) =>
        at is { } a ? a.ToOffset(TimeSpan.FromHours(7)).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : "";

    public byte[] Render(ReportCardContent card, ReportCardRow row, ReportCardPrintState state, string? verifyUrl)
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = $"Phiếu báo kết quả học tập — {card.StudentName} — {PeriodText(card.Period)} {card.YearName}";
        builder.DocumentInformation.Author = card.SchoolName;
        var fonts = certificates.Fonts;
        var regular = builder.AddTrueTypeFont(fonts.Regular);
        var bold = builder.AddTrueTypeFont(fonts.Bold);
        var page = builder.AddPage(W, H);

        double Width(string text, double size, PdfDocumentBuilder.AddedFont font)
        {
            var letters = page.MeasureText(text, size, new PdfPoint(0, 0), font);
            return letters.Count == 0 ? 0 : letters.Max(l => l.BoundingBox.Right) - letters.Min(l => l.BoundingBox.Left);
        }
        void Text(string text, double size, double x, double top, bool strong = false, (byte R, byte G, byte B)? colour = null)
        {
            var c = colour ?? (0, 0, 0);
            page.SetTextAndFillColor(c.R, c.G, c.B);
            page.AddText(text, size, new PdfPoint(x, H - top - size), strong ? bold : regular);
        }
        void Centre(string text, double size, double top, bool strong = false, (byte R, byte G, byte B)? colour = null, double left = Margin,
            double right = W - Margin) =>
            Text(text, size, left + Math.Max(0, (right - left - Width(text, size, strong ? bold : regular)) / 2), top, strong, colour);
        void Rule(double top, double left = Margin, double right = W - Margin) =>
            page.DrawLine(new PdfPoint(left, H - top), new PdfPoint(right, H - top), 0.6);

        // The heading: the school on the left, the national motto on the right, as Vietnamese school papers have it.
        const double mid = W / 2;
        Centre(card.SchoolName, 10, 40, strong: true, left: Margin - 20, right: mid - 10);
        Centre("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 10, 40, strong: true, left: mid - 10, right: W - Margin + 20);
        Centre("Độc lập - Tự do - Hạnh phúc", 10, 54, strong: true, left: mid - 10, right: W - Margin + 20);
        Centre("PHIẾU BÁO KẾT QUẢ HỌC TẬP", 18, 90, strong: true, colour: (29, 95, 191));
        Centre($"{PeriodText(card.Period)} — Năm học {card.YearName}", 12, 114);
        Text($"Học sinh: {card.StudentName}", 12, Margin, 145, strong: true);
        Text($"Lớp: {card.ClassName}", 12, W - Margin - 120, 145, strong: true);

        // The subjects: the term's average (or rating) for a term's card; both terms and the year for the year's.
        var year = card.Period == ReportCardPeriods.Year;
        var columns = year ? new[] { "Học kì I", "Học kì II", "Cả năm" } : new[] { "ĐTB môn / Mức đánh giá" };
        var firstColumn = year ? 290.0 : 330.0;
        var columnWidth = (W - Margin - firstColumn) / columns.Length;
        var top = 175.0;
        Rule(top);
        Text("Môn học", 10, Margin + 4, top + 5, strong: true);
        for (var i = 0; i < columns.Length; i++) Centre(columns[i], 10, top + 5, strong: true, left: firstColumn + i * columnWidth, right: firstColumn + (i + 1) * columnWidth);
        top += 20;
        Rule(top);
        string Cell(string assessment, decimal? average, string? rating) =>
            assessment == SubjectAssessments.CommentOnly ? RatingText(rating) : Average(average);
        // The signatures and the QR code keep the bottom of the page: the rows share what is left above them (a full
        // upper-secondary curriculum has 17 subjects).
        var rowHeight = Math.Min(18, 255.0 / Math.Max(1, card.Subjects.Count));
        var size = rowHeight < 15 ? 9 : 10;
        foreach (var subject in card.Subjects)
        {
            Text(subject.Name, size, Margin + 4, top + (rowHeight - size) / 2);
            var values = year
                ? new[] { Cell(subject.Assessment, subject.Term1Average, subject.Term1Rating), Cell(subject.Assessment, subject.Term2Average, subject.Term2Rating),
                    Cell(subject.Assessment, subject.YearAverage, subject.YearRating) }
                : new[] { Cell(subject.Assessment, subject.Average, subject.Rating) };
            for (var i = 0; i < values.Length; i++)
                Centre(values[i], size, top + (rowHeight - size) / 2, strong: i == values.Length - 1, left: firstColumn + i * columnWidth,
                    right: firstColumn + (i + 1) * columnWidth);
            top += rowHeight;
            Rule(top);
        }

        top += 12;
        Text($"Kết quả học tập: {RatingText(card.LearningResult)}", 12, Margin, top, strong: true);
        Text($"Kết quả rèn luyện: {RatingText(card.Conduct)}", 12, mid + 10, top, strong: true);
        top += 22;
        Text($"Số tiết nghỉ học: có phép {card.Attendance.AbsentExcused}, không phép {card.Attendance.AbsentUnexcused}; đi muộn {card.Attendance.Late}",
            11, Margin, top);
        top += 24;
        Text("Nhận xét của giáo viên chủ nhiệm:", 11, Margin, top, strong: true);
        top += 16;
        foreach (var line in Wrap(card.Comment ?? "", W - 2 * Margin, text => Width(text, 11, regular)).Take(4))
        {
            Text(line, 11, Margin, top);
            top += 15;
        }

        // The two signatures, each with its day.
        top = 600;
        Centre("Giáo viên chủ nhiệm", 11, top, strong: true, left: Margin, right: mid);
        Centre("Hiệu trưởng", 11, top, strong: true, left: mid, right: W - Margin);
        Centre($"Đã ký ngày {Day(row.HomeroomSignedAt)}", 10, top + 16, left: Margin, right: mid);
        Centre(row.PrincipalSignedAt is null ? "Chưa ký" : $"Đã ký ngày {Day(row.PrincipalSignedAt)}", 10, top + 16, left: mid, right: W - Margin);
        Centre(row.HomeroomSignedByName, 11, top + 34, strong: true, left: Margin, right: mid);
        if (row.PrincipalSignedByName is { } principal) Centre(principal, 11, top + 34, strong: true, left: mid, right: W - Margin);

        var mark = state switch
        {
            ReportCardPrintState.Draft => "BẢN NHÁP — CHƯA PHÁT HÀNH",
            ReportCardPrintState.Superseded => "ĐÃ ĐƯỢC THAY THẾ BẰNG BẢN MỚI",
            ReportCardPrintState.Withdrawn => "ĐÃ THU HỒI",
            _ => null,
        };
        if (mark is not null) Centre(mark, 16, top + 58, strong: true, colour: (139, 0, 0));

        if (verifyUrl is not null) Qr(page, verifyUrl, row, regular, Width);
        return builder.Build();
    }

    /// <summary>The QR code to the verification page (vector squares), bottom right, with the address beside it.</summary>
    private static void Qr(PdfPageBuilder page, string verifyUrl, ReportCardRow row, PdfDocumentBuilder.AddedFont font,
        Func<string, double, PdfDocumentBuilder.AddedFont, double> width)
    {
        using var generator = new QRCodeGenerator();
        using var qr = generator.CreateQrCode(verifyUrl, QRCodeGenerator.ECCLevel.M);
        var modules = qr.ModuleMatrix;
        const double size = 96;
        var cell = size / modules.Count;
        double left = W - Margin - size, bottom = 40;
        page.SetTextAndFillColor(0, 0, 0);
        for (var y = 0; y < modules.Count; y++)
            for (var x = 0; x < modules.Count; x++)
                if (modules[y][x])
                    page.DrawRectangle(new PdfPoint(left + x * cell, bottom + size - (y + 1) * cell), cell + 0.05, cell + 0.05, 0, fill: true);
        void Right(string text, double baseline, (byte R, byte G, byte B) colour)
        {
            page.SetTextAndFillColor(colour.R, colour.G, colour.B);
            page.AddText(text, 8, new PdfPoint(left - 10 - width(text, 8, font), baseline), font);
        }
        Right("Xác minh phiếu này:", 90, (0, 0, 0));
        Right(verifyUrl, 78, (29, 95, 191));
        Right($"Mã phiếu: {row.Id:D}", 66, (110, 110, 110));
    }

    /// <summary>Breaks a text into lines no wider than <paramref name="max"/> at spaces (a word wider than a line stands alone).</summary>
    private static IEnumerable<string> Wrap(string text, double max, Func<string, double> width)
    {
        foreach (var paragraph in text.Replace("\r", "").Split('\n'))
        {
            var line = "";
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var next = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && width(next) > max)
                {
                    yield return line;
                    line = word;
                }
                else line = next;
            }
            if (line.Length > 0) yield return line;
        }
    }
}
