using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lms.Server.Communication.Mail;
using Lms.Tests.Infrastructure;
using Lms.Tests.Moocs;

namespace Lms.Tests.Credentials;

public sealed class CredentialLifeTestsOnSqlite(SqliteLmsServer server) : CredentialLifeTests(server), IClassFixture<SqliteLmsServer>;

public sealed class CredentialLifeTestsOnPostgres(PostgresLmsServer server) : CredentialLifeTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// A credential follows the learner's record: when a grade it rests on changes after issue (an
/// academic-integrity review, a regrade, a policy change), the standing says what the rules say now,
/// the course's staff are told and decide (keep, re-issue, revoke), and the status list, the
/// verification page, the PDF, the transcript and every recognition made on it agree afterwards —
/// checked with the independent verifier.
/// </summary>
public abstract class CredentialLifeTests(LmsServer server)
{
    private readonly MoocKit _kit = new(server);

    /// <summary>A learner of the credit-bearing case, with the ids of their two submissions.</summary>
    private sealed record Learner(HttpClient Client, string Name, Guid Id, Guid Essay, Guid Lab);

    private sealed record Case(MoocKit.Mooc Mooc, Guid EssayId, Guid LabId, Guid Institution);

    /// <summary>
    /// A credit-bearing MOOC graded 75 % by an essay (150 points) and 25 % by a lab (10 points), pass mark 50:
    /// the pass happens when the lecturer's second review lands, and issues a certificate and a credit record.
    /// </summary>
    private async Task<Case> CaseAsync(string u)
    {
        var mooc = await _kit.CreateAsync($"Kỹ thuật phần mềm {u}", pages: 0, credits: 3, ects: 6, policy: Policy(passMark: 50));
        var essay = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Tiểu luận", "essay", points: [100, 50]);
        var lab = await MoocKit.AddAssignmentAsync(mooc.Teacher, mooc.Id, mooc.ModuleId, "Bài thực hành", "lab");
        return new Case(mooc, essay, lab, await _kit.UniversityIdAsync());
    }

    private static object Policy(int passMark, double essay = 75, double lab = 25) => new
    {
        categories = new[] { new { key = "essay", name = "Tiểu luận", weight = essay, dropLowest = 0 }, new { key = "lab", name = "Thực hành", weight = lab, dropLowest = 0 } },
        passMark,
        requireAllItems = false,
    };

    /// <summary>Signs a learner up, hands in both pieces, and has the lecturer grade them (the lab first).</summary>
    private async Task<Learner> GradedAsync(Case c, string name, int[] essayScores, int[] labScores)
    {
        var email = $"sv{Guid.NewGuid():N}@example.vn";
        var client = await _kit.SignUpAsync(c.Mooc.RunId, email, name);
        var essay = await MoocKit.SubmitTextAsync(client, c.EssayId, "Bài tiểu luận");
        var lab = await MoocKit.SubmitTextAsync(client, c.LabId, "def giai(): return 42");
        await MoocKit.GradeAsync(c.Mooc.Teacher, lab, labScores);
        await MoocKit.GradeAsync(c.Mooc.Teacher, essay, essayScores);
        return new Learner(client, name, await server.UserIdAsync(email), essay, lab);
    }

    private static async Task<JsonElement> StandingAsync(Learner learner, Case c) =>
        (await MoocKit.StandingAsync(learner.Client, c.Mooc.Id)).GetProperty("standing");

    private static async Task<List<JsonElement>> CredentialsAsync(Learner learner, Case c) =>
        (await MoocKit.StandingAsync(learner.Client, c.Mooc.Id)).GetProperty("credentials").EnumerateArray().ToList();

    private static async Task<List<JsonElement>> OpenReviewsAsync(Case c) =>
        (await ProblemAssert.OkAsync<JsonElement>(await c.Mooc.Teacher.GetAsync($"/api/courses/{c.Mooc.Id}/credential-reviews")))
        .GetProperty("items").EnumerateArray().ToList();

    private async Task<List<OutboxMessage>> MailAsync(string kind, string about) =>
        (await server.Get<MailOutbox>().ListAsync(2000)).Where(m => m.Kind == kind && m.Subject.Contains(about)).ToList();

    private async Task<bool> ValidAsync(JsonElement credential) =>
        (await IndependentVerifier.VerifyIssuedAsync(server, Id(credential), credential.GetProperty("institutionId").GetGuid()))
        .GetProperty("valid").GetBoolean();

