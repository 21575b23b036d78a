using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Data;
using Lms.Server.Backup;
using Lms.Tests.Assessment;
using Lms.Tests.Content;
using Lms.Tests.Credentials;
using Lms.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Lms.Tests.Backup;

public sealed class BackupTestsOnSqlite(SqliteLmsServer server) : BackupTests(server), IClassFixture<SqliteLmsServer>
{
    protected override Task<string> EmptyDatabaseAsync(string dataDirectory) =>
        Task.FromResult($"Data Source={Path.Combine(dataDirectory, "lms.db")}");
}

public sealed class BackupTestsOnPostgres(PostgresLmsServer server, PostgresServer postgres) : BackupTests(server), IClassFixture<PostgresLmsServer>
{
    protected override Task<string> EmptyDatabaseAsync(string dataDirectory) => postgres.CreateDatabaseAsync();
}

/// <summary>
/// <c>Lms.Server backup</c> of a running server and <c>restore</c> onto an empty machine (a new database
/// and data folder), then a server started on what was restored: people sign in, the course, the
/// submitted attempt, an uploaded file and a certificate (which still verifies) are all there.
/// </summary>
public abstract class BackupTests(LmsServer server)
{
    protected abstract Task<string> EmptyDatabaseAsync(string dataDirectory);

    private string[] Configuration(string connectionString, string dataDirectory) =>
    [
        $"--Database:Provider={server.Provider}", $"--ConnectionStrings:Lms={connectionString}", $"--Data:Directory={dataDirectory}",
    ];

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await BackupCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string NewFolder(string name) => Path.Combine(Path.GetTempPath(), $"lms-{name}-{Guid.NewGuid():N}"[..24]);

