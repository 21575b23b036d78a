using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CsCheck;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Assessment;

public sealed class AnswerOrderTestsOnSqlite(SqliteLmsServer server) : AnswerOrderTests(server), IClassFixture<SqliteLmsServer>;

public sealed class AnswerOrderTestsOnPostgres(PostgresLmsServer server) : AnswerOrderTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// Issue 16: an attempt's answers mean the same after a reload (the last answer the student gave wins
/// everywhere), a reused answer id with other content is refused, and skewed phone clocks raise no false alarm.
/// Over real HTTP against the real server on SQLite and PostgreSQL; "reload" deactivates every grain.
/// </summary>
public abstract class AnswerOrderTests(LmsServer server)
{
    private sealed record Quiz(HttpClient Teacher, string CourseId, string QuizId);

    private async Task<Quiz> QuizAsync(object settings)
    {
        var (teacher, courseId, quizId, _) = await AssessmentApiTests.CourseWithQuizAsync(server, settings);
        return new Quiz(teacher, courseId, quizId);
    }

    private static async Task<JsonElement> StartAsync(HttpClient student, string quizId, DateTimeOffset? clientNow = null) =>
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone", clientNow }));

    private async Task ReloadAsync() =>
        await server.Get<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    private static JsonElement Question(JsonElement attempt, string type) =>
        attempt.GetProperty("questions").EnumerateArray().First(q => q.GetProperty("type").GetString() == type);

    private static string Choice(JsonElement question, int index) => question.GetProperty("choices")[index].GetProperty("id").GetString()!;