    private async Task<string> ReasonAsync(JsonElement credential) =>
        (await IndependentVerifier.VerifyIssuedAsync(server, Id(credential), credential.GetProperty("institutionId").GetGuid()))
        .GetProperty("reason").GetString() ?? "";

    private static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();

    private static async Task<List<JsonElement>> TranscriptAsync(HttpClient learner) =>
        (await ProblemAssert.OkAsync<JsonElement>(await learner.GetAsync("/api/credentials"))).EnumerateArray().ToList();

    private static async Task<JsonElement> DecideAsync(Case c, Guid review, object decision) =>
        await ProblemAssert.OkAsync<JsonElement>(await c.Mooc.Teacher.PostAsJsonAsync($"/api/credential-reviews/{review}/decision", decision));

    [Fact]
    public async Task A_plagiarism_finding_drops_the_standing_tells_the_staff_and_revoking_leaves_every_view_consistent()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var c = await CaseAsync(u);
        var learner = await GradedAsync(c, $"Đỗ Văn Khoa {u}", [90, 41], [5, 4]); // 131/150 and 9/10: 65.5 + 22.5 = 88
        var issued = await CredentialsAsync(learner, c);
        Assert.Equal(2, issued.Count);
        Assert.All(issued, i => Assert.Equal(88.0m, i.GetProperty("grade").GetDecimal()));

        // The university's admin, reviewing for academic integrity, gives the essay 0 ("Đạo văn"): 22.5 now.
        var integrity = await server.SignedInAsync(MoocKit.UniversityAdmin);
        await ProblemAssert.OkAsync<JsonElement>(await integrity.PostAsJsonAsync($"/api/moocs/submissions/{learner.Essay}/reviews",
            new { scores = new[] { 0, 0 }, comment = "Đạo văn" }));
        var standing = await StandingAsync(learner, c);
        Assert.Equal(22.5, standing.GetProperty("grade").GetDouble());
        Assert.False(standing.GetProperty("passed").GetBoolean());
        Assert.True(standing.GetProperty("passRecorded").GetBoolean());
        Assert.Equal(88.0m, standing.GetProperty("recordedGrade").GetDecimal());

        // The lecturer sees it at once, by mail and on the run's list; until they decide the credentials stand.
        var review = Assert.Single(await OpenReviewsAsync(c));
        Assert.Equal(learner.Name, review.GetProperty("learnerName").GetString());
        Assert.Equal("not-passing", review.GetProperty("cause").GetString());
        Assert.Equal(88.0m, review.GetProperty("issuedGrade").GetDecimal());
        Assert.Equal(22.5m, review.GetProperty("currentGrade").GetDecimal());
        var mail = Assert.Single(await MailAsync("credential-review", learner.Name));
        Assert.Contains(MoocKit.Lecturer, mail.To);
        Assert.Contains("22.5", mail.Text);
        Assert.True(await ValidAsync(issued[0]));

