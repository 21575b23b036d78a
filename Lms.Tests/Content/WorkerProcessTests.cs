using System.Diagnostics;
using System.Text;
using Dapper;
using Lms.Grains.Content;
using Lms.Grains.Data;
using Lms.Server.Content;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Lms.Tests.Content;

/// <summary>A web node that leaves transcoding to separate media worker processes, with a short lease.</summary>
public sealed class WebOnlyLmsServer : SqliteLmsServer
{
    protected override IEnumerable<string> ExtraArguments => ["--Media:Worker=false", "--Media:LeaseSeconds=3"];
}

/// <summary>
/// The same binary started as a media worker only (<c>--Roles=media</c>), in its own process: killed
/// mid-transcode, its job is taken by another worker once the lease runs out, and published once.
/// </summary>
public sealed class WorkerProcessTests(WebOnlyLmsServer server) : IClassFixture<WebOnlyLmsServer>
{
    private sealed class Worker : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _log = new();

        public Worker(WebOnlyLmsServer server, string preset)
        {
            var content = server.Get<IOptions<ContentOptions>>().Value;
            var database = server.Get<DatabaseOptions>();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            foreach (var argument in new[]
                     {
                         Path.Combine(AppContext.BaseDirectory, "Lms.Server.dll"), "--Roles=media",
                         $"--Database:Provider={database.Provider}", $"--ConnectionStrings:Lms={database.ConnectionString}",
                         $"--Data:Directory={Path.GetDirectoryName(content.Root)}", $"--Content:Root={content.Root}",
                         $"--Content:UploadsDirectory={content.UploadsDirectory}",
                         $"--Media:WorkDirectory={MediaSamples.NewFolder("worker")}", "--Media:LeaseSeconds=3",
                         "--Media:PollSeconds=0.2", $"--Media:Preset={preset}", "--Logging:LogLevel:Default=Information",
                     })
                start.ArgumentList.Add(argument);
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Log { get { lock (_log) return _log.ToString(); } }

        public bool Exited => _process.HasExited;

        /// <summary>Kills the worker and its ffmpeg, as a crash or an out-of-memory kill would.</summary>
        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) await KillAsync();
            _process.Dispose();
        }
    }

    [Fact]
    public async Task A_worker_killed_mid_transcode_leaves_its_job_to_another_which_publishes_it_once()
    {
        var school = await server.DemoSchoolIdAsync();
        var teacher = await server.SignedInAsync(LmsServer.Teacher);
        var itemId = await ContentClient.CreateItemAsync(teacher, school, "video", "Bài giảng dài");
        await ContentClient.UploadAsync(teacher, itemId, await MediaSamples.SmallAsync(30), chunkSize: 8_000_000);
        var jobs = server.Get<MediaJobRepository>();
        var job = await jobs.LatestForItemAsync(Guid.Parse(itemId));
        Assert.Equal(MediaJobStates.Queued, job!.State);

        // The first worker (a slow preset, so that it is surely killed mid-way) starts the transcode…
        await using (var first = new Worker(server, preset: "slow"))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            var seen = new List<string>();
            while ((job = await jobs.GetAsync(job.Id))!.State != MediaJobStates.Running || job.Progress < 0.05)
            {
                seen.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {job.State} {job.Progress:0.000}");
                Assert.False(first.Exited, "The worker process stopped by itself: " + first.Log);
                Assert.True(DateTime.UtcNow < deadline, $"The first worker never got going ({job.State}, {job.Progress}): {first.Log}");
                await Task.Delay(100);
            }
            Assert.True(job.Progress is >= 0.05 and <= 0.95, $"{job.Progress} {string.Join(", ", seen.TakeLast(10))} {first.Log}");
            Assert.Equal(1, job.Attempts);
            // …and dies with it half done.
            await first.KillAsync();
        }

        await using var second = new Worker(server, preset: "veryfast");
        var item = await ContentClient.WaitProcessedAsync(teacher, itemId, TimeSpan.FromSeconds(180));
        Assert.True(item.GetProperty("status").GetString() == "ready", second.Log);

        job = (await jobs.GetAsync(job.Id))!;
        Assert.Equal(MediaJobStates.Succeeded, job.State);
        Assert.Equal(2, job.Attempts);
        var versionId = item.GetProperty("media").GetProperty("versionId").GetGuid();
        await using (var connection = await server.Get<Db>().OpenAsync())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM content_versions WHERE item_id = @itemId AND status = 'ready'", new { itemId = Guid.Parse(itemId) }));
            Assert.Equal(job.Id, await connection.ExecuteScalarAsync<Guid>(
                "SELECT published_by_job FROM content_versions WHERE id = @versionId", new { versionId }));
        }
        // Only the second attempt's outputs were ever stored.
        var root = server.Get<IOptions<ContentOptions>>().Value.Root;
        var attempts = Directory.GetDirectories(Path.Combine(root, "items", itemId, versionId.ToString())).Select(Path.GetFileName).ToList();
        Assert.Equal(["a2"], attempts);
        Assert.True(File.Exists(Path.Combine(root, "items", itemId, versionId.ToString(), "a2", "master.m3u8")));
    }
}
