using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Lms.Grains.Data;
using Lms.Tests.Infrastructure;
using Lms.Tests.Moocs;

namespace Lms.Tests.Credentials;

/// <summary>A learner who passed a credit-bearing MOOC, with their certificate and credit record.</summary>
public sealed record Graduate(HttpClient Learner, MoocKit.Mooc Mooc, JsonElement Certificate, JsonElement Credit);

/// <summary>
/// The independent check of a credential: <c>verify-vc.mjs</c> run with Node's own crypto, fetching the
/// institution's published keys and status list from the test server over HTTP.
/// </summary>
public static class IndependentVerifier
{
    public static async Task<JsonElement> VerifyAsync(LmsServer server, string jwt, Guid institutionId)
    {
        var file = Path.Combine(Path.GetTempPath(), $"vc-{Guid.NewGuid():N}.jwt");
        await File.WriteAllTextAsync(file, jwt);
        try
        {
            var baseUrl = server.BaseAddress.ToString().TrimEnd('/');
            var start = new ProcessStartInfo("node")
            {
                ArgumentList =
                {
                    Path.Combine(AppContext.BaseDirectory, "Credentials", "verify-vc.mjs"), file,
                    $"{baseUrl}/institutions/{institutionId}/.well-known/jwks.json", $"{baseUrl}/institutions/{institutionId}/issuer",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"node failed: {error}");
            return JsonDocument.Parse(output).RootElement;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The credential's VC-JWT as the public download serves it, checked independently.</summary>
    public static async Task<JsonElement> VerifyIssuedAsync(LmsServer server, Guid credentialId, Guid institutionId) =>
        await VerifyAsync(server, await server.Client().GetStringAsync($"/api/verify/{credentialId}/credential"), institutionId);

    /// <summary>The text of the credential's PDF, as pdftotext reads it.</summary>
    public static async Task<string> PdfTextAsync(LmsServer server, Guid credentialId)
    {
        var response = await server.Client().GetAsync($"/api/verify/{credentialId}/pdf");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        var file = Path.Combine(Path.GetTempPath(), $"cert-{credentialId:N}-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            var start = new ProcessStartInfo("pdftotext") { ArgumentList = { file, "-" }, RedirectStandardOutput = true };
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public static class Graduates
{
    /// <summary>A credit-bearing MOOC graded by completion; the learner signs up, reads every page and so passes.</summary>
    public static async Task<Graduate> GraduateAsync(LmsServer server, string name)
    {
        var kit = new MoocKit(server);
        var u = Guid.NewGuid().ToString("N")[..8];
        var mooc = await kit.CreateAsync($"Kinh tế vi mô {u}", pages: 2, credits: 3, ects: 6,
            policy: new { categories = Array.Empty<object>(), passMark = 100, requireAllItems = true });
        var learner = await kit.SignUpAsync(mooc.RunId, $"sv{u}@example.vn", name);
        foreach (var page in mooc.Pages)
            await ProblemAssert.OkAsync<JsonElement>(await learner.PostAsync($"/api/courses/{mooc.Id}/items/{page}/seen", null));
        var standing = await MoocKit.StandingAsync(learner, mooc.Id);
        Assert.True(standing.GetProperty("standing").GetProperty("passed").GetBoolean());
        var credentials = standing.GetProperty("credentials").EnumerateArray().ToList();
        return new Graduate(learner, mooc,
            credentials.Single(c => c.GetProperty("kind").GetString() == "certificate"),
            credentials.Single(c => c.GetProperty("kind").GetString() == "credit"));
    }
}

/// <summary>
/// Certificates and credit records verify with an independent implementation (Node's crypto, run
/// from the test, against the keys and status list the server publishes), and fail when tampered
/// with, signed with another key, or revoked.
/// </summary>
public sealed class CredentialVerificationTests(SqliteLmsServer server) : IClassFixture<SqliteLmsServer>
{
    private Task<JsonElement> VerifyWithNodeAsync(string jwt, Guid institutionId) => IndependentVerifier.VerifyAsync(server, jwt, institutionId);

    private async Task<string> JwtAsync(JsonElement credential) =>
        await server.Client().GetStringAsync($"/api/verify/{credential.GetProperty("id").GetGuid()}/credential");

    [Fact]
    public async Task A_certificate_verifies_independently_and_tampering_another_key_or_revocation_each_fail()
    {
        var graduate = await Graduates.GraduateAsync(server, "Phạm Minh Châu");
        var institution = graduate.Certificate.GetProperty("institutionId").GetGuid();
        var jwt = await JwtAsync(graduate.Certificate);

        var verdict = await VerifyWithNodeAsync(jwt, institution);
        Assert.True(verdict.GetProperty("valid").GetBoolean(), verdict.ToString());
        Assert.True((await VerifyWithNodeAsync(await JwtAsync(graduate.Credit), institution)).GetProperty("valid").GetBoolean());

        // Tampered: the grade changed, the signature kept.
        var parts = jwt.Split('.');
        var payload = JsonNode.Parse(Unb64(parts[1]))!.AsObject();
        payload["credentialSubject"]!["identifier"]![0]!["identityHash"] = "Người Khác";
        var tampered = $"{parts[0]}.{B64(Encoding.UTF8.GetBytes(payload.ToJsonString()))}.{parts[2]}";
        verdict = await VerifyWithNodeAsync(tampered, institution);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal("bad signature", verdict.GetProperty("reason").GetString());

        // Another key: the same content signed by a key that is not the institution's, under its key id.
        using var impostor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var input = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        var forged = $"{parts[0]}.{parts[1]}.{B64(impostor.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))}";
        verdict = await VerifyWithNodeAsync(forged, institution);
        Assert.Equal("bad signature", verdict.GetProperty("reason").GetString());
        // And the real credential checked against another institution's published keys fails too.
        var other = await new MoocKit(server).UniversityIdAsync(MoocKit.OtherUniversityAdmin);
        await server.Client().GetAsync($"/institutions/{other}/.well-known/jwks.json");
        verdict = await VerifyWithNodeAsync(jwt, other);
        Assert.False(verdict.GetProperty("valid").GetBoolean());

        // The server's own check agrees on each.
        foreach (var bad in new[] { tampered, forged })
        {
            var result = await ProblemAssert.OkAsync<JsonElement>(await server.Client().PostAsJsonAsync("/api/verify", new { credential = bad }));
            Assert.False(result.GetProperty("valid").GetBoolean());
            Assert.Contains(result.GetProperty("checks").EnumerateArray(),
                c => c.GetProperty("check").GetString() == "signature" && !c.GetProperty("passed").GetBoolean());
        }

        // Revoked by the course's lecturer: the status list says so, the verification page too.
        var id = graduate.Certificate.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await graduate.Learner.PostAsJsonAsync($"/api/credentials/{id}/revoke", new { reason = "Tự thu hồi" }),
            HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.OkAsync<JsonElement>(await graduate.Mooc.Teacher.PostAsJsonAsync($"/api/credentials/{id}/revoke",
            new { reason = "Gian lận trong bài thi", keepRelated = true }));
        verdict = await VerifyWithNodeAsync(jwt, institution);
        Assert.False(verdict.GetProperty("valid").GetBoolean());
        Assert.Equal("revoked", verdict.GetProperty("reason").GetString());
        var page = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/api/verify/{id}"));
        Assert.True(page.GetProperty("verification").GetProperty("revoked").GetBoolean());
        Assert.Equal("Gian lận trong bài thi", page.GetProperty("credential").GetProperty("revocationReason").GetString());
        Assert.Contains("Đã thu hồi", await server.Client().GetStringAsync($"/verify/{id}"));
        // The credit record, kept by the lecturer's choice, still verifies: one bit per credential.
        Assert.True((await VerifyWithNodeAsync(await JwtAsync(graduate.Credit), institution)).GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task The_credential_is_an_open_badge_in_the_vc_data_model_and_keys_are_published_but_kept_encrypted()
    {
        var graduate = await Graduates.GraduateAsync(server, "Đặng Thu Trang");
        var institution = graduate.Credit.GetProperty("institutionId").GetGuid();
        var jwt = await JwtAsync(graduate.Credit);
        var header = JsonNode.Parse(Unb64(jwt.Split('.')[0]))!;
        var vc = JsonNode.Parse(Unb64(jwt.Split('.')[1]))!;

        Assert.Equal("ES256", (string?)header["alg"]);
        Assert.Equal("vc+jwt", (string?)header["typ"]);
        Assert.Equal("https://www.w3.org/ns/credentials/v2", (string?)vc["@context"]![0]);
        Assert.StartsWith("https://purl.imsglobal.org/spec/ob/v3p0/context", (string?)vc["@context"]![1]);
        Assert.Equal(["VerifiableCredential", "OpenBadgeCredential"], vc["type"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("AchievementSubject", (string?)vc["credentialSubject"]!["type"]![0]);
        Assert.Equal("Đặng Thu Trang", (string?)vc["credentialSubject"]!["identifier"]![0]!["identityHash"]);
        Assert.Equal(3, (int?)vc["credentialSubject"]!["creditsEarned"]);
        Assert.Equal(3, (int?)vc["credentialSubject"]!["achievement"]!["creditsAvailable"]);
        Assert.Equal("BitstringStatusListEntry", (string?)vc["credentialStatus"]!["type"]);

        var jwks = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/institutions/{institution}/.well-known/jwks.json"));
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray());
        Assert.Equal((string?)header["kid"], key.GetProperty("kid").GetString());
        Assert.False(key.TryGetProperty("d", out _), "The JWKS must not carry the private key.");
        var profile = await ProblemAssert.OkAsync<JsonElement>(await server.Client().GetAsync($"/institutions/{institution}/issuer"));
        Assert.Equal((string?)vc["issuer"]!["id"], profile.GetProperty("id").GetString());

        await using var connection = await server.Get<Db>().OpenAsync();
        var stored = await connection.QuerySingleAsync<string>("SELECT private_key FROM institution_keys WHERE institution_id = @institution", new { institution });
        Assert.StartsWith("CfDJ8", stored); // ASP.NET Data Protection's format, not a key
        Assert.ThrowsAny<Exception>(() => ECDsa.Create().ImportPkcs8PrivateKey(Convert.FromBase64String(stored), out _));
    }

    [Fact]
    public async Task The_certificate_pdf_names_the_learner_and_links_its_verification_page()
    {
        var graduate = await Graduates.GraduateAsync(server, "Võ Thị Ngọc Ánh");
        var id = graduate.Certificate.GetProperty("id").GetGuid();
        var text = await IndependentVerifier.PdfTextAsync(server, id);
        Assert.Contains("Võ Thị Ngọc Ánh", text);
        Assert.Contains("CHỨNG CHỈ HOÀN THÀNH", text);
        Assert.Contains($"/verify/{id}", text);
        Assert.DoesNotContain("THU HỒI", text);
        var html = await server.Client().GetStringAsync($"/verify/{id}");
        Assert.Contains("Hợp lệ", html);
        Assert.Contains("og:title", html);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Unb64(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}

public sealed class RecognitionApiTestsOnSqlite(SqliteLmsServer server) : RecognitionApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class RecognitionApiTestsOnPostgres(PostgresLmsServer server) : RecognitionApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>A credit record earned at one university, verified and recognised (or refused) by another; and who may decide.</summary>
public abstract class RecognitionApiTests(LmsServer server)
{
    [Fact]
    public async Task A_second_university_verifies_and_recognises_a_credit_and_only_its_admins_may_decide()
    {
        var graduate = await Graduates.GraduateAsync(server, "Lý Thanh Tâm");
        var kit = new MoocKit(server);
        var receiving = await kit.UniversityIdAsync(MoocKit.OtherUniversityAdmin);
        var creditId = graduate.Credit.GetProperty("id").GetGuid();

        var recipients = await ProblemAssert.OkAsync<JsonElement>(await graduate.Learner.GetAsync("/api/credentials/recipients?q=phuong nam"));
        Assert.Contains(recipients.EnumerateArray(), r => r.GetProperty("id").GetGuid() == receiving);
        await ProblemAssert.IsProblemAsync(await graduate.Learner.PostAsJsonAsync($"/api/credentials/{graduate.Certificate.GetProperty("id").GetGuid()}/shares",
            new { institutionId = receiving }), HttpStatusCode.BadRequest, "validation");
        var share = await ProblemAssert.OkAsync<JsonElement>(await graduate.Learner.PostAsJsonAsync($"/api/credentials/{creditId}/shares",
            new { institutionId = receiving, message = "Xin công nhận học phần Kinh tế vi mô." }));
        var shareId = share.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await graduate.Learner.PostAsJsonAsync($"/api/credentials/{creditId}/shares",
            new { institutionId = receiving }), HttpStatusCode.Conflict, "conflict");
        // Nobody else can share someone's record.
        var stranger = await kit.SignUpAsync(graduate.Mooc.RunId, $"la{Guid.NewGuid():N}@example.vn");
        await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync($"/api/credentials/{creditId}/shares", new { institutionId = receiving }),
            HttpStatusCode.NotFound, "not-found");

        // The receiving admin sees it in the inbox, verified now.
        var receivingAdmin = await server.SignedInAsync(MoocKit.OtherUniversityAdmin);
        var inbox = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.GetAsync($"/api/institutions/{receiving}/recognition?decision=pending"));
        Assert.Contains(inbox.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetGuid() == shareId);
        var detail = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.GetAsync($"/api/recognition/{shareId}"));
        Assert.True(detail.GetProperty("verification").GetProperty("valid").GetBoolean());
        Assert.Equal(["format", "key", "signature", "issuer", "dates", "status"],
            detail.GetProperty("verification").GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("check").GetString()));

        // One institution cannot read or decide for another; the learner cannot decide for themselves.
        var issuingAdmin = await server.SignedInAsync(MoocKit.UniversityAdmin);
        await ProblemAssert.IsProblemAsync(await issuingAdmin.GetAsync($"/api/institutions/{receiving}/recognition"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAssert.IsProblemAsync(await issuingAdmin.GetAsync($"/api/recognition/{shareId}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await issuingAdmin.PostAsJsonAsync($"/api/recognition/{shareId}/decision",
            new { accept = true, recognisedAs = "X", recognisedCredits = 3 }), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await graduate.Learner.PostAsJsonAsync($"/api/recognition/{shareId}/decision",
            new { accept = true, recognisedAs = "X", recognisedCredits = 3 }), HttpStatusCode.Forbidden, "forbidden");
        var schoolAdmin = await server.SignedInAsync(LmsServer.Admin);
        await ProblemAssert.IsProblemAsync(await schoolAdmin.PostAsJsonAsync($"/api/recognition/{shareId}/decision",
            new { accept = true, recognisedAs = "X", recognisedCredits = 3 }), HttpStatusCode.NotFound, "not-found");

        await ProblemAssert.IsProblemAsync(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{shareId}/decision",
            new { accept = true, recognisedCredits = 3 }), HttpStatusCode.BadRequest, "validation");
        var decided = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{shareId}/decision",
            new { accept = true, recognisedAs = "Kinh tế học vi mô 1", recognisedCode = "KT101", recognisedCredits = 3 }));
        Assert.Equal("accepted", decided.GetProperty("share").GetProperty("decision").GetString());

        // The learner sees the decision in their transcript.
        var transcript = await ProblemAssert.OkAsync<JsonElement>(await graduate.Learner.GetAsync("/api/credentials"));
        var credit = transcript.EnumerateArray().Single(e => e.GetProperty("credential").GetProperty("id").GetGuid() == creditId);
        var seen = Assert.Single(credit.GetProperty("shares").EnumerateArray());
        Assert.Equal("accepted", seen.GetProperty("decision").GetString());
        Assert.Equal("Kinh tế học vi mô 1", seen.GetProperty("recognisedAs").GetString());
        Assert.Equal("KT101", seen.GetProperty("recognisedCode").GetString());
        Assert.Equal("Hoàng Minh Tuấn", seen.GetProperty("decidedByName").GetString());

        // The downloadable transcript holds every credential as a VC-JWT.
        var download = await graduate.Learner.GetAsync("/api/credentials/transcript.json");
        var vp = JsonDocument.Parse(await download.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("VerifiablePresentation", vp.GetProperty("type")[0].GetString());
        Assert.Equal(2, vp.GetProperty("verifiableCredential").GetArrayLength());
        Assert.StartsWith("data:application/vc+jwt,ey", vp.GetProperty("verifiableCredential")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_refusal_carries_a_reason_and_a_revoked_record_cannot_be_recognised()
    {
        var kit = new MoocKit(server);
        var receiving = await kit.UniversityIdAsync(MoocKit.OtherUniversityAdmin);
        var receivingAdmin = await server.SignedInAsync(MoocKit.OtherUniversityAdmin);

        var refused = await Graduates.GraduateAsync(server, "Mai Anh Tuấn");
        var shareId = (await ProblemAssert.OkAsync<JsonElement>(await refused.Learner.PostAsJsonAsync(
            $"/api/credentials/{refused.Credit.GetProperty("id").GetGuid()}/shares", new { institutionId = receiving }))).GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{shareId}/decision", new { accept = false }),
            HttpStatusCode.BadRequest, "validation");
        await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{shareId}/decision",
            new { accept = false, reason = "Chương trình của trường không có học phần tương đương." }));
        var transcript = await ProblemAssert.OkAsync<JsonElement>(await refused.Learner.GetAsync("/api/credentials"));
        var share = transcript.EnumerateArray().SelectMany(e => e.GetProperty("shares").EnumerateArray()).Single();
        Assert.Equal("refused", share.GetProperty("decision").GetString());
        Assert.Equal("Chương trình của trường không có học phần tương đương.", share.GetProperty("reason").GetString());

        var revoked = await Graduates.GraduateAsync(server, "Trịnh Văn Lộc");
        var creditId = revoked.Credit.GetProperty("id").GetGuid();
        var revokedShare = (await ProblemAssert.OkAsync<JsonElement>(await revoked.Learner.PostAsJsonAsync(
            $"/api/credentials/{creditId}/shares", new { institutionId = receiving }))).GetProperty("id").GetGuid();
        var issuingAdmin = await server.SignedInAsync(MoocKit.UniversityAdmin);
        await ProblemAssert.OkAsync<JsonElement>(await issuingAdmin.PostAsJsonAsync($"/api/credentials/{creditId}/revoke", new { reason = "Cấp nhầm" }));
        var detail = await ProblemAssert.OkAsync<JsonElement>(await receivingAdmin.GetAsync($"/api/recognition/{revokedShare}"));
        Assert.False(detail.GetProperty("verification").GetProperty("valid").GetBoolean());
        Assert.True(detail.GetProperty("verification").GetProperty("revoked").GetBoolean());
        var problem = await ProblemAssert.IsProblemAsync(await receivingAdmin.PostAsJsonAsync($"/api/recognition/{revokedShare}/decision",
            new { accept = true, recognisedAs = "X", recognisedCredits = 3 }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal("not-verified", problem.GetProperty("code").GetString());
    }
}
