using System.ComponentModel.DataAnnotations;
using System.Text;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.SchoolYear;

/// <summary>Start (or find) the thread with one of a child's teachers (a parent) or one of a student's parents (a teacher).</summary>
public sealed record ConversationRequest(Guid StudentId, Guid? TeacherId, Guid? ParentId);

public sealed record MessageRequest([property: StringLength(ContactEndpoints.MaxText)] string Body, IReadOnlyList<Guid>? AttachmentIds);

public sealed record ThreadView(ConversationView Conversation, IReadOnlyList<ContactMessageView> Messages);

/// <summary>
/// Whom the caller can write to and where they can announce: a parent's children's teachers; a teacher's students'
/// parents and classes; the schools where they are an admin.
/// </summary>
public sealed record ContactBookHome(
    IReadOnlyList<ContactPerson> Teachers, IReadOnlyList<ContactPerson> Parents, IReadOnlyList<TaughtClass> Classes, IReadOnlyList<SchoolRef> Schools);

public sealed record SchoolRef(Guid InstitutionId, string Name);

public sealed record PreferencesRequest(
    bool ByEmail, bool ByPush, bool WeeklyDigest, [property: Range(0, 1439)] int? QuietFrom, [property: Range(0, 1439)] int? QuietTo,
    [property: StringLength(5)] string? Language);

/// <summary>The contact book (sổ liên lạc điện tử): one-to-one threads between a teacher and a parent about a child, and each person's notification choices.</summary>
public static class ContactEndpoints
{
    public const int MaxText = 4000;
    public const int MaxAttachments = 5;

    public static void MapContactEndpoints(this RouteGroupBuilder api)
    {
        var book = api.MapGroup("/contact-book").WithTags("Contact book");
        book.MapGet("/home", Home).WithSummary("Whom the caller can write to, and the classes and schools they can announce to.");
        book.MapGet("/conversations", Conversations).WithSummary("The caller's threads, the latest first, with how many messages they have not read.");
        book.MapPost("/conversations", Open).ProducesProblems(400, 403, 404)
            .WithSummary("Starts (or finds) the thread of a parent and one of their child's teachers, about the child.");
        book.MapGet("/conversations/{conversationId:guid}", Thread).ProducesProblems(404)
            .WithSummary("A thread's messages with their read receipts; the other member's messages are marked read.");
        book.MapPost("/conversations/{conversationId:guid}/messages", Send).ProducesProblems(400, 403, 404)
            .WithSummary("Writes in a thread; the other member is told (push or e-mail, after their quiet hours).");
        book.MapPost("/attachments", ContactAttachments.UploadAsync).ProducesProblems(400, 403, 413).DisableAntiforgery()
            .WithSummary("Uploads a file to send with a message or an announcement (PDF, picture, Word, Excel or text; at most 10 MB).");
        book.MapGet("/attachments/{attachmentId:guid}", ContactAttachments.DownloadAsync).ProducesProblems(404)
            .WithSummary("An attachment, for the members of its thread or the author and audience of its announcement.");
        book.MapGet("/preferences", Preferences).WithSummary("How the caller is told of the contact book: e-mail, push, weekly digest, quiet hours.");
        book.MapPut("/preferences", SavePreferences).ProducesProblems(400).WithSummary("Saves how the caller is told of the contact book.");
        book.MapContactAnnouncementEndpoints();
        book.MapPushEndpoints();
    }

    /// <summary>A message as written, with its lines: normalised, trimmed, without control characters other than new lines.</summary>
    public static string CleanText(string? text)
    {
        var normal = (text ?? "").Normalize(NormalizationForm.FormC).Replace("\r\n", "\n");
        return new string(normal.Where(c => c == '\n' || !char.IsControl(c)).ToArray()).Trim();
    }

    public static IReadOnlyList<Guid> Attachments(IReadOnlyList<Guid>? ids)
    {
        var list = ids?.Distinct().ToList() ?? [];
        if (list.Count > MaxAttachments)
            throw ProblemException.Invalid("attachmentIds", $"At most {MaxAttachments} files go with one message.", "too-many-attachments",
                MaxAttachments.ToString());
        return list;
    }

