using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Tests.Assessment;
using Lms.Tests.Classroom;
using Lms.Tests.Infrastructure;
using Lms.Tests.Moocs;

namespace Lms.Tests.Privacy;

public sealed class DataCopyTestsOnSqlite(SqliteLmsServer server) : DataCopyTests(server), IClassFixture<SqliteLmsServer>;

public sealed class DataCopyTestsOnPostgres(PostgresLmsServer server) : DataCopyTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>A person's copy of their data: everything held about them, as JSON and CSV in their language, and nobody else's.</summary>
public abstract class DataCopyTests(LmsServer server)
{
    /// <summary>A school quiz answered and submitted by <paramref name="login"/>; the course and the quiz's title.</summary>
    public static async Task<(HttpClient Teacher, string CourseId)> AttemptAsync(LmsServer server, string login)
    {
        var (teacher, courseId, quizId, _) = await AssessmentApiTests.CourseWithQuizAsync(server, new { attemptsAllowed = 1 });
        var student = await server.SignedInAsync(login);
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone" }));
        var attemptId = attempt.GetProperty("id").GetString()!;
        var answers = attempt.GetProperty("questions").EnumerateArray().Select(q => new
        {
            answerId = Guid.NewGuid(), slot = q.GetProperty("slot").GetInt32(), response = AssessmentApiTests.RightAnswer(q), clientTime = DateTimeOffset.UtcNow,
        }).ToList();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", new { deviceId = "phone", answers }));
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        return (teacher, courseId);
    }

