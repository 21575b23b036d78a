using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Moocs;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.Moocs;

public sealed class PeerReviewTestsOnSqlite(ClockedSqliteLmsServer server) : PeerReviewTests(server, server.Clock), IClassFixture<ClockedSqliteLmsServer>;

public sealed class PeerReviewTestsOnPostgres(ClockedPostgresLmsServer server) : PeerReviewTests(server, server.Clock), IClassFixture<ClockedPostgresLmsServer>;

/// <summary>
/// Peer review that finishes: with three reviews needed and four reviewers who take reviews and never do them,
/// reviews not done in time are taken back and handed on, nobody holds more than their fair share, the staff
/// grade what still lacks reviews at the review deadline, and after the final deadline no grade moves — so the
/// credentials issued on those grades stay what they said. The server's clock is moved, never slept on.
/// </summary>
public abstract class PeerReviewTests(LmsServer server, ShiftedClock clock)
{
    private const int Needed = 3;
    private const int Learners = 12;
    private const int Lazy = 4;

    private sealed record Learner(HttpClient Client, Guid Id, Guid Submission);

    private sealed record Allocation
    {
        public Guid SubmissionId { get; init; }
        public Guid ReviewerId { get; init; }
        public string Kind { get; init; } = "";
        public string State { get; init; } = "";
        public DateTimeOffset AssignedAt { get; init; }
        public DateTimeOffset DueAt { get; init; }
    }

