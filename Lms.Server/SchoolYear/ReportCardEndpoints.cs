using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.Institutions;
using Lms.Grains.SchoolYear;
using Lms.Server.Credentials;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>A student on the homeroom teacher's list: the draft comment and the card (live while drafting, frozen once signed).</summary>
public sealed record ReportCardStudentView(Guid StudentId, string Name, string? Comment, ReportCardContent Card, Guid? CardId);

public sealed record ReportCardRoundView(
    int Generation, string HomeroomSignedBy, DateTimeOffset HomeroomSignedAt, string? PrincipalSignedBy, DateTimeOffset? PrincipalSignedAt);

/// <summary>
/// A class's cards for a period. <see cref="State"/>: <c>draft</c> (no sign-off yet, or an issued round being redone),
/// <c>homeroom-signed</c> (waiting for the principal) or <c>issued</c>.
/// </summary>
public sealed record ClassReportCardsView(
    Guid YearId, string YearName, Guid ClassId, string ClassName, string Period, string State, ReportCardRoundView? Round, bool IsHomeroom,
    bool IsAdmin, IReadOnlyList<ReportCardStudentView> Students);

public sealed record ClassReportCardStatus(
    Guid ClassId, string ClassName, string? HomeroomTeacherName, string State, ReportCardRoundView? Round);

/// <summary>Every class's cards for a period: the principal's list.</summary>
public sealed record YearReportCardsView(Guid YearId, string YearName, string Period, IReadOnlyList<ClassReportCardStatus> Classes);

/// <summary>An issued card as the family's list shows it; <see cref="State"/> is current, superseded or withdrawn.</summary>
public sealed record StudentReportCardView(
    Guid Id, string Period, string YearName, string ClassName, DateTimeOffset IssuedAt, string State, string? LearningResult, string? Conduct,
    string VerifyUrl);

public sealed record ReportCardCommentRequest([property: StringLength(2000)] string? Comment);

public sealed record ReportCardWithdrawRequest([property: Required, StringLength(500, MinimumLength = 1)] string Reason);

public sealed record VerifiedSubject(string Name, string Assessment, decimal? Average, string? Rating);

/// <summary>
/// What the public verification page shows of a card, and nothing else of the student: the school, the name, the
/// period, the results, and whether the card is current (or was superseded by a newer one, or withdrawn, and when).
/// </summary>
public sealed record ReportCardVerifyView(
    string SchoolName, string StudentName, string YearName, string Period, IReadOnlyList<VerifiedSubject> Subjects, string? LearningResult,
    string? Conduct, DateTimeOffset IssuedAt, string State, DateTimeOffset? WithdrawnAt);

/// <summary>
/// Report cards (phiếu báo kết quả học tập) per student for a term or the year: the homeroom teacher reviews the class's
/// cards, writes comments and signs off (freezing each card's content); the principal (a school admin) then signs,
/// which issues them; the student and their parents download the PDF, and anyone with its QR code verifies it.
/// </summary>
public static class ReportCardEndpoints
{
    public const string StateDraft = "draft", StateHomeroomSigned = "homeroom-signed", StateIssued = "issued";
    public const string CardCurrent = "current", CardSuperseded = "superseded", CardWithdrawn = "withdrawn";

    public static void MapReportCardEndpoints(this RouteGroupBuilder api)
    {
        var cls = api.MapGroup("/school-years/{yearId:guid}/classes/{classId:guid}/report-cards/{period}").ProducesProblems(403, 404)
            .WithTags("Report cards");
        cls.MapGet("", Class).WithSummary("A class's report cards for a period (hk1, hk2, cn), with their sign-off state (the homeroom teacher, admins).");
        cls.MapPut("/students/{studentId:guid}/comment", Comment).ProducesProblems(400, 409)
            .WithSummary("The homeroom teacher's comment on a student's card, before signing off.");
        cls.MapPost("/homeroom-sign-off", SignByHomeroom).ProducesProblems(409)
            .WithSummary("The homeroom teacher signs the class's cards off: their content is frozen as it is now.");
        cls.MapDelete("/homeroom-sign-off", Retract).ProducesProblems(409)
            .WithSummary("The homeroom teacher takes back a sign-off the principal has not signed yet.");
        cls.MapPost("/principal-sign-off", SignByPrincipal).ProducesProblems(409)
            .WithSummary("The principal signs the cards the homeroom teacher signed: they are issued (and replace earlier ones).");

        api.MapGet("/school-years/{yearId:guid}/report-cards/{period}", Year).ProducesProblems(403, 404).WithTags("Report cards")
            .WithSummary("Every class's report cards for a period and where each stands (the school's admins).");
        api.MapGet("/school-year/students/{studentId:guid}/report-cards", Student).ProducesProblems(404).WithTags("Report cards")
            .WithSummary("A student's issued report cards (the student, their parents, the homeroom teacher, admins).");

        var card = api.MapGroup("/report-cards/{cardId:guid}").ProducesProblems(404).WithTags("Report cards");
        card.MapGet("/pdf", Pdf).WithSummary("A report card as a PDF (issued: the student, parents, homeroom teacher, admins; a draft: staff).");
        card.MapPost("/withdraw", Withdraw).ProducesProblems(400, 403, 409).WithSummary("The principal withdraws an issued card, with a reason.");

        api.MapGet("/report-cards/verify/{token}", Verify).ProducesProblems(404).WithTags("Report cards").AllowAnonymous()
            .WithSummary("Verify a report card by the token in its QR code (public): the school, the student's name, the results, whether it is current.");
    }

