namespace Lms.Grains.Courses;

public static class CourseKinds
{
    public const string Blended = "blended";
    public const string Mooc = "mooc";
    public static readonly IReadOnlyList<string> All = [Blended, Mooc];
}

public static class CourseStatuses
{
    public const string Draft = "draft";
    public const string Published = "published";
}

/// <summary>
/// Page and link items are the course's own. Other kinds (a live session, a quiz, a video) are
/// created by their feature, which keeps its record and points the item at it with
/// <see cref="ItemRow.RefId"/>.
/// </summary>
public static class ItemKinds
{
    public const string Page = "page";
    public const string Link = "link";

    /// <summary>The kinds anyone teaching may add through the course outline itself.</summary>
    public static readonly IReadOnlyList<string> Generic = [Page, Link];
}

/// <summary>A person's part in a course's teaching: the owner created it, teachers co-teach.</summary>
public static class StaffRoles
{
    public const string Owner = "owner";
    public const string Teacher = "teacher";
}

public sealed record CourseRow
{
    public Guid Id { get; init; }
    public Guid InstitutionId { get; init; }
    public string InstitutionName { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A course in someone's list, with what they are in it (owner, teacher or student).</summary>
public sealed record MyCourseRow
{
    public Guid Id { get; init; }
    public string Title { get; init; } = "";
    public string? Summary { get; init; }
    public string Kind { get; init; } = "";
    public string Status { get; init; } = "";
    public string InstitutionName { get; init; } = "";
    public string MyRole { get; init; } = "";
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>For a learner's own list: how many of the course's items they have seen, of how many.</summary>
    public int ItemsSeen { get; init; }
    public int ItemsTotal { get; init; }
}

public sealed record ModuleRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public string Title { get; init; } = "";
    public int Position { get; init; }
}

public sealed record ItemRow
{
    public Guid Id { get; init; }
    public Guid CourseId { get; init; }
    public Guid ModuleId { get; init; }
    public string Kind { get; init; } = "";
    public string Title { get; init; } = "";
    public string? Body { get; init; }
    public string? Url { get; init; }
    public int Position { get; init; }

    /// <summary>The feature's own record this item stands for (null for pages and links).</summary>
    public Guid? RefId { get; init; }

    /// <summary>After this, learners can no longer do the item's work (unless the staff extended them); null: no due date.</summary>
    public DateTimeOffset? DueAt { get; init; }
}

public sealed record CourseMemberRow
{
    public Guid Id { get; init; }
    public string DisplayName { get; init; } = "";
    public string? Email { get; init; }
    public string? NationalId { get; init; }
    public string Role { get; init; } = "";
    public int ItemsSeen { get; init; }
}

/// <summary>
/// Items a learner may not open yet, with when they open (a scheduled MOOC run releases items by date).
/// Registered by a feature; with none registered every item is open.
/// </summary>
public interface IItemAvailability
{
    Task<IReadOnlyDictionary<Guid, DateTimeOffset>> LockedAsync(Guid courseId, DateTimeOffset now);
}

/// <summary>Why a learner's work on an item is refused now: the run ended (<see cref="RunClosed"/>) or the item was due (<see cref="ItemClosed"/>).</summary>
public sealed record WorkClosed(string Reason, DateTimeOffset Since)
{
    public const string RunClosed = "run-closed";
    public const string ItemClosed = "item-closed";
}

/// <summary>
/// Whether a learner may still do work (mark a page done, start or answer a quiz, hand in) on an item now.
/// Registered by a feature (a MOOC run's end, an item's due date, an extension the staff granted); with none registered work never closes.
/// </summary>
public interface IWorkWindow
{
    /// <param name="itemId">The course item, or null with <paramref name="refId"/>: the feature record an item stands for (a quiz, an assignment).</param>
    /// <returns>Null while the learner may work; otherwise why not and since when.</returns>
    Task<WorkClosed?> ClosedAsync(Guid courseId, Guid userId, Guid? itemId, Guid? refId, DateTimeOffset now);
}

/// <summary>Told when a course's title, summary, kind or status changed (a catalogue refreshes what it shows).</summary>
public interface ICourseChanged
{
    Task OnCourseChangedAsync(Guid courseId);
}
