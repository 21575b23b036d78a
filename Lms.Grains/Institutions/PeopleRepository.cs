using System.Data.Common;
using Dapper;
using Lms.Grains.Data;
using Lms.Grains.Identity;

namespace Lms.Grains.Institutions;

/// <summary>One person of an institution as its lists show them: every role they hold there, their (active) class.</summary>
public sealed record PersonListItem
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string? Phone { get; init; }
    /// <summary>The first of <see cref="Roles"/> (admin, teacher, student, parent), for lists that show one.</summary>
    public string Role { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
    public Guid? ClassId { get; init; }
    public string? ClassName { get; init; }
    public bool Disabled { get; init; }
}

public sealed record PeopleQuery(string? Role, string? Search, Guid? ClassId, NameOrder Order, PageRequest Page);

/// <summary>A person as their institution's admin sees them before editing.</summary>
public sealed record PersonDetail
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string? Phone { get; init; }
    public IReadOnlyList<string> Roles { get; init; } = [];
    public IReadOnlyList<ClassPlace> Classes { get; init; } = [];
    public bool Disabled { get; init; }
    public bool Claimed { get; init; }
    /// <summary>The account was made by this institution's roster: its admins may change who it is.</summary>
    public bool MadeHere { get; init; }
    public Guid? MergedInto { get; init; }
}

public sealed record ClassPlace
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public bool Archived { get; init; }
}

/// <summary>What an admin changes about who a person is; null leaves a value as it is, "" clears it.</summary>
public sealed record IdentityChange(string? DisplayName, string? Email, string? Phone, string? NationalId);

public abstract record IdentityOutcome
{
    public sealed record Changed(IReadOnlyDictionary<string, string?[]> Changes) : IdentityOutcome;
    /// <summary>The value of <paramref name="Field"/> already belongs to another account.</summary>
    public sealed record Taken(string Field, string Value) : IdentityOutcome;
    /// <summary>The change would leave the person with nothing to sign in with.</summary>
    public sealed record NoLogin : IdentityOutcome;
}

public abstract record MoveOutcome
{
    public sealed record Moved(IReadOnlyList<string> From, string To, int CoursesLeft, int CoursesJoined) : MoveOutcome;
    public sealed record NotAStudent : MoveOutcome;
    public sealed record ClassNotFound : MoveOutcome;
    public sealed record ClassArchived : MoveOutcome;
}

public abstract record MergeOutcome
{
    public sealed record Merged(int RowsMoved) : MergeOutcome;
    /// <summary>The record to retire holds something that cannot move (<paramref name="Reason"/>: a stable code).</summary>
    public sealed record Refused(string Reason, string? What = null) : MergeOutcome;
}

