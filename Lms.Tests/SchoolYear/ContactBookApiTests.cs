using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lms.Grains.SchoolYear;
using Lms.Server.Communication.Mail;
using Lms.Server.SchoolYear;
using Lms.Tests.Infrastructure;

namespace Lms.Tests.SchoolYear;

public sealed class ContactBookApiTestsOnSqlite(SqliteLmsServer server) : ContactBookApiTests(server), IClassFixture<SqliteLmsServer>;

public sealed class ContactBookApiTestsOnPostgres(PostgresLmsServer server) : ContactBookApiTests(server), IClassFixture<PostgresLmsServer>;

/// <summary>
/// The contact book through the API, in the school of <see cref="SchoolDayWorld"/> (An and Bình in 10A1, Chi in 10A2;
/// An's parent is also Chi's): who may write to whom both ways, threads with read receipts, announcements with their
/// read list, attachments read only by their thread or audience, and quiet hours holding a notification back.
/// </summary>
public abstract class ContactBookApiTests(LmsServer server)
{
    private static Task<JsonElement> OkAsync(HttpResponseMessage response) => ProblemAssert.OkAsync<JsonElement>(response);

    private static async Task<string?> CodeAsync(HttpResponseMessage response, HttpStatusCode status, string type) =>
        (await ProblemAssert.IsProblemAsync(response, status, type)).GetProperty("code").GetString();

    private static Task<HttpResponseMessage> OpenAsync(HttpClient who, Guid student, Guid? teacher = null, Guid? parent = null) =>
        who.PostAsJsonAsync("/api/contact-book/conversations", new { studentId = student, teacherId = teacher, parentId = parent });

    private static Task<HttpResponseMessage> WriteAsync(HttpClient who, Guid conversation, string body, params Guid[] attachments) =>
        who.PostAsJsonAsync($"/api/contact-book/conversations/{conversation}/messages", new { body, attachmentIds = attachments });

