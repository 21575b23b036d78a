using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Content;

public sealed class RecordingApiTestsOnSqlite(SqliteLmsServer server) : RecordingApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class RecordingApiTestsOnPostgres(PostgresLmsServer server) : RecordingApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// A lesson recorded in pieces (WebM VP8/Opus, as a browser's MediaRecorder writes them), each
/// transcoded as it arrives, joined and published when the lesson ends, into the library and the course.
/// </summary>
public abstract class RecordingApiTests(LmsServer server)
{
    private static async Task<HttpResponseMessage> PutPieceAsync(HttpClient client, string recordingId, int index, string file)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("video/webm");
        return await client.PutAsync($"/api/content/recordings/{recordingId}/pieces/{index}", content);
    }

    private static async Task<JsonElement> WaitAsync(HttpClient client, string recordingId, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var recording = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync($"/api/content/recordings/{recordingId}"));
            if (until(recording)) return recording;
            if (recording.GetProperty("status").GetString() == "failed" || DateTime.UtcNow > deadline)
                Assert.Fail($"The recording did not get there: {recording}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_lesson_recorded_in_pieces_is_published_once_into_the_library_and_the_course()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var course = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/courses",
            new { institutionId = school, title = "Ngữ văn 10 — buổi học trực tuyến", kind = "blended" }));
        var courseId = course.GetProperty("id").GetString()!;
        var module = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/courses/{courseId}/modules", new { title = "Buổi 1" }));
        await teacher.PostAsJsonAsync($"/api/courses/{courseId}/enrolments", new { className = "10A1" });
        await teacher.PostAsync($"/api/courses/{courseId}/publish", null);

        var title = "Bản ghi " + Guid.NewGuid().ToString("N")[..6];
        var started = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync("/api/content/recordings", new
        {
            title, courseId, moduleId = module.GetProperty("id").GetString(), sessionId = "session-42",
        }));
        var recordingId = started.GetProperty("id").GetString()!;
        Assert.Equal("recording", started.GetProperty("status").GetString());

        // Each piece is transcoded as it arrives, while the lesson goes on.
        var pieces = new List<string>();
        for (var i = 0; i < 3; i++) pieces.Add(await MediaSamples.BrowserWebmAsync($"lesson-{i}.webm", seconds: 2, startTone: 300 + 100 * i));
        Assert.Equal(HttpStatusCode.Created, (await PutPieceAsync(teacher, recordingId, 0, pieces[0])).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutPieceAsync(teacher, recordingId, 1, pieces[1])).StatusCode);
        await WaitAsync(teacher, recordingId, r => r.GetProperty("pieces").EnumerateArray().Count(p => p.GetProperty("status").GetString() == "ready") == 2);
        Assert.Equal("recording", (await WaitAsync(teacher, recordingId, _ => true)).GetProperty("status").GetString());
        // A piece sent again (its response was lost) is taken once.
        var again = await PutPieceAsync(teacher, recordingId, 1, pieces[1]);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.False((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("received").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, (await PutPieceAsync(teacher, recordingId, 2, pieces[2])).StatusCode);

        // Someone else cannot add to it.
        var student = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await PutPieceAsync(student, recordingId, 3, pieces[0]), HttpStatusCode.NotFound, "not-found");

        var finished = await ProblemAssert.OkAsync<JsonElement>(await teacher.PostAsJsonAsync($"/api/content/recordings/{recordingId}/finish",
            new { pieceCount = 3 }));
        Assert.NotEqual("recording", finished.GetProperty("status").GetString());
        await ProblemAssert.IsProblemAsync(await PutPieceAsync(teacher, recordingId, 3, pieces[0]), HttpStatusCode.Conflict, "conflict");

        var published = await WaitAsync(teacher, recordingId, r => r.GetProperty("status").GetString() == "published");
        var itemId = published.GetProperty("itemId").GetString()!;
        var courseItemId = published.GetProperty("courseItemId").GetString()!;

        var item = await ContentClient.ItemAsync(teacher, itemId);
        Assert.Equal("ready", item.GetProperty("status").GetString());
        var media = item.GetProperty("media");
        Assert.InRange(media.GetProperty("durationSeconds").GetDouble(), 5.7, 6.4);

        // The enrolled student finds it in the course and plays it: one VOD over the three pieces.
        var outline = await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/courses/{courseId}"));
        var courseItem = outline.GetProperty("modules")[0].GetProperty("items").EnumerateArray().Single();
        Assert.Equal(courseItemId, courseItem.GetProperty("id").GetString());
        Assert.Equal("video", courseItem.GetProperty("kind").GetString());
        Assert.Equal(itemId, courseItem.GetProperty("refId").GetString());
        var master = media.GetProperty("hlsUrl").GetString()!;
        var masterText = await student.GetStringAsync(master);
        var variant = masterText.Split('\n').First(l => l.EndsWith(".m3u8"));
        var variantUrl = master[..(master.LastIndexOf('/') + 1)] + variant;
        var playlist = await student.GetStringAsync(variantUrl);
        Assert.Equal(2, playlist.Split("#EXT-X-DISCONTINUITY").Length - 1);
        var firstSegment = playlist.Split('\n').First(l => l.EndsWith(".ts"));
        Assert.Equal(HttpStatusCode.OK, (await student.GetAsync(master[..(master.LastIndexOf('/') + 1)] + firstSegment)).StatusCode);

        // One MP4 for the whole lesson, as ffprobe reads it.
        var mp4 = Path.Combine(MediaSamples.NewFolder("recording-download"), "lesson.mp4");
        await File.WriteAllBytesAsync(mp4, await teacher.GetByteArrayAsync(media.GetProperty("downloadUrl").GetString()));
        var probe = await MediaSamples.ProbeAsync(mp4);
        Assert.InRange(MediaSamples.Seconds(probe.GetProperty("format"), "duration"), 5.7, 6.5);

        // Published exactly once.
        var db = server.Get<Db>();
        await using var connection = await db.OpenAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM content_items WHERE title = @title", new { title }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM course_items WHERE course_id = @courseId", new { courseId = Guid.Parse(courseId) }));
    }
}
