using System.Security.Claims;
using Lms.Grains.Identity;
using Lms.Grains.SchoolYear;
using Lms.Server.Identity;
using Lms.Server.Problems;

namespace Lms.Server.SchoolYear;

/// <summary>
/// Who may write to whom in the contact book, checked on the server: a parent writes to the homeroom and subject
/// teachers of their child's class; a teacher writes to the parents of the students of the classes they teach
/// (homeroom or subject). Nobody else reaches a parent. A thread is read by its two members only.
/// </summary>
public sealed class ContactAccess(ContactRepository contacts, UserRepository users, SchoolPeople people)
{
    public static ProblemException Refused(string code, string detail) =>
        ProblemException.Coded(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, code, detail);

    /// <summary>The teacher, parent and school of a thread the caller may open about <paramref name="studentId"/>.</summary>
    public async Task<(Guid InstitutionId, Guid TeacherId, Guid ParentId)> ConversationPartiesAsync(
        ClaimsPrincipal user, Guid studentId, Guid? teacherId, Guid? parentId)
    {
        var me = user.Id();
        var student = await people.StudentAsync(studentId) ?? throw ProblemException.NotFound("The student");
        if (await users.IsParentOfAsync(me, studentId))
        {
            if (teacherId is not { } teacher)
                throw ProblemException.Invalid("teacherId", "Say which of the child's teachers to write to.", "missing-teacher");
            if (!await contacts.TeachesStudentAsync(teacher, studentId))
                throw Refused("not-childs-teacher", "A parent writes to the homeroom and subject teachers of their child's class.");
            return (student.InstitutionId, teacher, me);
        }
        if (await contacts.TeachesStudentAsync(me, studentId))
        {
            if (parentId is not { } parent)
                throw ProblemException.Invalid("parentId", "Say which of the student's parents to write to.", "missing-parent");
            if (!await users.IsParentOfAsync(parent, studentId))
                throw Refused("not-students-parent", "That person is not a parent of the student.");
            return (student.InstitutionId, me, parent);
        }
        // The school's staff learn that this class is not theirs; anyone else, that there is no such student.
        if (await people.IsTeacherAsync(student.InstitutionId, me) || await people.HasRoleAsync(student.InstitutionId, me, Roles.Admin))
            throw Refused("not-your-student", "A teacher writes to the parents of the students of the classes they teach.");
        throw ProblemException.NotFound("The student");
    }

    /// <summary>A thread the caller is a member of; anyone else is told there is no such thread.</summary>
    public async Task<ConversationView> ConversationAsync(ClaimsPrincipal user, Guid conversationId)
    {
        var me = user.Id();
        var conversation = await contacts.ConversationAsync(conversationId, me);
        if (conversation is null || (conversation.TeacherId != me && conversation.ParentId != me))
            throw ProblemException.NotFound("The conversation");
        return conversation;
    }

    /// <summary>
    /// A thread the caller may still write in: the teacher still teaches the child and the parent is still theirs
    /// (a teacher moved to another class, or a parent unlinked, is read but no longer written to).
    /// </summary>
    public async Task<ConversationView> WritableAsync(ClaimsPrincipal user, Guid conversationId)
    {
        var conversation = await ConversationAsync(user, conversationId);
        if (!await contacts.TeachesStudentAsync(conversation.TeacherId, conversation.StudentId)
            || !await users.IsParentOfAsync(conversation.ParentId, conversation.StudentId))
            throw Refused("contact-ended", "The teacher no longer teaches the child: the conversation can be read, not continued.");
        return conversation;
    }

    /// <summary>
    /// Who an announcement may go to: a class (its homeroom or a subject teacher, or the school's admin) or the whole
    /// school (its admins only).
    /// </summary>
    public async Task CanAnnounceAsync(ClaimsPrincipal user, Guid institutionId, Guid? classId)
    {
        var me = user.Id();
        var admin = await people.HasRoleAsync(institutionId, me, Roles.Admin);
        var staff = admin || await people.IsTeacherAsync(institutionId, me);
        if (!staff) throw ProblemException.NotFound("The school");
        if (classId is not { } id)
        {
            if (!admin) throw Refused("admins-only", "Only the school's admins write to every parent of the school.");
            return;
        }
        if (await people.InstitutionOfClassAsync(id) != institutionId) throw ProblemException.NotFound("The class");
        if (!admin && !await contacts.TeachesClassAsync(me, id))
            throw Refused("not-your-class", "A teacher writes to the parents of the classes they teach.");
    }
}
