using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Identity;
using Lms.Grains.Moocs;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Lms.Server.Credentials;

public sealed class CredentialOptions
{
    public const string Section = "Credentials";

    /// <summary>The address people and verifiers reach this server at (credentials name their URLs under it); default: the first address it listens on.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>A TrueType font with Vietnamese letters for the certificate PDF; default: DejaVu Sans or Liberation Sans from the system.</summary>
    public string? FontFile { get; set; }
}

/// <summary>The origin credentials and verification links are issued under.</summary>
public sealed class PublicUrl(Microsoft.Extensions.Options.IOptions<CredentialOptions> options, IServer server)
{
    public string Base
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl)) return options.Value.PublicBaseUrl.TrimEnd('/');
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:5000";
            return address.Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1").Replace("://+", "://127.0.0.1").TrimEnd('/');
        }
    }

    public string Issuer(Guid institutionId) => $"{Base}/institutions/{institutionId:D}/issuer";
    public string Jwks(Guid institutionId) => $"{Base}/institutions/{institutionId:D}/.well-known/jwks.json";
    public string StatusList(Guid institutionId, int list) => $"{Base}/institutions/{institutionId:D}/credentials/status/{list}";
    public string Verify(Guid credentialId) => $"{Base}/verify/{credentialId:D}";
}

