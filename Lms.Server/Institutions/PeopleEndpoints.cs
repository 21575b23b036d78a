using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.Privacy;
using Lms.Server.Identity;
using Lms.Server.Privacy;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.Institutions;

/// <summary>What an admin changes about a person; a field left out stays as it is, an empty one is cleared (logins only).</summary>
public sealed record ChangePersonRequest(
    [property: StringLength(200)] string? DisplayName = null,
    [property: StringLength(256)] string? Email = null,
    [property: StringLength(PhoneNumber.MaxInputLength)] string? Phone = null,
    [property: StringLength(20)] string? NationalId = null);

public sealed record MoveRequest(Guid ClassId);

public sealed record MergeRequest(Guid RetiredId);

public sealed record PersonDisabledRequest(bool Disabled);

public sealed record MoveView(IReadOnlyList<string> From, string To, int CoursesLeft, int CoursesJoined);

public sealed record MergeView(Guid KeptId, Guid RetiredId, int RowsMoved);

/// <summary>
/// An institution's people as its admins keep them: the list (teachers read it masked), one person,
/// changes to who they are, moving between classes, disabling, removing, merging, and the audit of all of it.
/// </summary>
public static partial class PeopleEndpoints
{
    public static void MapPeopleEndpoints(this RouteGroupBuilder app)
    {
        var group = app.MapGroup("/institutions/{institutionId:guid}").ProducesProblems(404).WithTags("People");

        group.MapGet("/people", List).ProducesProblems(403)
            .WithSummary("The people: every role and active class, searchable without diacritics, in Vietnamese order (given name or surname first), paged.");
        group.MapGet("/people/{userId:guid}", Get).ProducesProblems(403).WithSummary("One person, for the institution's admins.");
        group.MapPatch("/people/{userId:guid}", Change).ProducesProblems(403, 409, 400)
            .WithSummary("Rename a person or change their e-mail, phone or national ID (admins of the institution that made the account); audited.");
        group.MapPut("/people/{userId:guid}/class", Move).ProducesProblems(403, 400)
            .WithSummary("Move a student to another class: enrolled in its courses, no longer in the old class's (answers and grades stay); audited.");
        group.MapPut("/people/{userId:guid}/disabled", SetDisabled).ProducesProblems(403, 400)
            .WithSummary("Disable or enable a person: a disabled one cannot sign in, and their sessions and live connections end at once; audited.");
        group.MapDelete("/people/{userId:guid}", Remove).ProducesProblems(403)
            .WithSummary("Remove a person from the institution: every role and class place here, the class courses' enrolments; audited.");
        group.MapDelete("/members/{userId:guid}", Remove).ProducesProblems(403)
            .WithSummary("The same as DELETE /people/{userId} (its first name).");
        group.MapPost("/people/{userId:guid}/merge", Merge).ProducesProblems(403, 409, 400)
            .WithSummary("Merge another record of the same person into this one: enrolments, answers, roles move here; the other is retired; audited.");
        group.MapGet("/people/{userId:guid}/audit", Audit).WithSummary("Who changed what about this person, and when (admins).")
            .ProducesProblems(403);
    }

    private static async Task<Page<PersonListItem>> List(
        Guid institutionId, string? role, string? q, Guid? classId, string? className, string? sort, int? skip, int? take,
        HttpContext http, InstitutionAccess access, PeopleRepository people, ClassRepository classes)
    {
        var (_, roles) = await access.RequireAsync(http.User, institutionId, Roles.Admin, Roles.Teacher);
        if (role is not null && !Roles.IsKnown(role)) throw ProblemException.Invalid("role", $"Unknown role {role}.", "unknown-role", role);
        if (q is { Length: > 100 }) throw ProblemException.Invalid("q", "The search text is longer than 100 characters.", "search-too-long", "100");
        var order = sort switch
        {
            null or "" or "given" => NameOrder.GivenName,
            "surname" => NameOrder.Surname,
            _ => throw ProblemException.Invalid("sort", "Sort by given or surname.", "unknown-sort", sort),
        };
        if (classId is null && !string.IsNullOrWhiteSpace(className))
        {
            // The first filter the web app had: a class by name (compared as class names are: case and spacing aside).
            var key = PersonText.Key(className);
            classId = (await classes.ListAsync(institutionId)).FirstOrDefault(c => PersonText.Key(c.Name) == key)?.Id ?? Guid.Empty;
        }
        var page = await people.ListAsync(institutionId, new PeopleQuery(role, q, classId, order, PageRequest.Of(skip, take)));
        // Teachers recognise their students; only the institution's admins need their full identifiers, and each such read is audited.
        if (roles.Contains(Roles.Admin))
        {
            await http.AuditAsync(institutionId, PrivacySubjects.People, institutionId, PrivacyActions.PeopleRead,
                new { role, q, classId, sort, skip = page.Skip, take = page.Take, rows = page.Items.Count });
            return page;
        }
        return page with
        {
            Items = page.Items.Select(p => p with
            {
                NationalId = PersonalData.MaskNationalId(p.NationalId), Email = PersonalData.MaskEmail(p.Email), Phone = MaskPhone(p.Phone),
            }).ToList(),
        };
    }

