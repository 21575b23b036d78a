using Lms.Grains.SchoolYear;
using Lms.Server.Communication.Mail;

namespace Lms.Server.SchoolYear;

/// <summary>
/// Tells a student's parents of an unexcused absence the day it is recorded: a notice they see in the app, and an
/// e-mail through the outbox (delivered by SMTP when one is configured). Once per parent and period, however often
/// the roll is saved again.
/// </summary>
public sealed class AbsenceNotices(SchoolPeople people, AttendanceRepository attendance, ContactNotificationRepository notifications, Mailer mailer)
{
    public const string MailKind = "absence-unexcused";

    public async Task TellAsync(Guid rollId, TimetableSlot slot, string day, IReadOnlyList<Guid> unexcused, CancellationToken cancellationToken)
    {
        foreach (var studentId in unexcused)
        {
            var student = await people.StudentAsync(studentId);
            foreach (var parent in await people.ParentsOfAsync(studentId))
            {
                if (!await attendance.NoteAbsenceAsync(parent.Id, studentId, rollId, slot, day) || parent.Email is null) continue;
                // In the language the parent chose for the contact book (Vietnamese until they choose).
                var language = (await notifications.PreferencesAsync(parent.Id)).Language;
                await mailer.SendAsync(parent.Email, parent.DisplayName, MailKind, language, new Dictionary<string, string>
                {
                    ["name"] = parent.DisplayName, ["student"] = student?.StudentName ?? "", ["class"] = slot.ClassName, ["day"] = day,
                    ["period"] = slot.Period.ToString(), ["subject"] = slot.SubjectName, ["link"] = mailer.Link($"/school-year/children/{studentId}"),
                }, cancellationToken);
            }
        }
    }
}