    public static string VerifyUrl(PublicUrl urls, string token) => $"{urls.Base}/report-cards/verify/{token}";

    private static string Period(string period) =>
        ReportCardPeriods.IsKnown(period) ? period : throw ProblemException.NotFound("The report card period");

    private static ReportCardRoundView? View(ReportCardRound? round) => round is null ? null
        : new ReportCardRoundView(round.Generation, round.HomeroomSignedByName, round.HomeroomSignedAt, round.PrincipalSignedByName, round.PrincipalSignedAt);

    private static string State(ReportCardRound? latest) =>
        latest is null ? StateDraft : latest.Issued ? StateIssued : StateHomeroomSigned;

    private static string CardState(ReportCardRow card) =>
        card.WithdrawnAt is not null ? CardWithdrawn : card.SupersededBy is not null ? CardSuperseded : CardCurrent;

    private sealed record Staff(SchoolYearView Year, ClassInfo Class, bool Homeroom, bool Admin);

    /// <summary>The class's homeroom teacher and the school's admins; any other teacher is told <c>not-homeroom</c>.</summary>
    private static async Task<Staff> StaffAsync(ClaimsPrincipal user, Guid yearId, Guid classId, SchoolYearAccess access, SchoolYearRepository years)
    {
        var (year, found, roles) = await access.ClassAsync(user, yearId, classId, Roles.Admin, Roles.Teacher);
        var homeroom = await years.IsHomeroomTeacherAsync(yearId, classId, user.Id());
        if (!homeroom && !roles.Contains(Roles.Admin)) throw NotHomeroom();
        return new Staff(year, found, homeroom, roles.Contains(Roles.Admin));
    }