    private static string? Shown(JsonElement attempt, int slot) =>
        attempt.GetProperty("responses").TryGetProperty(slot.ToString(), out var r) ? r.GetRawText() : null;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient student, string attemptId, object body) =>
        await student.PostAsJsonAsync($"/api/attempts/{attemptId}/answers", body);

    [Fact]
    public async Task Two_answers_to_one_question_in_one_request_keep_the_later_before_and_after_a_reload_and_it_is_graded()
    {
        var quiz = await QuizAsync(new { timeLimitSeconds = 600, reviewScores = "immediately" });
        var student = await server.SignedInAsync(LmsServer.Student1);
        var attempt = await StartAsync(student, quiz.QuizId);
        var attemptId = attempt.GetProperty("id").GetString()!;
        var single = Question(attempt, "single");
        var slot = single.GetProperty("slot").GetInt32();
        var right = (JsonElement)JsonSerializer.SerializeToElement(AssessmentApiTests.RightAnswer(single));
        var wrong = single.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("id").GetString()).First(id => id != right.GetProperty("choice").GetString());
        // The ids of the issue: the first sorts last, so ordering by id would bring back the first answer.
        await ProblemAssert.OkAsync<JsonElement>(await PostAsync(student, attemptId, new
        {
            deviceId = "phone",
            answers = new object[]
            {
                new { answerId = Guid.Parse("ffffffff-ffff-ffff-ffff-000000000001"), slot, response = new { choice = wrong }, clientTime = (DateTimeOffset?)null },
                new { answerId = Guid.Parse("00000000-0000-0000-0000-000000000002"), slot, response = right, clientTime = (DateTimeOffset?)null },
            },
        }));
        var expected = JsonSerializer.Serialize(new { choice = right.GetProperty("choice").GetString() });

        Assert.Equal(expected, Shown(await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/attempts/{attemptId}")), slot));
        await ReloadAsync();
        Assert.Equal(expected, Shown(await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/attempts/{attemptId}")), slot));

        var review = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        var graded = review.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("question").GetProperty("slot").GetInt32() == slot);
        Assert.Equal(1, graded.GetProperty("score").GetDouble());
        // Nothing for the teacher to regrade: the attempt was graded on the last answer.
        var changes = await ProblemAssert.OkAsync<JsonElement>(await quiz.Teacher.GetAsync($"/api/quizzes/{quiz.QuizId}/answer-order"));
        Assert.DoesNotContain(changes.EnumerateArray(), c => c.GetProperty("attemptId").GetString() == attemptId);
    }

    [Fact]
    public async Task A_reused_answer_id_with_other_content_is_refused_and_with_the_same_content_is_accepted_again()
    {
        var quiz = await QuizAsync(new { timeLimitSeconds = 600 });
        var student = await server.SignedInAsync(LmsServer.Student2);
        var attempt = await StartAsync(student, quiz.QuizId);
        var attemptId = attempt.GetProperty("id").GetString()!;
        var slot = Question(attempt, "short").GetProperty("slot").GetInt32();
        var id = Guid.NewGuid();
        object Body(string text) => new { deviceId = "phone", answers = new[] { new { answerId = id, slot, response = new { text }, clientTime = DateTimeOffset.UtcNow } } };

        await ProblemAssert.OkAsync<JsonElement>(await PostAsync(student, attemptId, Body("Parabol")));
        var again = await ProblemAssert.OkAsync<JsonElement>(await PostAsync(student, attemptId, Body("Parabol")));
        Assert.Equal(id, again.GetProperty("accepted")[0].GetGuid());
        var refused = await ProblemAssert.IsProblemAsync(await PostAsync(student, attemptId, Body("Hyperbol")), HttpStatusCode.Conflict, "answer-refused");
        Assert.Equal("answer-id-reused", refused.GetProperty("code").GetString());

        // After a reload too (the grain learns the stored content again).
        await ReloadAsync();
        var afterReload = await ProblemAssert.IsProblemAsync(await PostAsync(student, attemptId, Body("Hyperbol")), HttpStatusCode.Conflict, "answer-refused");
        Assert.Equal("answer-id-reused", afterReload.GetProperty("code").GetString());
        await ProblemAssert.OkAsync<JsonElement>(await PostAsync(student, attemptId, Body("Parabol")));
        Assert.Equal("{\"text\":\"Parabol\"}", Shown(await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/attempts/{attemptId}")), slot));
    }

    [Fact]
    public async Task Phones_with_skewed_clocks_raise_no_alarm_online_and_a_phone_offline_for_a_minute_raises_exactly_one()
    {
        var quiz = await QuizAsync(new { timeLimitSeconds = 600 });
        var another = await QuizAsync(new { timeLimitSeconds = 600 });
        async Task<(string AttemptId, IReadOnlyList<string> Kinds)> TakeAsync(Quiz quiz, string login, TimeSpan skew, bool offlineForAMinute)
        {
            var student = await server.SignedInAsync(login);
            var attempt = await StartAsync(student, quiz.QuizId, DateTimeOffset.UtcNow + skew);
            var attemptId = attempt.GetProperty("id").GetString()!;
            var slots = attempt.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("slot").GetInt32()).Take(4).ToList();
            foreach (var slot in slots)
            {
                var phoneNow = DateTimeOffset.UtcNow + skew;
                var result = await ProblemAssert.OkAsync<JsonElement>(await PostAsync(student, attemptId, new
                {
                    deviceId = "phone", clientNow = phoneNow, queued = false,
                    answers = new[] { new { answerId = Guid.NewGuid(), slot, response = new { text = "x" }, clientTime = phoneNow } },
                }));
                Assert.Equal(0, result.GetProperty("refused").GetArrayLength());
            }
            if (offlineForAMinute)
            {
                // The queue held two changed answers for about a minute, by the phone's own count.
                var phoneNow = DateTimeOffset.UtcNow + skew;
                await ProblemAssert.OkAsync<JsonElement>(await PostAsync(student, attemptId, new
                {
                    deviceId = "phone", clientNow = phoneNow, queued = true, heldMs = 61_000,
                    answers = slots.Take(2).Select((slot, i) => new { answerId = Guid.NewGuid(), slot, response = new { text = "y" }, clientTime = phoneNow.AddSeconds(-61 + i) }).ToArray(),
                }));
            }
            var timeline = await ProblemAssert.OkAsync<JsonElement>(await quiz.Teacher.GetAsync($"/api/attempts/{attemptId}/timeline"));
            return (attemptId, timeline.EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToList());
        }

        var slow = await TakeAsync(quiz, LmsServer.Student1, TimeSpan.FromMinutes(-5), offlineForAMinute: false);
        var fast = await TakeAsync(quiz, LmsServer.Student2, TimeSpan.FromMinutes(3), offlineForAMinute: false);
        var offline = await TakeAsync(another, LmsServer.Student1, TimeSpan.FromMinutes(3), offlineForAMinute: true);

        string[] alarms = ["offline-answers-synced", "late-answers-refused", "second-device"];
        Assert.DoesNotContain(slow.Kinds, alarms.Contains);
        Assert.DoesNotContain(fast.Kinds, alarms.Contains);
        Assert.Single(offline.Kinds, k => k == "offline-answers-synced");
        Assert.DoesNotContain(offline.Kinds, k => k is "late-answers-refused" or "second-device");
    }

    [Fact]
    public async Task Attempts_stored_before_the_sequence_are_listed_when_the_new_rule_changes_them_and_the_teacher_regrades_them()
    {
        var quiz = await QuizAsync(new { attemptsAllowed = 0 });
        var student = await server.SignedInAsync(LmsServer.Student1);
        var repo = server.Get<Lms.Grains.Assessment.AttemptRepository>();
        var expectedChanged = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var attempt = await StartAsync(student, quiz.QuizId);
            var attemptId = attempt.GetProperty("id").GetString()!;
            var slot = Question(attempt, "short").GetProperty("slot").GetInt32();
            // As the old server stored them: one time for both versions (a phone ahead of the server, capped at receipt),
            // no sequence; the phone's own clock still says which came last. Half without client times (nothing tells).
            var at = Lms.Grains.Assessment.AnswerOrder.Truncate(DateTimeOffset.UtcNow);
            var withClock = i % 2 == 0;
            Lms.Grains.Assessment.AnswerRow Row(string text, int second) => new()
            {
                AttemptId = Guid.Parse(attemptId), AnswerId = Guid.NewGuid(), Slot = slot, Response = JsonSerializer.Serialize(new { text }),
                ClientTime = withClock ? at.AddMinutes(3).AddSeconds(second) : null, EffectiveAt = at, ReceivedAt = at, DeviceId = "old-phone",
            };
            var first = Row("Hyperbol", 0);
            var lastGiven = Row("Parabol", 1);
            await repo.InsertAnswersAsync([first, lastGiven]);
            if (withClock && first.AnswerId.CompareTo(lastGiven.AnswerId) > 0) expectedChanged.Add(attemptId);
            await ReloadAsync(); // the grain reads the rows as stored
            await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
        }

        var changes = (await ProblemAssert.OkAsync<JsonElement>(await quiz.Teacher.GetAsync($"/api/quizzes/{quiz.QuizId}/answer-order"))).EnumerateArray().ToList();
        Assert.Equal(expectedChanged.Order(), changes.Select(c => c.GetProperty("attemptId").GetString()!).Order());
        Assert.All(changes, c => Assert.Equal("{\"text\":\"Parabol\"}", c.GetProperty("slots")[0].GetProperty("after").GetString()));
        var audit = await server.Get<Lms.Grains.Assessment.AnswerOrderAudit>().ForQuizAsync(Guid.Parse(quiz.QuizId));
        // The figure the issue asks for, on this generated database (shown with --logger "console;verbosity=detailed").
        TestContext.Current.TestOutputHelper?.WriteLine($"answer order: {audit.Count} of 12 attempts with tied answers stored before the sequence change under the new rule");

        var regraded = await ProblemAssert.OkAsync<JsonElement>(await quiz.Teacher.PostAsJsonAsync($"/api/quizzes/{quiz.QuizId}/answer-order/regrade", new { }));
        Assert.Equal(expectedChanged.Count, regraded.GetProperty("attempts").GetInt32());
        // Regraded: no longer listed.
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await quiz.Teacher.GetAsync($"/api/quizzes/{quiz.QuizId}/answer-order"))).EnumerateArray());
        var denied = await server.SignedInAsync(LmsServer.Student2);
        await ProblemAssert.IsProblemAsync(await denied.GetAsync($"/api/quizzes/{quiz.QuizId}/answer-order"), HttpStatusCode.Forbidden, "forbidden");
    }

    /// <summary>One step of a student's session, chosen by the generator.</summary>
    private enum Step { Online, OnlineTies, Offline, Flush, Replay, Reload }

    [Fact]
    public async Task Whatever_the_batches_clocks_queues_and_reloads_the_last_answer_given_is_shown_graded_and_in_the_gradebook()
    {
        var quiz = await QuizAsync(new { attemptsAllowed = 0, gradingMethod = "last", reviewScores = "immediately" });
        var student = await server.SignedInAsync(LmsServer.Student2);
        var studentId = (await server.UserIdAsync(LmsServer.Student2)).ToString();
        var steps = Gen.Enum<Step>().Array[3, 10];
        var texts = new[] { "Parabol", "x", "y", "z" };
        var iteration = 0;
        await steps.SampleAsync(async plan =>
        {
            var random = new Random(++iteration);
            var attempt = await StartAsync(student, quiz.QuizId, DateTimeOffset.UtcNow);
            var attemptId = attempt.GetProperty("id").GetString()!;
            var slot = Question(attempt, "short").GetProperty("slot").GetInt32();
            // Three devices of the same student: one five minutes slow, one three minutes fast, one without client times.
            TimeSpan?[] skews = [TimeSpan.FromMinutes(-5), TimeSpan.FromMinutes(3), null];
            string? last = null;
            object? lastBatch = null;
            var queue = new List<(Guid Id, string Text, DateTimeOffset At, DateTimeOffset QueuedAt)>();
            DateTimeOffset? Clock(int device) => skews[device] is { } s ? DateTimeOffset.UtcNow + s : null;
            async Task SendAsync(object body)
            {
                var response = await PostAsync(student, attemptId, body);
                Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(response)).GetProperty("refused").EnumerateArray());
                lastBatch = body;
            }
            foreach (var step in plan)
            {
                var device = random.Next(skews.Length);
                switch (step)
                {
                    case Step.Online or Step.OnlineTies:
                        var given = Enumerable.Range(0, random.Next(1, 4)).Select(_ => texts[random.Next(texts.Length)]).ToList();
                        var at = Clock(device);
                        // Ties: the same client time for every answer of the batch, or none at all.
                        await SendAsync(new
                        {
                            deviceId = $"d{device}", clientNow = Clock(device), queued = false,
                            answers = given.Select(text => new { answerId = Guid.NewGuid(), slot, response = new { text }, clientTime = step == Step.OnlineTies ? null : at }).ToArray(),
                        });
                        last = given[^1];
                        break;
                    case Step.Offline:
                        // The slow phone, offline: answers wait in its queue with its own clock's time.
                        var text = texts[random.Next(texts.Length)];
                        queue.Add((Guid.NewGuid(), text, Clock(0)!.Value, DateTimeOffset.UtcNow));
                        last = text;
                        await Task.Delay(25); // what is given after it is given measurably later
                        break;
                    case Step.Flush when queue.Count > 0:
                        await SendAsync(new
                        {
                            deviceId = "d0", clientNow = Clock(0), queued = true, heldMs = (long)(DateTimeOffset.UtcNow - queue[0].QueuedAt).TotalMilliseconds,
                            answers = queue.Select(q => new { answerId = q.Id, slot, response = new { text = q.Text }, clientTime = (DateTimeOffset?)q.At }).ToArray(),
                        });
                        queue.Clear();
                        break;
                    case Step.Replay when lastBatch is not null:
                        await SendAsync(lastBatch);
                        break;
                    case Step.Reload:
                        await ReloadAsync();
                        break;
                }
            }
            if (queue.Count > 0)
                await SendAsync(new
                {
                    deviceId = "d0", clientNow = Clock(0), queued = true, heldMs = 1000L,
                    answers = queue.Select(q => new { answerId = q.Id, slot, response = new { text = q.Text }, clientTime = (DateTimeOffset?)q.At }).ToArray(),
                });
            var expected = last is null ? null : JsonSerializer.Serialize(new { text = last });

            Assert.Equal(expected, Shown(await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/attempts/{attemptId}")), slot));
            await ReloadAsync();
            Assert.Equal(expected, Shown(await ProblemAssert.OkAsync<JsonElement>(await student.GetAsync($"/api/attempts/{attemptId}")), slot));
            var review = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{attemptId}/submit", null));
            var graded = review.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("question").GetProperty("slot").GetInt32() == slot);
            Assert.Equal(expected, graded.GetProperty("response").ValueKind == JsonValueKind.Null ? null : graded.GetProperty("response").GetRawText());
            Assert.Equal(last == "Parabol" ? 1 : 0, graded.GetProperty("score").GetDouble());
            // The gradebook grades by the last attempt: this one's score.
            var book = await ProblemAssert.OkAsync<JsonElement>(await quiz.Teacher.GetAsync($"/api/courses/{quiz.CourseId}/gradebook"));
            var row = book.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("userId").GetString() == studentId);
            Assert.Equal(review.GetProperty("score").GetDouble(), row.GetProperty("cells")[0].GetProperty("score").GetDouble());
        }, iter: 12, threads: 1);
    }
}
