using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Server.Classroom.Broadcast;
using Lms.Tests.Content;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Classroom;

/// <summary>
/// The real server, letting every piece wait for its low copy however loaded the machine is: these tests check what the
/// low rendition holds, not that a busy server keeps live (a piece waits a second in production, then goes on without it).
/// </summary>
public sealed class PatientBroadcastSqliteServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Classroom:Broadcast:LowWaitSeconds=60"];
}

public sealed class PatientBroadcastPostgresServer(PostgresServer postgres) : PostgresLmsServer(postgres)
{
    protected override IEnumerable<string> ExtraArguments => ["--Classroom:Broadcast:LowWaitSeconds=60"];
}

public sealed class BroadcastApiTestsOnSqlite(PatientBroadcastSqliteServer server, ITestOutputHelper output)
    : BroadcastApiTests(server, output), IClassFixture<PatientBroadcastSqliteServer>;

public sealed class BroadcastApiTestsOnPostgres(PatientBroadcastPostgresServer server, ITestOutputHelper output)
    : BroadcastApiTests(server, output), IClassFixture<PatientBroadcastPostgresServer>;

/// <summary>
/// Broadcast mode through the real server on each database: the teacher's pieces become HLS segments that a player
/// with no cookie fetches with the session's viewer token (and nobody without one), cacheable by a CDN, and at the end
/// the same segments are one continuous recording.
/// </summary>
public abstract class BroadcastApiTests(LmsServer server, ITestOutputHelper output)
{
    /// <summary>The length of every piece the test sends.</summary>
    private const int PieceSeconds = 2;

    /// <summary>A piece as the teacher's browser sends one: 2 s of WebM, VP9 + Opus, written live (no duration, no cues).</summary>
    internal static Task<string> PieceAsync(int tone) => MediaSamples.MakeAsync($"broadcast-piece-{tone}.webm",
        $"-f lavfi -i testsrc2=s=640x360:r=15:d={PieceSeconds} -f lavfi -i sine=f={tone}:d={PieceSeconds}:sample_rate=48000 " +
        "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 500k -g 30 -c:a libopus -shortest -f webm -live 1");

