using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.Classroom;
using Lms.Tests.Assessment;
using Lms.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Lms.Tests.Classroom;

public sealed class LiveQuizHubTestsOnSqlite(SqliteLmsServer server) : LiveQuizHubTests(server), IClassFixture<SqliteLmsServer>;

public sealed class LiveQuizHubTestsOnPostgres(PostgresLmsServer server) : LiveQuizHubTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The live quiz through the real server: real SignalR clients (JSON and MessagePack) on the classroom
/// hub over loopback, its silo and database, and the records over HTTP afterwards.
/// </summary>
public abstract class LiveQuizHubTests(LmsServer server)
{
    /// <summary>A live course with the sample GIFT questions in the school's bank, found through the console's own search by title.</summary>
    private async Task<(LiveCourse Course, Dictionary<string, JsonElement> Bank)> CourseWithBankAsync()
    {
        var course = await ClassroomKit.LiveCourseAsync(server, "Toán 10 — trắc nghiệm trực tiếp");
        var school = await server.DemoSchoolIdAsync();
        var tag = $"live-{Guid.NewGuid():N}"[..20];
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(ImportTests.Sample("valid.gift"))), "file", "valid.gift");
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PostAsync($"/api/institutions/{school}/questions/import?tags={tag}", form));
        var page = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(
            $"/api/classroom/sessions/{course.SessionId}/quiz/bank?tag={tag}&take=50"));
        var bank = page.GetProperty("items").EnumerateArray().ToDictionary(q => q.GetProperty("title").GetString()!, q => q);
        Assert.Equal(10, bank.Count);
        return (course, bank);
    }

    private static Guid IdOf(Dictionary<string, JsonElement> bank, string title) => bank[title].GetProperty("id").GetGuid();

    private static async Task<JsonElement> StateAsync(RoomClient client) =>
        JsonDocument.Parse(await client.Connection.InvokeAsync<string>("QuizState", client.SessionId)).RootElement;

    private static JsonElement Data(ClassroomEvent e) => ClassroomKit.DataOf(e);

    private static string ChoiceId(JsonElement question, string text) =>
        question.GetProperty("choices").EnumerateArray().Single(c => c.GetProperty("text").GetString() == text).GetProperty("id").GetString()!;

    [Fact]
    public async Task A_student_cannot_run_the_quiz_answers_once_a_change_replaces_it_and_a_late_answer_is_refused()
    {
        var (course, bank) = await CourseWithBankAsync();
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        await using var phone = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId, messagePack: true);
        await using var laptop = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId);
        await phone.JoinAsync();
        await laptop.JoinAsync();

        var vertex = IdOf(bank, "Đỉnh parabol");
        var attempts = new (string Method, object?[] Args)[]
        {
            ("LaunchQuizQuestion", [vertex, 20, true]), ("CloseQuizQuestion", []), ("RevealQuizResults", []), ("ShowQuizLeaderboard", []), ("ClearQuiz", []),
        };
        foreach (var (method, args) in attempts)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => phone.Command(method, args));
            Assert.EndsWith(ClassroomErrors.Forbidden, error.Message);
        }
        var essay = await Assert.ThrowsAsync<HubException>(() => teacher.Command("LaunchQuizQuestion", IdOf(bank, "Bài luận"), null, false));
        Assert.EndsWith(LiveQuizErrors.NotGradable, essay.Message);

        var launch = await teacher.Command("LaunchQuizQuestion", vertex, 60, true);
        var launchId = Guid.Parse(launch.Value!);
        await phone.WaitForAsync(e => e.Any(x => x.Type == "quiz.launched"), "the question on the phone");
        var question = Data(phone.Received.Single(x => x.Type == "quiz.launched")).GetProperty("question");
        Assert.Contains("parabol", question.GetProperty("stem").GetString());
        Assert.DoesNotContain("fraction", phone.Received.Single(x => x.Type == "quiz.launched").Data);
        var right = JsonSerializer.Serialize(new { choice = ChoiceId(question, "2") });
        var wrong = JsonSerializer.Serialize(new { choice = ChoiceId(question, "4") });

        // The phone answers wrong, then changes its mind; the retry of a command (same id) is applied once.
        await phone.Connection.InvokeAsync<CommandResult>("AnswerQuiz", course.SessionId, Guid.NewGuid().ToString("N"), launchId, wrong);
        var commandId = Guid.NewGuid().ToString("N");
        var once = await phone.Connection.InvokeAsync<CommandResult>("AnswerQuiz", course.SessionId, commandId, launchId, right);
        var twice = await phone.Connection.InvokeAsync<CommandResult>("AnswerQuiz", course.SessionId, commandId, launchId, right);
        Assert.Equal(once, twice);
        await laptop.Command("AnswerQuiz", launchId, wrong);
        var teacherAnswer = await Assert.ThrowsAsync<HubException>(() => teacher.Command("AnswerQuiz", launchId, right));
        Assert.EndsWith(ClassroomErrors.Forbidden, teacherAnswer.Message);
        await teacher.WaitForAsync(e => e.Any(x => x.Type == "quiz.tally" && Data(x).GetProperty("answered").GetInt32() == 2), "the tally of two answers");
        Assert.DoesNotContain(phone.Received, e => e.Type == "quiz.tally");
        // The teacher sees how the class is answering while the question is open: one on "2" (right), one on "4".
        var tally = Data(teacher.Received.Last(x => x.Type == "quiz.tally")).GetProperty("distribution").EnumerateArray()
            .ToDictionary(b => b.GetProperty("label").GetString()!, b => (b.GetProperty("count").GetInt32(), b.GetProperty("right").GetBoolean()));
        Assert.Equal((1, true), tally["2"]);
        Assert.Equal((1, false), tally["4"]);
        Assert.Equal(2, tally.Values.Sum(v => v.Item1));
        var teacherState = await StateAsync(teacher);
        Assert.Equal(2, teacherState.GetProperty("question").GetProperty("distribution").EnumerateArray().Sum(b => b.GetProperty("count").GetInt32()));
        Assert.Equal(JsonValueKind.Null, (await StateAsync(phone)).GetProperty("question").GetProperty("distribution").ValueKind);

        await teacher.Command("CloseQuizQuestion");
        var late = await Assert.ThrowsAsync<HubException>(() => laptop.Command("AnswerQuiz", launchId, right));
        Assert.EndsWith(LiveQuizErrors.Closed, late.Message);
        await teacher.Command("RevealQuizResults");
        await phone.WaitForAsync(e => e.Any(x => x.Type == "quiz.results"), "the results on the phone");
        var results = Data(phone.Received.Single(x => x.Type == "quiz.results"));
        Assert.Equal(2, results.GetProperty("answered").GetInt32());
        Assert.Equal(1, results.GetProperty("correct").GetInt32());
        var mine = (await StateAsync(phone)).GetProperty("mine");
        Assert.True(mine.GetProperty("correct").GetBoolean());
        Assert.InRange(mine.GetProperty("points").GetInt32(), 500, 1000);
        Assert.False((await StateAsync(laptop)).GetProperty("mine").GetProperty("correct").GetBoolean());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_phone_that_drops_and_reconnects_with_its_last_number_is_replayed_the_quiz_it_missed_and_answers(bool messagePack)
    {
        var (course, bank) = await CourseWithBankAsync();
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        await teacher.Command("Start");
        var dropping = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId, messagePack);
        await using var staying = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId, !messagePack);
        await dropping.JoinAsync();
        await staying.JoinAsync();
        var marker = (await teacher.Command("SendChat", "Chuẩn bị trắc nghiệm")).Seq;
        await dropping.WaitForAsync(e => e.Any(x => x.Seq == marker), "the marker");
        var lastSeen = dropping.LastSeq;
        await dropping.Connection.StopAsync();
        await dropping.DisposeAsync();

        // While the phone is away: a question is launched, answered, closed with results; the next one is launched.
        var first = Guid.Parse((await teacher.Command("LaunchQuizQuestion", IdOf(bank, "Đồng biến"), null, false)).Value!);
        await staying.Command("AnswerQuiz", first, "{\"value\":true}");
        await teacher.Command("RevealQuizResults");
        var second = Guid.Parse((await teacher.Command("LaunchQuizQuestion", IdOf(bank, "Giá trị"), 90, true)).Value!);
        await staying.WaitForAsync(e => e.Any(x => x.Type == "quiz.launched" && Data(x).GetProperty("launchId").GetGuid() == second), "the second question");

        await using var back = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId, messagePack);
        var rejoined = await back.JoinAsync(lastSeen);
        Assert.Null(rejoined.Snapshot);
        var missed = rejoined.Events.Where(e => e.Type.StartsWith("quiz.")).ToList();
        Assert.Equal(["quiz.launched", "quiz.closed", "quiz.results", "quiz.launched"], missed.Select(e => e.Type));
        var reference = staying.Received.Where(e => e.Type.StartsWith("quiz.") && e.Seq > lastSeen).ToList();
        Assert.Equal(reference.Select(e => (e.Seq, e.Type, e.Data)), missed.Select(e => (e.Seq, e.Type, e.Data)));
        // The state asked for after joining agrees with the last quiz event replayed.
        var state = await StateAsync(back);
        Assert.Equal(missed[^1].Seq, state.GetProperty("seq").GetInt64());
        Assert.Equal(second, state.GetProperty("question").GetProperty("launch").GetProperty("launchId").GetGuid());
        Assert.False(state.GetProperty("question").GetProperty("closed").GetBoolean());

        // Back in the room, the phone answers the open question (numerical, a decimal comma is read as a point).
        await back.Command("AnswerQuiz", second, "{\"text\":\"5,0\"}");
        await teacher.Command("ShowQuizLeaderboard");
        await back.WaitForAsync(e => e.Any(x => x.Type == "quiz.leaderboard"), "the leaderboard");
        var top = Data(back.Received.Single(x => x.Type == "quiz.leaderboard")).GetProperty("top").EnumerateArray().ToList();
        // Hà answered the first question right (1000, no time limit); An only the second, timed, with the speed bonus.
        var ha = top.Single(t => t.GetProperty("name").GetString() == "Phạm Thu Hà");
        var an = top.Single(t => t.GetProperty("name").GetString() == "Lê Hoàng An");
        Assert.Equal(1000, ha.GetProperty("points").GetInt32());
        Assert.InRange(an.GetProperty("points").GetInt32(), 500, 1000);
        Assert.Equal((1, 1), (an.GetProperty("correct").GetInt32(), an.GetProperty("answered").GetInt32()));
    }

    [Fact]
    public async Task After_the_class_the_records_keep_each_question_every_answer_and_the_leaderboard_for_teachers_only()
    {
        var (course, bank) = await CourseWithBankAsync();
        await using var teacher = await ClassroomKit.ConnectAsync(server, LmsServer.Teacher, course.SessionId);
        await teacher.JoinAsync();
        var runId = Guid.Parse((await teacher.Command("Start")).Value!);
        await using var a = await ClassroomKit.ConnectAsync(server, LmsServer.Student1, course.SessionId);
        await using var b = await ClassroomKit.ConnectAsync(server, LmsServer.Student2, course.SessionId, messagePack: true);
        await a.JoinAsync();
        await b.JoinAsync();

        var nameId = IdOf(bank, "Tên gọi");
        var first = Guid.Parse((await teacher.Command("LaunchQuizQuestion", nameId, null, false)).Value!);
        await a.Command("AnswerQuiz", first, "{\"text\":\"  Parabol \"}");
        // A formula typed as an answer stays text in the CSV.
        await b.Command("AnswerQuiz", first, "{\"text\":\"=HYPERLINK(\\\"http://x.invalid\\\")\"}");
        await teacher.Command("RevealQuizResults");
        var match = Guid.Parse((await teacher.Command("LaunchQuizQuestion", IdOf(bank, "Ghép"), null, false)).Value!);
        await b.Command("AnswerQuiz", match, JsonSerializer.Serialize(new { pairs = new Dictionary<string, string> { ["p1"] = "hệ số bậc hai", ["p2"] = "hệ số tự do", ["p3"] = "hệ số tự do" } }));
        await teacher.Command("ShowQuizLeaderboard");

        // The teacher corrects a question after launching it: the records keep the version the class saw.
        var detail = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/questions/{nameId}"));
        var content = JsonSerializer.Deserialize<Dictionary<string, object?>>(detail.GetProperty("content").GetRawText())!;
        content["stem"] = "Đường cong là đồ thị hàm bậc hai tên là gì?";
        var summary = detail.GetProperty("summary");
        await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.PutAsJsonAsync($"/api/questions/{nameId}", new
        {
            title = summary.GetProperty("title").GetString(), subject = (string?)null, level = (string?)null,
            tags = summary.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ToList(), difficulty = 3, shared = false, content,
        }));
        await teacher.Command("End");

        var runs = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs"));
        Assert.Equal(2, runs.EnumerateArray().Single(r => r.GetProperty("id").GetGuid() == runId).GetProperty("quizQuestions").GetInt32());
        var record = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/quiz"));
        var questions = record.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal([1, 2], questions.Select(q => q.GetProperty("position").GetInt32()));
        Assert.Equal(1, questions[0].GetProperty("version").GetInt32());
        Assert.Contains("được gọi là đường gì", questions[0].GetProperty("stem").GetString());
        var answers = questions[0].GetProperty("answers").EnumerateArray().ToList();
        Assert.Equal(("Lê Hoàng An", "Parabol", true, 1000), (answers[0].GetProperty("displayName").GetString(), answers[0].GetProperty("answer").GetString(),
            answers[0].GetProperty("correct").GetBoolean(), answers[0].GetProperty("points").GetInt32()));
        Assert.False(answers[1].GetProperty("correct").GetBoolean());
        Assert.True(answers.All(x => x.GetProperty("timeMs").GetInt32() >= 0));
        Assert.NotEqual(JsonValueKind.Null, questions[1].GetProperty("closedAt").ValueKind);
        var partial = questions[1].GetProperty("answers")[0];
        Assert.Equal((Math.Round(2 / 3.0, 6), 667), (Math.Round(partial.GetProperty("fraction").GetDouble(), 6), partial.GetProperty("points").GetInt32()));
        Assert.Contains("→ hệ số bậc hai", partial.GetProperty("answer").GetString());
        var board = record.GetProperty("leaderboard").EnumerateArray().ToList();
        Assert.Equal([("Lê Hoàng An", 1000, 1), ("Phạm Thu Hà", 667, 2)],
            board.Select(s => (s.GetProperty("displayName").GetString(), s.GetProperty("points").GetInt32(), s.GetProperty("rank").GetInt32())));

        var csv = await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/quiz.csv?tz=Asia/Ho_Chi_Minh");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("question,title,student,answer,correct,score_percent,points,seconds,answered_at,total_points,rank", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("1,Tên gọi,Lê Hoàng An,Parabol,yes,100,1000,") && l.Contains("+07:00,1000,1"));
        Assert.Contains(lines, l => l.StartsWith("1,Tên gọi,Phạm Thu Hà,\"'=HYPERLINK(\"\"http://x.invalid\"\")\",no,0,0,"));

        // Students read neither the records nor the bank; another school's teacher does not find the session.
        var student = await server.SignedInAsync(LmsServer.Student1);
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/runs/{runId}/quiz"),
            HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/quiz/bank"),
            HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await student.GetAsync($"/api/classroom/sessions/{course.SessionId}/quiz/bank/{nameId}"),
            HttpStatusCode.Forbidden, "forbidden");
        var preview = await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync($"/api/classroom/sessions/{course.SessionId}/quiz/bank/{IdOf(bank, "Đỉnh parabol")}"));
        Assert.Equal("2", preview.GetProperty("rightAnswer").GetString());
        Assert.True(preview.GetProperty("gradable").GetBoolean());
        Assert.False((await ProblemAssert.OkAsync<JsonElement>(await course.Teacher.GetAsync(
            $"/api/classroom/sessions/{course.SessionId}/quiz/bank/{IdOf(bank, "Bài luận")}"))).GetProperty("gradable").GetBoolean());
    }
}