    public static ProblemException AttachmentUnknown() =>
        ProblemException.Invalid("attachmentIds", "An attachment is not one of your uploads, or was already sent.", "attachment-unknown");

    private static async Task<ContactBookHome> Home(HttpContext http, ContactRepository contacts, UserRepository users)
    {
        var me = http.User.Id();
        var schools = (await users.MembershipsAsync(me)).Where(m => m.Role == Roles.Admin)
            .Select(m => new SchoolRef(m.InstitutionId, m.InstitutionName)).DistinctBy(s => s.InstitutionId).ToList();
        return new ContactBookHome(await contacts.TeachersOfChildrenAsync(me), await contacts.ParentsOfTaughtStudentsAsync(me),
            await contacts.TaughtClassesAsync(me), schools);
    }

    private static Task<IReadOnlyList<ConversationView>> Conversations(int? skip, int? take, HttpContext http, ContactRepository contacts) =>
        contacts.ConversationsAsync(http.User.Id(), Math.Max(skip ?? 0, 0), Math.Clamp(take ?? 50, 1, 100));

    private static async Task<ConversationView> Open(ConversationRequest request, HttpContext http, ContactAccess access, ContactRepository contacts)
    {
        var (institutionId, teacherId, parentId) = await access.ConversationPartiesAsync(http.User, request.StudentId, request.TeacherId, request.ParentId);
        var id = await contacts.OpenAsync(institutionId, teacherId, parentId, request.StudentId);
        return (await contacts.ConversationAsync(id, http.User.Id()))!;
    }

    private static async Task<ThreadView> Thread(Guid conversationId, HttpContext http, ContactAccess access, ContactRepository contacts)
    {
        var conversation = await access.ConversationAsync(http.User, conversationId);
        var messages = await contacts.ReadThreadAsync(conversationId, http.User.Id());
        return new ThreadView(conversation with { Unread = 0 }, messages);
    }

    private static async Task<Created<ContactMessageView>> Send(
        Guid conversationId, MessageRequest request, HttpContext http, ContactAccess access, ContactRepository contacts, ContactNotifier notifier)
    {
        var me = http.User.Id();
        var conversation = await access.WritableAsync(http.User, conversationId);
        var body = CleanText(request.Body);
        if (body.Length == 0) throw ProblemException.Invalid("body", "Write something.", "missing-body");
        var id = await contacts.AddMessageAsync(conversationId, me, body, Attachments(request.AttachmentIds)) ?? throw AttachmentUnknown();
        await notifier.QueueAsync([conversation.TeacherId == me ? conversation.ParentId : conversation.TeacherId], ContactNotificationKinds.Message, id);
        var sent = (await contacts.ReadThreadAsync(conversationId, me)).Single(m => m.Id == id);
        return TypedResults.Created($"/api/contact-book/conversations/{conversationId}", sent);
    }

    private static Task<ContactPreferences> Preferences(HttpContext http, ContactNotificationRepository notifications) =>
        notifications.PreferencesAsync(http.User.Id());

    private static async Task<ContactPreferences> SavePreferences(PreferencesRequest request, HttpContext http, ContactNotificationRepository notifications)
    {
        if ((request.QuietFrom is null) != (request.QuietTo is null)
            || (request.QuietFrom is { } from && request.QuietTo is { } to && !ContactQuietHours.IsValid(from, to)))
            throw ProblemException.Invalid("quietFrom", "Give both the start and the end of the quiet hours, different, or neither.", "bad-quiet-hours");
        var preferences = new ContactPreferences
        {
            ByEmail = request.ByEmail, ByPush = request.ByPush, WeeklyDigest = request.WeeklyDigest, QuietFrom = request.QuietFrom,
            QuietTo = request.QuietTo, Language = Communication.Mail.Mailer.LanguageOf(request.Language, http.Request),
        };
        await notifications.SaveAsync(http.User.Id(), preferences);
        return preferences;
    }
}
