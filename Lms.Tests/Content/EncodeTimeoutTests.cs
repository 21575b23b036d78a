using System.Text.Json;
using Lms.Server.Content;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Lms.Tests.Content;

/// <summary>
/// A server whose main encode may take only a thousandth of the media's duration (and no minimum): no real ffmpeg
/// finishes a ladder that fast, so the limit is reached whatever the machine's speed.
/// </summary>
public sealed class EncodeTimeoutLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Media:EncodeTimeoutFactor=0.001", "--Media:EncodeTimeoutMinimumSeconds=0"];
}

/// <summary>The main HLS encode has a wall-clock limit derived from the media's duration: past it ffmpeg is killed and the job fails with the reason.</summary>
public sealed class EncodeTimeoutTests(EncodeTimeoutLmsServer server) : IClassFixture<EncodeTimeoutLmsServer>
{
    [Fact]
    public async Task An_encode_past_its_wall_clock_limit_is_stopped_and_the_job_fails_with_the_reason()
    {
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, await server.DemoSchoolIdAsync(), "video", "Mã hoá quá lâu");
        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.SmallAsync(2), fileName: "bai-giang.mp4");

        var item = await ContentClient.WaitProcessedAsync(teacher, itemId);

        Assert.Equal("failed", item.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("media").ValueKind);
        var failure = item.GetProperty("lastFailure");
        Assert.Equal("encode-timeout", failure.GetProperty("code").GetString());
        Assert.Contains("did not finish within", failure.GetProperty("message").GetString());
        // Not retried: the same file would take as long again.
        Assert.Equal(1, item.GetProperty("job").GetProperty("attempts").GetInt32());
        // No ffmpeg of this server is left running.
        var work = server.Get<IOptions<MediaWorkerOptions>>().Value.WorkDirectory;
        var store = server.Get<IOptions<ContentOptions>>().Value.Root;
        Assert.DoesNotContain(RunningCommandLines(), line => line.Contains("ffmpeg") && (line.Contains(work) || line.Contains(store)));
    }

    private static IEnumerable<string> RunningCommandLines()
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            string line;
            try { line = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' '); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            yield return line;
        }
    }
}
