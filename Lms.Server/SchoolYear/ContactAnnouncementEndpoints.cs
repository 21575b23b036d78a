using System.ComponentModel.DataAnnotations;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lms.Server.SchoolYear;

/// <summary>An announcement to a class's parents (classId) or to every parent of the school (no classId).</summary>
public sealed record AnnouncementRequest(
    Guid InstitutionId, Guid? ClassId, [property: StringLength(200)] string Title, [property: StringLength(ContactEndpoints.MaxText)] string Body,
    IReadOnlyList<Guid>? AttachmentIds);

/// <summary>An announcement as its reader sees it; its author also gets the read list (who read it, when, and who not yet).</summary>
public sealed record AnnouncementDetail(AnnouncementView Announcement, IReadOnlyList<AttachmentView> Attachments, IReadOnlyList<AnnouncementReader>? Readers);

/// <summary>Announcements: written by a class's teachers or the school's admins, read by parents, with read receipts.</summary>
public static class ContactAnnouncementEndpoints
{
    public static void MapContactAnnouncementEndpoints(this RouteGroupBuilder book)
    {
        book.MapPost("/announcements", Announce).ProducesProblems(400, 403, 404)
            .WithSummary("Sends an announcement to a class's parents (its homeroom or subject teachers) or to the whole school (its admins).");
        book.MapGet("/announcements", Received).WithSummary("The announcements sent to the caller (a parent), newest first.");
        book.MapGet("/announcements/sent", Sent).WithSummary("The announcements the caller sent, newest first, with how many have read each.");
        book.MapGet("/announcements/{announcementId:guid}", Read).ProducesProblems(404)
            .WithSummary("An announcement: its reader's read receipt is written; its author gets who read it and when, and who has not.");
    }

    private static async Task<Created<AnnouncementView>> Announce(
        AnnouncementRequest request, HttpContext http, ContactAccess access, ContactAnnouncementRepository announcements, ContactNotifier notifier)
    {
        await access.CanAnnounceAsync(http.User, request.InstitutionId, request.ClassId);
        var title = ContactEndpoints.CleanText(request.Title).ReplaceLineEndings(" ");
        var body = ContactEndpoints.CleanText(request.Body);
        if (title.Length == 0) throw ProblemException.Invalid("title", "Give the announcement a title.", "missing-title");
        if (body.Length == 0) throw ProblemException.Invalid("body", "Write something.", "missing-body");
        var me = http.User.Id();
        var (id, audience) = await announcements.AddAsync(new NewAnnouncement(request.InstitutionId, request.ClassId, me, title, body,
                                 ContactEndpoints.Attachments(request.AttachmentIds)))
                             ?? throw ContactEndpoints.AttachmentUnknown();
        await notifier.QueueAsync(audience, ContactNotificationKinds.Announcement, id);
        return TypedResults.Created($"/api/contact-book/announcements/{id}", (await announcements.GetAsync(id, me))!);
    }

    private static Task<IReadOnlyList<AnnouncementView>> Received(int? skip, int? take, HttpContext http, ContactAnnouncementRepository announcements) =>
        announcements.ReceivedAsync(http.User.Id(), Math.Max(skip ?? 0, 0), Math.Clamp(take ?? 50, 1, 100));

    private static Task<IReadOnlyList<AnnouncementView>> Sent(int? skip, int? take, HttpContext http, ContactAnnouncementRepository announcements) =>
        announcements.SentAsync(http.User.Id(), Math.Max(skip ?? 0, 0), Math.Clamp(take ?? 50, 1, 100));

    private static async Task<AnnouncementDetail> Read(
        Guid announcementId, HttpContext http, ContactAnnouncementRepository announcements, ContactRepository contacts)
    {
        var me = http.User.Id();
        var recipient = await announcements.IsRecipientAsync(announcementId, me);
        if (recipient) await announcements.MarkReadAsync(announcementId, me);
        var announcement = await announcements.GetAsync(announcementId, me);
        var author = announcement?.AuthorId == me;
        if (announcement is null || (!recipient && !author)) throw ProblemException.NotFound("The announcement");
        return new AnnouncementDetail(announcement, await contacts.AnnouncementAttachmentsAsync(announcementId),
            author ? await announcements.ReadersAsync(announcementId) : null);
    }
}