/// <summary>
/// Issues, when a learner passes a MOOC run, a certificate and (for a credit-bearing MOOC) a credit
/// record: each an Open Badges 3.0 credential in the W3C VC 2.0 data model, secured as a VC-JWT
/// (VC-JOSE-COSE: a compact JWS, typ vc+jwt, ES256) with the issuing institution's key, and with a
/// BitstringStatusListEntry for revocation.
/// </summary>
public sealed class CredentialIssuer(
    CredentialRepository credentials,
    MoocRepository moocs,
    CourseRepository courses,
    UserRepository users,
    InstitutionKeys keys,
    PublicUrl urls,
    StatusLists statusLists,
    TimeProvider clock,
    ILogger<CredentialIssuer> log) : ICoursePassedHandler
{
    public const int StatusListSize = 131_072; // bits: the minimum the Bitstring Status List recommends, for herd privacy.

    public static readonly string[] Contexts =
        ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"];

    public async Task OnPassedAsync(Guid courseId, Guid userId, decimal grade, DateTimeOffset passedAt, bool newly)
    {
        var run = await moocs.RunByCourseAsync(courseId);
        if (run is null) return; // Only MOOC runs issue credentials.
        var mooc = await moocs.EntryAsync(run.MoocId);
        var course = await courses.GetAsync(courseId);
        if (mooc is null || course is null) return;
        await IssueAsync(CredentialKinds.Certificate, course, mooc, userId, grade, passedAt, 0);
        if (mooc.Credits is > 0) await IssueAsync(CredentialKinds.Credit, course, mooc, userId, grade, passedAt, 0);
    }

    /// <summary>
    /// A new generation of a credential the learner holds, with the grade their record says now; the
    /// caller marks the old one superseded. Null when the course is no longer a MOOC run.
    /// </summary>
    public async Task<CredentialRow?> ReissueAsync(CredentialRow old, decimal grade, DateTimeOffset passedAt)
    {
        var run = await moocs.RunByCourseAsync(old.CourseId);
        var mooc = run is null ? null : await moocs.EntryAsync(run.MoocId);
        var course = await courses.GetAsync(old.CourseId);
        if (mooc is null || course is null) return null;
        return await IssueAsync(old.Kind, course, mooc, old.UserId, grade, passedAt, old.Generation + 1);
    }

    /// <summary>Issues generation <paramref name="generation"/> of a credential, unless it (or a later one) exists; returns the latest.</summary>
    private async Task<CredentialRow> IssueAsync(string kind, CourseRow course, CatalogueRow mooc, Guid userId, decimal grade,
        DateTimeOffset passedAt, int generation)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (await credentials.FindAsync(kind, userId, course.Id) is { } latest && latest.Generation >= generation) return latest;
            var user = await users.GetAsync(userId) ?? throw new InvalidOperationException("No such learner.");
            var (kid, key) = await keys.SignerAsync(course.InstitutionId);
            var index = await credentials.NextStatusIndexAsync(course.InstitutionId);
            var id = Guid.CreateVersion7();
            var now = clock.GetUtcNow();
            var payload = Payload(kind, id, course, mooc, user.DisplayName, grade, passedAt, now, index);
            var header = new JsonObject { ["alg"] = Jws.Algorithm, ["typ"] = "vc+jwt", ["cty"] = "vc", ["kid"] = kid };
            var row = new CredentialRow
            {
                Id = id, Kind = kind, UserId = userId, InstitutionId = course.InstitutionId, CourseId = course.Id,
                SubjectName = user.DisplayName, CourseTitle = course.Title, Grade = grade,
                Credits = kind == CredentialKinds.Credit ? mooc.Credits : null, Ects = kind == CredentialKinds.Credit ? mooc.Ects : null,
                StatusIndex = index, Kid = kid, Jwt = Jws.Sign(header, payload, key), IssuedAt = now, Generation = generation,
            };
            try
            {
                await credentials.InsertAsync(row);
                log.LogInformation("Issued {Kind} {Id} (generation {Generation}) to {UserId} for course {CourseId}", kind, id, generation, userId, course.Id);
                return (await credentials.GetAsync(id))!;
            }
            catch (DbException) when (attempt < 10)
            {
                // Another issuance took this status index (or this credential) at the same moment: look again.
            }
        }
    }

    private JsonObject Payload(string kind, Guid id, CourseRow course, CatalogueRow mooc, string name, decimal grade,
        DateTimeOffset passedAt, DateTimeOffset now, int index)
    {
        var issuer = urls.Issuer(course.InstitutionId);
        var credit = kind == CredentialKinds.Credit;
        var gradeText = grade.ToString("0.0", CultureInfo.InvariantCulture);
        var achievement = new JsonObject
        {
            ["id"] = $"{urls.Base}/catalogue/{mooc.Slug}",
            ["type"] = new JsonArray("Achievement"),
            ["achievementType"] = credit ? "Course" : "CertificateOfCompletion",
            ["name"] = course.Title,
            ["description"] = course.Summary ?? course.Title,
            ["criteria"] = new JsonObject { ["narrative"] = "Hoàn thành khoá học và đạt điểm qua môn theo chính sách chấm điểm của khoá. / Completed the course and reached its pass mark." },
            ["resultDescription"] = new JsonArray(
                new JsonObject
                {
                    ["id"] = "urn:lms:result:percent", ["type"] = new JsonArray("ResultDescription"),
                    ["name"] = "Điểm tổng kết (%) / Final grade (%)", ["resultType"] = "Percent",
                },
                new JsonObject
                {
                    ["id"] = "urn:lms:result:letter", ["type"] = new JsonArray("ResultDescription"),
                    ["name"] = "Điểm chữ / Letter grade", ["resultType"] = "LetterGrade",
                    ["allowedValue"] = new JsonArray("A", "B+", "B", "C+", "C", "D+", "D", "F"),
                }),
        };
        if (credit)
        {
            achievement["creditsAvailable"] = mooc.Credits;
            if (mooc.Ects is { } ects) achievement["ectsCredits"] = ects;
        }
        var subject = new JsonObject
        {
            ["type"] = new JsonArray("AchievementSubject"),
            ["identifier"] = new JsonArray(new JsonObject
            {
                ["type"] = "IdentityObject", ["identityHash"] = name, ["identityType"] = "name", ["hashed"] = false,
            }),
            ["achievement"] = achievement,
            ["result"] = new JsonArray(
                new JsonObject { ["type"] = new JsonArray("Result"), ["resultDescription"] = "urn:lms:result:percent", ["value"] = gradeText },
                new JsonObject { ["type"] = new JsonArray("Result"), ["resultDescription"] = "urn:lms:result:letter", ["value"] = LetterGrade(grade) }),
            ["activityEndDate"] = Iso(passedAt),
        };
        if (credit) subject["creditsEarned"] = mooc.Credits;
        var list = index / StatusListSize + 1;
        return new JsonObject
        {
            ["@context"] = new JsonArray(Contexts.Select(c => (JsonNode?)c).ToArray()),
            ["id"] = $"urn:uuid:{id:D}",
            ["type"] = new JsonArray("VerifiableCredential", "OpenBadgeCredential"),
            ["name"] = credit ? $"Tín chỉ / Credit: {course.Title}" : $"Chứng chỉ / Certificate: {course.Title}",
            ["issuer"] = new JsonObject
            {
                ["id"] = issuer, ["type"] = new JsonArray("Profile"), ["name"] = mooc.InstitutionName, ["url"] = urls.Base,
            },
            ["validFrom"] = Iso(now),
            ["credentialSubject"] = subject,
            ["credentialStatus"] = new JsonObject
            {
                ["id"] = $"{urls.StatusList(course.InstitutionId, list)}#{index % StatusListSize}",
                ["type"] = "BitstringStatusListEntry",
                ["statusPurpose"] = "revocation",
                ["statusListIndex"] = (index % StatusListSize).ToString(CultureInfo.InvariantCulture),
                ["statusListCredential"] = urls.StatusList(course.InstitutionId, list),
            },
            ["iss"] = issuer,
            ["jti"] = $"urn:uuid:{id:D}",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
        };
    }

    /// <summary>The letter of the Vietnamese credit system (Quy chế 08/2021/TT-BGDĐT) for a percentage.</summary>
    public static string LetterGrade(decimal percent) => (percent / 10) switch
    {
        >= 8.5m => "A",
        >= 8.0m => "B+",
        >= 7.0m => "B",
        >= 6.5m => "C+",
        >= 5.5m => "C",
        >= 5.0m => "D+",
        >= 4.0m => "D",
        _ => "F",
    };

    public static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Sets the credential's revocation bit; false when it was already revoked. Use <see cref="CredentialLifecycle"/> to tell those who relied on it.</summary>
    public async Task<bool> RevokeAsync(CredentialRow credential, string reason)
    {
        var revoked = await credentials.RevokeAsync(credential.Id, reason);
        statusLists.Invalidate(credential.InstitutionId);
        return revoked;
    }

    /// <summary>Marks <paramref name="old"/> replaced by <paramref name="replacement"/>: its revocation bit is set too.</summary>
    public async Task<bool> SupersedeAsync(CredentialRow old, CredentialRow replacement, string reason)
    {
        var superseded = await credentials.SupersedeAsync(old.Id, replacement.Id, reason);
        statusLists.Invalidate(old.InstitutionId);
        return superseded;
    }
}