    private static async Task<PersonDetail> Get(Guid institutionId, Guid userId, HttpContext http, InstitutionAccess access, PeopleRepository people)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var person = await people.GetAsync(institutionId, userId) ?? throw ProblemException.NotFound("The person");
        await http.AuditAsync(institutionId, PrivacySubjects.Person, userId, PrivacyActions.PersonRead);
        return person;
    }

    private static async Task<PersonDetail> Change(
        Guid institutionId, Guid userId, ChangePersonRequest request, HttpContext http, InstitutionAccess access,
        PeopleRepository people, UserRepository users, SessionGuard guard)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var person = await people.GetAsync(institutionId, userId) ?? throw ProblemException.NotFound("The person");
        await RequireIdentityRightsAsync(http, person, users);
        var change = Validate(request);
        switch (await people.ChangeIdentityAsync(institutionId, userId, change, http.User.Id(), MaskForAudit))
        {
            case IdentityOutcome.Taken taken:
                throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, $"{taken.Field}-taken",
                    $"This {taken.Field} already belongs to another account.", taken.Value, taken.Field);
            case IdentityOutcome.NoLogin:
                throw ProblemException.Invalid("email", "A person needs an e-mail, a phone number or a national ID to sign in with.", "login-required");
            case IdentityOutcome.Changed { Changes.Count: > 0 }:
                // Live connections carry the name they joined with: close them, so the client comes back as the person now is.
                guard.Disconnect(userId);
                break;
        }
        return (await people.GetAsync(institutionId, userId))!;
    }

    /// <summary>Every field checked and put in its stored form before anything is written.</summary>
    private static IdentityChange Validate(ChangePersonRequest request)
    {
        string? name = null;
        if (request.DisplayName is not null)
        {
            name = PersonText.Clean(request.DisplayName);
            if (name.Length is < 2 or > 200)
                throw ProblemException.Invalid("displayName", "A name has 2 to 200 characters.", "invalid-name");
        }
        string? email = null;
        if (request.Email is not null)
        {
            email = request.Email.Trim().Length == 0 ? "" : UserRepository.NormalizeEmail(request.Email);
            if (email.Length > 0 && !new EmailAddressAttribute().IsValid(email))
                throw ProblemException.Invalid("email", $"\"{email}\" is not an e-mail address.", "invalid-email", email);
        }
        string? phone = null;
        if (request.Phone is not null)
        {
            if (request.Phone.Trim().Length == 0) phone = "";
            else if (!PhoneNumber.TryNormalize(request.Phone, out phone))
                throw ProblemException.Invalid("phone", "A Vietnamese mobile number: 0912 345 678 or +84 912 345 678.", "invalid-phone", request.Phone.Trim());
        }
        string? nationalId = null;
        if (request.NationalId is not null)
        {
            nationalId = Regex.Replace(request.NationalId, @"\s", "");
            if (nationalId.Length > 0 && !NationalId().IsMatch(nationalId))
                throw nationalId.Length is 10 or 11 && nationalId.All(char.IsAsciiDigit)
                    ? ProblemException.Invalid("nationalId",
                        "A personal ID number has 12 digits; this one has fewer, as when Excel drops the zeros in front.", "national-id-shortened", nationalId)
                    : ProblemException.Invalid("nationalId", "A personal ID number has 12 digits.", "invalid-national-id", nationalId);
        }
        return new IdentityChange(name, email, phone, nationalId);
    }

    /// <summary>Citizen identity numbers (CCCD, the personal ID number) have 12 digits.</summary>
    [GeneratedRegex(@"^\d{12}$")]
    private static partial Regex NationalId();

    internal static string? MaskForAudit(string field, string? value) => field switch
    {
        "email" => PersonalData.MaskEmail(value),
        "nationalId" => PersonalData.MaskNationalId(value),
        "phone" => MaskPhone(value),
        _ => value,
    };

    private static string? MaskPhone(string? phone) =>
        phone is { Length: > 5 } ? phone[..4] + new string('*', phone.Length - 6) + phone[^2..] : phone;

    /// <summary>
    /// Who a person is (name, logins, sign-in) is changed only by admins of the institution whose roster made the
    /// account, or a platform admin: an account someone made for themselves, or another school made, is not this school's to change.
    /// </summary>
    private static async Task RequireIdentityRightsAsync(HttpContext http, PersonDetail person, UserRepository users)
    {
        if (person.MadeHere) return;
        if ((await users.GetAsync(http.User.Id()))?.PlatformAdmin == true) return;
        throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-made-here",
            "This account was not made by this institution; only its owner or a platform administrator changes who it is.");
    }

    private static async Task<MoveView> Move(
        Guid institutionId, Guid userId, MoveRequest request, HttpContext http, InstitutionAccess access, PeopleRepository people, SessionGuard guard)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (await people.GetAsync(institutionId, userId) is null) throw ProblemException.NotFound("The person");
        var outcome = await people.MoveAsync(institutionId, userId, request.ClassId, http.User.Id());
        switch (outcome)
        {
            case MoveOutcome.NotAStudent:
                throw ProblemException.Invalid("userId", "Only students move between classes.", "move-not-a-student");
            case MoveOutcome.ClassNotFound:
                throw ProblemException.Invalid("classId", "There is no such class in this institution.", "unknown-class");
            case MoveOutcome.ClassArchived:
                throw ProblemException.Invalid("classId", "The class is archived; restore it first.", "class-archived");
        }
        var moved = (MoveOutcome.Moved)outcome;
        // Their live connections were let in for the old class's courses: close them, they are checked again on reconnecting.
        guard.Disconnect(userId);
        return new MoveView(moved.From, moved.To, moved.CoursesLeft, moved.CoursesJoined);
    }

    private static async Task<NoContent> SetDisabled(
        Guid institutionId, Guid userId, PersonDisabledRequest request, HttpContext http, InstitutionAccess access,
        PeopleRepository people, UserRepository users, SessionGuard guard, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        var person = await people.GetAsync(institutionId, userId) ?? throw ProblemException.NotFound("The person");
        if (userId == http.User.Id()) throw ProblemException.Invalid("userId", "You cannot disable your own account.", "self");
        await RequireIdentityRightsAsync(http, person, users);
        if (person.Disabled == request.Disabled) return TypedResults.NoContent();
        await guard.SetDisabledAsync(userId, request.Disabled);
        await audit.RecordAsync(institutionId, http.User.Id(), AuditSubjects.Person, userId,
            request.Disabled ? AuditActions.Disabled : AuditActions.Enabled);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Remove(
        Guid institutionId, Guid userId, HttpContext http, InstitutionAccess access, PeopleRepository people, SessionGuard guard)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (userId == http.User.Id())
            throw ProblemException.Invalid("userId", "Ask another admin to remove you.", "self");
        if (!await people.RemoveAsync(institutionId, userId, http.User.Id())) throw ProblemException.NotFound("The member");
        // Hub connections keep the roles they joined with: close them, so the client reconnects and is checked again.
        guard.Disconnect(userId);
        return TypedResults.NoContent();
    }

    private static async Task<MergeView> Merge(
        Guid institutionId, Guid userId, MergeRequest request, HttpContext http, InstitutionAccess access,
        PeopleRepository people, UserRepository users, SessionGuard guard)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        if (request.RetiredId == userId)
            throw ProblemException.Invalid("retiredId", "Choose another record than the one kept.", "same-person");
        if (request.RetiredId == http.User.Id())
            throw ProblemException.Invalid("retiredId", "Your own account cannot be retired.", "self");
        var kept = await people.GetAsync(institutionId, userId) ?? throw ProblemException.NotFound("The person");
        var retired = await people.GetAsync(institutionId, request.RetiredId) ?? throw ProblemException.NotFound("The person");
        await RequireIdentityRightsAsync(http, kept, users);
        await RequireIdentityRightsAsync(http, retired, users);
        switch (await people.MergeAsync(institutionId, userId, request.RetiredId, http.User.Id()))
        {
            case MergeOutcome.Refused refused:
                throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "merge-" + refused.Reason,
                    "These records cannot be merged: " + refused.Reason + ".", refused.What);
            case MergeOutcome.Merged merged:
                // The retired record is disabled: its sessions end; the kept one's connections reconnect with its new roles.
                await guard.EndAllAsync(request.RetiredId);
                guard.Disconnect(userId);
                return new MergeView(userId, request.RetiredId, merged.RowsMoved);
            default:
                throw new InvalidOperationException();
        }
    }

    private static async Task<Page<AuditEntry>> Audit(
        Guid institutionId, Guid userId, int? skip, int? take, HttpContext http, InstitutionAccess access, AdminAudit audit)
    {
        await access.RequireAsync(http.User, institutionId, Roles.Admin);
        return await audit.ListAsync(institutionId, userId, PageRequest.Of(skip, take));
    }

}
