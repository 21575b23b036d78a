using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using System.Text;
using Lms.Grains.Courses;
using Lms.Grains.Credentials;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Moocs;
using Lms.Server.Courses;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Credentials;

public sealed record CredentialView(
    Guid Id, string Kind, string SubjectName, string CourseTitle, Guid CourseId, Guid InstitutionId, string InstitutionName,
    decimal Grade, string LetterGrade, int? Credits, decimal? Ects, DateTimeOffset IssuedAt, DateTimeOffset? RevokedAt,
    string? RevocationReason, string VerifyUrl, int Generation, Guid? SupersededBy);

public sealed record ShareView(
    Guid Id, Guid CredentialId, Guid ToInstitutionId, string ToInstitutionName, string? Message, DateTimeOffset SharedAt,
    string Decision, string? DecidedByName, DateTimeOffset? DecidedAt, string? RecognisedAs, string? RecognisedCode,
    int? RecognisedCredits, string? Reason, string Kind, string SubjectName, string CourseTitle, string IssuerName, int? Credits,
    decimal Grade, DateTimeOffset? MarkedAt, string? DecisionBefore);

public sealed record TranscriptEntry(CredentialView Credential, IReadOnlyList<ShareView> Shares);

public sealed record VerifyView(CredentialView? Credential, Verification Verification);

public sealed record RecognitionView(ShareView Share, CredentialView Credential, Verification Verification);

public sealed record ShareRequest(Guid InstitutionId, [property: StringLength(2000)] string? Message);

public sealed record DecisionRequest(
    bool Accept,
    [property: StringLength(200)] string? RecognisedAs,
    [property: StringLength(50)] string? RecognisedCode,
    [property: Range(0, 60)] int? RecognisedCredits,
    [property: StringLength(2000)] string? Reason);

/// <param name="KeepRelated">
/// False (the default): the learner's other credentials in force from the same course (the certificate
/// beside a credit record) are revoked with it; true: only this one.
/// </param>
public sealed record RevokeRequest([property: Required, StringLength(500, MinimumLength = 3)] string Reason, bool KeepRelated = false);

public sealed record VerifyRequest([property: Required, StringLength(100_000)] string Credential);

public sealed record RecipientView(Guid Id, string Name, string Kind);

public static class CredentialEndpoints
{
    public static IServiceCollection AddCredentials(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CredentialOptions>(configuration.GetSection(CredentialOptions.Section));
        services.AddSingleton<CredentialRepository>();
        services.AddSingleton<PublicUrl>();
        services.AddSingleton<InstitutionKeys>();
        services.AddSingleton<StatusLists>();
        services.AddSingleton<CredentialIssuer>();
        services.AddSingleton<ICoursePassedHandler>(sp => sp.GetRequiredService<CredentialIssuer>());
        services.AddSingleton<CredentialReviewRepository>();
        services.AddSingleton<CredentialLifecycle>();
        services.AddSingleton<CredentialReviews>();
        services.AddSingleton<ICourseStandingWatcher>(sp => sp.GetRequiredService<CredentialReviews>());
        services.AddSingleton<CredentialVerifier>();
        services.AddSingleton<CertificatePdf>();
        return services;
    }

    /// <summary>The public, well-known documents at the root, and the API under <paramref name="api"/>.</summary>
    public static void MapCredentials(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        var issuer = app.MapGroup("/institutions/{institutionId:guid}").ProducesProblems(404).WithTags("Credentials (public)").AllowAnonymous();
        issuer.MapGet("/.well-known/jwks.json", Jwks).WithSummary("The institution's public signing keys (JWK set).");
        issuer.MapGet("/issuer", Profile).WithSummary("The institution as an Open Badges issuer profile.");
        issuer.MapGet("/credentials/status/{list:int}", StatusList).WithSummary("The revocation status list (Bitstring Status List, VC-JWT).");

        var verify = api.MapGroup("/verify").WithTags("Credentials").AllowAnonymous();
        verify.MapGet("/{credentialId:guid}", Verify).ProducesProblems(404).WithSummary("Verify an issued credential by its id (public).");
        verify.MapGet("/{credentialId:guid}/credential", Download).ProducesProblems(404).WithSummary("The signed credential (application/vc+jwt).");
        verify.MapGet("/{credentialId:guid}/pdf", Pdf).ProducesProblems(404).WithSummary("The certificate as a PDF.");
        verify.MapPost("", VerifyPasted).ProducesProblems(400).WithSummary("Verify a VC-JWT given in full.");

        var mine = api.MapGroup("/credentials").WithTags("Credentials");
        mine.MapGet("", Transcript).WithSummary("My transcript: every certificate and credit record, with its shares and decisions.");
        mine.MapGet("/transcript.json", TranscriptDownload).WithSummary("My transcript as a verifiable presentation of VC-JWTs.");
        mine.MapGet("/recipients", Recipients).WithSummary("Institutions a credit record can be shared with.");
        mine.MapPost("/{credentialId:guid}/shares", Share).WithSummary("Share a credit record with another institution for recognition.")
            .ProducesProblems(409, 404, 400);
        mine.MapPost("/{credentialId:guid}/revoke", Revoke).WithSummary("Revoke a credential (its course's teachers, its institution's admins).")
            .ProducesProblems(403, 409, 404, 400);

        api.MapGet("/courses/{courseId:guid}/credentials", CourseCredentials).ProducesProblems(403, 404).WithTags("Credentials")
            .WithSummary("Credentials issued in a course (its teachers).");
        api.MapGet("/institutions/{institutionId:guid}/recognition", Inbox).ProducesProblems(403, 404).WithTags("Credentials")
            .WithSummary("Credit records shared with this institution (its admins).");
        api.MapGet("/recognition/{shareId:guid}", Recognition).ProducesProblems(404).WithTags("Credentials")
            .WithSummary("A shared credit record, verified now (the receiving admins, and the learner).");
        api.MapPost("/recognition/{shareId:guid}/decision", Decide).ProducesProblems(403, 404, 400).WithTags("Credentials")
            .WithSummary("Record the recognition decision (the receiving institution's admins).");
        CredentialReviewEndpoints.Map(api);
    }