    /// <summary>A live lesson held for 10A1 where <paramref name="login"/> wrote <paramref name="text"/> in the chat.</summary>
    public static async Task<LiveCourse> ChatAsync(LmsServer server, string login, string text)
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Vật lý 10 — trực tuyến " + Guid.NewGuid().ToString("N")[..6]);
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using (var student = await ClassroomKit.ConnectAsync(server, login, course.SessionId))
        {
            await student.JoinAsync();
            await student.Command("SendChat", text);
        }
        await teacher.Command("End");
        return course;
    }

    /// <summary>The learner enrols in a credit-bearing MOOC graded by completion, reads every page and so earns its certificate.</summary>
    private async Task<string> CertificateAsync(HttpClient learner)
    {
        var title = "Kinh tế vi mô " + Guid.NewGuid().ToString("N")[..6];
        var mooc = await new MoocKit(server).CreateAsync(title, pages: 1, credits: 3, ects: 6,
            policy: new { categories = Array.Empty<object>(), passMark = 100, requireAllItems = true });
        Assert.Equal(HttpStatusCode.Created, (await learner.PostAsync($"/api/moocs/runs/{mooc.RunId}/enrol", null)).StatusCode);
        foreach (var page in mooc.Pages)
            await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/courses/{mooc.Id}/items/{page}/seen", null));
        var standing = await MoocKit.StandingAsync(learner, mooc.Id);
        Assert.Contains(standing.GetProperty("credentials").EnumerateArray(), c => c.GetProperty("kind").GetString() == "certificate");
        return title;
    }

    private static Dictionary<string, byte[]> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        });
    }

    [Fact]
    public async Task A_students_copy_holds_their_attempt_certificate_and_chat_message_as_json_and_csv_in_their_language()
    {
        var chat = "Em xin phép hỏi về đồ thị " + Guid.NewGuid().ToString("N")[..6];
        await AttemptAsync(server, LmsServer.Student1);
        await ChatAsync(server, LmsServer.Student1, chat);
        var student = await PrivacyAuditTests.BrowserAsync(server, LmsServer.Student1);
        var certificate = await CertificateAsync(student);

        var response = await student.GetAsync("/api/privacy/my-data.zip?language=vi");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {string.Join(Environment.NewLine, server.Log.Entries.TakeLast(3))}");
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var files = Entries(await response.Content.ReadAsByteArrayAsync());

        Assert.Contains("README.txt", files.Keys);
        Assert.Contains("chat_messages.csv: ", Encoding.UTF8.GetString(files["README.txt"]));
        var data = JsonDocument.Parse(files["data.json"]).RootElement;
        Assert.Equal("Lê Hoàng An", data.GetProperty("profile").GetProperty("displayName").GetString());
        Assert.Equal("001208000001", data.GetProperty("profile").GetProperty("nationalId").GetString());
        var attempt = Assert.Single(data.GetProperty("quizAttempts").EnumerateArray());
        Assert.Equal("Kiểm tra 15 phút", attempt.GetProperty("quiz").GetString());
        Assert.NotEqual("in-progress", attempt.GetProperty("status").GetString());
        Assert.NotEmpty(data.GetProperty("quizAnswers").EnumerateArray());
        Assert.Contains(data.GetProperty("questionGrades").EnumerateArray(), g => g.GetProperty("score").ValueKind == JsonValueKind.Number);
        Assert.Contains(data.GetProperty("credentials").EnumerateArray(),
            c => c.GetProperty("kind").GetString() == "certificate" && c.GetProperty("course").GetString() == certificate);
        Assert.Contains(data.GetProperty("chatMessages").EnumerateArray(), m => m.GetProperty("text").GetString() == chat);
        Assert.Contains(data.GetProperty("memberships").EnumerateArray(), m => m.GetProperty("role").GetString() == "student");
        Assert.NotEmpty(data.GetProperty("sessions").EnumerateArray());

        // One CSV per table, worded and separated as Vietnamese Excel opens it.
        var rows = ExportFiles.CsvRows(files["chat_messages.csv"], ';');
        Assert.Equal(["Khóa học", "Buổi học trực tuyến", "Nội dung", "Gửi lúc", "Xóa lúc"], rows[0]);
        Assert.Contains(rows.Skip(1), r => r[2] == chat);
        var credentials = ExportFiles.CsvRows(files["credentials.csv"], ';');
        Assert.Contains(credentials.Skip(1), r => r[1] == certificate);
        Assert.Equal(Entries(await student.GetByteArrayAsync("/api/privacy/my-data.zip?language=en"))["chat_messages.csv"][3..10],
            Encoding.UTF8.GetBytes("Course,"));

        // The download itself is audited in each institution that holds the person.
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var log = await PrivacyAuditTests.LogAsync(admin, await server.DemoSchoolIdAsync(),
            $"action=data-copy&personId={await server.UserIdAsync(LmsServer.Student1)}");
        var entry = log.GetProperty("items")[0];
        Assert.Equal(PrivacyAuditTests.Browser, entry.GetProperty("userAgent").GetString());
        Assert.Equal(2, log.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Nobody_else_gets_a_persons_copy()
    {
        var chat = "Tin nhắn riêng " + Guid.NewGuid().ToString("N")[..6];
        await ChatAsync(server, LmsServer.Student1, chat);

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Client().GetAsync("/api/privacy/my-data.zip")).StatusCode);
        var other = await server.SignedInAsync(LmsServer.Student2);
        var files = Entries(await other.GetByteArrayAsync("/api/privacy/my-data.zip"));
        var text = Encoding.UTF8.GetString(files["data.json"]);
        Assert.Contains("Phạm Thu Hà", text);
        Assert.DoesNotContain(chat, text);
        Assert.DoesNotContain("001208000001", text);
        Assert.DoesNotContain("Lê Hoàng An", text);
        // The admin's own copy is theirs too: no way to name another person.
        var admin = await server.SignedInAsync(LmsServer.Admin);
        var adminText = Encoding.UTF8.GetString(Entries(await admin.GetByteArrayAsync(
            $"/api/privacy/my-data.zip?userId={await server.UserIdAsync(LmsServer.Student1)}"))["data.json"]);
        Assert.DoesNotContain(chat, adminText);
    }
}
