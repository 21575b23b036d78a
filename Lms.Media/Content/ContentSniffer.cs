using System.IO.Compression;
using System.Text;

namespace Lms.Media.Content;

public enum SniffedKind
{
    Binary,
    Empty,
    Text,
    HlsPlaylist,
    DashManifest,
    ConcatList,
    OtherPlaylist,
    Pdf,
    OfficeOpenXml,
    OpenDocument,
    OfficeLegacy,
}

/// <summary>
/// Looks at a file's first bytes, before any tool opens it. Media files are judged again by what
/// ffprobe detects; this is what lets the pipeline say in plain words why a text file that points at
/// other files (a playlist, a concat list) is refused, whatever its name.
/// </summary>
public static class ContentSniffer
{
    private const int HeadBytes = 8192;

    public static async Task<SniffedKind> SniffFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync: true);
        if (stream.Length == 0) return SniffedKind.Empty;
        var buffer = new byte[(int)Math.Min(HeadBytes, stream.Length)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        var kind = Sniff(buffer.AsSpan(0, read));
        if (kind == SniffedKind.Binary && IsZip(buffer)) return ZipKind(path);
        return kind;
    }

    public static SniffedKind Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0) return SniffedKind.Empty;
        if (head.StartsWith("%PDF-"u8)) return SniffedKind.Pdf;
        if (head.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 })) return SniffedKind.OfficeLegacy;
        if (!LooksLikeText(head)) return SniffedKind.Binary;

        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith("#EXTM3U", StringComparison.Ordinal)) return SniffedKind.HlsPlaylist;
        if (text.Contains("<MPD", StringComparison.Ordinal) || text.Contains("urn:mpeg:dash", StringComparison.OrdinalIgnoreCase))
            return SniffedKind.DashManifest;
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (text.StartsWith("ffconcat", StringComparison.OrdinalIgnoreCase)
            || lines.Any(l => l.StartsWith("file ", StringComparison.Ordinal) || l.StartsWith("file\t", StringComparison.Ordinal)))
            return SniffedKind.ConcatList;
        if (text.StartsWith("[playlist]", StringComparison.OrdinalIgnoreCase)
            || text.Contains("<asx", StringComparison.OrdinalIgnoreCase)
            || text.Contains("<smil", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("v=0", StringComparison.Ordinal) // an SDP session description
            || lines.Any(l => l.Contains("://", StringComparison.Ordinal)))
            return SniffedKind.OtherPlaylist;
        return SniffedKind.Text;
    }

    /// <summary>Printable UTF-8 (or ASCII) with no NUL bytes: a text file, whatever it is called.</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        var control = 0;
        foreach (var b in head)
        {
            if (b == 0) return false;
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t' and not 0x0C) control++;
        }
        if (control > head.Length / 100) return false;
        // A cut in the middle of a multi-byte character at the end of the window is fine.
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        for (var trim = 0; trim < 4 && trim < head.Length; trim++)
        {
            try
            {
                decoder.GetCharCount(head[..^trim]);
                return true;
            }
            catch (DecoderFallbackException) { }
        }
        return false;
    }

    private static bool IsZip(byte[] head) => head.Length > 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;

    /// <summary>Office Open XML and OpenDocument files are zip archives; their entry names tell which (nothing is extracted).</summary>
    private static SniffedKind ZipKind(string path)
    {
        try
        {
            using var archive = ZipFile.OpenRead(path);
            var names = archive.Entries.Take(2000).Select(e => e.FullName).ToList();
            if (names.Contains("[Content_Types].xml")) return SniffedKind.OfficeOpenXml;
            if (names.Contains("mimetype") && names.Contains("content.xml")) return SniffedKind.OpenDocument;
        }
        catch (InvalidDataException) { }
        return SniffedKind.Binary;
    }
}
