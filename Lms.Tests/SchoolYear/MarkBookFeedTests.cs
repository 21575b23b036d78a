using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Grains.Assessment;
using Lms.Grains.Courses;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

public sealed class MarkBookFeedTestsOnSqlite(SqliteLmsServer server) : MarkBookFeedTests(server), IClassFixture<SqliteLmsServer>;

public sealed class MarkBookFeedTestsOnPostgres(PostgresLmsServer server) : MarkBookFeedTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>The conversion rule of a quiz's percentage to a mark book score: one decimal, half away from zero.</summary>
public sealed class MarkBookFeedRuleTests
{
    [Theory]
    [InlineData(75.0, 75)]
    [InlineData(87.5, 88)] // 8.75 → 8.8: half away from zero, as the Circular's averages round
    [InlineData(84.94, 85)]
    [InlineData(84.44, 84)]
    [InlineData(66.67, 67)] // two thirds of the questions right → 6.7
    [InlineData(0.0, 0)]
    [InlineData(100.0, 100)]
    public void A_percentage_becomes_tenths_of_a_score_out_of_ten(double percent, int tenths) =>
        Assert.Equal(tenths, MarkBookFeed.TenthsOf(percent));
}

/// <summary>
/// A quiz of the class's course feeding a regular (ĐĐGtx) column: the maths teacher of 10A1 links the quiz of the
/// course given to 10A1; students who took it get their grade as a score out of 10, the others wait; a cell the teacher
/// types over is kept on the next refresh; only the subject's teacher links, only a quiz of the class's course, only a
/// regular column; the principal's term lock stops the feed.
/// </summary>
public abstract class MarkBookFeedTests(LmsServer server)
{
    private static string SheetUrl(SchoolDayWorld w) => $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/{w.Maths}/terms/{w.Term1Id}";

    private static string FeedUrl(SchoolDayWorld w, string column) => $"{SheetUrl(w)}/feeds/{column}";

    private static async Task<Dictionary<Guid, string?>> ColumnAsync(HttpClient who, SchoolDayWorld w, string column) =>
        (await ProblemAssert.OkAsync<JsonElement>(await who.GetAsync(SheetUrl(w)))).GetProperty("students").EnumerateArray().ToDictionary(
            s => s.GetProperty("studentId").GetGuid(),
            s => s.GetProperty("cells").TryGetProperty(column, out var cell) ? cell.GetString() : null);

    private static (int Filled, int Kept, int Waiting) Outcome(JsonElement outcome) =>
        (outcome.GetProperty("filled").GetInt32(), outcome.GetProperty("kept").GetInt32(), outcome.GetProperty("waiting").GetInt32());

    /// <summary>A course of the maths teacher given to <paramref name="className"/> (An and Bình enrolled) with a quiz of four one-point questions.</summary>
    private async Task<Guid> QuizAsync(SchoolDayWorld w, string className, string title)
    {
        var courses = server.Get<CourseRepository>();
        var course = await courses.CreateAsync(w.SchoolId, $"Toán {className}", null, CourseKinds.Blended, w.MathsTeacherId);
        var module = await courses.AddModuleAsync(course, "Chương 1");
        await courses.EnrolAsync(course, [w.An, w.Binh]);
        await courses.SetStatusAsync(course, CourseStatuses.Published);
        await server.Get<ClassRepository>().LinkCourseAsync(w.SchoolId, className, course);
        var drafts = Enumerable.Range(1, 4).Select(i => new QuestionDraft(new QuestionMeta { Title = $"Câu {i}" }, QuestionRules.Normalise(new QuestionContent
        {
            Type = QuestionTypes.Single, Stem = $"{i} + {i} = ?",
            Choices = [new Choice { Text = $"{2 * i}", Fraction = 1 }, new Choice { Text = $"{2 * i + 1}" }, new Choice { Text = $"{i}" }],
        }))).ToList();
        var ids = await server.Get<QuestionRepository>().CreateManyAsync(w.SchoolId, w.MathsTeacherId, drafts);
        var quiz = await server.Get<QuizRepository>().CreateAsync(course, module.Id, title,
            new QuizSettings { ShuffleQuestions = false, ShuffleOptions = false, AttemptsAllowed = 0 },
            new QuizDefinition { Sections = [new QuizSection { Items = ids.Select(id => new QuizSlotSpec { QuestionId = id }).ToList() }] });
        return quiz!.Value.QuizId;
    }