    private static Task<HttpResponseMessage> UploadAsync(HttpClient who, string name, byte[] bytes)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        return who.PostAsync("/api/contact-book/attachments", form);
    }

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

    [Fact]
    public async Task A_parent_reaches_their_childs_teachers_and_a_teacher_the_parents_of_their_classes_and_nobody_else()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var (binhParentId, anParentId) = (await server.UserIdAsync(w.Email("ph-binh")), await server.UserIdAsync(w.AnParentEmail));

        // The parent's list: An's homeroom teacher first, then the maths teacher; nothing for Chi, whose class has no teachers named.
        var home = await OkAsync(await w.AnParent.GetAsync("/api/contact-book/home"));
        Assert.Equal([(w.HomeroomId, "homeroom"), (w.MathsTeacherId, "Toán")], home.GetProperty("teachers").EnumerateArray()
            .Select(t => (t.GetProperty("personId").GetGuid(), t.GetProperty("role").GetString())).ToList());
        var teacherHome = await OkAsync(await w.MathsTeacher.GetAsync("/api/contact-book/home"));
        Assert.Equal([(w.An, anParentId), (w.Binh, binhParentId)], teacherHome.GetProperty("parents").EnumerateArray()
            .Select(p => (p.GetProperty("studentId").GetGuid(), p.GetProperty("personId").GetGuid())).OrderBy(p => p.Item1 == w.An ? 0 : 1).ToList());
        Assert.Equal([w.Class10A1], teacherHome.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("classId").GetGuid()).ToList());

        var withHomeroom = await OkAsync(await OpenAsync(w.AnParent, w.An, teacher: w.HomeroomId));
        // Asked again (or by the teacher from their side), it is the same thread.
        Assert.Equal(withHomeroom.GetProperty("id").GetGuid(),
            (await OkAsync(await OpenAsync(w.Homeroom, w.An, parent: anParentId))).GetProperty("id").GetGuid());
        await OkAsync(await OpenAsync(w.AnParent, w.An, teacher: w.MathsTeacherId));
        await OkAsync(await OpenAsync(w.MathsTeacher, w.Binh, parent: binhParentId));

        // Not Chi's teacher; not Chi's class; not An's parent; a student, or a parent of another child, learns nothing.
        Assert.Equal("not-childs-teacher", await CodeAsync(await OpenAsync(w.AnParent, w.Chi, teacher: w.MathsTeacherId), HttpStatusCode.Forbidden, "forbidden"));
        Assert.Equal("not-your-student", await CodeAsync(await OpenAsync(w.MathsTeacher, w.Chi, parent: anParentId), HttpStatusCode.Forbidden, "forbidden"));
        Assert.Equal("not-students-parent", await CodeAsync(await OpenAsync(w.MathsTeacher, w.An, parent: binhParentId), HttpStatusCode.Forbidden, "forbidden"));
        Assert.Equal("not-your-student", await CodeAsync(await OpenAsync(w.Admin, w.An, parent: anParentId), HttpStatusCode.Forbidden, "forbidden"));
        await ProblemAssert.IsProblemAsync(await OpenAsync(w.AnHimself, w.An, teacher: w.HomeroomId), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await OpenAsync(w.BinhParent, w.An, teacher: w.HomeroomId), HttpStatusCode.NotFound, "not-found");

        // A thread is its two members' alone.
        var thread = withHomeroom.GetProperty("id").GetGuid();
        await ProblemAssert.IsProblemAsync(await w.BinhParent.GetAsync($"/api/contact-book/conversations/{thread}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await WriteAsync(w.MathsTeacher, thread, "Chào"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await WriteAsync(w.Admin, thread, "Chào"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_reply_comes_back_in_the_thread_and_each_side_sees_when_the_other_read_their_message()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var thread = (await OkAsync(await OpenAsync(w.AnParent, w.An, teacher: w.HomeroomId))).GetProperty("id").GetGuid();
        var asked = await OkAsync(await WriteAsync(w.AnParent, thread, "Thưa cô, hôm nay cháu An bị sốt.\nXin phép cô cho cháu nghỉ."));
        Assert.Equal("Thưa cô, hôm nay cháu An bị sốt.\nXin phép cô cho cháu nghỉ.", asked.GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, asked.GetProperty("readAt").ValueKind);

        var inbox = await OkAsync(await w.Homeroom.GetAsync("/api/contact-book/conversations"));
        var listed = inbox.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == thread);
        Assert.Equal(1, listed.GetProperty("unread").GetInt32());
        Assert.Equal("Lê Hoàng An", listed.GetProperty("studentName").GetString());

        var opened = await OkAsync(await w.Homeroom.GetAsync($"/api/contact-book/conversations/{thread}"));
        var readAt = opened.GetProperty("messages")[0].GetProperty("readAt").GetDateTimeOffset();
        await OkAsync(await WriteAsync(w.Homeroom, thread, "Cô đã nhận được. Chúc cháu mau khoẻ."));
        Assert.Equal(0, (await OkAsync(await w.Homeroom.GetAsync("/api/contact-book/conversations"))).EnumerateArray()
            .Single(c => c.GetProperty("id").GetGuid() == thread).GetProperty("unread").GetInt32());

        // The parent sees the teacher read it (the time the teacher opened it, kept), and the reply, unread until now.
        var parentSide = await OkAsync(await w.AnParent.GetAsync($"/api/contact-book/conversations/{thread}"));
        var messages = parentSide.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal(readAt, messages[0].GetProperty("readAt").GetDateTimeOffset());
        Assert.Equal(("Nguyễn Thị Chủ Nhiệm", "Cô đã nhận được. Chúc cháu mau khoẻ."),
            (messages[1].GetProperty("senderName").GetString(), messages[1].GetProperty("body").GetString()));
        var teacherSide = await OkAsync(await w.Homeroom.GetAsync($"/api/contact-book/conversations/{thread}"));
        Assert.NotEqual(JsonValueKind.Null, teacherSide.GetProperty("messages")[1].GetProperty("readAt").ValueKind);

        Assert.Equal("missing-body", (await ProblemAssert.IsProblemAsync(await WriteAsync(w.AnParent, thread, "  \n "),
            HttpStatusCode.BadRequest, "validation")).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_announcement_reaches_the_classs_parents_and_its_author_sees_who_read_it_and_when()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var (binhParentId, anParentId) = (await server.UserIdAsync(w.Email("ph-binh")), await server.UserIdAsync(w.AnParentEmail));
        Task<HttpResponseMessage> Announce(HttpClient who, Guid? classId, string title) => who.PostAsJsonAsync("/api/contact-book/announcements",
            new { institutionId = w.SchoolId, classId, title, body = "Họp phụ huynh lúc 8 giờ sáng thứ Bảy tại phòng P201.", attachmentIds = Array.Empty<Guid>() });

        var sent = await OkAsync(await Announce(w.MathsTeacher, w.Class10A1, "Họp phụ huynh lớp 10A1"));
        Assert.Equal((2, 0), (sent.GetProperty("recipients").GetInt32(), sent.GetProperty("readCount").GetInt32()));
        var id = sent.GetProperty("id").GetGuid();

        Assert.Equal("not-your-class", await CodeAsync(await Announce(w.MathsTeacher, w.Class10A2, "Lớp khác"), HttpStatusCode.Forbidden, "forbidden"));
        Assert.Equal("admins-only", await CodeAsync(await Announce(w.Homeroom, null, "Cả trường"), HttpStatusCode.Forbidden, "forbidden"));
        await ProblemAssert.IsProblemAsync(await Announce(w.AnParent, w.Class10A1, "Phụ huynh"), HttpStatusCode.NotFound, "not-found");
        // The whole school: An's parent, a parent of two of its students, is one reader.
        var school = await OkAsync(await Announce(w.Admin, null, "Nghỉ lễ Quốc khánh"));
        Assert.Equal(2, school.GetProperty("recipients").GetInt32());

        var received = await OkAsync(await w.AnParent.GetAsync("/api/contact-book/announcements"));
        Assert.Equal(["Nghỉ lễ Quốc khánh", "Họp phụ huynh lớp 10A1"], received.EnumerateArray().Select(a => a.GetProperty("title").GetString()).ToList());
        var read = await OkAsync(await w.AnParent.GetAsync($"/api/contact-book/announcements/{id}"));
        Assert.Equal(JsonValueKind.Null, read.GetProperty("readers").ValueKind);
        var readAt = read.GetProperty("announcement").GetProperty("readAt").GetDateTimeOffset();

        var byAuthor = await OkAsync(await w.MathsTeacher.GetAsync($"/api/contact-book/announcements/{id}"));
        Assert.Equal([(anParentId, (DateTimeOffset?)readAt), (binhParentId, null)], byAuthor.GetProperty("readers").EnumerateArray()
            .Select(r => (r.GetProperty("parentId").GetGuid(),
                r.GetProperty("readAt").ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : r.GetProperty("readAt").GetDateTimeOffset()))
            .ToList());
        Assert.Equal(1, (await OkAsync(await w.MathsTeacher.GetAsync("/api/contact-book/announcements/sent")))[0].GetProperty("readCount").GetInt32());
        // Neither a teacher who did not write it nor a student reads it.
        await ProblemAssert.IsProblemAsync(await w.Homeroom.GetAsync($"/api/contact-book/announcements/{id}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await w.AnHimself.GetAsync($"/api/contact-book/announcements/{id}"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task An_attachment_is_read_only_by_its_thread_or_its_audience_and_sent_once()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var refused = await ProblemAssert.IsProblemAsync(await UploadAsync(w.AnParent, "virus.pdf.exe", [0x4D, 0x5A, 0x90, 0x00, 1, 2, 3]),
            HttpStatusCode.BadRequest, "validation");
        Assert.Equal("attachment-type", refused.GetProperty("code").GetString());
        Assert.Equal("contact-book-only", await CodeAsync(await UploadAsync(w.AnHimself, "don.pdf", Pdf), HttpStatusCode.Forbidden, "forbidden"));

        var upload = await OkAsync(await UploadAsync(w.AnParent, "Giấy khám bệnh.pdf", Pdf));
        Assert.Equal(("application/pdf", Pdf.Length), (upload.GetProperty("contentType").GetString(), upload.GetProperty("sizeBytes").GetInt32()));
        var file = upload.GetProperty("id").GetGuid();
        var url = $"/api/contact-book/attachments/{file}";
        // Before it is sent, only its uploader reads it.
        await ProblemAssert.IsProblemAsync(await w.Homeroom.GetAsync(url), HttpStatusCode.NotFound, "not-found");

        var thread = (await OkAsync(await OpenAsync(w.AnParent, w.An, teacher: w.HomeroomId))).GetProperty("id").GetGuid();
        var message = await OkAsync(await WriteAsync(w.AnParent, thread, "Giấy khám bệnh của cháu.", file));
        Assert.Equal([file], message.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList());
        var download = await w.Homeroom.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        await ProblemAssert.IsProblemAsync(await w.MathsTeacher.GetAsync(url), HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsProblemAsync(await w.BinhParent.GetAsync(url), HttpStatusCode.NotFound, "not-found");
        // Sent once: the same upload cannot ride along in another thread (nor someone else's upload).
        var other = (await OkAsync(await OpenAsync(w.AnParent, w.An, teacher: w.MathsTeacherId))).GetProperty("id").GetGuid();
        Assert.Equal("attachment-unknown", (await ProblemAssert.IsProblemAsync(await WriteAsync(w.AnParent, other, "Lần nữa", file),
            HttpStatusCode.BadRequest, "validation")).GetProperty("code").GetString());
        Assert.Empty((await OkAsync(await w.AnParent.GetAsync($"/api/contact-book/conversations/{other}"))).GetProperty("messages").EnumerateArray());

        // An announcement's file: its audience (10A2's parents: An's parent, for Chi) reads it, Bình's parent does not.
        var notice = (await OkAsync(await UploadAsync(w.Admin, "lich-thi.pdf", Pdf))).GetProperty("id").GetGuid();
        await OkAsync(await w.Admin.PostAsJsonAsync("/api/contact-book/announcements",
            new { institutionId = w.SchoolId, classId = w.Class10A2, title = "Lịch thi", body = "Lịch thi học kì I đính kèm.", attachmentIds = new[] { notice } }));
        Assert.Equal(HttpStatusCode.OK, (await w.AnParent.GetAsync($"/api/contact-book/attachments/{notice}")).StatusCode);
        await ProblemAssert.IsProblemAsync(await w.BinhParent.GetAsync($"/api/contact-book/attachments/{notice}"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_message_in_the_readers_quiet_hours_is_stored_and_readable_at_once_and_told_when_they_end()
    {
        var w = await SchoolDayWorld.CreateAsync(server);
        var anParentId = await server.UserIdAsync(w.AnParentEmail);
        // Quiet hours around the present moment in Vietnam: from an hour ago to an hour from now (wrapping over midnight if need be).
        var vietnamNow = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7));
        var minute = vietnamNow.Hour * 60 + vietnamNow.Minute;
        var (from, to) = ((minute + 1440 - 60) % 1440, (minute + 60) % 1440);
        await OkAsync(await w.AnParent.PutAsJsonAsync("/api/contact-book/preferences",
            new { byEmail = true, byPush = true, weeklyDigest = false, quietFrom = from, quietTo = to, language = "en" }));

        var thread = (await OkAsync(await OpenAsync(w.Homeroom, w.An, parent: anParentId))).GetProperty("id").GetGuid();
        var sentAt = DateTimeOffset.UtcNow;
        var message = (await OkAsync(await WriteAsync(w.Homeroom, thread, "Mai lớp đi tham quan, phụ huynh nhớ ký giấy đồng ý."))).GetProperty("id").GetGuid();
        Assert.Equal(message, (await OkAsync(await w.AnParent.GetAsync($"/api/contact-book/conversations/{thread}"))).GetProperty("messages")[0]
            .GetProperty("id").GetGuid());

        // Waiting until the end of the quiet hours: the first instant after sending whose Vietnam time is `to`.
        var waiting = Assert.Single(await server.Get<ContactNotificationRepository>().PendingAsync(anParentId));
        Assert.Equal(message, waiting.SubjectId);
        var expected = new DateTimeOffset(vietnamNow.Date, TimeSpan.FromHours(7)).AddMinutes(to);
        if (expected <= sentAt) expected = expected.AddDays(1);
        Assert.Equal(expected, waiting.DueAt);

        // A pass a minute before the end leaves it waiting (the server's own sender passes too: counts are not ours to assert).
        var notifier = server.Get<ContactNotifier>();
        await notifier.SendDueAsync(waiting.DueAt.AddMinutes(-1));
        Assert.Single(await server.Get<ContactNotificationRepository>().PendingAsync(anParentId));
        Assert.DoesNotContain(await server.Get<MailOutbox>().ListAsync(200),
            m => m.Kind == ContactMailChannel.MessageKind && m.To.Contains(w.AnParentEmail, StringComparison.OrdinalIgnoreCase));
        await notifier.SendDueAsync(waiting.DueAt);
        Assert.Empty(await server.Get<ContactNotificationRepository>().PendingAsync(anParentId));
        var mail = Assert.Single(await server.Get<MailOutbox>().ListAsync(200),
            m => m.Kind == ContactMailChannel.MessageKind && m.To.Contains(w.AnParentEmail, StringComparison.OrdinalIgnoreCase));
        // In the reader's language (English, as they chose), with the message and the way back to the thread.
        Assert.Equal("New message from Nguyễn Thị Chủ Nhiệm (about Lê Hoàng An)", mail.Subject);
        Assert.Contains("Mai lớp đi tham quan", mail.Text);
        Assert.Contains($"/contact-book/conversations/{thread}", mail.Text);
        // Sent is sent: another pass (another node) sends nothing again.
        await notifier.SendDueAsync(waiting.DueAt.AddHours(1));
        Assert.Single(await server.Get<MailOutbox>().ListAsync(200),
            m => m.Kind == ContactMailChannel.MessageKind && m.To.Contains(w.AnParentEmail, StringComparison.OrdinalIgnoreCase));
    }
}