        // Re-issuing a fail is refused; keeping needs a reason.
        var problem = await ProblemAssert.IsProblemAsync(await c.Mooc.Teacher.PostAsJsonAsync(
            $"/api/credential-reviews/{Id(review)}/decision", new { decision = "reissue" }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("not-passing", problem.GetProperty("code").GetString());
        await ProblemAssert.IsProblemAsync(await c.Mooc.Teacher.PostAsJsonAsync(
            $"/api/credential-reviews/{Id(review)}/decision", new { decision = "keep" }), HttpStatusCode.BadRequest, "validation");
        // Nobody but the course's staff decides.
        await ProblemAssert.IsProblemAsync(await learner.Client.PostAsJsonAsync(
            $"/api/credential-reviews/{Id(review)}/decision", new { decision = "keep", reason = "Tôi không đạo văn" }), HttpStatusCode.Forbidden, "forbidden");

        var decided = await DecideAsync(c, Id(review), new { decision = "revoke", reason = "Đạo văn" });
        Assert.Equal("revoke", decided.GetProperty("decision").GetString());
        Assert.Empty(await OpenReviewsAsync(c));

        // Both credentials (the default): the status list, /verify, the PDF and the transcript all say revoked.
        foreach (var credential in issued)
        {
            Assert.Equal("revoked", await ReasonAsync(credential));
            var page = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/verify/{Id(credential)}"));
            Assert.True(page.GetProperty("verification").GetProperty("revoked").GetBoolean());
            Assert.Equal("Đạo văn", page.GetProperty("credential").GetProperty("revocationReason").GetString());
            Assert.Contains("ĐÃ THU HỒI", await IndependentVerifier.PdfTextAsync(server, Id(credential)));
        }
        Assert.All(await TranscriptAsync(learner.Client), e => Assert.NotEqual(JsonValueKind.Null, e.GetProperty("credential").GetProperty("revokedAt").ValueKind));
        // Reading the standing again changes nothing: no new review, no new credential.
        Assert.False((await StandingAsync(learner, c)).GetProperty("passed").GetBoolean());
        Assert.Empty(await OpenReviewsAsync(c));
        Assert.Equal(issued.Select(Id).Order(), (await CredentialsAsync(learner, c)).Select(Id).Order());
    }

    [Fact]
    public async Task A_policy_change_is_previewed_before_it_is_saved_then_the_staff_keep_one_and_revoke_anothers_credit_only()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var c = await CaseAsync(u);
        var kept = await GradedAsync(c, $"Lê Thu Hà {u}", [90, 41], [5, 4]); // 88
        var revoked = await GradedAsync(c, $"Phan Quốc Bảo {u}", [80, 42], [4, 3]); // 61 + 17.5 = 78.5
        var keptIssued = await CredentialsAsync(kept, c);
        var revokedIssued = await CredentialsAsync(revoked, c);
        Assert.All(revokedIssued, i => Assert.Equal(78.5m, i.GetProperty("grade").GetDecimal()));

        // The preview lists who a pass mark of 90 would affect; nothing changes until it is saved.
        var preview = await ProblemAssert.OkAsync<JsonElement>(await c.Mooc.Teacher.PostAsJsonAsync($"/api/courses/{c.Mooc.Id}/grading/preview", Policy(passMark: 90)));
        Assert.Equal(2, preview.GetProperty("learners").GetInt32());
        var affected = preview.GetProperty("affected").EnumerateArray().ToList();
        Assert.Equal([kept.Name, revoked.Name], affected.Select(a => a.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
        Assert.All(affected, a => Assert.True(a.GetProperty("passesNow").GetBoolean() && !a.GetProperty("passesThen").GetBoolean()));
        Assert.All(affected, a => Assert.Equal(2, a.GetProperty("credentials").GetInt32()));
        await ProblemAssert.IsProblemAsync(await revoked.Client.PostAsJsonAsync($"/api/courses/{c.Mooc.Id}/grading/preview", Policy(passMark: 90)),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.True((await StandingAsync(kept, c)).GetProperty("passed").GetBoolean());
        Assert.Empty(await OpenReviewsAsync(c));

        await ProblemAssert.OkAsync<JsonElement>(await c.Mooc.Teacher.PutAsJsonAsync($"/api/courses/{c.Mooc.Id}/grading", Policy(passMark: 90)));
        Assert.False((await StandingAsync(kept, c)).GetProperty("passed").GetBoolean());
        Assert.False((await StandingAsync(revoked, c)).GetProperty("passed").GetBoolean());
        var reviews = await OpenReviewsAsync(c);
        Assert.Equal(2, reviews.Count);
        Assert.Single(await MailAsync("credential-review", kept.Name));
        Assert.Single(await MailAsync("credential-review", revoked.Name));

        // Keep: recorded with its reason, the credentials stay valid everywhere, and the review does not come back.
        var keepReview = reviews.Single(r => r.GetProperty("userId").GetGuid() == kept.Id);
        var decided = await DecideAsync(c, Id(keepReview), new { decision = "keep", reason = "Đạt theo chính sách lúc cấp" });
        Assert.Equal("Đạt theo chính sách lúc cấp", decided.GetProperty("reason").GetString());
        var lecturer = await server.Get<Lms.Grains.Identity.UserRepository>().GetAsync(await server.UserIdAsync(MoocKit.Lecturer));
        Assert.Equal(lecturer!.DisplayName, decided.GetProperty("decidedByName").GetString());
        Assert.Equal("keep", decided.GetProperty("decision").GetString());
        foreach (var credential in keptIssued)
        {
            Assert.True(await ValidAsync(credential));
            Assert.DoesNotContain("THU HỒI", await IndependentVerifier.PdfTextAsync(server, Id(credential)));
        }
        Assert.False((await StandingAsync(kept, c)).GetProperty("passed").GetBoolean());
        Assert.DoesNotContain(await OpenReviewsAsync(c), r => r.GetProperty("userId").GetGuid() == kept.Id);
        Assert.All(await TranscriptAsync(kept.Client), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("credential").GetProperty("revokedAt").ValueKind));

        // Revoke only the credit record: the staff's choice; the certificate stays valid.
        var revokeReview = reviews.Single(r => r.GetProperty("userId").GetGuid() == revoked.Id);
        await DecideAsync(c, Id(revokeReview), new { decision = "revoke", reason = "Không đạt ngưỡng tín chỉ mới", kinds = new[] { "credit" } });
        var credit = revokedIssued.Single(i => i.GetProperty("kind").GetString() == "credit");
        var certificate = revokedIssued.Single(i => i.GetProperty("kind").GetString() == "certificate");
        Assert.Equal("revoked", await ReasonAsync(credit));
        Assert.True(await ValidAsync(certificate));
        Assert.Contains("ĐÃ THU HỒI", await IndependentVerifier.PdfTextAsync(server, Id(credit)));
        Assert.DoesNotContain("THU HỒI", await IndependentVerifier.PdfTextAsync(server, Id(certificate)));
        var transcript = await TranscriptAsync(revoked.Client);
        Assert.NotEqual(JsonValueKind.Null, transcript.Single(e => Id(e.GetProperty("credential")) == Id(credit)).GetProperty("credential").GetProperty("revokedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, transcript.Single(e => Id(e.GetProperty("credential")) == Id(certificate)).GetProperty("credential").GetProperty("revokedAt").ValueKind);
        // The certificate kept by the staff's choice is not put back on the list when the learner looks again.
        Assert.False((await StandingAsync(revoked, c)).GetProperty("passed").GetBoolean());
        Assert.Empty(await OpenReviewsAsync(c));

        // The run's figures count certificates and credit records apart, in force only.
        var stats = await ProblemAssert.OkAsync<JsonElement>(await c.Mooc.Teacher.GetAsync($"/api/moocs/runs/{c.Mooc.RunId}/stats"));
        Assert.Equal(2, stats.GetProperty("certificatesIssued").GetInt32());
        Assert.Equal(1, stats.GetProperty("creditRecordsIssued").GetInt32());
        Assert.Equal(0, stats.GetProperty("credentialsToReview").GetInt32());
    }

    [Fact]
    public async Task A_regrade_is_reissued_under_new_ids_and_the_old_credentials_and_their_recognition_are_marked_superseded()
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var c = await CaseAsync(u);
        var learner = await GradedAsync(c, $"Vũ Minh Anh {u}", [90, 41], [5, 4]); // 88
        var old = await CredentialsAsync(learner, c);
        var oldCredit = old.Single(i => i.GetProperty("kind").GetString() == "credit");
        var receiving = await _kit.UniversityIdAsync(MoocKit.OtherUniversityAdmin);
        var share = Id(await ProblemAssert.OkAsync<JsonElement>(await learner.Client.PostAsJsonAsync($"/api/credentials/{Id(oldCredit)}/shares",
            new { institutionId = receiving })));
        var receivingAdmin = await server.SignedInAsync(MoocKit.OtherUniversityAdmin);
        await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{share}/decision",
            new { accept = true, recognisedAs = "Công nghệ phần mềm", recognisedCode = "IT3040", recognisedCredits = 3 }));

        // A regrade of the lab (10/10) raises the grade to 90.5: listed for the staff (a rise is not mailed).
        var regrader = await server.SignedInAsync(MoocKit.UniversityAdmin);
        await MoocKit.GradeAsync(regrader, learner.Lab, 6, 4);
        var standing = await StandingAsync(learner, c);
        Assert.Equal(90.5, standing.GetProperty("grade").GetDouble());
        Assert.True(standing.GetProperty("passed").GetBoolean());
        var review = Assert.Single(await OpenReviewsAsync(c));
        Assert.Equal("grade-rose", review.GetProperty("cause").GetString());
        Assert.Empty(await MailAsync("credential-review", learner.Name));

        var decided = await DecideAsync(c, Id(review), new { decision = "reissue" });
        Assert.Equal("reissue", decided.GetProperty("decision").GetString());
        var current = await CredentialsAsync(learner, c);
        Assert.Equal(2, current.Count);
        Assert.Empty(current.Select(Id).Intersect(old.Select(Id)));
        Assert.All(current, i => Assert.Equal(90.5m, i.GetProperty("grade").GetDecimal()));
        Assert.Equal(90.5m, (await StandingAsync(learner, c)).GetProperty("recordedGrade").GetDecimal());
        Assert.Empty(await OpenReviewsAsync(c));

        foreach (var replaced in old)
        {
            var successor = current.Single(i => i.GetProperty("kind").GetString() == replaced.GetProperty("kind").GetString());
            Assert.Equal("revoked", await ReasonAsync(replaced)); // the status list no longer vouches for it
            Assert.True(await ValidAsync(successor));
            var page = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/verify/{Id(replaced)}"));
            Assert.Equal(Id(successor), page.GetProperty("credential").GetProperty("supersededBy").GetGuid());
            Assert.Contains("ĐÃ ĐƯỢC THAY THẾ", await IndependentVerifier.PdfTextAsync(server, Id(replaced)));
            var text = await IndependentVerifier.PdfTextAsync(server, Id(successor));
            Assert.Contains("90.5", text);
            Assert.DoesNotContain("THAY THẾ", text);
            Assert.Contains("Đã được thay thế", await server.Client().GetStringAsync($"/verify/{Id(replaced)}"));
        }

        // The recognition made on the old credit record is marked, the receiving university told, the transcript shows it.
        var marked = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.GetAsync($"/api/recognition/{share}"));
        Assert.Equal("credential-replaced", marked.GetProperty("share").GetProperty("decision").GetString());
        Assert.Equal("accepted", marked.GetProperty("share").GetProperty("decisionBefore").GetString());
        Assert.Contains(await MailAsync("recognition-marked", learner.Name), m => m.To.Contains(MoocKit.OtherUniversityAdmin));
        var transcript = await TranscriptAsync(learner.Client);
        Assert.Equal(4, transcript.Count);
        var seen = transcript.Single(e => Id(e.GetProperty("credential")) == Id(oldCredit)).GetProperty("shares").EnumerateArray().Single();
        Assert.Equal("credential-replaced", seen.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Revoking_a_recognised_credit_record_marks_the_decision_tells_the_receiving_university_and_by_default_revokes_the_certificate()
    {
        var graduate = await Graduates.GraduateAsync(server, $"Hồ Gia Huy {Guid.NewGuid().ToString("N")[..6]}");
        var receiving = await _kit.UniversityIdAsync(MoocKit.OtherUniversityAdmin);
        var creditId = Id(graduate.Credit);
        var share = Id(await ProblemAssert.OkAsync<JsonElement>(await graduate.Learner.PostAsJsonAsync($"/api/credentials/{creditId}/shares",
            new { institutionId = receiving })));
        var receivingAdmin = await server.SignedInAsync(MoocKit.OtherUniversityAdmin);
        await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{share}/decision",
            new { accept = true, recognisedAs = "Kinh tế học vi mô", recognisedCode = "IT3040", recognisedCredits = 3 }));

        await ProblemAssert.OkAsync<JsonElement>(await graduate.Mooc.Teacher.PostAsJsonAsync($"/api/credentials/{creditId}/revoke",
            new { reason = "Gian lận trong bài thi" }));

        // The receiving university's decision is no longer plain "accepted", and its inbox puts it first.
        var inbox = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.GetAsync($"/api/institutions/{receiving}/recognition?decision=credential-revoked"));
        var marked = inbox.GetProperty("items").EnumerateArray().Single(s => Id(s) == share);
        Assert.Equal("accepted", marked.GetProperty("decisionBefore").GetString());
        Assert.Equal(3, marked.GetProperty("recognisedCredits").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, marked.GetProperty("markedAt").ValueKind);
        var all = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.GetAsync($"/api/institutions/{receiving}/recognition"));
        Assert.DoesNotContain(all.GetProperty("items").EnumerateArray(),
            s => Id(s) == share && s.GetProperty("decision").GetString() == "accepted");
        var mail = Assert.Single(await MailAsync("recognition-marked", graduate.Credit.GetProperty("subjectName").GetString()!));
        Assert.Contains(MoocKit.OtherUniversityAdmin, mail.To);
        Assert.Contains("Kinh tế học vi mô", mail.Text);

        // The learner's transcript shows it, and the certificate of the same course was revoked with it.
        var transcript = await TranscriptAsync(graduate.Learner);
        var credit = transcript.Single(e => Id(e.GetProperty("credential")) == creditId);
        Assert.Equal("credential-revoked", credit.GetProperty("shares").EnumerateArray().Single().GetProperty("decision").GetString());
        Assert.All(transcript, e => Assert.NotEqual(JsonValueKind.Null, e.GetProperty("credential").GetProperty("revokedAt").ValueKind));
        Assert.Equal("revoked", await ReasonAsync(graduate.Credit));
        Assert.Equal("revoked", await ReasonAsync(graduate.Certificate));
    }
}