    [Fact]
    public async Task A_backup_of_a_running_server_restores_onto_an_empty_machine_with_people_courses_attempts_files_and_certificates()
    {
        // What a school would be upset to lose: a course with a quiz, a submitted attempt, an uploaded picture, a certificate.
        var (teacher, courseId, quizId, school) = await AssessmentApiTests.CourseWithQuizAsync(server,
            new { timeLimitSeconds = 600, attemptsAllowed = 1, reviewAnswers = "immediately" });
        var student = await server.SignedInAsync(LmsServer.Student1);
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone-1" }));
        var attemptId = attempt.GetProperty("id").GetString()!;
        var answers = attempt.GetProperty("questions").EnumerateArray().Select(q => new
        {
            answerId = Guid.NewGuid(), slot = q.GetProperty("slot").GetInt32(), response = AssessmentApiTests.RightAnswer(q), clientTime = DateTimeOffset.UtcNow,
        }).ToList();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new { deviceId = "phone-1", answers }));
        var submitted = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        var grade = (await student.GetStringAsync($"/api/quizzes/{quizId}/my-grade"));

        var pictureId = await ContentClient.CreateItemAsync(teacher, school, "image", "Sơ đồ sao lưu", subject: "Tin học");
        await ContentClient.UploadAsync(teacher, pictureId, await MediaSamples.JpegAsync(), fileName: "so-do.jpg");
        var pictureUrl = (await ContentClient.WaitProcessedAsync(teacher, pictureId)).GetProperty("media").GetProperty("sourceUrl").GetString()!;
        var pictureBytes = await teacher.GetByteArrayAsync(pictureUrl);

        var graduate = await Graduates.GraduateAsync(server, "Trần Sao Lưu");
        var certificateId = graduate.Certificate.GetProperty("id").GetGuid();
        var jwt = await server.Client().GetStringAsync($"/api/verify/{certificateId}/credential");

        var live = Configuration(server.Get<DatabaseOptions>().ConnectionString, server.Get<IConfiguration>()["Data:Directory"]!);
        var folder = NewFolder("backup");
        var target = NewFolder("restored");
        var tampered = NewFolder("tampered");
        var tamperedTarget = NewFolder("tampered-target");
        try
        {
            var (code, output, error) = await RunAsync(["backup", folder, .. live]);
            Assert.True(code == 0, error);
            Assert.Contains($"Backed up the {server.Provider} database", output);
            var manifest = await BackupManifest.ReadAsync(folder);
            Assert.Equal(LmsBackup.LatestMigration, manifest.SchemaVersion);
            Assert.Contains(manifest.Files, f => f.Path.StartsWith("database.", StringComparison.Ordinal));
            Assert.Contains(manifest.Files, f => f.Path.StartsWith("data/content/", StringComparison.Ordinal));
            Assert.Contains(manifest.Files, f => f.Path.StartsWith("data/keys/", StringComparison.Ordinal));
            Assert.DoesNotContain(manifest.Files, f => f.Path.StartsWith("data/lms.db", StringComparison.Ordinal) || f.Path.StartsWith("data/uploads/", StringComparison.Ordinal));

            // Never over something: a backup into a folder that holds one, a restore onto the live database.
            Assert.Equal(1, (await RunAsync(["backup", folder, .. live])).Code);
            (code, _, error) = await RunAsync(["restore", folder, .. live]);
            Assert.Equal(1, code);
            Assert.Contains("not empty", error);

            // A damaged copy (one byte of one content file) is refused before anything is written.
            CopyFolder(folder, tampered);
            var victim = Path.Combine(tampered, manifest.Files.First(f => f.Path.StartsWith("data/content/", StringComparison.Ordinal)).Path);
            var bytes = await File.ReadAllBytesAsync(victim);
            bytes[bytes.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(victim, bytes);
            Directory.CreateDirectory(tamperedTarget);
            var tamperedDatabase = await EmptyDatabaseAsync(tamperedTarget);
            (code, _, error) = await RunAsync(["restore", tampered, .. Configuration(tamperedDatabase, tamperedTarget)]);
            Assert.Equal(1, code);
            Assert.Contains("does not match its checksum", error);
            Assert.False(await DatabaseDump.For(new DatabaseOptions { Provider = server.Provider, ConnectionString = tamperedDatabase }, null).HasTablesAsync());

            // The empty machine.
            Directory.CreateDirectory(target);
            var database = await EmptyDatabaseAsync(target);
            (code, output, error) = await RunAsync(["restore", folder, .. Configuration(database, target)]);
            Assert.True(code == 0, error);
            Assert.Contains("Restored the", output);

            // The school's address moves to the new machine with the data: credentials name their issuer under it.
            await using var restored = new RestoredLmsServer(server.Provider, database, target, server.BaseAddress.ToString().TrimEnd('/'));
            await restored.InitializeAsync();
            var restoredStudent = await restored.SignedInAsync(LmsServer.Student1);
            var restoredTeacher = await restored.SignedInAsync(LmsServer.Teacher);
            var course = await ProblemAssert.OkAsync<JsonElement>(await restoredTeacher.GetAsync($"/api/courses/{courseId}"));
            Assert.StartsWith("Toán 10 — kiểm tra", course.GetProperty("title").GetString());
            Assert.Equal(grade, await restoredStudent.GetStringAsync($"/api/quizzes/{quizId}/my-grade"));
            Assert.Equal(submitted.GetProperty("score").GetDouble(),
                (await ProblemAssert.OkAsync<JsonElement>(await restoredStudent.GetAsync($"/api/attempts/{attemptId}/review"))).GetProperty("score").GetDouble());
            Assert.Equal(pictureBytes, await restoredTeacher.GetByteArrayAsync(pictureUrl));

            // The certificate is the same and still verifies (signature, issuer keys, status list) on the restored server.
            Assert.Equal(jwt, await restored.Client().GetStringAsync($"/api/verify/{certificateId}/credential"));
            var verdict = await ProblemAssert.OkAsync<JsonElement>(await restored.Client().PostAsJsonAsync("/api/verify", new { credential = jwt }));
            Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        }
        finally
        {
            foreach (var path in new[] { folder, target, tampered, tamperedTarget })
                try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); } catch (IOException) { }
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }
}

/// <summary>A server started on a restored database and data folder, at the old server's public address (its own configuration last, so it wins).</summary>
public sealed class RestoredLmsServer(DatabaseProvider provider, string connectionString, string dataDirectory, string publicUrl) : LmsServer
{
    public override DatabaseProvider Provider => provider;

    protected override Task<string> ConnectionStringAsync(string ignored) => Task.FromResult(connectionString);

    protected override IEnumerable<string> ExtraArguments => [$"--Data:Directory={dataDirectory}", $"--Credentials:PublicBaseUrl={publicUrl}"];
}
