using System.Globalization;
using Lms.Grains.Credentials;
using Microsoft.Extensions.Options;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;
using QRCoder;

namespace Lms.Server.Credentials;

/// <summary>
/// A certificate or credit record as a one-page A4 PDF: who, what, where, when, the grade, and a QR
/// code (drawn as vector squares) to its public verification page. PDFsharp with a system TrueType font
/// that has Vietnamese letters (DejaVu Sans by default; <c>Credentials:FontFile</c> to choose).
/// </summary>
public sealed class CertificatePdf
{
    private const string Family = "LmsSans";
    private static readonly object FontLock = new();

    public CertificatePdf(IOptions<CredentialOptions> options)
    {
        lock (FontLock)
        {
            if (GlobalFontSettings.FontResolver is null)
                GlobalFontSettings.FontResolver = new SystemFontResolver(options.Value.FontFile);
        }
    }

    public byte[] Render(CredentialRow credential, string verifyUrl)
    {
        var document = new PdfDocument();
        document.Info.Title = $"{credential.CourseTitle} — {credential.SubjectName}";
        document.Info.Author = credential.InstitutionName;
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(297);
        page.Height = XUnit.FromMillimeter(210);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var w = page.Width.Point;
            var h = page.Height.Point;
            var accent = XColor.FromArgb(29, 95, 191);
            gfx.DrawRectangle(new XPen(accent, 6), 18, 18, w - 36, h - 36);
            gfx.DrawRectangle(new XPen(accent, 1), 28, 28, w - 56, h - 56);

            var credit = credential.Kind == CredentialKinds.Credit;
            var center = new XStringFormat { Alignment = XStringAlignment.Center, LineAlignment = XLineAlignment.Near };
            void Line(string text, double size, double y, bool bold = false, XBrush? brush = null) =>
                gfx.DrawString(text, new XFont(Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular), brush ?? XBrushes.Black,
                    new XRect(50, y, w - 100, size * 1.5), center);

            Line(credential.InstitutionName, 16, 60, bold: true, new XSolidBrush(accent));
            Line(credit ? "CHỨNG NHẬN TÍN CHỈ" : "CHỨNG CHỈ HOÀN THÀNH", 30, 100, bold: true);
            Line(credit ? "Credit record" : "Certificate of completion", 14, 140);
            Line("Chứng nhận / This certifies that", 13, 185);
            Line(credential.SubjectName, 28, 210, bold: true);
            Line("đã hoàn thành khoá học / has completed the course", 13, 258);
            Line(credential.CourseTitle, 20, 282, bold: true);
            var grade = credential.Grade.ToString("0.0", CultureInfo.InvariantCulture);
            var detail = credit
                ? $"{credential.Credits} tín chỉ / credits{(credential.Ects is { } e ? $" ({e.ToString("0.#", CultureInfo.InvariantCulture)} ECTS)" : "")} · " +
                  $"Điểm / Grade: {grade}% ({CredentialIssuer.LetterGrade(credential.Grade)})"
                : $"Điểm / Grade: {grade}%";
            Line(detail, 13, 322);
            Line($"Ngày cấp / Issued: {credential.IssuedAt.UtcDateTime.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}", 12, 345);
            if (credential.RevokedAt is not null) Line("ĐÃ THU HỒI / REVOKED", 24, 380, bold: true, XBrushes.DarkRed);

            // The QR code to the verification page, bottom right, with the address beside it.
            using var generator = new QRCodeGenerator();
            using var qr = generator.CreateQrCode(verifyUrl, QRCodeGenerator.ECCLevel.M);
            var modules = qr.ModuleMatrix;
            const double size = 110;
            var cell = size / modules.Count;
            double left = w - 60 - size, top = h - 60 - size;
            for (var y = 0; y < modules.Count; y++)
                for (var x = 0; x < modules.Count; x++)
                    if (modules[y][x])
                        gfx.DrawRectangle(XBrushes.Black, left + x * cell, top + y * cell, cell + 0.05, cell + 0.05);
            var small = new XFont(Family, 9, XFontStyleEx.Regular);
            var right = new XStringFormat { Alignment = XStringAlignment.Far, LineAlignment = XLineAlignment.Near };
            gfx.DrawString("Xác minh / Verify:", small, XBrushes.Black, new XRect(60, h - 90, left - 75, 12), right);
            gfx.DrawString(verifyUrl, small, new XSolidBrush(accent), new XRect(60, h - 76, left - 75, 12), right);
            gfx.DrawString($"ID: {credential.Id:D}", small, XBrushes.Gray, new XRect(60, h - 62, left - 75, 12), right);
        }
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        return output.ToArray();
    }

    /// <summary>Every face of our one family resolves to a system TrueType font with Vietnamese letters.</summary>
    private sealed class SystemFontResolver(string? configured) : IFontResolver
    {
        private static readonly string[] Regular =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "C:\\Windows\\Fonts\\arial.ttf", "/Library/Fonts/Arial.ttf",
            "/System/Library/Fonts/Supplemental/Arial.ttf",
        ];

        private static readonly string[] Bold =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
            "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", "C:\\Windows\\Fonts\\arialbd.ttf", "/Library/Fonts/Arial Bold.ttf",
            "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
        ];

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(bold ? "bold" : "regular");

        public byte[]? GetFont(string faceName)
        {
            var candidates = faceName == "bold" ? Bold : Regular;
            var path = configured is not null && File.Exists(configured) ? configured : candidates.FirstOrDefault(File.Exists);
            return path is null
                ? throw new InvalidOperationException("No TrueType font with Vietnamese letters was found: install fonts-dejavu-core or set Credentials:FontFile.")
                : File.ReadAllBytes(path);
        }
    }
}