    /// <summary>The student takes the quiz through the API, answering the first <paramref name="right"/> questions right.</summary>
    private static async Task TakeAsync(HttpClient student, Guid quizId, int right)
    {
        var attempt = await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/quizzes/{quizId}/attempts", new { deviceId = "phone" }));
        var id = attempt.GetProperty("id").GetString();
        var answers = attempt.GetProperty("questions").EnumerateArray().Select((q, i) =>
        {
            // Question n offers 2n (right), 2n + 1 and n: the right one is the largest even number, 2n + 1 the largest odd one.
            var choices = q.GetProperty("choices").EnumerateArray().Select(c => (Id: c.GetProperty("id").GetString(), N: int.Parse(c.GetProperty("text").GetString()!))).ToList();
            var choice = choices.Where(c => c.N % 2 == (i < right ? 0 : 1)).MaxBy(c => c.N).Id;
            return new { answerId = Guid.NewGuid(), slot = q.GetProperty("slot").GetInt32(), clientTime = DateTimeOffset.UtcNow, response = new { choice } };
        }).ToArray();
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsJsonAsync($"/api/attempts/{id}/answers", new { deviceId = "phone", answers }));
        await ProblemAssert.OkAsync<JsonElement>(await student.PostAsync($"/api/attempts/{id}/submit", null));
    }

    [Fact]
    public async Task The_quiz_fills_the_regular_column_and_a_score_the_teacher_types_over_it_is_kept()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var quiz = await QuizAsync(w, "10A1", "Kiểm tra 15 phút");
        var binh = await server.SignedInAsync(w.Email("binh"));
        await TakeAsync(w.AnHimself, quiz, right: 3);

        var feeds = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync($"{SheetUrl(w)}/feeds"));
        Assert.Equal([(quiz, "Kiểm tra 15 phút")], feeds.GetProperty("sources").EnumerateArray()
            .Select(s => (s.GetProperty("quizId").GetGuid(), s.GetProperty("title").GetString()!)).ToList());

        // Linked: An's 3 of 4 (75 %) is 7.5; Bình has not taken it and waits.
        Assert.Equal((1, 0, 1), Outcome(await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(FeedUrl(w, "tx2"), new { quizId = quiz }))));
        var column = await ColumnAsync(w.MathsTeacher, w, "tx2");
        Assert.Equal(("7.5", null), (column[w.An], column[w.Binh]));
        feeds = await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync($"{SheetUrl(w)}/feeds"));
        Assert.Equal([("tx2", quiz)], feeds.GetProperty("feeds").EnumerateArray()
            .Select(f => (f.GetProperty("columnKey").GetString()!, f.GetProperty("quizId").GetGuid())).ToList());

        // The teacher types over An's cell; An then does better (highest attempt counts: 10) and Bình takes it (2 of 4: 5).
        await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync($"{SheetUrl(w)}/students/{w.An}/tx2",
            new { score = 9m, rating = (string?)null, reason = (string?)null }));
        await TakeAsync(w.AnHimself, quiz, right: 4);
        await TakeAsync(binh, quiz, right: 2);
        Assert.Equal((1, 1, 0), Outcome(await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PostAsync($"{FeedUrl(w, "tx2")}/refresh", null))));
        column = await ColumnAsync(w.MathsTeacher, w, "tx2");
        Assert.Equal(("9", "5"), (column[w.An], column[w.Binh]));

        // Refreshing again changes nothing; a cell the feed wrote follows the quiz, one the teacher wrote stays.
        Assert.Equal((0, 1, 0), Outcome(await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PostAsync($"{FeedUrl(w, "tx2")}/refresh", null))));

        // Unlinked: the scores stay, refreshing has nothing to refresh.
        Assert.Equal(HttpStatusCode.NoContent, (await w.MathsTeacher.DeleteAsync(FeedUrl(w, "tx2"))).StatusCode);
        await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PostAsync($"{FeedUrl(w, "tx2")}/refresh", null), HttpStatusCode.NotFound, "not-found");
        Assert.Equal(("9", "5"), ((await ColumnAsync(w.Admin, w, "tx2"))[w.An], (await ColumnAsync(w.Admin, w, "tx2"))[w.Binh]));
    }

    [Fact]
    public async Task Only_the_subject_teacher_feeds_a_regular_column_from_a_quiz_of_the_class_course()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var quiz = await QuizAsync(w, "10A1", "Kiểm tra 15 phút");
        var otherClass = await QuizAsync(w, "10A2", "Kiểm tra của 10A2");

        // The homeroom teacher reads the sheet but does not enter maths marks; an admin neither; a parent is not staff.
        var homeroom = await ProblemAssert.IsProblemAsync(await w.Homeroom.PutAsJsonAsync(FeedUrl(w, "tx1"), new { quizId = quiz }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("not-your-subject", homeroom.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await w.Admin.PutAsJsonAsync(FeedUrl(w, "tx1"), new { quizId = quiz }), HttpStatusCode.Forbidden, "forbidden");
        Assert.False((await w.AnParent.PutAsJsonAsync(FeedUrl(w, "tx1"), new { quizId = quiz })).IsSuccessStatusCode);

        var notRegular = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync(FeedUrl(w, "gk"), new { quizId = quiz }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("not-regular-column", notRegular.GetProperty("code").GetString());
        var elsewhere = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync(FeedUrl(w, "tx1"), new { quizId = otherClass }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("quiz-not-of-class", elsewhere.GetProperty("code").GetString());
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.GetAsync($"{SheetUrl(w)}/feeds"))).GetProperty("feeds").EnumerateArray());
    }

    [Fact]
    public async Task The_principals_term_lock_stops_the_feed_like_manual_entry()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var quiz = await QuizAsync(w, "10A1", "Kiểm tra 15 phút");
        Assert.Equal((0, 0, 2), Outcome(await ProblemAssert.OkAsync<JsonElement>(await w.MathsTeacher.PutAsJsonAsync(FeedUrl(w, "tx1"), new { quizId = quiz }))));
        await ProblemAssert.OkAsync<JsonElement>(await w.Admin.PostAsJsonAsync($"/api/school-years/{w.YearId}/terms/{w.Term1Id}/lock", new { classId = w.Class10A1 }));
        await TakeAsync(w.AnHimself, quiz, right: 4);

        var refused = await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PostAsync($"{FeedUrl(w, "tx1")}/refresh", null), HttpStatusCode.Conflict, "conflict");
        Assert.Equal("term-locked", refused.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await w.MathsTeacher.PutAsJsonAsync(FeedUrl(w, "tx2"), new { quizId = quiz }), HttpStatusCode.Conflict, "conflict");
        Assert.Null((await ColumnAsync(w.MathsTeacher, w, "tx1"))[w.An]);
        Assert.Empty((await ProblemAssert.OkAsync<JsonElement>(await w.Homeroom.GetAsync(
            $"/api/school-years/{w.YearId}/classes/{w.Class10A1}/mark-book/changes"))).EnumerateArray());
    }
}
