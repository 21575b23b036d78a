using System.Text.Unicode;
using Lms.Grains.Data;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Content;
using Lms.Server.Identity;
using Lms.Server.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Lms.Server.SchoolYear;

/// <summary>
/// Files sent with a message or an announcement: kept in the content store, limited in size and to the kinds a school
/// sends (PDF, pictures, Word and Excel files, plain text), recognised by their first bytes rather than their name, and
/// served only to the members of the thread or the announcement's author and audience.
/// </summary>
public static class ContactAttachments
{
    public const long MaxBytes = 10 * 1024 * 1024;

    /// <summary>The kind of file the first bytes say it is, as a content type; null for a kind the contact book does not carry.</summary>
    public static string? Recognise(ReadOnlySpan<byte> head, string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (head.StartsWith("%PDF-"u8)) return "application/pdf";
        if (head.StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' })) return "image/png";
        if (head.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF })) return "image/jpeg";
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        // Office files are zip archives; the name says which, the bytes that it is one.
        if (head.StartsWith("PK\x03\x04"u8))
            return extension switch
            {
                ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                _ => null,
            };
        if (extension == ".txt" && !head.Contains((byte)0) && IsUtf8(head)) return "text/plain; charset=utf-8";
        return null;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> head)
    {
        // The sample may cut a character in two at its end: only the whole characters before the last three bytes count.
        var whole = head.Length > 3 ? head[..^3] : head;
        return Utf8.IsValid(whole) || whole.Length == 0;
    }

    public static async Task<Created<AttachmentView>> UploadAsync(
        IFormFile file, HttpContext http, UserRepository users, ContactRepository contacts, IContentStore store)
    {
        var me = http.User.Id();
        // Parents, teachers and school admins write in the contact book; a student or a stranger has nothing to attach.
        var roles = (await users.MembershipsAsync(me)).Select(m => m.Role).ToHashSet();
        if (!roles.Overlaps([Roles.Teacher, Roles.Admin, Roles.Parent]))
            throw ContactAccess.Refused("contact-book-only", "Attachments are for the contact book's teachers and parents.");
        if (file.Length == 0) throw ProblemException.Invalid("file", "The file is empty.", "attachment-empty");
        if (file.Length > MaxBytes)
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemTypes.TooLarge, "Too large",
                $"An attachment is at most {MaxBytes / (1024 * 1024)} MB.",
                new Dictionary<string, object?> { ["code"] = "attachment-too-large", ["value"] = MaxBytes.ToString() });
        var head = new byte[64];
        int read;
        await using (var stream = file.OpenReadStream())
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, http.RequestAborted);
        var name = PersonText.Clean(Path.GetFileName(file.FileName ?? ""));
        if (name.Length == 0) name = "file";
        if (name.Length > 200) name = name[^200..];
        var type = Recognise(head.AsSpan(0, read), name)
                   ?? throw ProblemException.Invalid("file", "Send a PDF, a picture (PNG, JPEG, WebP), a Word or Excel file, or plain text.",
                       "attachment-type", Path.GetExtension(name));
        var id = Guid.CreateVersion7();
        var key = $"contact/{id:N}";
        await using (var stream = file.OpenReadStream())
            await store.PutAsync(key, stream, http.RequestAborted);
        await contacts.AddAttachmentAsync(new NewAttachment(id, me, name, type, file.Length, key));
        var view = new AttachmentView { Id = id, Name = name, ContentType = type, SizeBytes = file.Length };
        return TypedResults.Created($"/api/contact-book/attachments/{id}", view);
    }

    public static async Task<IResult> DownloadAsync(
        Guid attachmentId, HttpContext http, ContactRepository contacts, ContactAnnouncementRepository announcements, IContentStore store)
    {
        var me = http.User.Id();
        var attachment = await contacts.AttachmentAsync(attachmentId) ?? throw ProblemException.NotFound("The attachment");
        if (!await MayReadAsync(attachment, me, contacts, announcements)) throw ProblemException.NotFound("The attachment");
        var blob = await store.OpenAsync(attachment.StoreKey, http.RequestAborted) ?? throw ProblemException.NotFound("The attachment");
        var headers = http.Response.Headers;
        headers.CacheControl = "private, no-cache";
        headers.XContentTypeOptions = "nosniff";
        // Always a download: a file from one family never runs as a page of the app's origin.
        headers.ContentDisposition = new ContentDispositionHeaderValue("attachment")
        {
            FileNameStar = attachment.Name, FileName = new string(attachment.Name.Select(c => c < 128 && !char.IsControl(c) && c != '"' ? c : '_').ToArray()),
        }.ToString();
        return TypedResults.Stream(blob.Stream, attachment.ContentType, lastModified: blob.LastModified, enableRangeProcessing: true);
    }

    private static async Task<bool> MayReadAsync(AttachmentRecord attachment, Guid me, ContactRepository contacts, ContactAnnouncementRepository announcements)
    {
        if (attachment.UploadedBy == me) return true;
        if (attachment.MessageId is { } messageId)
        {
            var conversationId = await contacts.ConversationOfMessageAsync(messageId);
            return conversationId is { } id && await contacts.ConversationAsync(id, me) is { } c && (c.TeacherId == me || c.ParentId == me);
        }
        if (attachment.AnnouncementId is { } announcementId)
            return await announcements.IsRecipientAsync(announcementId, me)
                   || (await announcements.GetAsync(announcementId, me))?.AuthorId == me;
        return false;
    }
}
