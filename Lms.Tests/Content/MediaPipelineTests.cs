using System.Globalization;
using System.Text.Json;
using Lms.Media.Content;

namespace Lms.Tests.Content;

/// <summary>
/// The pipeline on real ffmpeg, on inputs the tests generate. Outputs are checked by probing them
/// with ffprobe, not by trusting the pipeline's own manifest.
/// </summary>
public sealed class MediaPipelineTests
{
    private static MediaPipeline Pipeline() => new(MediaSamples.Tools, PopplerTools.Locate(), new MediaPipelineOptions());

    private static async Task<(MediaManifest Manifest, string Output)> RunAsync(string source, string kind, List<double>? progress = null)
    {
        var request = new MediaRequest(source, kind, MediaSamples.NewFolder(Path.GetFileNameWithoutExtension(source)));
        var reporter = new SyncProgress(p => progress?.Add(p));
        var manifest = await Pipeline().ProcessAsync(request, reporter, CancellationToken.None);
        return (manifest, MediaPipeline.OutputDirectory(request));
    }

    private static async Task<MediaRefusedException> RefusedAsync(string source, string kind)
    {
        var request = new MediaRequest(source, kind, MediaSamples.NewFolder("refused"));
        var refusal = await Assert.ThrowsAsync<MediaRefusedException>(() => Pipeline().ProcessAsync(request, null, CancellationToken.None));
        // Nothing was made from a refused file.
        Assert.Empty(Directory.EnumerateFileSystemEntries(MediaPipeline.OutputDirectory(request)));
        return refusal;
    }

