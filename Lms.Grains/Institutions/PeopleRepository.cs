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
/// (<c>./build.sh bench people-list</c> and <c>bench roster</c> measure it).
/// </summary>
public sealed partial class PeopleRepository(Db db, AdminAudit audit, TimeProvider clock)
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
}