    private static async Task<IResult> Jwks(Guid institutionId, InstitutionRepository institutions, InstitutionKeys keys)
    {
        if (await institutions.GetAsync(institutionId) is null) throw ProblemException.NotFound("The institution");
        return Results.Text((await keys.JwksAsync(institutionId)).ToJsonString(), "application/jwk-set+json", Encoding.UTF8);
    }

    private static async Task<IResult> Profile(Guid institutionId, InstitutionRepository institutions, PublicUrl urls)
    {
        var institution = await institutions.GetAsync(institutionId) ?? throw ProblemException.NotFound("The institution");
        var profile = new JsonObject
        {
            ["@context"] = new JsonArray(CredentialIssuer.Contexts.Select(c => (JsonNode?)c).ToArray()),
            ["id"] = urls.Issuer(institutionId),
            ["type"] = new JsonArray("Profile"),
            ["name"] = institution.Name,
            ["url"] = urls.Base,
            ["jwks"] = urls.Jwks(institutionId),
        };
        return Results.Text(profile.ToJsonString(), "application/json", Encoding.UTF8);
    }

    private static async Task<IResult> StatusList(Guid institutionId, int list, InstitutionRepository institutions, StatusLists lists, HttpContext http)
    {
        if (list < 1 || await institutions.GetAsync(institutionId) is null) throw ProblemException.NotFound("The status list");
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Text(await lists.SignedAsync(institutionId, list), "application/vc+jwt", Encoding.ASCII);
    }

    private static async Task<VerifyView> Verify(Guid credentialId, CredentialRepository credentials, CredentialVerifier verifier, PublicUrl urls)
    {
        var credential = await credentials.GetAsync(credentialId) ?? throw ProblemException.NotFound("The credential");
        return new VerifyView(View(credential, urls), await verifier.VerifyAsync(credential.Jwt));
    }

    private static async Task<Verification> VerifyPasted(VerifyRequest request, CredentialVerifier verifier) =>
        await verifier.VerifyAsync(request.Credential);

    private static async Task<IResult> Download(Guid credentialId, CredentialRepository credentials)
    {
        var credential = await credentials.GetAsync(credentialId) ?? throw ProblemException.NotFound("The credential");
        return Results.File(Encoding.ASCII.GetBytes(credential.Jwt), "application/vc+jwt", $"{credential.Kind}-{credential.Id:D}.jwt");
    }

    private static async Task<IResult> Pdf(Guid credentialId, CredentialRepository credentials, CertificatePdf pdf, PublicUrl urls)
    {
        var credential = await credentials.GetAsync(credentialId) ?? throw ProblemException.NotFound("The credential");
        return Results.File(pdf.Render(credential, urls.Verify(credential.Id)), "application/pdf", $"{credential.Kind}-{credential.Id:D}.pdf");
    }

    private static async Task<IReadOnlyList<TranscriptEntry>> Transcript(HttpContext http, CredentialRepository credentials, PublicUrl urls)
    {
        var entries = new List<TranscriptEntry>();
        foreach (var credential in await credentials.MineAsync(http.User.Id()))
            entries.Add(new TranscriptEntry(View(credential, urls), (await credentials.SharesOfAsync(credential.Id)).Select(View).ToList()));
        return entries;
    }

