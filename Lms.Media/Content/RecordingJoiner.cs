using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Lms.Media.Content;

/// <summary>
/// One transcoded piece of a recording: the local folder holding its outputs, the path from the
/// joined playlists to that folder (as it will be served), and what the pipeline made of it.
/// </summary>
public sealed record RecordingPiece(string Folder, string UrlPrefix, MediaManifest Manifest);

/// <summary>
/// Joins the pieces of a recording, each already transcoded with the same ladder, into one VOD:
/// per rendition a playlist listing every piece's segments in order (a discontinuity between
/// pieces, whose timestamps each start again), a master playlist, one thumbnail track, and one MP4
/// (the pieces' downloads put end to end without re-encoding). Nothing is encoded again, so it
/// takes seconds whatever the length of the lesson.
/// </summary>
public sealed partial class RecordingJoiner(FfmpegTools tools)
{
    /// <param name="suffix">Makes the joined files' names unique to one attempt (e.g. "-a2").</param>
    public async Task<MediaManifest> JoinAsync(
        IReadOnlyList<RecordingPiece> pieces, string outputDirectory, string suffix, CancellationToken cancellationToken)
    {
        if (pieces.Count == 0) throw new ArgumentException("A recording needs at least one piece.", nameof(pieces));
        Directory.CreateDirectory(outputDirectory);
        var first = pieces[0].Manifest;
        var names = first.Renditions.Select(r => r.Name).ToList();
        foreach (var piece in pieces)
            if (!piece.Manifest.Renditions.Select(r => r.Name).SequenceEqual(names))
                throw new InvalidOperationException("The pieces of a recording must share one ladder.");

        // Per rendition: every piece's segments, in order.
        foreach (var name in names)
        {
            var playlist = new StringBuilder();
            var body = new StringBuilder();
            var target = 1;
            var version = 3;
            for (var i = 0; i < pieces.Count; i++)
            {
                var lines = await File.ReadAllLinesAsync(Path.Combine(pieces[i].Folder, name, "index.m3u8"), cancellationToken);
                if (i > 0) body.Append("#EXT-X-DISCONTINUITY\n");
                foreach (var raw in lines)
                {
                    var line = raw.Trim();
                    if (line.StartsWith("#EXT-X-VERSION:", StringComparison.Ordinal))
                        version = Math.Max(version, int.Parse(line["#EXT-X-VERSION:".Length..], CultureInfo.InvariantCulture));
                    else if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
                    {
                        var seconds = double.Parse(line["#EXTINF:".Length..].TrimEnd(',').Split(',')[0], CultureInfo.InvariantCulture);
                        target = Math.Max(target, (int)Math.Ceiling(seconds - 0.001));
                        body.Append(line).Append('\n');
                    }
                    else if (line.Length > 0 && !line.StartsWith('#'))
                        body.Append(pieces[i].UrlPrefix).Append(name).Append('/').Append(line).Append('\n');
                }
            }
            playlist.Append("#EXTM3U\n")
                .Append(Invariant($"#EXT-X-VERSION:{version}\n"))
                .Append(Invariant($"#EXT-X-TARGETDURATION:{target}\n"))
                .Append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n")
                .Append(body)
                .Append("#EXT-X-ENDLIST\n");
            await File.WriteAllTextAsync(Path.Combine(outputDirectory, name + suffix + ".m3u8"), playlist.ToString(), cancellationToken);
        }

        // The master: the first piece's variants (the highest bandwidth any piece needed), pointing at the joined playlists.
        var bandwidth = new Dictionary<string, long>();
        foreach (var piece in pieces)
            foreach (var (uri, bps) in ReadVariants(await File.ReadAllTextAsync(Path.Combine(piece.Folder, HlsEncoder.MasterPlaylist), cancellationToken)))
                bandwidth[uri] = Math.Max(bandwidth.GetValueOrDefault(uri), bps);
        var master = new StringBuilder();
        foreach (var raw in await File.ReadAllLinesAsync(Path.Combine(pieces[0].Folder, HlsEncoder.MasterPlaylist), cancellationToken))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith('#')) master.Append(line).Append('\n');
            else
            {
                var name = line.Split('/')[0];
                var streamInf = master.ToString().LastIndexOf("#EXT-X-STREAM-INF:", StringComparison.Ordinal);
                if (streamInf >= 0 && bandwidth.TryGetValue(line, out var bps))
                {
                    var text = master.ToString();
                    master.Clear().Append(text[..streamInf]).Append(Bandwidth().Replace(text[streamInf..], Invariant($"BANDWIDTH={bps}"), 1));
                }
                master.Append(name).Append(suffix).Append(".m3u8\n");
            }
        }
        var masterName = Path.GetFileNameWithoutExtension(HlsEncoder.MasterPlaylist) + suffix + ".m3u8";
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, masterName), master.ToString(), cancellationToken);

        // One thumbnail track: each piece's cues, shifted by the pieces before it.
        var vtt = new StringBuilder("WEBVTT\n\n");
        var offset = 0.0;
        foreach (var piece in pieces)
        {
            var track = Path.Combine(piece.Folder, HlsEncoder.Thumbnails);
            if (File.Exists(track)) ShiftCues(await File.ReadAllTextAsync(track, cancellationToken), offset, piece.UrlPrefix, vtt);
            offset += piece.Manifest.DurationSeconds ?? 0;
        }
        var thumbnails = Path.GetFileNameWithoutExtension(HlsEncoder.Thumbnails) + suffix + ".vtt";
        await File.WriteAllTextAsync(Path.Combine(outputDirectory, thumbnails), vtt.ToString(), cancellationToken);

        // One MP4: the pieces' downloads end to end (a concat list the pipeline wrote itself, copied streams).
        var download = Path.GetFileNameWithoutExtension(HlsEncoder.VideoDownload) + suffix + ".mp4";
        var list = new StringBuilder("ffconcat version 1.0\n");
        foreach (var piece in pieces)
            list.Append("file '").Append(Path.GetFullPath(Path.Combine(piece.Folder, piece.Manifest.Download!)).Replace("'", "'\\''")).Append("'\n");
        var listPath = Path.Combine(outputDirectory, "pieces" + suffix + ".ffconcat");
        await File.WriteAllTextAsync(listPath, list.ToString(), cancellationToken);
        var result = await FfmpegRunner.RunAsync(tools, new FfmpegCommand(
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,pipe", "-format_whitelist", "concat,mov", "-f", "concat", "-safe", "0"],
            "file:" + listPath,
            ["-map", "0", "-c", "copy", "-movflags", "+faststart"],
            download), outputDirectory, cancellationToken, timeout: TimeSpan.FromHours(1));
        File.Delete(listPath);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"The recording's MP4 could not be joined: {MediaProber.FirstError(result.StandardError)}");

        return new MediaManifest
        {
            Kind = MediaKinds.Video,
            SourceFormat = first.SourceFormat,
            DurationSeconds = pieces.Sum(p => p.Manifest.DurationSeconds ?? 0),
            Width = first.Width,
            Height = first.Height,
            VideoCodec = first.VideoCodec,
            AudioCodec = first.AudioCodec,
            Master = masterName,
            Renditions = first.Renditions.Select(r => r with { Name = r.Name + suffix }).ToList(),
            Poster = first.Poster is null ? null : pieces[0].UrlPrefix + first.Poster,
            Thumbnails = thumbnails,
            Download = download,
        };
    }

    private static IEnumerable<(string Uri, long Bandwidth)> ReadVariants(string master)
    {
        long? pending = null;
        foreach (var raw in master.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXT-X-STREAM-INF:", StringComparison.Ordinal))
            {
                var m = Bandwidth().Match(line);
                pending = m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            }
            else if (line.Length > 0 && !line.StartsWith('#') && pending is { } bps)
            {
                yield return (line, bps);
                pending = null;
            }
        }
    }

    private static void ShiftCues(string track, double offset, string prefix, StringBuilder into)
    {
        var lines = track.Replace("\r", "").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var cue = CueTiming().Match(lines[i]);
            if (!cue.Success || i + 1 >= lines.Length) continue;
            var start = ParseTimestamp(cue.Groups[1].Value) + offset;
            var end = ParseTimestamp(cue.Groups[2].Value) + offset;
            into.Append(HlsEncoder.Timestamp(start)).Append(" --> ").Append(HlsEncoder.Timestamp(end)).Append('\n')
                .Append(prefix).Append(lines[i + 1].Trim()).Append("\n\n");
        }
    }

    private static double ParseTimestamp(string text)
    {
        var parts = text.Split(':');
        var seconds = double.Parse(parts[^1], CultureInfo.InvariantCulture);
        var minutes = int.Parse(parts[^2], CultureInfo.InvariantCulture);
        var hours = parts.Length > 2 ? int.Parse(parts[^3], CultureInfo.InvariantCulture) : 0;
        return hours * 3600 + minutes * 60 + seconds;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"BANDWIDTH=(\d+)")]
    private static partial Regex Bandwidth();

    [GeneratedRegex(@"^\s*([\d:.]+)\s+-->\s+([\d:.]+)")]
    private static partial Regex CueTiming();
}