    private static ProblemException NotHomeroom() =>
        ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "not-homeroom", "Only the class's homeroom teacher does this.");

    private static async Task<ClassReportCardsView> Class(
        Guid yearId, Guid classId, string period, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, ReportCardRepository cards,
        ReportCardComposer composer)
    {
        period = Period(period);
        var staff = await StaffAsync(http.User, yearId, classId, access, years);
        return await ClassViewAsync(staff, period, cards, composer);
    }

    private static async Task<ClassReportCardsView> ClassViewAsync(Staff staff, string period, ReportCardRepository cards, ReportCardComposer composer)
    {
        var latest = (await cards.RoundsAsync(staff.Year.Id, staff.Class.Id, period)).FirstOrDefault();
        var comments = (await cards.CommentsAsync(staff.Year.Id, staff.Class.Id, period)).ToDictionary(c => c.StudentId, c => c.Comment);
        IReadOnlyList<ReportCardStudentView> students;
        if (latest is null)
            students = (await composer.ClassAsync(staff.Year, staff.Class, period))
                .Select(c => new ReportCardStudentView(c.StudentId, c.StudentName, comments.GetValueOrDefault(c.StudentId), c, null)).ToList();
        else
            students = (await cards.RoundCardsAsync(latest.Id)).Select(r => (Row: r, Card: r.Content)).OrderBy(c => c.Card.StudentName, PersonNameOrder.GivenNameFirst)
                .Select(c => new ReportCardStudentView(c.Row.StudentId, c.Card.StudentName, comments.GetValueOrDefault(c.Row.StudentId), c.Card, c.Row.Id))
                .ToList();
        return new ClassReportCardsView(staff.Year.Id, staff.Year.Name, staff.Class.Id, staff.Class.Name, period, State(latest), View(latest), staff.Homeroom,
            staff.Admin, students);
    }

    private static async Task<ClassReportCardsView> Comment(
        Guid yearId, Guid classId, string period, Guid studentId, ReportCardCommentRequest request, HttpContext http, SchoolYearAccess access,
        SchoolYearRepository years, SchoolPeople people, ReportCardRepository cards, ReportCardComposer composer)
    {
        period = Period(period);
        var staff = await StaffAsync(http.User, yearId, classId, access, years);
        if (!staff.Homeroom) throw NotHomeroom();
        if ((await people.ClassStudentsAsync(classId)).All(s => s.Id != studentId)) throw ProblemException.NotFound("The student");
        if ((await cards.RoundsAsync(yearId, classId, period)).FirstOrDefault() is { Issued: false }) throw Signed();
        await cards.SetCommentAsync(yearId, classId, period, studentId, request.Comment, http.User.Id());
        return await ClassViewAsync(staff, period, cards, composer);
    }

    private static ProblemException Signed() => ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "report-card-signed",
        "The homeroom teacher has signed these cards off; take the sign-off back to change them.");

    private static async Task<ClassReportCardsView> SignByHomeroom(
        Guid yearId, Guid classId, string period, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, ReportCardRepository cards,
        ReportCardComposer composer)
    {
        period = Period(period);
        var staff = await StaffAsync(http.User, yearId, classId, access, years);
        if (!staff.Homeroom) throw NotHomeroom();
        var contents = await composer.ClassAsync(staff.Year, staff.Class, period);
        if (await cards.SignByHomeroomAsync(yearId, classId, period, http.User.Id(), contents) is null) throw Signed();
        return await ClassViewAsync(staff, period, cards, composer);
    }

    private static async Task<ClassReportCardsView> Retract(
        Guid yearId, Guid classId, string period, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, ReportCardRepository cards,
        ReportCardComposer composer)
    {
        period = Period(period);
        var staff = await StaffAsync(http.User, yearId, classId, access, years);
        if (!staff.Homeroom) throw NotHomeroom();
        if ((await cards.RoundsAsync(yearId, classId, period)).FirstOrDefault() is not { Issued: false } pending || !await cards.RetractAsync(pending.Id))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "nothing-to-retract",
                "There is no sign-off waiting for the principal.");
        return await ClassViewAsync(staff, period, cards, composer);
    }

    private static async Task<ClassReportCardsView> SignByPrincipal(
        Guid yearId, Guid classId, string period, HttpContext http, SchoolYearAccess access, ReportCardRepository cards, ReportCardComposer composer,
        SchoolYearRepository years)
    {
        period = Period(period);
        var (year, found, _) = await access.ClassAsync(http.User, yearId, classId, Roles.Admin);
        if ((await cards.RoundsAsync(yearId, classId, period)).FirstOrDefault() is not { Issued: false } pending
            || !await cards.SignByPrincipalAsync(pending, http.User.Id()))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "homeroom-not-signed",
                "The homeroom teacher signs the class's cards off first; there is nothing waiting for the principal.");
        var homeroom = await years.IsHomeroomTeacherAsync(yearId, classId, http.User.Id());
        return await ClassViewAsync(new Staff(year, found, homeroom, true), period, cards, composer);
    }

    private static async Task<YearReportCardsView> Year(
        Guid yearId, string period, HttpContext http, SchoolYearAccess access, SchoolYearRepository years, ClassRepository classes,
        ReportCardRepository cards)
    {
        period = Period(period);
        var (year, _) = await access.YearAsync(http.User, yearId, Roles.Admin);
        var latest = (await cards.YearRoundsAsync(yearId, period)).GroupBy(r => r.ClassId).ToDictionary(g => g.Key, g => g.First());
        var list = new List<ClassReportCardStatus>();
        foreach (var found in (await classes.ListAsync(year.InstitutionId)).Where(c => c.ArchivedAt is null))
        {
            var round = latest.GetValueOrDefault(found.Id);
            list.Add(new ClassReportCardStatus(found.Id, found.Name, (await years.TeachersAsync(yearId, found.Id)).HomeroomTeacherName, State(round), View(round)));
        }
        return new YearReportCardsView(yearId, year.Name, period, list);
    }

    /// <summary>The student, their parents, the school's admins, and the homeroom teacher of the card's class and year.</summary>
    private static async Task<bool> MayReadAsync(
        Guid me, Guid studentId, Guid institutionId, Guid yearId, Guid classId, UserRepository users, SchoolPeople people, SchoolYearRepository years) =>
        me == studentId || await users.IsParentOfAsync(me, studentId) || await people.HasRoleAsync(institutionId, me, Roles.Admin)
        || await years.IsHomeroomTeacherAsync(yearId, classId, me);

    private static async Task<IReadOnlyList<StudentReportCardView>> Student(
        Guid studentId, HttpContext http, UserRepository users, SchoolPeople people, SchoolYearRepository years, ReportCardRepository cards,
        PublicUrl urls)
    {
        var me = http.User.Id();
        var student = await people.StudentAsync(studentId) ?? throw ProblemException.NotFound("The student");
        var issued = await cards.StudentCardsAsync(studentId);
        // The family and the school's admins see every card; a homeroom teacher those of the classes they hold.
        var family = me == studentId || await users.IsParentOfAsync(me, studentId) || await people.HasRoleAsync(student.InstitutionId, me, Roles.Admin);
        var visible = new List<ReportCardRow>();
        foreach (var card in issued)
            if (family || await years.IsHomeroomTeacherAsync(card.SchoolYearId, card.ClassId, me))
                visible.Add(card);
        if (!family && visible.Count == 0 && !await HomeroomOfStudentAsync(me, student, years))
            throw ProblemException.NotFound("The student");
        return visible.Select(c =>
        {
            var content = c.Content;
            return new StudentReportCardView(c.Id, c.Period, content.YearName, content.ClassName, c.PrincipalSignedAt!.Value, CardState(c),
                content.LearningResult, content.Conduct, VerifyUrl(urls, c.VerifyToken));
        }).ToList();
    }

    private static async Task<bool> HomeroomOfStudentAsync(Guid me, StudentInClass student, SchoolYearRepository years)
    {
        foreach (var year in await years.ListAsync(student.InstitutionId))
            if (await years.IsHomeroomTeacherAsync(year.Id, student.ClassId, me)) return true;
        return false;
    }

    private static async Task<IResult> Pdf(
        Guid cardId, HttpContext http, UserRepository users, SchoolPeople people, SchoolYearRepository years, ReportCardRepository cards,
        ReportCardPdf pdf, PublicUrl urls)
    {
        var card = await cards.CardAsync(cardId) ?? throw ProblemException.NotFound("The report card");
        var me = http.User.Id();
        // A draft (not signed by the principal) is the staff's; the family sees a card once it is issued.
        var allowed = card.Issued
            ? await MayReadAsync(me, card.StudentId, card.InstitutionId, card.SchoolYearId, card.ClassId, users, people, years)
            : await people.HasRoleAsync(card.InstitutionId, me, Roles.Admin) || await years.IsHomeroomTeacherAsync(card.SchoolYearId, card.ClassId, me);
        if (!allowed) throw ProblemException.NotFound("The report card");
        var state = !card.Issued ? ReportCardPrintState.Draft
            : card.WithdrawnAt is not null ? ReportCardPrintState.Withdrawn
            : card.SupersededBy is not null ? ReportCardPrintState.Superseded : ReportCardPrintState.Current;
        var content = card.Content;
        var bytes = pdf.Render(content, card, state, card.Issued ? VerifyUrl(urls, card.VerifyToken) : null);
        return Results.File(bytes, "application/pdf", $"phieu-bao-{content.Period}-{content.ClassName}-{card.Id:D}.pdf");
    }

    private static async Task<IResult> Withdraw(
        Guid cardId, ReportCardWithdrawRequest request, HttpContext http, SchoolPeople people, ReportCardRepository cards)
    {
        var card = await cards.CardAsync(cardId) ?? throw ProblemException.NotFound("The report card");
        if (!await people.HasRoleAsync(card.InstitutionId, http.User.Id(), Roles.Admin))
            throw ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "admins-only", "The principal withdraws a report card.");
        if (string.IsNullOrWhiteSpace(request.Reason)) throw ProblemException.Invalid("reason", "Withdrawing a card needs a reason.", "reason-required");
        if (!await cards.WithdrawAsync(cardId, http.User.Id(), request.Reason))
            throw ProblemException.Coded(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "report-card-not-issued",
                "Only an issued card that is not withdrawn already can be withdrawn.");
        return Results.NoContent();
    }

    private static async Task<ReportCardVerifyView> Verify(string token, ReportCardRepository cards)
    {
        var card = (token.Length is > 0 and <= 32 ? await cards.CardByTokenAsync(token) : null) ?? throw ProblemException.NotFound("The report card");
        if (!card.Issued) throw ProblemException.NotFound("The report card");
        var content = card.Content;
        return new ReportCardVerifyView(content.SchoolName, content.StudentName, content.YearName, content.Period,
            content.Subjects.Select(s => new VerifiedSubject(s.Name, s.Assessment, s.Average, s.Rating)).ToList(), content.LearningResult,
            content.Conduct, card.PrincipalSignedAt!.Value, CardState(card), card.WithdrawnAt);
    }
}