    internal static async Task<HttpResponseMessage> PutPieceAsync(HttpClient client, Guid sessionId, int index, string path)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/webm");
        return await client.PutAsync($"/api/classroom/sessions/{sessionId}/broadcast/pieces/{index}", content);
    }

    [Fact]
    public async Task The_teachers_pieces_reach_a_player_with_the_viewer_token_and_become_one_recording()
    {
        var (course, teacher) = await ClassroomKit.StartedLessonAsync(server);
        await using var _ = teacher;
        var sessionId = course.SessionId;

        // Class 10A1 is smaller than the threshold: peer to peer until the teacher chooses to broadcast.
        var before = await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.GetAsync($"/api/classroom/sessions/{sessionId}/broadcast"));
        Assert.False(before.On);
        Assert.Null(before.Chosen);
        Assert.True(before.Students <= before.AboveStudents);
        await ProblemAssert.IsProblemAsync(await PutPieceAsync(course.Teacher, sessionId, 0, await PieceAsync(440)), HttpStatusCode.Conflict, "conflict");
        var chosen = await ProblemAssert.OkAsync<BroadcastView>(await course.Teacher.PutAsJsonAsync($"/api/classroom/sessions/{sessionId}/broadcast", new { on = true }));
        Assert.True(chosen.On);

        // A student may not send pieces; the teacher sends three, and one of them twice (a retried upload).
        var student = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await PutPieceAsync(student, sessionId, 0, await PieceAsync(440)), HttpStatusCode.Forbidden, "forbidden");
        var tones = new[] { 440, 550, 660 };
        for (var i = 0; i < tones.Length; i++)
            Assert.Equal(HttpStatusCode.Created, (await PutPieceAsync(course.Teacher, sessionId, i, await PieceAsync(tones[i]))).StatusCode);
        var again = await PutPieceAsync(course.Teacher, sessionId, 1, await PieceAsync(550));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await again.Content.ReadFromJsonAsync<BroadcastPieceReceipt>())!.Received);

        // The student is given the playlists with a viewer token; the player needs no cookie to fetch them.
        var view = await ProblemAssert.OkAsync<BroadcastView>(await student.GetAsync($"/api/classroom/sessions/{sessionId}/broadcast"));
        Assert.True(view.On);
        Assert.Equal(3, view.Segments);
        Assert.Empty(view.Reencoded);
        using var player = server.Client();
        var master = await player.GetAsync(view.MasterUrl);
        Assert.Equal(HttpStatusCode.OK, master.StatusCode);
        Assert.Equal("public, max-age=1", master.Headers.CacheControl?.ToString());
        var masterText = await master.Content.ReadAsStringAsync();
        Assert.Contains("RESOLUTION=640x360", masterText);
        Assert.Contains("CODECS=\"opus\"\naudio.m3u8", masterText);
        // The low rendition (240 lines, 10 frames a second) is a variant of the master, so hls.js's ABR can pick it on a weak link.
        Assert.Contains("RESOLUTION=426x240\nlow.m3u8", masterText);
        Assert.EndsWith("/low.m3u8", view.LowUrl);
        var folder = view.MasterUrl![..(view.MasterUrl!.LastIndexOf('/') + 1)];
        var live = await player.GetStringAsync(folder + "av.m3u8");
        output.WriteLine(live);
        Assert.DoesNotContain("#EXT-X-ENDLIST", live);
        Assert.Equal(3, live.Split('\n').Count(l => l.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal)));
        Assert.Single(live.Split('\n'), l => l.StartsWith("#EXT-X-MAP:", StringComparison.Ordinal)); // one picture size: one init part
        var segment = await player.GetAsync(folder + "v1.m4s");
        Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", segment.Headers.CacheControl?.ToString());
        Assert.Equal("moof", System.Text.Encoding.ASCII.GetString((await segment.Content.ReadAsByteArrayAsync())[4..8]));
        var sound = await player.GetStringAsync(folder + "audio.m3u8");
        Assert.Contains("a2.m4s", sound);

        // Nobody else gets in: not a student of another class, not a made-up or expired token, not a token of another session.
        var other = await server.SignedInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/classroom/sessions/{sessionId}/broadcast"), HttpStatusCode.NotFound, "not-found");
        var token = view.MasterUrl!.Split('/')[5];
        var tokens = server.Get<BroadcastTokens>();
        var expired = tokens.Sign(sessionId, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());
        var forged = token[..^2] + (token[^2..] == "AA" ? "BB" : "AA");
        var elsewhere = tokens.Mint(Guid.CreateVersion7()).Token;
        foreach (var bad in new[] { expired, forged, elsewhere, "x", "0" })
            await ProblemAssert.IsProblemAsync(await other.GetAsync(view.MasterUrl.Replace(token, bad)), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.NotFound, (await player.GetAsync(folder + "..%2F..%2Fchoice.json")).StatusCode);
        await ProblemAssert.IsProblemAsync(await player.GetAsync(folder + "manifest.json"), HttpStatusCode.NotFound, "not-found");
        Assert.Equal(HttpStatusCode.NotFound, (await player.GetAsync(view.MasterUrl.Replace("/" + token, ""))).StatusCode);

        // The end: the playlist lists every segment and ends; put end to end they play as one 6-second recording.
        var endUrl = $"/api/classroom/sessions/{sessionId}/broadcast/end";
        var ended = await ProblemAssert.OkAsync<BroadcastEndView>(await course.Teacher.PostAsJsonAsync(endUrl, new { title = "Tiết phát sóng đã ghi" }));
        Assert.Equal(tones.Length, ended.Segments);
        var recording = await player.GetStringAsync(folder + "av.m3u8");
        Assert.Contains("#EXT-X-PLAYLIST-TYPE:VOD", recording);
        Assert.EndsWith("#EXT-X-ENDLIST\n", recording);
        var (duration, lastPts) = await ProbeAsync(await JoinAsync(player, folder, recording));
        output.WriteLine($"joined: {duration} s, last video frame at {lastPts} s");
        Assert.InRange(lastPts, 5.5, 6.1); // the third piece's frames come after the first two, not over them
        await ProblemAssert.IsProblemAsync(await PutPieceAsync(course.Teacher, sessionId, 3, await PieceAsync(770)), HttpStatusCode.Conflict, "conflict");

        // The low rendition plays too: its own segments (not the full ones), end to end, smaller and at 10 frames a second.
        var low = await player.GetStringAsync(view.LowUrl);
        Assert.EndsWith("#EXT-X-ENDLIST\n", low);
        Assert.Equal(["l0.m4s", "l1.m4s", "l2.m4s"], low.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')));
        var lowFile = await JoinAsync(player, folder, low);
        var (lowWidth, lowHeight, lowFrames) = await ProbePictureAsync(lowFile);
        var (lowDuration, lowLast) = await ProbeAsync(lowFile);
        output.WriteLine($"low rendition: {lowWidth}×{lowHeight}, {lowFrames} frames, {lowDuration} s, last frame at {lowLast} s");
        Assert.Equal((426, 240), (lowWidth, lowHeight));
        Assert.InRange(lowLast, 5.5, 6.1);
        Assert.InRange(lowFrames, 3 * PieceSeconds * 10 - 3, 3 * PieceSeconds * 10 + 3); // 10 fps, where the teacher sent 15

        // The same segments are the lesson's recording in the library and the course, published by the end itself.
        var sent = tones.Length * PieceSeconds;
        var itemId = ended.RecordingItemId ?? throw new Xunit.Sdk.XunitException("The closed broadcast was not published.");
        var recordings = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/classroom/sessions/{sessionId}/recording"));
        var listed = Assert.Single(recordings.GetProperty("recordings").EnumerateArray());
        Assert.Equal("published", listed.GetProperty("status").GetString());
        Assert.Equal(itemId, listed.GetProperty("itemId").GetGuid());
        Assert.Equal("Tiết phát sóng đã ghi", listed.GetProperty("title").GetString());
        var courseView = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{course.CourseId}"));
        Assert.Contains(courseView.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("items").EnumerateArray()),
            i => i.GetProperty("id").GetString() == listed.GetProperty("courseItemId").GetString() && i.GetProperty("kind").GetString() == "video");

        // A student of the class plays it (its playlists, then its segments in order) and downloads it: both last as long as what was sent.
        var item = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/content/items/{itemId}"));
        Assert.Equal("video", item.GetProperty("type").GetString());
        var media = item.GetProperty("media");
        Assert.InRange(media.GetProperty("durationSeconds").GetDouble(), sent - 0.3, sent + 0.3);
        var hls = media.GetProperty("hlsUrl").GetString()!;
        var libraryFolder = hls[..(hls.LastIndexOf('/') + 1)];
        Assert.Contains("av.m3u8", await student.GetStringAsync(hls));
        var vod = await student.GetStringAsync(libraryFolder + "av.m3u8");
        Assert.EndsWith("#EXT-X-ENDLIST\n", vod);
        var (played, _) = await ProbeAsync(await JoinAsync(student, libraryFolder, vod));
        Assert.InRange(played, sent - 0.3, sent + 0.3);
        var download = Path.Combine(MediaSamples.NewFolder("broadcast"), "download.mp4");
        await File.WriteAllBytesAsync(download, await student.GetByteArrayAsync(media.GetProperty("downloadUrl").GetString()));
        var (downloaded, _) = await ProbeAsync(download);
        output.WriteLine($"library: played {played} s, downloaded {downloaded} s, sent {sent} s");
        Assert.InRange(downloaded, sent - 0.3, sent + 0.3);
        Assert.Equal(HttpStatusCode.OK, (await student.GetAsync(media.GetProperty("posterUrl").GetString())).StatusCode);

        // A student of another class gets neither the item nor its files; a repeated end publishes nothing more.
        await ProblemAssert.IsProblemAsync(await other.GetAsync($"/api/content/items/{itemId}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await other.GetAsync(hls), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await other.GetAsync(libraryFolder + "v0.m4s"), HttpStatusCode.NotFound, "not-found");
        var endedAgain = await ProblemAssert.OkAsync<BroadcastEndView>(await course.Teacher.PostAsync(endUrl, null));
        Assert.Equal(itemId, endedAgain.RecordingItemId);
        Assert.Single((await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{sessionId}/recording")))
            .GetProperty("recordings").EnumerateArray());
    }

    /// <summary>What a player plays from a media playlist: its initialisation part and its segments in order, in one local file.</summary>
    private static async Task<string> JoinAsync(HttpClient client, string folder, string playlist)
    {
        var lines = playlist.Split('\n');
        var init = lines.Single(l => l.StartsWith("#EXT-X-MAP:", StringComparison.Ordinal)).Split('"')[1];
        var joined = Path.Combine(MediaSamples.NewFolder("broadcast"), "joined.mp4");
        await using var file = File.Create(joined);
        foreach (var name in lines.Where(l => l.Length > 0 && !l.StartsWith('#')).Prepend(init))
            await file.WriteAsync(await client.GetByteArrayAsync(folder + name));
        return joined;
    }

    /// <summary>The joined file's picture size and how many frames it holds.</summary>
    private static async Task<(int Width, int Height, int Frames)> ProbePictureAsync(string path)
    {
        var start = new ProcessStartInfo(MediaSamples.Tools.FfprobePath!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries", "stream=width,height,nb_read_packets", "-of", "json", path })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        using var json = JsonDocument.Parse(text);
        var stream = json.RootElement.GetProperty("streams")[0];
        return (stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(),
            int.Parse(stream.GetProperty("nb_read_packets").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The joined file's duration, and the time of its last video frame (ffprobe reads every packet).</summary>
    private static async Task<(double Duration, double LastPts)> ProbeAsync(string path)
    {
        var start = new ProcessStartInfo(MediaSamples.Tools.FfprobePath!)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time:format=duration", "-of", "json", path })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        using var json = JsonDocument.Parse(text);
        var packets = json.RootElement.GetProperty("packets").EnumerateArray().Select(p => double.Parse(p.GetProperty("pts_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var duration = double.Parse(json.RootElement.GetProperty("format").GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return (duration, packets.Max());
    }
}
