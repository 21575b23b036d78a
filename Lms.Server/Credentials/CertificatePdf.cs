using System.Globalization;
using Lms.Grains.Credentials;
using Microsoft.Extensions.Options;
using QRCoder;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Writer;

namespace Lms.Server.Credentials;

/// <summary>
/// A certificate or credit record as a one-page A4 PDF: who, what, where, when, the grade, and a QR
/// code (drawn as vector squares) to its public verification page. Written with PdfPig (Apache-2.0)
/// and a system TrueType font that has Vietnamese letters (DejaVu Sans by default; <c>Credentials:FontFile</c>).
/// </summary>
public sealed class CertificatePdf(IOptions<CredentialOptions> options)
{
    private static readonly string[] RegularFonts =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "C:\\Windows\\Fonts\\arial.ttf", "/System/Library/Fonts/Supplemental/Arial.ttf",
    ];

    private static readonly string[] BoldFonts =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf", "C:\\Windows\\Fonts\\arialbd.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    ];

    private readonly Lazy<(byte[] Regular, byte[] Bold)> _fonts = new(() =>
    {
        var configured = options.Value.FontFile;
        byte[] Load(string[] candidates)
        {
            var path = configured is not null && File.Exists(configured) ? configured : candidates.FirstOrDefault(File.Exists);
            return path is null
                ? throw new InvalidOperationException("No TrueType font with Vietnamese letters was found: install fonts-dejavu-core or set Credentials:FontFile.")
                : File.ReadAllBytes(path);
        }
        return (Load(RegularFonts), Load(BoldFonts));
    });

    /// <summary>The TrueType fonts (regular, bold) with Vietnamese letters, for other printed sheets (roster sign-in slips).</summary>
    public (byte[] Regular, byte[] Bold) Fonts => _fonts.Value;

    public byte[] Render(CredentialRow credential, string verifyUrl)
    {
        const double w = 842, h = 595; // A4 landscape, in points
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = $"{credential.CourseTitle} — {credential.SubjectName}";
        builder.DocumentInformation.Author = credential.InstitutionName;
        var regular = builder.AddTrueTypeFont(_fonts.Value.Regular);
        var bold = builder.AddTrueTypeFont(_fonts.Value.Bold);
        var page = builder.AddPage(w, h);

        page.SetStrokeColor(29, 95, 191);
        page.DrawRectangle(new PdfPoint(18, 18), w - 36, h - 36, 6);
        page.DrawRectangle(new PdfPoint(30, 30), w - 60, h - 60, 1);

        void Line(string text, double size, double top, bool strong = false, (byte R, byte G, byte B)? colour = null)
        {
            var font = strong ? bold : regular;
            var letters = page.MeasureText(text, size, new PdfPoint(0, 0), font);
            var width = letters.Count == 0 ? 0 : letters.Max(l => l.BoundingBox.Right) - letters.Min(l => l.BoundingBox.Left);
            var c = colour ?? (0, 0, 0);
            page.SetTextAndFillColor(c.R, c.G, c.B);
            page.AddText(text, size, new PdfPoint(Math.Max(40, (w - width) / 2), h - top - size), font);
        }

        var credit = credential.Kind == CredentialKinds.Credit;
        Line(credential.InstitutionName, 16, 60, strong: true, (29, 95, 191));
        Line(credit ? "CHỨNG NHẬN TÍN CHỈ" : "CHỨNG CHỈ HOÀN THÀNH", 30, 100, strong: true);
        Line(credit ? "Credit record" : "Certificate of completion", 14, 142);
        Line("Chứng nhận / This certifies that", 13, 185);
        Line(credential.SubjectName, 28, 210, strong: true);
        Line("đã hoàn thành khoá học / has completed the course", 13, 258);
        Line(credential.CourseTitle, 20, 282, strong: true);
        var grade = credential.Grade.ToString("0.0", CultureInfo.InvariantCulture);
        Line(credit
            ? $"{credential.Credits} tín chỉ / credits{(credential.Ects is { } e ? $" ({e.ToString("0.#", CultureInfo.InvariantCulture)} ECTS)" : "")} · " +
              $"Điểm / Grade: {grade}% ({CredentialIssuer.LetterGrade(credential.Grade)})"
            : $"Điểm / Grade: {grade}%", 13, 322);
        Line($"Ngày cấp / Issued: {credential.IssuedAt.UtcDateTime.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)}", 12, 345);
        if (credential.SupersededBy is not null) Line("ĐÃ ĐƯỢC THAY THẾ / SUPERSEDED", 24, 380, strong: true, (139, 0, 0));
        else if (credential.RevokedAt is not null) Line("ĐÃ THU HỒI / REVOKED", 24, 380, strong: true, (139, 0, 0));

        // The QR code to the verification page, bottom right, with the address beside it.
        using var generator = new QRCodeGenerator();
        using var qr = generator.CreateQrCode(verifyUrl, QRCodeGenerator.ECCLevel.M);
        var modules = qr.ModuleMatrix;
        const double size = 110;
        var cell = size / modules.Count;
        double left = w - 60 - size, bottom = 60;
        page.SetTextAndFillColor(0, 0, 0);
        for (var y = 0; y < modules.Count; y++)
            for (var x = 0; x < modules.Count; x++)
                if (modules[y][x])
                    page.DrawRectangle(new PdfPoint(left + x * cell, bottom + size - (y + 1) * cell), cell + 0.05, cell + 0.05, 0, fill: true);
        void Right(string text, double baseline, (byte R, byte G, byte B) colour)
        {
            var letters = page.MeasureText(text, 9, new PdfPoint(0, 0), regular);
            var width = letters.Count == 0 ? 0 : letters.Max(l => l.BoundingBox.Right) - letters.Min(l => l.BoundingBox.Left);
            page.SetTextAndFillColor(colour.R, colour.G, colour.B);
            page.AddText(text, 9, new PdfPoint(left - 15 - width, baseline), regular);
        }
        Right("Xác minh / Verify:", 96, (0, 0, 0));
        Right(verifyUrl, 82, (29, 95, 191));
        Right($"ID: {credential.Id:D}", 68, (110, 110, 110));
        return builder.Build();
    }
}