/// <summary>
/// People of an institution as its admins keep them: listed, searched and sorted in Vietnamese order;
/// renamed, their logins changed, moved between classes (their course enrolments follow), removed,
/// and two records of one person merged. Every change is written with its audit entry in one transaction.
/// Lists are filtered and sorted here rather than in SQL: the Vietnamese order and diacritic-free search
/// are the same on every database, and an institution has thousands of people, not millions
/// (<c>./build.sh bench people-list</c> measures it).
/// </summary>
public sealed class PeopleRepository(Db db, AdminAudit audit, TimeProvider clock)
{
    private sealed record MemberRow
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        /// <summary>The name as <see cref="SearchText.Fold"/> left it when it was stored.</summary>
        public string SearchName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string? Phone { get; init; }
        public string Role { get; init; } = "";
        public DateTimeOffset? DisabledAt { get; init; }
    }

    private sealed record PlaceRow
    {
        public Guid UserId { get; init; }
        public Guid ClassId { get; init; }
        public string Name { get; init; } = "";
    }

    private static readonly Sql MembersSql = Sql.Portable(
        "SELECT u.id, u.display_name, u.search_name, u.email, u.national_id, u.phone, u.disabled_at, m.role " +
        "FROM memberships m JOIN users u ON u.id = m.user_id " +
        "WHERE m.institution_id = @institutionId AND (@role IS NULL OR m.role = @role)");

    private static readonly Sql PlacesSql = Sql.Portable(
        "SELECT cm.user_id, c.id AS class_id, c.name FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "WHERE c.institution_id = @institutionId AND c.archived_at IS NULL");

    private static readonly string[] RoleOrder = [Identity.Roles.Admin, Identity.Roles.Teacher, Identity.Roles.Student, Identity.Roles.Parent];

    public async Task<Page<PersonListItem>> ListAsync(Guid institutionId, PeopleQuery query)
    {
        List<MemberRow> members;
        List<PlaceRow> places;
        await using (var connection = await db.OpenAsync())
        {
            members = (await connection.QueryAsync<MemberRow>(db.Text(MembersSql), new { institutionId, role = query.Role })).AsList();
            places = (await connection.QueryAsync<PlaceRow>(db.Text(PlacesSql), new { institutionId })).AsList();
        }
        var classOf = places.GroupBy(p => p.UserId)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Name, ClassNameOrder.Instance).First());
        var people = members.GroupBy(m => m.Id).Select(g =>
        {
            var first = g.First();
            var roles = g.Select(m => m.Role).OrderBy(r => Array.IndexOf(RoleOrder, r)).ToList();
            var place = classOf.GetValueOrDefault(first.Id);
            return (Row: first, Item: new PersonListItem
            {
                Id = first.Id, DisplayName = first.DisplayName, Email = first.Email, NationalId = first.NationalId, Phone = first.Phone,
                Role = roles[0], Roles = roles, ClassId = place?.ClassId, ClassName = place?.Name, Disabled = first.DisabledAt is not null,
            });
        });
        if (query.ClassId is { } classId)
        {
            var inClass = places.Where(p => p.ClassId == classId).Select(p => p.UserId).ToHashSet();
            people = people.Where(p => inClass.Contains(p.Item.Id));
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var matches = Matcher(query.Search);
            people = people.Where(p => matches(p.Row));
        }
        // Each name's sort key is computed once (not at every comparison).
        var order = PersonNameOrder.For(query.Order);
        var sorted = people.Select(p => p.Item).OrderBy(p => order.SortKey(p.DisplayName), StringComparer.Ordinal).ThenBy(p => p.Id).ToList();
        return new Page<PersonListItem>(sorted.Skip(query.Page.Skip).Take(query.Page.Take).ToList(), sorted.Count, query.Page.Skip, query.Page.Take);
    }

    /// <summary>
    /// A search finds names without case, diacritics or extra spaces (every word of it, in any order, against the
    /// stored folded name), and logins by any part of them.
    /// </summary>
    private static Func<MemberRow, bool> Matcher(string search)
    {
        var words = SearchText.Words(search);
        var folded = string.Join(' ', words);
        var digits = new string(search.Where(char.IsAsciiDigit).ToArray());
        var phoneDigits = PhoneNumber.TryNormalize(search, out var phone) ? phone[3..] : digits.TrimStart('0');
        return p => SearchText.ContainsAll(words, p.SearchName)
                    || (p.Email is not null && p.Email.Contains(folded, StringComparison.OrdinalIgnoreCase))
                    || (digits.Length >= 3 && p.NationalId is not null && p.NationalId.Contains(digits, StringComparison.Ordinal))
                    || (phoneDigits.Length >= 3 && p.Phone is not null && p.Phone.Contains(phoneDigits, StringComparison.Ordinal));
    }

    private sealed record UserFacts
    {
        public Guid Id { get; init; }
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string? NationalId { get; init; }
        public string? Phone { get; init; }
        public DateTimeOffset? DisabledAt { get; init; }
        public DateTimeOffset? ClaimedAt { get; init; }
        public Guid? CreatedByInstitutionId { get; init; }
        public Guid? MergedInto { get; init; }
    }

    private static readonly Sql FactsSql = Sql.Portable(
        "SELECT id, display_name, email, national_id, phone, disabled_at, claimed_at, created_by_institution_id, merged_into " +
        "FROM users WHERE id = @userId");
    private static readonly Sql RolesSql = Sql.Portable(
        "SELECT role FROM memberships WHERE institution_id = @institutionId AND user_id = @userId");
    private static readonly Sql AllPlacesSql = Sql.Portable(
        "SELECT c.id, c.name, CASE WHEN c.archived_at IS NULL THEN 0 ELSE 1 END AS archived " +
        "FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE cm.user_id = @userId AND c.institution_id = @institutionId");

    /// <summary>A member of the institution (any role), or null when they are not one.</summary>
    public async Task<PersonDetail?> GetAsync(Guid institutionId, Guid userId)
    {
        await using var connection = await db.OpenAsync();
        var roles = (await connection.QueryAsync<string>(db.Text(RolesSql), new { institutionId, userId })).AsList();
        if (roles.Count == 0) return null;
        var facts = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId });
        var classes = (await connection.QueryAsync<ClassPlace>(db.Text(AllPlacesSql), new { institutionId, userId }))
            .OrderBy(c => c.Archived).ThenBy(c => c.Name, ClassNameOrder.Instance).ToList();
        return new PersonDetail
        {
            Id = facts.Id, DisplayName = facts.DisplayName, Email = facts.Email, NationalId = facts.NationalId, Phone = facts.Phone,
            Roles = roles.OrderBy(r => Array.IndexOf(RoleOrder, r)).ToList(), Classes = classes,
            Disabled = facts.DisabledAt is not null, Claimed = facts.ClaimedAt is not null,
            MadeHere = facts.CreatedByInstitutionId == institutionId, MergedInto = facts.MergedInto,
        };
    }

    private static readonly Sql ByEmailSql = Sql.Portable("SELECT id FROM users WHERE email = @value AND id <> @userId");
    private static readonly Sql ByNationalIdSql = Sql.Portable("SELECT id FROM users WHERE national_id = @value AND id <> @userId");
    private static readonly Sql ByPhoneSql = Sql.Portable("SELECT id FROM users WHERE phone = @value AND id <> @userId");
    private static readonly Sql UpdateIdentitySql = Sql.Portable(
        "UPDATE users SET display_name = @DisplayName, search_name = @SearchName, email = @Email, national_id = @NationalId, phone = @Phone " +
        "WHERE id = @Id");

    /// <summary>
    /// Changes a person's name and logins (already checked for shape at the edge and normalised: name
    /// cleaned, e-mail lower case, phone +84…). Each login stays unique: checked first for a clear answer,
    /// and by the unique indexes for a race. The audit keeps names as they were and logins as
    /// <paramref name="maskForAudit"/> shows them (field, value), so the log holds no more personal data than it needs.
    /// </summary>
    public async Task<IdentityOutcome> ChangeIdentityAsync(
        Guid institutionId, Guid userId, IdentityChange change, Guid actorId, Func<string, string?, string?> maskForAudit) =>
        await db.InTransactionAsync<IdentityOutcome>(async (connection, transaction) =>
        {
            var before = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId }, transaction);
            static string? Next(string? requested, string? current) => requested is null ? current : requested.Length == 0 ? null : requested;
            var after = before with
            {
                DisplayName = change.DisplayName ?? before.DisplayName,
                Email = Next(change.Email, before.Email),
                Phone = Next(change.Phone, before.Phone),
                NationalId = Next(change.NationalId, before.NationalId),
            };
            if (after.Email is null && after.NationalId is null && after.Phone is null) return new IdentityOutcome.NoLogin();
            foreach (var (field, value, sql, old) in new[]
                     {
                         ("email", after.Email, ByEmailSql, before.Email), ("nationalId", after.NationalId, ByNationalIdSql, before.NationalId),
                         ("phone", after.Phone, ByPhoneSql, before.Phone),
                     })
                if (value is not null && value != old
                    && await connection.QuerySingleOrDefaultAsync<Guid?>(db.Text(sql), new { value, userId }, transaction) is not null)
                    return new IdentityOutcome.Taken(field, value);

            var changes = new Dictionary<string, string?[]>();
            if (after.DisplayName != before.DisplayName) changes["displayName"] = [before.DisplayName, after.DisplayName];
            if (after.Email != before.Email) changes["email"] = [before.Email, after.Email];
            if (after.NationalId != before.NationalId) changes["nationalId"] = [before.NationalId, after.NationalId];
            if (after.Phone != before.Phone) changes["phone"] = [before.Phone, after.Phone];
            if (changes.Count == 0) return new IdentityOutcome.Changed(changes);
            try
            {
                await connection.ExecuteAsync(db.Text(UpdateIdentitySql), new
                {
                    after.Id, after.DisplayName, SearchName = SearchText.Fold(after.DisplayName), after.Email, after.NationalId, after.Phone,
                }, transaction);
            }
            catch (DbException)
            {
                // Someone took one of the logins between the check and the write: the unique index decided.
                var field = changes.Keys.First(k => k != "displayName");
                return new IdentityOutcome.Taken(field, changes[field][1] ?? "");
            }
            var logged = changes.ToDictionary(c => c.Key,
                c => c.Key == "displayName" ? c.Value : c.Value.Select(v => maskForAudit(c.Key, v)).ToArray());
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId,
                changes.ContainsKey("displayName") && changes.Count == 1 ? AuditActions.Renamed : AuditActions.IdentityChanged, logged);
            return new IdentityOutcome.Changed(changes);
        });

    private static readonly Sql TargetClassSql = Sql.Portable(
        "SELECT id, name, CASE WHEN archived_at IS NULL THEN 0 ELSE 1 END AS archived FROM classes WHERE id = @classId AND institution_id = @institutionId");
    private static readonly Sql ActivePlacesSql = Sql.Portable(
        "SELECT c.id, c.name, 0 AS archived FROM class_members cm JOIN classes c ON c.id = cm.class_id " +
        "WHERE cm.user_id = @userId AND c.institution_id = @institutionId AND c.archived_at IS NULL");
    private static readonly Sql IsStudentSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE institution_id = @institutionId AND user_id = @userId AND role = 'student'");
    private static readonly Sql LeaveClassSql = Sql.Portable("DELETE FROM class_members WHERE class_id = @classId AND user_id = @userId");
    private static readonly Sql JoinClassSql = Sql.PerDialect(d => d.InsertIgnore(
        "class_members", ["class_id", "user_id"], ["@classId", "@userId"], ["class_id", "user_id"]));
    private static readonly Sql ClassCoursesSql = Sql.Portable("SELECT course_id FROM class_courses WHERE class_id = @classId");
    private static readonly Sql UnenrolSql = Sql.Portable("DELETE FROM enrolments WHERE course_id = @courseId AND user_id = @userId");
    private static readonly Sql EnrolSql = Sql.PerDialect(d => d.InsertIgnore(
        "enrolments", ["course_id", "user_id", "enrolled_at"], ["@courseId", "@userId", "@now"], ["course_id", "user_id"]));

    /// <summary>
    /// Moves a student to another class: out of their active classes here, into <paramref name="classId"/>;
    /// enrolled in the new class's courses and no longer in the old classes' (their answers, progress and
    /// grades stay where they are, so moving back finds them again).
    /// </summary>
    public async Task<MoveOutcome> MoveAsync(Guid institutionId, Guid userId, Guid classId, Guid actorId) =>
        await db.InTransactionAsync<MoveOutcome>(async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(db.Text(IsStudentSql), new { institutionId, userId }, transaction) == 0)
                return new MoveOutcome.NotAStudent();
            var target = await connection.QuerySingleOrDefaultAsync<ClassPlace>(db.Text(TargetClassSql), new { institutionId, classId }, transaction);
            if (target is null) return new MoveOutcome.ClassNotFound();
            if (target.Archived) return new MoveOutcome.ClassArchived();
            var from = (await connection.QueryAsync<ClassPlace>(db.Text(ActivePlacesSql), new { institutionId, userId }, transaction))
                .Where(c => c.Id != classId).ToList();

            var oldCourses = new HashSet<Guid>();
            foreach (var old in from)
            {
                oldCourses.UnionWith(await connection.QueryAsync<Guid>(db.Text(ClassCoursesSql), new { classId = old.Id }, transaction));
                await connection.ExecuteAsync(db.Text(LeaveClassSql), new { classId = old.Id, userId }, transaction);
            }
            var newCourses = (await connection.QueryAsync<Guid>(db.Text(ClassCoursesSql), new { classId }, transaction)).ToHashSet();
            await connection.ExecuteAsync(db.Text(JoinClassSql), new { classId, userId }, transaction);

            var left = 0;
            foreach (var courseId in oldCourses.Except(newCourses))
                left += await connection.ExecuteAsync(db.Text(UnenrolSql), new { courseId, userId }, transaction);
            var joined = 0;
            var now = clock.GetUtcNow();
            foreach (var courseId in newCourses)
                joined += await connection.ExecuteAsync(db.Text(EnrolSql), new { courseId, userId, now }, transaction) > 0 ? 1 : 0;

            var fromNames = from.Select(c => c.Name).ToList();
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId, AuditActions.Moved,
                new { from = fromNames, to = target.Name, coursesLeft = left, coursesJoined = joined });
            return new MoveOutcome.Moved(fromNames, target.Name, left, joined);
        });

    private static readonly Sql RemoveMembershipsSql = Sql.Portable(
        "DELETE FROM memberships WHERE institution_id = @institutionId AND user_id = @userId");
    private static readonly Sql PlacesHereSql = Sql.Portable(
        "SELECT cm.class_id FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE cm.user_id = @userId AND c.institution_id = @institutionId");

    /// <summary>
    /// Takes every role the person holds here and their places in its classes, and ends their enrolments
    /// in the courses those classes take (answers and grades stay); false when they were not a member.
    /// </summary>
    public async Task<bool> RemoveAsync(Guid institutionId, Guid userId, Guid actorId) =>
        await db.InTransactionAsync(async (connection, transaction) =>
        {
            var roles = (await connection.QueryAsync<string>(db.Text(RolesSql), new { institutionId, userId }, transaction)).AsList();
            if (roles.Count == 0) return false;
            var classIds = (await connection.QueryAsync<Guid>(db.Text(PlacesHereSql), new { institutionId, userId }, transaction)).AsList();
            var courses = new HashSet<Guid>();
            foreach (var classId in classIds)
            {
                courses.UnionWith(await connection.QueryAsync<Guid>(db.Text(ClassCoursesSql), new { classId }, transaction));
                await connection.ExecuteAsync(db.Text(LeaveClassSql), new { classId, userId }, transaction);
            }
            foreach (var courseId in courses) await connection.ExecuteAsync(db.Text(UnenrolSql), new { courseId, userId }, transaction);
            await connection.ExecuteAsync(db.Text(RemoveMembershipsSql), new { institutionId, userId }, transaction);
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, userId, AuditActions.Removed,
                new { roles, classes = classIds.Count });
            return true;
        });

    /// <summary>
    /// Where a person's records live. Facts of presence (a role, a class place, an enrolment, an item seen)
    /// held by both records keep the kept one's row. Graded work (attempts, results, answers) held by both
    /// for the same thing refuses the merge: the admin decides, nothing is dropped.
    /// </summary>
    private sealed record PersonTable(string Table, string UserColumn, string[] Key, bool Graded);

    private static readonly PersonTable[] PersonTables =
    [
        new("memberships", "user_id", ["institution_id", "role"], false),
        new("class_members", "user_id", ["class_id"], false),
        new("parent_links", "parent_id", ["student_id"], false),
        new("parent_links", "student_id", ["parent_id"], false),
        new("enrolments", "user_id", ["course_id"], false),
        new("course_staff", "user_id", ["course_id"], false),
        new("item_progress", "user_id", ["item_id"], false),
        new("content_watch", "user_id", ["course_item_id"], false),
        new("live_attendance", "user_id", ["run_id", "joined_at"], false),
        new("live_chat", "user_id", [], false),
        new("quiz_attempts", "user_id", ["quiz_id", "number"], true),
        new("course_results", "user_id", ["course_id"], true),
        new("live_poll_answers", "user_id", ["poll_id"], true),
        new("live_quiz_answers", "user_id", ["launch_id"], true),
        new("mooc_submissions", "user_id", ["assignment_id"], true),
    ];

    private static string Clash(PersonTable t) =>
        $"EXISTS (SELECT 1 FROM {t.Table} k WHERE k.{t.UserColumn} = @kept" +
        string.Concat(t.Key.Select(c => $" AND k.{c} = {t.Table}.{c}")) + ")";

    private static readonly Dictionary<PersonTable, (Sql Clashes, Sql DropClashes, Sql Move)> MergeSql = PersonTables.ToDictionary(
        t => t,
        t => (
            Sql.Portable($"SELECT COUNT(*) FROM {t.Table} WHERE {t.UserColumn} = @retired AND {Clash(t)}"),
            Sql.Portable($"DELETE FROM {t.Table} WHERE {t.UserColumn} = @retired AND {Clash(t)}"),
            Sql.Portable($"UPDATE {t.Table} SET {t.UserColumn} = @kept WHERE {t.UserColumn} = @retired")));

    private static readonly Sql OtherInstitutionsSql = Sql.Portable(
        "SELECT COUNT(*) FROM memberships WHERE user_id = @retired AND institution_id <> @institutionId");
    private static readonly Sql CredentialsSql = Sql.Portable("SELECT COUNT(*) FROM credentials WHERE user_id = @retired");
    private static readonly Sql SelfLinksSql = Sql.Portable("DELETE FROM parent_links WHERE parent_id = student_id");
    private static readonly Sql ClearLoginsSql = Sql.Portable(
        "UPDATE users SET email = NULL, national_id = NULL, phone = NULL, merged_into = @kept, disabled_at = @now WHERE id = @retired");
    private static readonly Sql TakeLoginsSql = Sql.Portable(
        "UPDATE users SET email = COALESCE(email, @email), national_id = COALESCE(national_id, @nationalId), phone = COALESCE(phone, @phone) " +
        "WHERE id = @kept");

    /// <summary>
    /// Merges two records of one person: everything <paramref name="retiredId"/> holds moves to
    /// <paramref name="keptId"/>, which also takes the logins it lacks; the retired record is disabled and
    /// points at the kept one. Refused when the retired record belongs to another institution too, holds
    /// credentials (issued in its name), or both hold graded work for the same thing.
    /// </summary>
    public async Task<MergeOutcome> MergeAsync(Guid institutionId, Guid keptId, Guid retiredId, Guid actorId) =>
        await db.InTransactionAsync<MergeOutcome>(async (connection, transaction) =>
        {
            var args = new { kept = keptId, retired = retiredId, institutionId };
            if (await connection.ExecuteScalarAsync<long>(db.Text(OtherInstitutionsSql), args, transaction) > 0)
                return new MergeOutcome.Refused("member-elsewhere");
            if (await connection.ExecuteScalarAsync<long>(db.Text(CredentialsSql), args, transaction) > 0)
                return new MergeOutcome.Refused("has-credentials");
            foreach (var table in PersonTables.Where(t => t.Graded))
                if (await connection.ExecuteScalarAsync<long>(db.Text(MergeSql[table].Clashes), args, transaction) > 0)
                    return new MergeOutcome.Refused("both-have-work", table.Table);

            var kept = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId = keptId }, transaction);
            var retired = await connection.QuerySingleAsync<UserFacts>(db.Text(FactsSql), new { userId = retiredId }, transaction);
            var moved = 0;
            foreach (var table in PersonTables)
            {
                if (table.Key.Length > 0) await connection.ExecuteAsync(db.Text(MergeSql[table].DropClashes), args, transaction);
                moved += await connection.ExecuteAsync(db.Text(MergeSql[table].Move), args, transaction);
            }
            await connection.ExecuteAsync(db.Text(SelfLinksSql), transaction: transaction);
            var now = clock.GetUtcNow();
            // The retired record lets go of its logins first: they are unique.
            await connection.ExecuteAsync(db.Text(ClearLoginsSql), new { kept = keptId, retired = retiredId, now }, transaction);
            await connection.ExecuteAsync(db.Text(TakeLoginsSql),
                new { kept = keptId, email = retired.Email, nationalId = retired.NationalId, phone = retired.Phone }, transaction);

            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, retiredId, AuditActions.MergedInto,
                new { into = keptId, name = kept.DisplayName, rows = moved });
            await audit.RecordAsync(connection, transaction, institutionId, actorId, AuditSubjects.Person, keptId, AuditActions.MergedFrom,
                new { from = retiredId, name = retired.DisplayName, rows = moved });
            return new MergeOutcome.Merged(moved);
        });
}