    private async Task<List<Allocation>> AllocationsAsync(Guid assignmentId)
    {
        var db = server.Get<Db>();
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<Allocation>(
            "SELECT submission_id, reviewer_id, kind, state, assigned_at, due_at FROM mooc_review_allocations WHERE assignment_id = @assignmentId",
            new { assignmentId })).AsList();
    }

    private static async Task<JsonElement?> NextAsync(HttpClient reviewer, Guid assignmentId, bool extra = false)
    {
        var response = await reviewer.GetAsync($"/api/moocs/assignments/{assignmentId}/peer-review{(extra ? "?extra=true" : "")}");
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        return await ProblemAssert.OkAsync<JsonElement>(response);
    }

    private static async Task<Dictionary<Guid, decimal?>> ScoresAsync(HttpClient teacher, Guid assignmentId)
    {
        var page = await ProblemAssert.OkAsync<JsonElement>(await teacher.GetAsync($"/api/moocs/assignments/{assignmentId}/submissions?take=100"));
        return page.GetProperty("items").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetGuid(),
            s => s.GetProperty("score").ValueKind == JsonValueKind.Null ? (decimal?)null : s.GetProperty("score").GetDecimal());
    }

    private static async Task<List<JsonElement>> CredentialsAsync(Learner learner, Guid courseId) =>
        (await MoocKit.StandingAsync(learner.Client, courseId)).GetProperty("credentials").EnumerateArray().ToList();

    [Fact]
    public async Task Reviewers_who_never_review_do_not_stop_anyone_getting_a_grade_by_the_deadline_and_no_grade_moves_after_it()
    {
        var start = clock.GetUtcNow();
        var reviewsDue = start.AddDays(5);
        var final = start.AddDays(7);
        var kit = new MoocKit(server);
        var u = Guid.NewGuid().ToString("N")[..6];
        var mooc = await kit.CreateAsync($"Viết luận khoa học {u}", pages: 0, credits: 2, policy: new
        {
            categories = new[] { new { key = "essay", name = "Bài luận", weight = 100.0, dropLowest = 0 } }, passMark = 50, requireAllItems = false,
        });
        var assignment = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài luận", "essay", review: "peer", peerReviews: Needed);
        await ProblemAssert.IsProblemAsync(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/assignments/{assignment}/review-schedule",
            new { reviewHours = 48, reviewsDueAt = final, finalAt = reviewsDue, extraReviewsCount = false }), HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/assignments/{assignment}/review-schedule",
            new { reviewHours = 48, reviewsDueAt = reviewsDue, finalAt = final, extraReviewsCount = false }));

        var learners = new List<Learner>();
        for (var i = 0; i < Learners; i++)
        {
            var email = $"pr{i}{u}@example.vn";
            var client = await kit.SignUpAsync(mooc.RunId, email, $"Học viên {i + 1} {u}");
            learners.Add(new Learner(client, await server.UserIdAsync(email), await MoocKit.SubmitTextAsync(client, assignment, $"Bài luận số {i + 1}")));
        }
        var lazy = learners.Take(Lazy).ToList();
        var willing = learners.Skip(Lazy).ToList();
        int[] ScoresBy(int reviewer) => [3 + reviewer % 3, 2];

        // Four reviewers take a review each and never do it; the others do two each.
        var heldByLazy = new List<Guid>();
        foreach (var reviewer in lazy)
            heldByLazy.Add((await NextAsync(reviewer.Client, assignment))!.Value.GetProperty("id").GetGuid());
        Assert.Equal(heldByLazy.Count, heldByLazy.Distinct().Count());
        for (var r = 0; r < willing.Count; r++)
            for (var k = 0; k < 2; k++)
            {
                var next = (await NextAsync(willing[r].Client, assignment))!.Value;
                Assert.Equal("", next.GetProperty("authorName").GetString());
                await MoocKit.GradeAsync(willing[r].Client, next.GetProperty("id").GetGuid(), ScoresBy(r));
            }
        // A review is handed out, not picked: nobody reviews their own work or a submission they were not given.
        await ProblemAssert.IsProblemAsync(await willing[0].Client.PostAsJsonAsync($"/api/moocs/submissions/{willing[0].Submission}/reviews",
            new { scores = new[] { 6, 4 }, comment = "Của tôi" }), HttpStatusCode.Forbidden, "forbidden");
        var given = (await AllocationsAsync(assignment)).Where(a => a.ReviewerId == willing[0].Id).Select(a => a.SubmissionId).ToHashSet();
        var notGiven = learners.Select(l => l.Submission).First(id => id != willing[0].Submission && !given.Contains(id));
        await ProblemAssert.IsProblemAsync(await willing[0].Client.PostAsJsonAsync($"/api/moocs/submissions/{notGiven}/reviews",
            new { scores = new[] { 6, 4 }, comment = "Tự chọn" }), HttpStatusCode.Conflict, "review-not-allocated");

        // Two days later the lazy reviewers' time (48 h) has run out: their reviews are taken back and handed on.
        clock.Advance(TimeSpan.FromHours(49));
        await ProblemAssert.IsProblemAsync(await lazy[0].Client.PostAsJsonAsync($"/api/moocs/submissions/{heldByLazy[0]}/reviews",
            new { scores = new[] { 6, 4 }, comment = "Muộn" }), HttpStatusCode.Conflict, "review-taken-back");
        for (var r = 0; r < willing.Count; r++)
            while (await NextAsync(willing[r].Client, assignment) is { } next)
                await MoocKit.GradeAsync(willing[r].Client, next.GetProperty("id").GetGuid(), ScoresBy(r));

        var allocations = await AllocationsAsync(assignment);
        var expired = allocations.Where(a => a.State == "expired").ToList();
        Assert.Equal(heldByLazy.Order(), expired.Select(a => a.SubmissionId).Order());
        foreach (var taken in expired)
            Assert.Contains(allocations, a => a.SubmissionId == taken.SubmissionId && a.State == "done" && a.AssignedAt >= taken.DueAt);
        // Fairly spread: nobody holds more than ceil(3 × 12 / 12) + 1 = 4 reviews, and no submission gets more than 3.
        var bound = PeerReviewAllocator.Bound(Needed, Learners, Learners);
        Assert.Equal(4, bound);
        Assert.All(allocations.Where(a => a.State != "expired").GroupBy(a => a.ReviewerId), g => Assert.True(g.Count() <= bound, $"{g.Count()} held"));
        Assert.All(allocations.Where(a => a.State != "expired").GroupBy(a => a.SubmissionId), g => Assert.True(g.Count() <= Needed, $"{g.Count()} reviews"));
        Assert.All(allocations, a => Assert.NotEqual(learners.Single(l => l.Submission == a.SubmissionId).Id, a.ReviewerId));
        // The willing reviewers filled their share (a last one may find nothing left that is not theirs or reviewed by them).
        Assert.InRange(allocations.Count(a => a.State == "done"), willing.Count * bound - Needed, willing.Count * bound);

        // A willing reviewer may ask for one more; it is optional and does not move the grade it lands on.
        var before = await ScoresAsync(mooc.Teacher, assignment);
        var extra = (await NextAsync(willing[0].Client, assignment, extra: true))!.Value;
        Assert.True(extra.GetProperty("extraReview").GetBoolean());
        var extraId = extra.GetProperty("id").GetGuid();
        await MoocKit.GradeAsync(willing[0].Client, extraId, 0, 0);
        Assert.Equal(before, await ScoresAsync(mooc.Teacher, assignment));

        // Peer-graded learners passed and were issued their credentials on the way.
        var peerGraded = before.Where(s => s.Value is not null).Select(s => s.Key).ToHashSet();
        Assert.Equal(allocations.Where(a => a.State == "done").GroupBy(a => a.SubmissionId).Count(g => g.Count() == Needed), peerGraded.Count);
        Assert.InRange(peerGraded.Count, 1, Learners - 1);

        // At the review deadline peers stop and the staff see the list of what still lacks reviews, and grade it.
        clock.MoveTo(reviewsDue.AddHours(1));
        await ProblemAssert.IsProblemAsync(await willing[1].Client.GetAsync($"/api/moocs/assignments/{assignment}/peer-review"),
            HttpStatusCode.Conflict, "reviews-closed");
        var toGrade = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/moocs/assignments/{assignment}/staff-grading"));
        Assert.True(toGrade.GetProperty("reviewsClosed").GetBoolean());
        var list = toGrade.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(learners.Select(l => l.Submission).Where(id => !peerGraded.Contains(id)).Order(), list.Order());
        await ProblemAssert.IsProblemAsync(await lazy[1].Client.GetAsync($"/api/moocs/assignments/{assignment}/staff-grading"),
            HttpStatusCode.Forbidden, "forbidden");
        foreach (var id in list) await MoocKit.GradeAsync(mooc.Teacher, id, 4, 3);
        var graded = await ScoresAsync(mooc.Teacher, assignment);
        Assert.All(graded.Values, score => Assert.NotNull(score));
        Assert.All(list, id => Assert.Equal(7m, graded[id]));

        // Every learner passed on the grade that counts (the mean of the three counted reviews, or the staff's grade).
        var issued = new Dictionary<Guid, List<JsonElement>>();
        foreach (var learner in learners)
        {
            var standing = await MoocKit.StandingAsync(learner.Client, mooc.Id);
            Assert.True(standing.GetProperty("standing").GetProperty("passed").GetBoolean());
            Assert.Equal((double)graded[learner.Submission]! * 10, standing.GetProperty("standing").GetProperty("grade").GetDouble(), 1);
            issued[learner.Id] = standing.GetProperty("credentials").EnumerateArray().ToList();
            Assert.Equal(2, issued[learner.Id].Count);
            Assert.All(issued[learner.Id], c => Assert.Equal((double)graded[learner.Submission]! * 10, (double)c.GetProperty("grade").GetDecimal(), 1));
        }

        // After the final deadline nothing moves a grade: no review by anyone, no new deadline.
        clock.MoveTo(final.AddHours(1));
        var problem = await ProblemAssert.IsProblemAsync(await mooc.Teacher.PostAsJsonAsync($"/api/moocs/submissions/{list[0]}/reviews",
            new { scores = new[] { 0, 0 }, comment = "Chấm lại" }), HttpStatusCode.Conflict, "grade-final");
        Assert.True(problem.TryGetProperty("finalAt", out _));
        await ProblemAssert.IsProblemAsync(await willing[2].Client.GetAsync($"/api/moocs/assignments/{assignment}/peer-review?extra=true"),
            HttpStatusCode.Conflict, "grade-final");
        await ProblemAssert.IsProblemAsync(await mooc.Teacher.PutAsJsonAsync($"/api/moocs/assignments/{assignment}/review-schedule",
            new { reviewHours = 48, reviewsDueAt = final.AddDays(5), finalAt = final.AddDays(6), extraReviewsCount = true }), HttpStatusCode.Conflict, "grade-final");
        Assert.Equal(graded, await ScoresAsync(mooc.Teacher, assignment));

        // The credentials issued before the deadline (peer grades) and after it (staff grades) agree with the record:
        // the same ones, the same grades, valid for the independent verifier, and nothing for the staff to review.
        foreach (var learner in learners)
        {
            var now = await CredentialsAsync(learner, mooc.Id);
            Assert.Equal(issued[learner.Id].Select(c => c.GetProperty("id").GetGuid()).Order(), now.Select(c => c.GetProperty("id").GetGuid()).Order());
            Assert.Equal(issued[learner.Id].OrderBy(c => c.GetProperty("id").GetGuid()).Select(c => c.GetProperty("grade").GetDecimal()),
                now.OrderBy(c => c.GetProperty("id").GetGuid()).Select(c => c.GetProperty("grade").GetDecimal()));
        }
        // Checked on the server's own verification page: its clock, not this machine's, is the one that moved.
        foreach (var credential in new[] { issued[learners[Lazy].Id][0], issued[learners.First(l => list.Contains(l.Submission)).Id][0] })
        {
            var page = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/verify/{credential.GetProperty("id").GetGuid()}"));
            Assert.True(page.GetProperty("verification").GetProperty("valid").GetBoolean(), page.ToString());
            Assert.Equal(credential.GetProperty("grade").GetDecimal(), page.GetProperty("credential").GetProperty("grade").GetDecimal());
        }
        var reviews = await ProblemAssert.OkAsync<JsonElement>(await mooc.Teacher.GetAsync($"/api/courses/{mooc.Id}/credential-reviews"));
        Assert.Empty(reviews.GetProperty("items").EnumerateArray());
    }
}