    [Fact]
    public async Task A_landscape_video_becomes_an_aligned_hls_ladder_with_poster_thumbnails_and_a_download()
    {
        var progress = new List<double>();
        var (manifest, output) = await RunAsync(await MediaSamples.LandscapeAsync(), MediaKinds.Video, progress);

        Assert.Equal(["720p", "480p", "360p"], manifest.Renditions.Select(r => r.Name));
        var master = await File.ReadAllTextAsync(Path.Combine(output, "master.m3u8"));
        Assert.Contains("RESOLUTION=1280x720", master);
        Assert.Contains("RESOLUTION=854x480", master);
        Assert.Contains("RESOLUTION=640x360", master);

        // Each rendition, as ffprobe reads it through the master playlist: H.264 + AAC at its size.
        var probe = await MediaSamples.ProbeAsync(Path.Combine(output, "master.m3u8"), "-protocol_whitelist file");
        var videos = probe.GetProperty("streams").EnumerateArray().Where(s => s.GetProperty("codec_type").GetString() == "video").ToList();
        Assert.Equal(new[] { "1280x720", "854x480", "640x360" }.Order(),
            videos.Select(v => $"{v.GetProperty("width").GetInt32()}x{v.GetProperty("height").GetInt32()}").Order());
        Assert.All(videos, v => Assert.Equal("h264", v.GetProperty("codec_name").GetString()));
        Assert.Contains(probe.GetProperty("streams").EnumerateArray(), s => s.GetProperty("codec_name").GetString() == "aac");
        Assert.InRange(MediaSamples.Seconds(probe.GetProperty("format"), "duration"), 3.8, 4.3);

        // Keyframes line up: every rendition cuts its segments at the same times, each starting on a keyframe.
        var durations = manifest.Renditions.Select(r =>
            File.ReadAllLines(Path.Combine(output, r.Name, "index.m3u8")).Where(l => l.StartsWith("#EXTINF:")).ToList()).ToList();
        Assert.All(durations, d => Assert.Equal(durations[0], d));
        foreach (var r in manifest.Renditions)
            foreach (var segment in Directory.GetFiles(Path.Combine(output, r.Name), "*.ts"))
            {
                var first = await MediaSamples.ProbeAsync(segment, "-select_streams v -show_frames -read_intervals %+#1");
                Assert.Equal(1, first.GetProperty("frames")[0].GetProperty("key_frame").GetInt32());
            }

        var poster = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Poster!));
        Assert.Equal(854, poster.GetProperty("streams")[0].GetProperty("width").GetInt32());
        var vtt = await File.ReadAllTextAsync(Path.Combine(output, manifest.Thumbnails!));
        Assert.StartsWith("WEBVTT", vtt);
        Assert.Equal(4, vtt.Split("-->").Length - 1);
        Assert.Contains("sprite_001.jpg#xywh=160,0,160,90", vtt);
        Assert.True(File.Exists(Path.Combine(output, "sprite_001.jpg")));

        // The download is the middle rendition, remuxed.
        var download = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Download!));
        Assert.Contains("mp4", download.GetProperty("format").GetProperty("format_name").GetString());
        Assert.Contains(download.GetProperty("streams").EnumerateArray(), s => s.GetProperty("codec_type").GetString() == "video"
            && s.GetProperty("width").GetInt32() == 854 && s.GetProperty("height").GetInt32() == 480);

        // Progress went up as the encode ran, and ended at 1.
        Assert.True(progress.Count >= 3, $"Only {progress.Count} progress reports.");
        Assert.Equal(1.0, progress[^1]);
        Assert.Equal(progress.Order(), progress);
    }

    [Fact]
    public async Task A_phone_video_held_upright_becomes_portrait_renditions_without_rotation()
    {
        var (manifest, output) = await RunAsync(await MediaSamples.PortraitRotatedAsync(), MediaKinds.Video);

        Assert.Equal((360, 640), (manifest.Width!.Value, manifest.Height!.Value));
        Assert.Equal(["360p", "240p"], manifest.Renditions.Select(r => r.Name));
        foreach (var (name, w, h) in new[] { ("360p", 360, 640), ("240p", 240, 426) })
        {
            var probe = await MediaSamples.ProbeAsync(Path.Combine(output, name, "index.m3u8"), "-protocol_whitelist file");
            var video = probe.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal((w, h), (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
            Assert.False(video.TryGetProperty("side_data_list", out _), "The output still carries a rotation.");
        }
        var vtt = await File.ReadAllTextAsync(Path.Combine(output, manifest.Thumbnails!));
        Assert.Contains("#xywh=90,0,90,160", vtt);
    }

    [Fact]
    public async Task A_variable_frame_rate_video_becomes_constant_30_fps()
    {
        var (manifest, output) = await RunAsync(await MediaSamples.VariableFrameRateAsync(), MediaKinds.Video);

        var probe = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Renditions[0].Name, "index.m3u8"), "-protocol_whitelist file");
        var video = probe.GetProperty("streams").EnumerateArray().Single(s => s.GetProperty("codec_type").GetString() == "video");
        Assert.Equal("30/1", video.GetProperty("r_frame_rate").GetString());
        Assert.Equal("30/1", video.GetProperty("avg_frame_rate").GetString());
        Assert.InRange(manifest.DurationSeconds!.Value, 3.2, 3.8);
    }

    [Fact]
    public async Task A_browser_recording_in_webm_without_a_duration_is_measured_and_transcoded()
    {
        var source = await MediaSamples.BrowserWebmAsync();
        var header = await MediaSamples.ProbeAsync(source);
        Assert.False(header.GetProperty("format").TryGetProperty("duration", out _), "The sample should have no duration, as MediaRecorder writes it.");

        var (manifest, output) = await RunAsync(source, MediaKinds.Video);

        Assert.Equal("vp8", manifest.VideoCodec);
        Assert.Equal("opus", manifest.AudioCodec);
        Assert.InRange(manifest.DurationSeconds!.Value, 2.8, 3.3);
        Assert.Equal(["480p", "360p", "240p"], manifest.Renditions.Select(r => r.Name));
        var probe = await MediaSamples.ProbeAsync(Path.Combine(output, "480p", "index.m3u8"), "-protocol_whitelist file");
        Assert.Equal(["aac", "h264"], probe.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()).Order());
    }

    [Fact]
    public async Task A_sound_recording_becomes_an_audio_rendition_and_an_m4a()
    {
        var (manifest, output) = await RunAsync(await MediaSamples.AudioOnlyAsync(), MediaKinds.Audio);

        Assert.Equal(MediaKinds.Audio, manifest.Kind);
        var probe = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Master!), "-protocol_whitelist file");
        var streams = probe.GetProperty("streams").EnumerateArray().ToList();
        Assert.Equal("aac", Assert.Single(streams).GetProperty("codec_name").GetString());
        Assert.Contains("CODECS=\"mp4a.40.2\"", await File.ReadAllTextAsync(Path.Combine(output, manifest.Master!)));
        var download = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Download!));
        Assert.InRange(MediaSamples.Seconds(download.GetProperty("format"), "duration"), 2.8, 3.3);
        Assert.True(File.Exists(Path.Combine(output, manifest.Poster!)), "The waveform picture is missing.");
    }

    [Fact]
    public async Task A_pdf_gets_a_picture_of_its_first_page_and_its_page_count()
    {
        var (manifest, output) = await RunAsync(await MediaSamples.PdfAsync(), MediaKinds.Document);

        Assert.Equal(2, manifest.Pages);
        var preview = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Preview!));
        var picture = preview.GetProperty("streams")[0];
        Assert.Equal("png", picture.GetProperty("codec_name").GetString());
        Assert.Equal(800, Math.Max(picture.GetProperty("width").GetInt32(), picture.GetProperty("height").GetInt32()));
    }

    [Fact]
    public async Task A_picture_gets_a_thumbnail()
    {
        var (manifest, output) = await RunAsync(await MediaSamples.JpegAsync(), MediaKinds.Image);
        Assert.Equal((800, 600), (manifest.Width!.Value, manifest.Height!.Value));
        var preview = await MediaSamples.ProbeAsync(Path.Combine(output, manifest.Preview!));
        Assert.Equal(640, preview.GetProperty("streams")[0].GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task An_hls_playlist_named_mp4_is_refused_for_what_it_is()
    {
        var refusal = await RefusedAsync(await MediaSamples.PlaylistNamedMp4Async(), MediaKinds.Video);
        Assert.Equal(RefusalCodes.Playlist, refusal.Code);
        Assert.Contains("playlist", refusal.Reason);
    }

    [Fact]
    public async Task Ffprobe_detects_a_playlist_by_its_content_and_never_opens_it()
    {
        // Below the first-bytes check: the prober alone, given the disguised playlist under a neutral name.
        var folder = MediaSamples.NewFolder("prober");
        var path = Path.Combine(folder, "source");
        File.Copy(await MediaSamples.PlaylistNamedMp4Async(), path);
        var refusal = await Assert.ThrowsAsync<MediaRefusedException>(() =>
            new MediaProber(MediaSamples.Tools).ProbeAsync(path, MediaPolicy.AudiovisualDemuxers, CancellationToken.None));
        Assert.Equal(RefusalCodes.Playlist, refusal.Code);
    }

    [Fact]
    public async Task A_concat_list_is_refused()
    {
        var refusal = await RefusedAsync(await MediaSamples.ConcatListAsync(), MediaKinds.Video);
        Assert.Equal(RefusalCodes.ConcatList, refusal.Code);
        Assert.Contains("concat list", refusal.Reason);
    }

    [Fact]
    public async Task A_zero_byte_file_is_refused()
    {
        var refusal = await RefusedAsync(await MediaSamples.EmptyAsync(), MediaKinds.Video);
        Assert.Equal(RefusalCodes.Empty, refusal.Code);
    }

    [Fact]
    public async Task A_truncated_mp4_is_refused_whether_its_index_is_at_the_end_or_the_start()
    {
        var lost = await RefusedAsync(await MediaSamples.TruncatedAsync(), MediaKinds.Video);
        Assert.Equal(RefusalCodes.Truncated, lost.Code);
        var cut = await RefusedAsync(await MediaSamples.TruncatedFaststartAsync(), MediaKinds.Video);
        Assert.Equal(RefusalCodes.Truncated, cut.Code);
        Assert.Contains("incomplete", cut.Reason);
    }

    [Fact]
    public async Task Absurd_dimensions_are_refused()
    {
        var refusal = await RefusedAsync(await MediaSamples.AbsurdlyWideAsync(), MediaKinds.Video);
        Assert.Equal(RefusalCodes.Dimensions, refusal.Code);
        Assert.Contains("10000×64", refusal.Reason);
    }

    [Fact]
    public void An_absurd_duration_is_refused_from_the_header_before_anything_is_read()
    {
        var probe = new ProbeResult("mov,mp4,m4a,3gp,3g2,mj2", 40 * 3600, 1000,
            [new ProbeStream { Index = 0, Type = "video", Codec = "h264", Width = 640, Height = 360 }]);
        var refusal = Assert.Throws<MediaRefusedException>(() => MediaPolicy.CheckAudiovisual(probe, new MediaLimits()));
        Assert.Equal(RefusalCodes.TooLong, refusal.Code);
        Assert.Contains("40 h 00 min", refusal.Reason);
    }

    [Fact]
    public async Task Codecs_off_the_allow_list_text_and_documents_posing_as_video_are_refused()
    {
        Assert.Equal(RefusalCodes.CodecNotAllowed, (await RefusedAsync(await MediaSamples.ProResAsync(), MediaKinds.Video)).Code);
        Assert.Equal(RefusalCodes.Text, (await RefusedAsync(await MediaSamples.TextAsync(), MediaKinds.Video)).Code);
        Assert.Equal(RefusalCodes.WrongKind, (await RefusedAsync(await MediaSamples.PdfAsync(), MediaKinds.Video)).Code);
        Assert.Equal(RefusalCodes.WrongKind, (await RefusedAsync(await MediaSamples.JpegAsync(), MediaKinds.Video)).Code);
        Assert.Equal(RefusalCodes.NotADocument, (await RefusedAsync(await MediaSamples.SmallAsync(), MediaKinds.Document)).Code);
    }

    [Fact]
    public async Task Recording_pieces_join_into_one_vod_and_one_mp4_without_reencoding()
    {
        var pipeline = Pipeline();
        var root = MediaSamples.NewFolder("recording");
        var pieces = new List<RecordingPiece>();
        Directory.CreateDirectory(Path.Combine(root, "pieces"));
        IReadOnlyList<Rendition>? ladder = null;
        for (var i = 0; i < 3; i++)
        {
            var source = await MediaSamples.BrowserWebmAsync($"piece-{i}.webm", seconds: 2, startTone: 300 + i * 100);
            var request = new MediaRequest(source, MediaKinds.Video, Path.Combine(root, $"work-{i}"),
                (facts, _) => Task.FromResult(ladder ??= Ladder.For(facts.DisplayWidth, facts.DisplayHeight)));
            var manifest = await pipeline.ProcessAsync(request, null, CancellationToken.None);
            var folder = Path.Combine(root, "pieces", $"{i:000}");
            Directory.Move(MediaPipeline.OutputDirectory(request), folder);
            pieces.Add(new RecordingPiece(folder, $"pieces/{i:000}/", manifest));
        }

        var joined = await new RecordingJoiner(MediaSamples.Tools).JoinAsync(pieces, root, "-a1", CancellationToken.None);

        Assert.Equal("master-a1.m3u8", joined.Master);
        Assert.InRange(joined.DurationSeconds!.Value, 5.7, 6.3);
        var playlist = await File.ReadAllTextAsync(Path.Combine(root, "480p-a1.m3u8"));
        Assert.Equal(2, playlist.Split("#EXT-X-DISCONTINUITY").Length - 1);
        Assert.Contains("pieces/002/480p/seg_00000.ts", playlist);
        // ffprobe reads the joined VOD end to end, and the MP4.
        var probe = await MediaSamples.ProbeAsync(Path.Combine(root, joined.Master!), "-protocol_whitelist file");
        Assert.Equal(3, probe.GetProperty("streams").EnumerateArray().Count(s => s.GetProperty("codec_type").GetString() == "video"));
        var (code, error) = await MediaSamples.RunAsync(MediaSamples.Tools.FfmpegPath!,
            $"-v error -protocol_whitelist file -i {MediaSamples.Quote(Path.Combine(root, "360p-a1.m3u8"))} -f null -");
        Assert.True(code == 0, error);
        var mp4 = await MediaSamples.ProbeAsync(Path.Combine(root, joined.Download!));
        Assert.InRange(MediaSamples.Seconds(mp4.GetProperty("format"), "duration"), 5.7, 6.4);
        var vtt = await File.ReadAllTextAsync(Path.Combine(root, joined.Thumbnails!));
        // The third piece's first thumbnail starts where the first two pieces end.
        Assert.Matches(@"00:00:04\.00\d --> 00:00:05\.00\d\npieces/002/sprite_001\.jpg#xywh=0,0,160,120", vtt);
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
