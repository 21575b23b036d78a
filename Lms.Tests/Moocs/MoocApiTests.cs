using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Moocs;

public sealed class MoocApiTestsOnSqlite(SqliteLmsServer server) : MoocApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class MoocApiTestsOnPostgres(PostgresLmsServer server) : MoocApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>MOOCs from the catalogue a stranger searches to the grade that passes them, against the real server.</summary>
public abstract class MoocApiTests(LmsServer server)
{
    private readonly MoocKit _kit = new(server);

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    private static async Task<(int Total, List<string> Titles)> SearchAsync(HttpClient client, string query)
    {
        var page = await ProblemAssert.OkAsync<JsonElement>(await client.GetAsync("/api/catalogue?" + query));
        return (page.GetProperty("total").GetInt32(),
            page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList());
    }

    [Fact]
    public async Task Strangers_find_published_moocs_by_words_and_filters_and_never_see_unpublished_ones()
    {
        var u = Unique();
        var subject = $"Toán {u}";
        var calculus = await _kit.CreateAsync($"Giải tích ứng dụng {u}", subject: subject, level: "intermediate", credits: 3, ects: 6);
        await _kit.CreateAsync($"Đại số tuyến tính {u}", subject: subject);
        var secret = await _kit.CreateAsync($"Bí mật chưa công bố {u}", subject: $"Môn bí mật {u}", publish: false);
        var stranger = server.Client();

        Assert.Equal(2, (await SearchAsync(stranger, $"q={u}")).Total);
        // Without diacritics, in other case: Vietnamese folding on every database.
        Assert.Equal([$"Giải tích ứng dụng {u}"], (await SearchAsync(stranger, $"q=GIAI TICH {u}")).Titles);
        Assert.Equal(2, (await SearchAsync(stranger, $"subject={Uri.EscapeDataString(subject)}")).Total);
        Assert.Equal([$"Giải tích ứng dụng {u}"], (await SearchAsync(stranger, $"q={u}&level=intermediate")).Titles);
        Assert.Equal([$"Giải tích ứng dụng {u}"], (await SearchAsync(stranger, $"q={u}&credit=true")).Titles);
        Assert.Equal(0, (await SearchAsync(stranger, $"q={u}&language=en")).Total);
        Assert.Equal(2, (await SearchAsync(stranger, $"q={u}&institution={await _kit.UniversityIdAsync()}")).Total);
        Assert.Equal(0, (await SearchAsync(stranger, $"q={u}&institution={await _kit.UniversityIdAsync(MoocKit.OtherUniversityAdmin)}")).Total);
        var page = await ProblemAssert.OkAsync<JsonElement>(await stranger.GetAsync($"/api/catalogue?q={u}&take=1&skip=1"));
        Assert.Equal(1, page.GetProperty("items").GetArrayLength());
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        var card = (await ProblemAssert.OkAsync<JsonElement>(await stranger.GetAsync($"/api/catalogue?q=giai tich {u}"))).GetProperty("items")[0];
        Assert.Equal(3, card.GetProperty("credits").GetInt32());
        Assert.Equal(6m, card.GetProperty("ects").GetDecimal());

        // The unpublished one: not in search, not in the filters, not at its address, not on its page.
        Assert.Empty((await SearchAsync(stranger, $"q=bi mat {u}")).Titles);
        var facets = await ProblemAssert.OkAsync<JsonElement>(await stranger.GetAsync("/api/catalogue/facets"));
        Assert.DoesNotContain(facets.GetProperty("subjects").EnumerateArray(), f => f.GetProperty("value").GetString() == $"Môn bí mật {u}");
        Assert.Contains(facets.GetProperty("subjects").EnumerateArray(), f => f.GetProperty("value").GetString() == subject);
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/api/catalogue/{secret.Slug}"), HttpStatusCode.NotFound, "not-found");
        var secretPage = await stranger.GetAsync($"/catalogue/{secret.Slug}");
        Assert.Equal(HttpStatusCode.NotFound, secretPage.StatusCode);
        Assert.DoesNotContain("Bí mật chưa công bố", await secretPage.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync($"/api/moocs/runs/{secret.RunId}/sign-up",
            new { displayName = "Kẻ Tò Mò", email = $"tomo{u}@example.vn", password = "Hoc-vien-2026" }), HttpStatusCode.NotFound, "not-found");

        // Publishing shows it at once (the cache is dropped), unpublishing hides it again.
        Assert.Equal(HttpStatusCode.NoContent, (await secret.Teacher.PostAsync($"/api/courses/{secret.Id}/publish", null)).StatusCode);
        Assert.Single((await SearchAsync(stranger, $"q=bi mat {u}")).Titles);
        Assert.Equal(HttpStatusCode.NoContent, (await secret.Teacher.PostAsync($"/api/courses/{secret.Id}/unpublish", null)).StatusCode);
        Assert.Empty((await SearchAsync(stranger, $"q=bi mat {u}")).Titles);
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync($"/api/catalogue/{calculus.Slug}")).StatusCode);
    }

    [Fact]
    public async Task Catalogue_pages_are_server_rendered_with_title_description_and_open_graph()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Xác suất thống kê {u}", credits: 2);
        var stranger = server.Client();

        var response = await stranger.GetAsync($"/catalogue/{mooc.Slug}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<title>Xác suất thống kê {u} · Trường Đại học Sông Hồng (demo)</title>", html);
        Assert.Contains($"<meta property=\"og:title\" content=\"Xác suất thống kê {u}", html);
        Assert.Contains($"<meta name=\"description\" content=\"Tóm tắt của Xác suất thống kê {u}\"", html);
        Assert.Contains($"<meta property=\"og:url\" content=\"{server.BaseAddress.ToString().TrimEnd('/')}/catalogue/{mooc.Slug}\"", html);
        Assert.Contains("application/ld+json", html);
        Assert.Contains("\"@type\":\"Course\"", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<title>"));
        // The content itself is in the page for readers without JavaScript; the app still loads.
        Assert.Contains("2 tín chỉ", html);
        Assert.Contains("<div id=\"root\"><main class=\"ssr\">", html);
        Assert.Contains("<script type=\"module\"", html);

        var list = await (await stranger.GetAsync("/catalogue")).Content.ReadAsStringAsync();
        Assert.Contains($"href=\"/catalogue/{mooc.Slug}\"", list);
        Assert.Contains("og:title", list);
    }

    [Fact]
    public async Task A_stranger_signs_up_and_enrols_in_one_step_with_no_institution_membership()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Kỹ năng số {u}");
        var learner = await _kit.SignUpAsync(mooc.RunId, $"hv{u}@example.vn", "Nguyễn Học Viên");

        var me = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync("/api/identity/me"));
        Assert.Equal("Nguyễn Học Viên", me.GetProperty("displayName").GetString());
        Assert.Equal(0, me.GetProperty("memberships").GetArrayLength());
        var course = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync($"/api/courses/{mooc.Id}"));
        Assert.Equal("student", course.GetProperty("myRole").GetString());
        var mine = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync("/api/moocs/mine"));
        Assert.Equal(mooc.Id, mine.GetProperty("items")[0].GetProperty("run").GetProperty("courseId").GetGuid());
        var detail = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync($"/api/catalogue/{mooc.Slug}"));
        Assert.Equal(mooc.RunId, detail.GetProperty("myRunIds")[0].GetGuid());

        // Enrolling again changes nothing; the same e-mail cannot sign up twice.
        var again = await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/moocs/runs/{mooc.RunId}/enrol", null));
        Assert.Equal("AlreadyEnrolled", again.GetProperty("outcome").GetString());
        // Signing up again with a taken address answers as any sign-up does (it reveals nothing); its holder is told by mail.
        Assert.Equal(HttpStatusCode.Accepted, (await server.Client().PostAsJsonAsync($"/api/moocs/runs/{mooc.RunId}/sign-up",
            new { displayName = "Người Khác", email = $"HV{u}@example.vn", password = "Hoc-vien-2026" })).StatusCode);
        Assert.Contains((await server.Get<Lms.Server.Communication.Mail.MailOutbox>().ListAsync(200)),
            m => m.Kind == "sign-up-existing" && m.To.Contains($"hv{u}@example.vn", StringComparison.OrdinalIgnoreCase));
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync($"/api/moocs/runs/{mooc.RunId}/sign-up",
            new { displayName = "X", email = "not-an-email", password = "short" }), HttpStatusCode.BadRequest, "validation");
        // A learner account has no say in anyone's institution.
        await ProblemAssert.IsProblemAsync(await learner.PostAsJsonAsync("/api/courses",
            new { institutionId = await _kit.UniversityIdAsync(), title = "Của tôi", kind = "mooc" }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await learner.GetAsync($"/api/moocs/{mooc.Id}"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_enrolment_cap_holds_when_many_enrol_at_the_same_moment()
    {
        var u = Unique();
        var lobby = await _kit.CreateAsync($"Sảnh chờ {u}");
        var capped = await _kit.CreateAsync($"Lớp giới hạn {u}");
        await ProblemAssert.OkAsync<JsonElement>(await capped.Teacher.PutAsJsonAsync($"/api/moocs/runs/{capped.RunId}",
            new { label = "1", pace = "self", cap = 5 }));
        var learners = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => _kit.SignUpAsync(lobby.RunId, $"bao{i}{u}@example.vn")));

        var responses = await Task.WhenAll(learners.Select(l => l.PostAsync($"/api/moocs/runs/{capped.RunId}/enrol", null)));

        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict, "run-full");
        await using (var connection = await server.Get<Db>().OpenAsync())
        {
            Assert.Equal(5L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM enrolments WHERE course_id = @id", new { id = capped.Id }));
            Assert.Equal(5, await connection.ExecuteScalarAsync<int>("SELECT enrolled FROM mooc_runs WHERE id = @id", new { id = capped.RunId }));
        }
        var stats = await ProblemAssert.OkAsync<JsonElement>(await capped.Teacher.GetAsync($"/api/moocs/runs/{capped.RunId}/stats"));
        Assert.Equal(5, stats.GetProperty("run").GetProperty("enrolled").GetInt32());
        Assert.Equal(0, stats.GetProperty("run").GetProperty("seatsLeft").GetInt32());
        var detail = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/catalogue/{capped.Slug}"));
        Assert.Equal(0, detail.GetProperty("runs")[0].GetProperty("seatsLeft").GetInt32());
        await ProblemAssert.IsProblemAsync(await server.Client().PostAsJsonAsync($"/api/moocs/runs/{capped.RunId}/sign-up",
            new { displayName = "Đến Muộn", email = $"muon{u}@example.vn", password = "Hoc-vien-2026" }), HttpStatusCode.Conflict, "run-full");
    }

    [Fact]
    public async Task Completion_rules_and_weighted_grading_with_drop_lowest_decide_the_pass_and_a_certificate_is_issued()
    {
        var u = Unique();
        var policy = new
        {
            categories = new[] { new { key = "hw", name = "Bài tập", weight = 60.0, dropLowest = 1 }, new { key = "final", name = "Cuối kỳ", weight = 40.0, dropLowest = 0 } },
            passMark = 70, requireAllItems = true,
        };
        var mooc = await _kit.CreateAsync($"Cấu trúc dữ liệu {u}", pages: 2, policy: policy);
        // The second page is optional.
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/courses/{mooc.Id}/items/{mooc.Pages[1]}/rule",
            new { required = false, category = (string?)null }));
        var hw = new List<Guid>();
        for (var i = 1; i <= 3; i++) hw.Add(await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, $"Bài tập {i}", "hw"));
        var final = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài cuối kỳ", "final");
        await ProblemAssert.IsProblemAsync(await mooc.Teacher.PostAsJsonAsync($"/api/courses/{mooc.Id}/assignments", new
        {
            moduleId = mooc.ModuleId, title = "Sai nhóm", instructions = "x", submission = "text", review = "teacher", peerReviews = 1,
            rubric = new[] { new { criterion = "A", points = 1 } }, category = "khong-co",
        }), HttpStatusCode.BadRequest, "validation");
        var learner = await _kit.SignUpAsync(mooc.RunId, $"ctdl{u}@example.vn");

        var submissions = new List<Guid>();
        foreach (var a in hw.Append(final)) submissions.Add(await MoocKit.SubmitTextAsync(learner, a, "def giai(): return 42"));
        var standing = (await MoocKit.StandingAsync(learner, mooc.Id)).GetProperty("standing");
        Assert.Equal(0.0, standing.GetProperty("grade").GetDouble()); // nothing graded yet counts 0
        Assert.Equal(4, standing.GetProperty("requiredDone").GetInt32()); // the four submissions
        Assert.Equal(5, standing.GetProperty("requiredTotal").GetInt32()); // + the required page

        await MoocKit.GradeAsync(mooc.Teacher, submissions[0], 6, 4); // 100%
        await MoocKit.GradeAsync(mooc.Teacher, submissions[1], 1, 1); // 20%, dropped
        await MoocKit.GradeAsync(mooc.Teacher, submissions[2], 5, 3); // 80%
        await MoocKit.GradeAsync(mooc.Teacher, submissions[3], 4, 3); // 70%
        standing = (await MoocKit.StandingAsync(learner, mooc.Id)).GetProperty("standing");
        // hw: mean(100, 80) = 90 → 54; final: 70 → 28. 82 ≥ 70, but the required page is not read yet.
        Assert.Equal(82.0, standing.GetProperty("grade").GetDouble());
        var hwCategory = standing.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "hw");
        Assert.Equal(1, hwCategory.GetProperty("dropped").GetInt32());
        Assert.Equal(90.0, hwCategory.GetProperty("score").GetDouble());
        Assert.False(standing.GetProperty("passed").GetBoolean());
        var left = standing.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("required").GetBoolean() && !i.GetProperty("completed").GetBoolean()).ToList();
        Assert.Equal(mooc.Pages[0], Assert.Single(left).GetProperty("itemId").GetGuid());
        Assert.Empty((await MoocKit.StandingAsync(learner, mooc.Id)).GetProperty("credentials").EnumerateArray());

        // Reading the last required page passes the course, and the certificate is issued with it.
        await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/courses/{mooc.Id}/items/{mooc.Pages[0]}/seen", null));
        var after = await MoocKit.StandingAsync(learner, mooc.Id);
        Assert.True(after.GetProperty("standing").GetProperty("passed").GetBoolean());
        var credential = Assert.Single(after.GetProperty("credentials").EnumerateArray());
        Assert.Equal("certificate", credential.GetProperty("kind").GetString());
        Assert.Equal(82.0m, credential.GetProperty("grade").GetDecimal());
        var stats = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/moocs/runs/{mooc.RunId}/stats"));
        Assert.Equal(1, stats.GetProperty("passed").GetInt32());
        Assert.Equal(1, stats.GetProperty("certificatesIssued").GetInt32());
        var mine = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync("/api/moocs/mine"));
        Assert.Equal("B+", mine.GetProperty("items")[0].GetProperty("letterGrade").GetString());
    }

    [Fact]
    public async Task A_rerun_copies_the_content_and_an_instructor_paced_run_releases_items_by_date()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Lịch sử Việt Nam {u}", pages: 3,
            policy: new { categories = Array.Empty<object>(), passMark = 100, requireAllItems = true });
        await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài luận", null);
        var now = DateTimeOffset.UtcNow;
        var created = await mooc.Teacher.PostAsJsonAsync($"/api/moocs/{mooc.Id}/runs",
            new { label = "2026-2", pace = "instructor", startsAt = now.AddDays(-2), endsAt = now.AddDays(30) });
        var run = await ProblemAssert.OkAsync<JsonElement>(created);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var runCourse = run.GetProperty("courseId").GetGuid();
        Assert.NotEqual(mooc.Id, runCourse);
        var outline = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{runCourse}"));
        var items = outline.GetProperty("modules")[0].GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["Bài 1", "Bài 2", "Bài 3", "Bài luận"], items.Select(i => i.GetProperty("title").GetString()));
        Assert.Equal("published", outline.GetProperty("status").GetString());
        var assignmentCopy = items[3].GetProperty("refId").GetGuid();
        Assert.NotEqual(Guid.Empty, assignmentCopy);

        // Bài 2 opens on day 1 (already open), Bài 3 on day 10 (not yet).
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/courses/{runCourse}/items/{items[1].GetProperty("id").GetGuid()}/rule",
            new { required = true, releaseDay = 1 }));
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/courses/{runCourse}/items/{items[2].GetProperty("id").GetGuid()}/rule",
            new { required = true, releaseDay = 10 }));
        await ProblemAssert.IsProblemAsync(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/runs/{run.GetProperty("id").GetGuid()}",
            new { label = "x", pace = "instructor" }), HttpStatusCode.BadRequest, "validation");

        var learner = await _kit.SignUpAsync(run.GetProperty("id").GetGuid(), $"ls{u}@example.vn");
        var view = await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync($"/api/courses/{runCourse}"));
        var seen = view.GetProperty("modules")[0].GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, seen[1].GetProperty("availableFrom").ValueKind);
        Assert.Equal("Nội dung bài 2", seen[1].GetProperty("body").GetString());
        var opens = seen[2].GetProperty("availableFrom").GetDateTimeOffset();
        Assert.InRange(opens, now.AddDays(8).AddMinutes(-5), now.AddDays(8).AddMinutes(5));
        Assert.Equal(JsonValueKind.Null, seen[2].GetProperty("body").ValueKind);
        await ProblemAssert.IsProblemAsync(await learner.PostAsync($"/api/courses/{runCourse}/items/{seen[2].GetProperty("id").GetGuid()}/seen", null),
            HttpStatusCode.Conflict, "conflict");
        await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/courses/{runCourse}/items/{seen[1].GetProperty("id").GetGuid()}/seen", null));
        var standing = (await MoocKit.StandingAsync(learner, runCourse)).GetProperty("standing");
        Assert.NotEqual(JsonValueKind.Null, standing.GetProperty("items")[2].GetProperty("availableFrom").ValueKind);
        // The teacher sees everything, released or not.
        var teacherView = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{runCourse}"));
        Assert.Equal("Nội dung bài 3", teacherView.GetProperty("modules")[0].GetProperty("items")[2].GetProperty("body").GetString());

        // A run that has not started yet opens nothing.
        var later = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PostAsJsonAsync($"/api/moocs/{mooc.Id}/runs",
            new { label = "2027", pace = "self", startsAt = now.AddDays(20) }));
        var early = await _kit.SignUpAsync(later.GetProperty("id").GetGuid(), $"som{u}@example.vn");
        var laterView = await ProblemAssert.OkAsync<JsonElement>(await early.GetAsync($"/api/courses/{later.GetProperty("courseId").GetGuid()}"));
        Assert.All(laterView.GetProperty("modules")[0].GetProperty("items").EnumerateArray(),
            i => Assert.NotEqual(JsonValueKind.Null, i.GetProperty("availableFrom").ValueKind));
        var catalogue = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/catalogue/{mooc.Slug}"));
        Assert.Equal(3, catalogue.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task The_forum_has_threads_replies_upvotes_marked_answers_and_moderation()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Triết học {u}");
        var asker = await _kit.SignUpAsync(mooc.RunId, $"hoi{u}@example.vn", "Người Hỏi");
        var helper = await _kit.SignUpAsync(mooc.RunId, $"dap{u}@example.vn", "Người Đáp");

        var thread = await ProblemAssert.OkAsync<JsonElement>(await asker.PostAsJsonAsync($"/api/courses/{mooc.Id}/forum",
            new { title = "Biện chứng là gì?", body = "Em chưa hiểu phần này." }));
        var threadId = thread.GetProperty("id").GetGuid();
        await asker.PostAsJsonAsync($"/api/courses/{mooc.Id}/forum", new { title = "Chủ đề thứ hai", body = "…" });
        var reply = await ProblemAssert.OkAsync<JsonElement>(await helper.PostAsJsonAsync($"/api/forum/threads/{threadId}/replies",
            new { body = "Là phương pháp xem xét sự vật trong vận động." }));
        Assert.Equal(1, await ProblemAssert.OkAsync<int>(await helper.PostAsJsonAsync($"/api/forum/threads/{threadId}/vote", new { up = true })));
        Assert.Equal(1, await ProblemAssert.OkAsync<int>(await helper.PostAsJsonAsync($"/api/forum/threads/{threadId}/vote", new { up = true })));
        Assert.Equal(2, await ProblemAssert.OkAsync<int>(await asker.PostAsJsonAsync($"/api/forum/threads/{threadId}/vote", new { up = true })));

        var top = await ProblemAssert.OkAsync<JsonElement>(await asker.GetAsync($"/api/courses/{mooc.Id}/forum?sort=top&take=1"));
        Assert.Equal(2, top.GetProperty("threads").GetProperty("total").GetInt32());
        Assert.Equal(threadId, top.GetProperty("threads").GetProperty("items")[0].GetProperty("id").GetGuid());
        Assert.True(top.GetProperty("threads").GetProperty("items")[0].GetProperty("votedByMe").GetBoolean());

        // Learners do not moderate; the teacher marks the answer, locks, hides.
        await ProblemAssert.IsProblemAsync(await asker.PostAsJsonAsync($"/api/forum/threads/{threadId}/moderation", new { locked = true }),
            HttpStatusCode.Forbidden, "forbidden");
        var marked = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PostAsJsonAsync(
            $"/api/forum/posts/{reply.GetProperty("id").GetGuid()}/moderation", new { answer = true }));
        Assert.True(marked.GetProperty("teacherAnswer").GetBoolean());
        var page = await ProblemAssert.OkAsync<JsonElement>(await asker.GetAsync($"/api/forum/threads/{threadId}"));
        Assert.True(page.GetProperty("thread").GetProperty("answered").GetBoolean());
        Assert.Equal(1, page.GetProperty("thread").GetProperty("replies").GetInt32());
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PostAsJsonAsync($"/api/forum/threads/{threadId}/moderation", new { locked = true }));
        await ProblemAssert.IsProblemAsync(await helper.PostAsJsonAsync($"/api/forum/threads/{threadId}/replies", new { body = "Thêm nữa" }),
            HttpStatusCode.Conflict, "conflict");
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PostAsJsonAsync($"/api/forum/threads/{threadId}/moderation", new { hidden = true }));
        await ProblemAssert.IsProblemAsync(await asker.GetAsync($"/api/forum/threads/{threadId}"), HttpStatusCode.NotFound, "not-found");
        var learnerList = await ProblemAssert.OkAsync<JsonElement>(await asker.GetAsync($"/api/courses/{mooc.Id}/forum"));
        Assert.Equal(1, learnerList.GetProperty("threads").GetProperty("total").GetInt32());
        var teacherList = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{mooc.Id}/forum"));
        Assert.Equal(2, teacherList.GetProperty("threads").GetProperty("total").GetInt32());

        // Someone not in the run does not see its forum at all.
        var outsider = await server.SignedInAsync(LmsServer.Student3);
        await ProblemAssert.IsProblemAsync(await outsider.GetAsync($"/api/courses/{mooc.Id}/forum"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await outsider.PostAsJsonAsync($"/api/forum/threads/{threadId}/vote", new { up = true }),
            HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Peer_review_grades_a_submission_once_enough_classmates_who_handed_in_have_reviewed_it()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Viết học thuật {u}", pages: 0);
        var assignment = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài luận ngắn", null, review: "peer", peerReviews: 2);
        var a = await _kit.SignUpAsync(mooc.RunId, $"pa{u}@example.vn", "An");
        var b = await _kit.SignUpAsync(mooc.RunId, $"pb{u}@example.vn", "Bình");
        var c = await _kit.SignUpAsync(mooc.RunId, $"pc{u}@example.vn", "Chi");
        var d = await _kit.SignUpAsync(mooc.RunId, $"pd{u}@example.vn", "Dũng");
        var aWork = await MoocKit.SubmitTextAsync(a, assignment, "Bài của An");
        await MoocKit.SubmitTextAsync(b, assignment, "Bài của Bình");
        await MoocKit.SubmitTextAsync(c, assignment, "Bài của Chi");

        // Peers are handed someone else's work (the one with the fewest reviews, the earliest first), without the author's name.
        var next = await ProblemAssert.OkAsync<JsonElement>(await b.GetAsync($"/api/moocs/assignments/{assignment}/peer-review"));
        Assert.Equal(aWork, next.GetProperty("id").GetGuid());
        Assert.Equal("", next.GetProperty("authorName").GetString());
        await ProblemAssert.IsProblemAsync(await a.PostAsJsonAsync($"/api/moocs/submissions/{aWork}/reviews", new { scores = new[] { 6, 4 } }),
            HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await d.PostAsJsonAsync($"/api/moocs/submissions/{aWork}/reviews", new { scores = new[] { 6, 4 } }),
            HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await b.PostAsJsonAsync($"/api/moocs/submissions/{aWork}/reviews", new { scores = new[] { 7, 4 } }),
            HttpStatusCode.BadRequest, "validation");

        await MoocKit.GradeAsync(b, aWork, 6, 4);
        var mine = await ProblemAssert.OkAsync<JsonElement>(await a.GetAsync($"/api/moocs/assignments/{assignment}"));
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("mine").GetProperty("score").ValueKind); // one of two reviews
        await ProblemAssert.IsProblemAsync(await b.PostAsJsonAsync($"/api/moocs/submissions/{aWork}/reviews", new { scores = new[] { 6, 4 } }),
            HttpStatusCode.Conflict, "conflict");
        // Chi is handed Bình's work first (no review yet), then An's.
        var forChi = await ProblemAssert.OkAsync<JsonElement>(await c.GetAsync($"/api/moocs/assignments/{assignment}/peer-review"));
        Assert.NotEqual(aWork, forChi.GetProperty("id").GetGuid());
        await MoocKit.GradeAsync(c, forChi.GetProperty("id").GetGuid(), 5, 3);
        var thenChi = await ProblemAssert.OkAsync<JsonElement>(await c.GetAsync($"/api/moocs/assignments/{assignment}/peer-review"));
        Assert.Equal(aWork, thenChi.GetProperty("id").GetGuid());
        await MoocKit.GradeAsync(c, aWork, 4, 2);
        mine = await ProblemAssert.OkAsync<JsonElement>(await a.GetAsync($"/api/moocs/assignments/{assignment}"));
        Assert.Equal(8m, mine.GetProperty("mine").GetProperty("score").GetDecimal()); // mean of 10 and 6
        Assert.Equal(2, mine.GetProperty("mine").GetProperty("reviews").GetArrayLength());
        // Reviewed work can no longer be replaced.
        var resubmit = new MultipartFormDataContent { { new StringContent("Bài mới"), "text" } };
        await ProblemAssert.IsProblemAsync(await a.PostAsync($"/api/moocs/assignments/{assignment}/submission", resubmit), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task Files_are_handed_in_and_read_back_by_their_author_and_teachers_only()
    {
        var u = Unique();
        var mooc = await _kit.CreateAsync($"Thiết kế đồ hoạ {u}", pages: 0);
        var assignment = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Nộp tệp", null);
        var author = await _kit.SignUpAsync(mooc.RunId, $"tep{u}@example.vn");
        var classmate = await _kit.SignUpAsync(mooc.RunId, $"ban{u}@example.vn");

        var bad = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "virus.exe" } };
        await ProblemAssert.IsProblemAsync(await author.PostAsync($"/api/moocs/assignments/{assignment}/submission", bad), HttpStatusCode.BadRequest, "validation");
        var bytes = "%PDF-1.4 bài làm"u8.ToArray();
        var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", "bai-lam.pdf" } };
        var submission = await ProblemAssert.OkAsync<JsonElement>(await author.PostAsync($"/api/moocs/assignments/{assignment}/submission", form));
        var id = submission.GetProperty("id").GetGuid();
        Assert.Equal("bai-lam.pdf", submission.GetProperty("fileName").GetString());

        Assert.Equal(bytes, await (await author.GetAsync($"/api/moocs/submissions/{id}/file")).Content.ReadAsByteArrayAsync());
        var forTeacher = await mooc.Teacher.GetAsync($"/api/moocs/submissions/{id}/file");
        Assert.Equal("application/pdf", forTeacher.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await forTeacher.Content.ReadAsByteArrayAsync());
        await ProblemAssert.IsProblemAsync(await classmate.GetAsync($"/api/moocs/submissions/{id}/file"), HttpStatusCode.NotFound, "not-found");
    }
}