    /// <summary>A W3C VC 2.0 presentation (unsigned) holding each credential as an enveloped VC-JWT.</summary>
    private static async Task<IResult> TranscriptDownload(HttpContext http, CredentialRepository credentials, UserRepository users)
    {
        var me = await users.GetAsync(http.User.Id()) ?? throw ProblemException.NotFound("The learner");
        var list = new JsonArray();
        foreach (var c in await credentials.MineAsync(me.Id))
            list.Add(new JsonObject
            {
                ["@context"] = "https://www.w3.org/ns/credentials/v2",
                ["id"] = "data:application/vc+jwt," + c.Jwt,
                ["type"] = "EnvelopedVerifiableCredential",
            });
        var presentation = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/credentials/v2"),
            ["type"] = new JsonArray("VerifiablePresentation"),
            ["holder"] = me.DisplayName,
            ["verifiableCredential"] = list,
        };
        return Results.File(Encoding.UTF8.GetBytes(presentation.ToJsonString()), "application/vp+json", "transcript.json");
    }

    private static readonly Sql RecipientsSql = Sql.PerDialect(d =>
        "SELECT id, name, kind FROM institutions WHERE kind IN ('university', 'school', 'department') " +
        $"ORDER BY CASE WHEN kind = 'university' THEN 0 ELSE 1 END, name {d.Page("0", "5000")}");

    /// <summary>Institutions by name, folded like every search here ("phuong nam" finds "Phương Nam"); at most 50.</summary>
    private static async Task<IReadOnlyList<RecipientView>> Recipients(string? q, Db db)
    {
        if (q is { Length: > 100 }) throw ProblemException.Invalid("q", "The search text is longer than 100 characters.");
        await using var connection = await db.OpenAsync();
        var all = await Dapper.SqlMapper.QueryAsync<RecipientView>(connection, db.Text(RecipientsSql));
        var words = SearchText.Fold(q ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return all.Where(r => words.All(SearchText.Fold(r.Name).Contains)).Take(50).ToList();
    }

    private static async Task<Created<ShareView>> Share(
        Guid credentialId, ShareRequest request, HttpContext http, CredentialRepository credentials, InstitutionRepository institutions)
    {
        var credential = await credentials.GetAsync(credentialId);
        if (credential is null || credential.UserId != http.User.Id()) throw ProblemException.NotFound("The credential");
        if (credential.Kind != CredentialKinds.Credit)
            throw ProblemException.Invalid("credentialId", "Only credit records are shared for recognition.", "not-credit");
        if (credential.RevokedAt is not null) throw ProblemException.Conflict("A revoked credential cannot be shared.");
        var to = await institutions.GetAsync(request.InstitutionId)
                 ?? throw ProblemException.Invalid("institutionId", "No such institution.", "unknown-institution");
        if (to.Id == credential.InstitutionId)
            throw ProblemException.Invalid("institutionId", "The record is already this institution's own.", "own-institution");
        if (!await credentials.ShareAsync(credentialId, to.Id, string.IsNullOrWhiteSpace(request.Message) ? null : request.Message.Trim()))
            throw ProblemException.Conflict("This record was already shared with that institution.");
        var share = (await credentials.SharesOfAsync(credentialId)).Single(s => s.ToInstitutionId == to.Id);
        return TypedResults.Created($"/api/recognition/{share.Id}", View(share));
    }

    private static async Task<CredentialView> Revoke(
        Guid credentialId, RevokeRequest request, HttpContext http, CredentialRepository credentials, CourseAccess courses,
        CredentialLifecycle lifecycle, InstitutionRepository institutions, PublicUrl urls)
    {
        var credential = await credentials.GetAsync(credentialId) ?? throw ProblemException.NotFound("The credential");
        var allowed = false;
        var institution = await institutions.GetAsync(credential.InstitutionId);
        if (institution is not null && (await institutions.RolesAsync(http.User.Id(), institution)).Contains(Roles.Admin)) allowed = true;
        if (!allowed)
        {
            try
            {
                allowed = (await courses.ViewAsync(http.User, credential.CourseId)).CanTeach;
            }
            catch (ProblemException) { }
        }
        if (!allowed)
        {
            if (credential.UserId == http.User.Id()) throw ProblemException.Forbidden("Only its issuer may revoke a credential.");
            throw ProblemException.NotFound("The credential");
        }
        if (credential.RevokedAt is not null) throw ProblemException.Conflict("It was already revoked.");
        if ((await lifecycle.RevokeAsync(credential, request.Reason.Trim(), request.KeepRelated, http.User.Id())).All(c => c.Id != credentialId))
            throw ProblemException.Conflict("It was already revoked.");
        return View((await credentials.GetAsync(credentialId))!, urls);
    }

    private static async Task<Page<CredentialView>> CourseCredentials(
        Guid courseId, int? skip, int? take, HttpContext http, CourseAccess access, CredentialRepository credentials, PublicUrl urls)
    {
        await access.TeachAsync(http.User, courseId);
        var page = await credentials.ByCourseAsync(courseId, PageRequest.Of(skip, take));
        return new Page<CredentialView>(page.Items.Select(c => View(c, urls)).ToList(), page.Total, page.Skip, page.Take);
    }

    private static async Task<Page<ShareView>> Inbox(
        Guid institutionId, string? decision, int? skip, int? take, HttpContext http, InstitutionAccess access, CredentialRepository credentials)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (decision is not null && !Decisions.All.Contains(decision))
            throw ProblemException.Invalid("decision", $"A decision is one of: {string.Join(", ", Decisions.All)}.");
        var page = await credentials.InboxAsync(institutionId, decision, PageRequest.Of(skip, take));
        return new Page<ShareView>(page.Items.Select(View).ToList(), page.Total, page.Skip, page.Take);
    }

    /// <summary>The share, if the caller is an admin of the receiving institution or the learner; 404 for anyone else.</summary>
    private static async Task<(ShareRow Share, bool Admin)> ShareFor(HttpContext http, Guid shareId, CredentialRepository credentials,
        InstitutionRepository institutions)
    {
        var share = await credentials.ShareAsync(shareId) ?? throw ProblemException.NotFound("The shared record");
        var to = await institutions.GetAsync(share.ToInstitutionId);
        var admin = to is not null && (await institutions.RolesAsync(http.User.Id(), to)).Contains(Roles.Admin);
        if (!admin && share.UserId != http.User.Id()) throw ProblemException.NotFound("The shared record");
        return (share, admin);
    }

    private static async Task<RecognitionView> Recognition(
        Guid shareId, HttpContext http, CredentialRepository credentials, InstitutionRepository institutions,
        CredentialVerifier verifier, PublicUrl urls)
    {
        var (share, _) = await ShareFor(http, shareId, credentials, institutions);
        var credential = (await credentials.GetAsync(share.CredentialId))!;
        return new RecognitionView(View(share), View(credential, urls), await verifier.VerifyAsync(credential.Jwt));
    }

    private static async Task<RecognitionView> Decide(
        Guid shareId, DecisionRequest request, HttpContext http, CredentialRepository credentials, InstitutionRepository institutions,
        CredentialVerifier verifier, PublicUrl urls)
    {
        var (share, admin) = await ShareFor(http, shareId, credentials, institutions);
        if (!admin) throw ProblemException.Forbidden("Only the receiving institution's admins decide on recognition.");
        var credential = (await credentials.GetAsync(share.CredentialId))!;
        var verification = await verifier.VerifyAsync(credential.Jwt);
        if (request.Accept)
        {
            if (!verification.Valid)
                throw ProblemException.Invalid("accept", "The record does not verify (signature, issuer or revocation); it cannot be accepted.", "not-verified");
            if (string.IsNullOrWhiteSpace(request.RecognisedAs))
                throw ProblemException.Invalid("recognisedAs", "Name the course of yours it is recognised as.", "recognised-as-missing");
            if (request.RecognisedCredits is null)
                throw ProblemException.Invalid("recognisedCredits", "Say how many credits it counts for.", "credits-missing");
            await credentials.DecideAsync(shareId, Decisions.Accepted, http.User.Id(), request.RecognisedAs.Trim(),
                string.IsNullOrWhiteSpace(request.RecognisedCode) ? null : request.RecognisedCode.Trim(), request.RecognisedCredits, null);
        }
        else
        {
            if (string.IsNullOrWhiteSpace(request.Reason))
                throw ProblemException.Invalid("reason", "Give the learner a reason for refusing.", "reason-missing");
            await credentials.DecideAsync(shareId, Decisions.Refused, http.User.Id(), null, null, null, request.Reason.Trim());
        }
        return new RecognitionView(View((await credentials.ShareAsync(shareId))!), View(credential, urls), verification);
    }

    public static CredentialView View(CredentialRow c, PublicUrl urls) => new(
        c.Id, c.Kind, c.SubjectName, c.CourseTitle, c.CourseId, c.InstitutionId, c.InstitutionName, c.Grade,
        CredentialIssuer.LetterGrade(c.Grade), c.Credits, c.Ects, c.IssuedAt, c.RevokedAt, c.RevocationReason, urls.Verify(c.Id), c.Generation,
        c.SupersededBy);

    public static ShareView View(ShareRow s) => new(
        s.Id, s.CredentialId, s.ToInstitutionId, s.ToInstitutionName, s.Message, s.SharedAt, s.Decision, s.DecidedByName, s.DecidedAt,
        s.RecognisedAs, s.RecognisedCode, s.RecognisedCredits, s.Reason, s.Kind, s.SubjectName, s.CourseTitle, s.IssuerName, s.Credits, s.Grade,
        s.MarkedAt, s.DecisionBefore);
}