/// <summary>
/// An institution's revocation list as a W3C Bitstring Status List credential (VC-JWT), built from
/// the store and kept until a credential of that institution is revoked.
/// </summary>
public sealed class StatusLists(CredentialRepository credentials, InstitutionKeys keys, PublicUrl urls, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(Guid, int), string> _signed = new();

    public void Invalidate(Guid institutionId)
    {
        foreach (var key in _signed.Keys.Where(k => k.Item1 == institutionId).ToList()) _signed.TryRemove(key, out _);
    }

    public async Task<string> SignedAsync(Guid institutionId, int list)
    {
        if (_signed.TryGetValue((institutionId, list), out var cached)) return cached;
        var bits = new byte[CredentialIssuer.StatusListSize / 8];
        foreach (var index in await credentials.RevokedIndexesAsync(institutionId))
        {
            if (index / CredentialIssuer.StatusListSize + 1 != list) continue;
            var i = index % CredentialIssuer.StatusListSize;
            bits[i / 8] |= (byte)(0x80 >> (i % 8)); // index 0 is the left-most bit of the first byte
        }
        using var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(bits);
        var url = urls.StatusList(institutionId, list);
        var issuer = urls.Issuer(institutionId);
        var now = clock.GetUtcNow();
        var payload = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["id"] = url,
            ["type"] = new JsonArray("VerifiableCredential", "BitstringStatusListCredential"),
            ["issuer"] = issuer,
            ["validFrom"] = CredentialIssuer.Iso(now),
            ["credentialSubject"] = new JsonObject
            {
                ["id"] = url + "#list", ["type"] = "BitstringStatusList", ["statusPurpose"] = "revocation",
                ["encodedList"] = "u" + Jws.B64(compressed.ToArray()),
            },
            ["iss"] = issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
        };
        var (kid, key) = await keys.SignerAsync(institutionId);
        var jwt = Jws.Sign(new JsonObject { ["alg"] = Jws.Algorithm, ["typ"] = "vc+jwt", ["kid"] = kid }, payload, key);
        _signed[(institutionId, list)] = jwt;
        return jwt;
    }
}
